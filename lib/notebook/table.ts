/**
 * Tables as danfo DataFrames: built from rows or columns, rendered as HTML in a Jupyter cell
 * (danfo has no HTML output of its own), printed in a terminal, saved as CSV.
 *
 * We use `danfojs` (not `danfojs-node`): the same DataFrame API, but installable offline with npm
 * `overrides` that make it share the project's single tfjs 4 (see README, "Why danfojs").
 */
import type * as Danfo from 'danfojs/dist/danfojs-browser/src/index';
import { writeFileAtomic } from '../core/io';
import { escapeHtml, showHtml } from './display';

// danfojs declares its types only under package "exports", which the classic ("node10") module
// resolution used by tsc here and by tslab does not read: types come from the file, the value from
// the package entry.
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const dfd = require('danfojs') as typeof Danfo;
export type DataFrame = Danfo.DataFrame;

export type Cell = number | string | boolean | null;
export type Row = Record<string, Cell>;

/** A table cell from any value: numbers, strings, booleans as they are; anything else as JSON. */
function toCell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** A DataFrame from row objects (columns in first-seen order) or from named columns. */
export function dataFrame(data: readonly object[] | Record<string, readonly Cell[]>): DataFrame {
  if (Array.isArray(data)) {
    const rows = data as readonly Record<string, unknown>[];
    if (rows.length === 0) throw new Error('dataFrame(rows): needs at least one row');
    const cols: string[] = [];
    for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
    const byCol: Record<string, Cell[]> = {};
    for (const c of cols) byCol[c] = rows.map((r) => toCell(r[c]));
    return new dfd.DataFrame(byCol);
  }
  const columns = data as Record<string, readonly Cell[]>;
  const lens = Object.entries(columns).map(([k, v]) => [k, v.length] as const);
  if (lens.length === 0) throw new Error('dataFrame(columns): needs at least one column');
  if (new Set(lens.map((l) => l[1])).size > 1) {
    throw new Error(`dataFrame(columns): columns differ in length: ${lens.map(([k, n]) => `${k}=${n}`).join(', ')}`);
  }
  return new dfd.DataFrame(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, [...v]])));
}

function fmt(v: unknown, digits: number): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(digits - 1) : v.toPrecision(digits).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m));
  }
  return v === null || v === undefined ? '' : String(v);
}

/** Columns and rows of a DataFrame as plain arrays. */
export function tableData(df: DataFrame): { columns: string[]; rows: Cell[][] } {
  return { columns: df.columns.map(String), rows: df.values as Cell[][] };
}

/** An HTML table (user text escaped), numbers to `digits` significant digits. */
export function tableHtml(df: DataFrame, opts: { caption?: string; digits?: number } = {}): string {
  const digits = opts.digits ?? 4;
  const { columns, rows } = tableData(df);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((v) => `<td style="text-align:${typeof v === 'number' ? 'right' : 'left'}">${escapeHtml(fmt(v, digits))}</td>`).join('')}</tr>`)
    .join('\n');
  const cap = opts.caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(opts.caption)}</caption>` : '';
  return `<table class="pw-table" style="border-collapse:collapse;font-size:13px">${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** CSV text (RFC 4180 quoting). */
export function toCsv(df: DataFrame): string {
  const { columns, rows } = tableData(df);
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(q).join(','), ...rows.map((r) => r.map(q).join(','))].join('\n') + '\n';
}

export function saveCsv(df: DataFrame, file: string): string {
  writeFileAtomic(file, toCsv(df));
  return file;
}

/** Show a table: HTML in a Jupyter cell, danfo's box drawing in a terminal. */
export function showTable(df: DataFrame, opts: { caption?: string; digits?: number } = {}): void {
  if (showHtml(tableHtml(df, opts))) return;
  if (opts.caption) console.log(opts.caption);
  df.print();
}
