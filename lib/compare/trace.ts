/**
 * Numbers with their origin: every number of the side-by-side tables is read from a committed file at a
 * JSON path (`results.fig2.unfolded[3]`), and carries the file and the path, so a test can read it back.
 * A derived number's path says how it was derived: `−p` (negated), `mean(p)` (of an array) or `p − q` (a
 * difference of two numbers of the same file); `tracedValue` evaluates every form.
 */
import * as path from 'node:path';
import { PROJECT_ROOT } from '../kit/paths';

/** A number read from a committed file: `file` relative to the repository root, `path` into its JSON. */
export interface Traced {
  value: number;
  /** its standard error, when the file stores one beside it (`{ mean, se }`) */
  se?: number;
  file: string;
  path: string;
}

/** `results.fig2.L[3]`, `nets[5].meta.trainingBudget.channels`, `results.fig3.at1e2["nno/t8"].snrDb` → keys. */
export function pathKeys(p: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]+)"\]/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(p)) !== null) {
    if (m.index !== end) throw new Error(`pathKeys(path): cannot read "${p}" at ${end}`);
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]));
    end = re.lastIndex;
    if (p[end] === '.') end++;
  }
  if (end !== p.length || keys.length === 0 || p.endsWith('.')) throw new Error(`pathKeys(path): cannot read "${p}"`);
  return keys;
}

/** The value at `p` in `json`; an error names the first key that is missing. */
export function valueAt(json: unknown, p: string): unknown {
  let cur: unknown = json;
  for (const k of pathKeys(p)) {
    if (cur === null || typeof cur !== 'object' || !(k in (cur as Record<string | number, unknown>))) throw new Error(`valueAt: "${p}" has no ${typeof k === 'number' ? `[${k}]` : `"${k}"`}`);
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** The number at `p` (or `{ mean, se }` there) as a `Traced` of `file` (absolute or repository-relative). */
export function traced(json: unknown, file: string, p: string): Traced {
  const rel = path.isAbsolute(file) ? path.relative(PROJECT_ROOT, file) : file;
  const v = valueAt(json, p);
  if (typeof v === 'number' && Number.isFinite(v)) return { value: v, file: rel, path: p };
  if (v !== null && typeof v === 'object' && typeof (v as { mean?: unknown }).mean === 'number') {
    const { mean, se } = v as { mean: number; se?: unknown };
    return { value: mean, ...(typeof se === 'number' ? { se } : {}), file: rel, path: p };
  }
  throw new Error(`traced: ${rel} at "${p}" is not a finite number or { mean, se }; got ${JSON.stringify(v)?.slice(0, 80)}`);
}

/** The index of the first element of the array at `p` for which `pick` holds; an error says what was sought. */
export function indexWhere<T>(json: unknown, p: string, pick: (x: T) => boolean, what: string): number {
  const a = valueAt(json, p);
  if (!Array.isArray(a)) throw new Error(`indexWhere: "${p}" is not an array`);
  const i = (a as T[]).findIndex(pick);
  if (i < 0) throw new Error(`indexWhere: no entry of "${p}" is ${what}`);
  return i;
}

/** The mean of the numbers of the array at `p` (a saved parameter's values). */
export function meanAt(json: unknown, p: string): number {
  const a = valueAt(json, p);
  if (!Array.isArray(a) || a.length === 0 || !a.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`meanAt: "${p}" is not a non-empty array of finite numbers`);
  return (a as number[]).reduce((s, x) => s + x, 0) / a.length;
}

/** The number a `Traced` path denotes in `json`: `p`, `mean(p)`, `−p` or `p − q` (means of `{ mean, se }` entries). */
export function tracedValue(json: unknown, p: string): number {
  const num = (q: string) => {
    const m = /^mean\((.+)\)$/.exec(q.trim());
    return m ? meanAt(json, m[1]) : traced(json, '', q.trim()).value;
  };
  const parts = p.split(' − ');
  if (parts.length === 2) return num(parts[0]) - num(parts[1]);
  if (parts.length === 1) return p.startsWith('−') ? -num(p.slice(1)) : num(p);
  throw new Error(`tracedValue: "${p}" is none of p, mean(p), −p, p − q`);
}
