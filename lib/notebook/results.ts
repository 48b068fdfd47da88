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

import { checkName, dataDir, dataFile, PROJECT_ROOT } from '../kit/paths';

export { dataDir, PROJECT_ROOT };

/** A value of a notebook parameter (what the parameters cell declares). */
export type ParamValue = string | number | boolean | null;

/** The parameters that produced a notebook's results: at least the preset and the seed. */
export interface ResultParams {
  preset: string;
  seed: number | string;
  [name: string]: ParamValue;
}

export interface NotebookResults {
  notebook: string;
  preset: string;
  backend: BackendInfo;
  seed: number | string;
  /** every recorded parameter (preset and seed among them), as they were when the results were made */
  params: ResultParams;
  seconds: number;
  createdAt: string;
  metrics: Record<string, unknown>;
  /** CSV files written beside, relative to the project root */
  tables: string[];
}


/** Folder for results: results/ (override with PRECODING_RESULTS_DIR). */
export function resultsDir(): string {
  return process.env.PRECODING_RESULTS_DIR ? path.resolve(process.env.PRECODING_RESULTS_DIR) : path.join(PROJECT_ROOT, 'results');
}

function snapshot(params: ResultParams | (() => ResultParams)): ResultParams {
  const p = typeof params === 'function' ? params() : params;
  if (!p || typeof p !== 'object') throw new Error('ResultsWriter(params): must be an object or a function returning one, e.g. () => ({ preset: p.name, seed: seed })');
  if (typeof p.preset !== 'string') throw new Error(`ResultsWriter(params): preset must be a string; got ${String(p.preset)}`);
  if (typeof p.seed !== 'number' && typeof p.seed !== 'string') throw new Error(`ResultsWriter(params): seed must be a number or a string; got ${String(p.seed)}`);
  for (const [k, v] of Object.entries(p)) {
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) throw new Error(`ResultsWriter(params): ${k} must be a string, number, boolean or null; got ${typeof v}`);
  }
  return { ...p };
}

function differences(a: ResultParams, b: ResultParams): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k} = ${JSON.stringify(a[k])} then, ${JSON.stringify(b[k])} now`);
}

/**
 * Collects a notebook's outputs and writes them in one go at the end.
 *
 * `params` is read when each table is saved and again when the results are written, so a notebook
 * passes a function over the values its cells use, e.g. `() => ({ preset: p.name, seed: seed })`:
 * after a parameter is edited and only some cells are re-run, `write` refuses to mix results made
 * with different parameters, naming the table and the parameter, instead of recording the wrong one.
 */
export class ResultsWriter {
  private readonly t0 = Date.now();
  private readonly tables = new Map<string, ResultParams>();

  constructor(
    readonly notebook: string,
    private readonly params: ResultParams | (() => ResultParams),
  ) {
    checkName(notebook, 'notebook');
    snapshot(params);
  }

  /** Save a table as results/<notebook>/<name>.csv (returns nothing, so a notebook cell ending here prints nothing). */
  table(name: string, df: DataFrame): void {
    checkName(name, 'table name');
    const params = snapshot(this.params);
    const file = saveCsv(df, path.join(resultsDir(), this.notebook, `${name}.csv`));
    this.tables.set(path.relative(PROJECT_ROOT, file), params);
  }

  /**
   * Write results/<notebook>.json and return what was written. Throws, writing nothing, when a table
   * was made with other parameters than the current ones.
   */
  write(metrics: Record<string, unknown>): NotebookResults {
    const params = snapshot(this.params);
    for (const [file, made] of this.tables) {
      const diff = differences(made, params);
      if (diff.length) {
        throw new Error(
          `results of ${this.notebook}: ${file} was made with other parameters (${diff.join('; ')}); ` +
            'run the notebook again from the parameters cell down (Run → Run All Below) before writing. Nothing was written.',
        );
      }
    }
    const res: NotebookResults = {
      notebook: this.notebook,
      preset: params.preset,
      backend: backendInfo(),
      seed: params.seed,
      params,
      seconds: (Date.now() - this.t0) / 1000,
      createdAt: new Date().toISOString(),
      metrics,
      tables: [...this.tables.keys()],
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
  const file = dataFile(notebook, name);
  writeFileAtomic(file, JSON.stringify(value, null, 1) + '\n');
  return file;
}

/** Load JSON data saved by `saveData`, unchecked (check it with a schema, lib/kit/schema); undefined when absent. */
export function loadData(notebook: string, name: string): unknown {
  const file = dataFile(notebook, name);
  if (!fs.existsSync(file)) return undefined;
  const text = readTextFile(file, 'data file');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`data file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}
