/**
 * Results files: `results/<notebook>.json` ({ notebook, preset, backend, seed, seconds, metrics })
 * plus one CSV per table under `results/<notebook>/`, and the committed reproduce data under
 * `data/<notebook>/`. One helper for every notebook and script.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendInfo, backendInfo } from '../core/backend';
import { readTextFile, writeFileAtomic } from '../core/io';
import { DataFrame, saveCsv } from './table';

/** The repository root (lib/notebook/ → ../..). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface NotebookResults {
  notebook: string;
  preset: string;
  backend: BackendInfo;
  seed: number | string;
  seconds: number;
  createdAt: string;
  metrics: Record<string, unknown>;
  /** CSV files written beside, relative to the project root */
  tables: string[];
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) throw new Error(`${what} must be letters, digits, '.', '_' or '-'; got "${name}"`);
}

/** Folder of committed data for a notebook: data/<notebook>/. */
export function dataDir(notebook: string): string {
  checkName(notebook, 'notebook');
  return path.join(PROJECT_ROOT, 'data', notebook);
}

/** Folder for results: results/ (override with PRECODING_RESULTS_DIR). */
export function resultsDir(): string {
  return process.env.PRECODING_RESULTS_DIR ? path.resolve(process.env.PRECODING_RESULTS_DIR) : path.join(PROJECT_ROOT, 'results');
}

/** Collects a notebook's outputs and writes them in one go at the end. */
export class ResultsWriter {
  private readonly t0 = Date.now();
  private readonly tables: string[] = [];

  constructor(
    readonly notebook: string,
    readonly preset: string,
    readonly seed: number | string,
  ) {
    checkName(notebook, 'notebook');
  }

  /** Save a table as results/<notebook>/<name>.csv (returns nothing, so a notebook cell ending here prints nothing). */
  table(name: string, df: DataFrame): void {
    checkName(name, 'table name');
    const file = saveCsv(df, path.join(resultsDir(), this.notebook, `${name}.csv`));
    const rel = path.relative(PROJECT_ROOT, file);
    if (!this.tables.includes(rel)) this.tables.push(rel);
  }

  /** Write results/<notebook>.json and return what was written. */
  write(metrics: Record<string, unknown>): NotebookResults {
    const res: NotebookResults = {
      notebook: this.notebook,
      preset: this.preset,
      backend: backendInfo(),
      seed: this.seed,
      seconds: (Date.now() - this.t0) / 1000,
      createdAt: new Date().toISOString(),
      metrics,
      tables: [...this.tables],
    };
    const text = JSON.stringify(res, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1);
    writeFileAtomic(path.join(resultsDir(), `${this.notebook}.json`), text + '\n');
    return res;
  }
}

/** Read a results JSON file with a clear error. */
export function readResults(file: string): NotebookResults {
  const text = readTextFile(file, 'results file');
  try {
    const r = JSON.parse(text) as NotebookResults;
    if (typeof r.notebook !== 'string' || typeof r.metrics !== 'object') throw new Error('missing notebook or metrics');
    return r;
  } catch (e) {
    throw new Error(`results file ${file} is not a valid results JSON: ${(e as Error).message}`);
  }
}

/** Save JSON data under data/<notebook>/<name>.json (committed reproduce results). */
export function saveData(notebook: string, name: string, value: unknown): string {
  checkName(name, 'data name');
  const file = path.join(dataDir(notebook), `${name}.json`);
  writeFileAtomic(file, JSON.stringify(value, null, 1) + '\n');
  return file;
}

/** Load JSON data saved by `saveData`; undefined when absent. */
export function loadData<T>(notebook: string, name: string): T | undefined {
  const file = path.join(dataDir(notebook), `${name}.json`);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(readTextFile(file, 'data file')) as T;
}
