/**
 * Saved runs: what a paper notebook commits under `data/<paper>/<preset>.json` after a long run —
 * its results and every trained network — in one versioned, schema-checked file. A notebook with
 * `useSaved` loads it instead of training; the saved-run test re-evaluates every network in it and
 * compares every saved number (`compareResults`), so a file edited by hand fails.
 */
import * as fs from 'node:fs';
import { readTextFile, writeFileAtomic } from '../core/io';
import { Checkpoint, checkpointFromJson, CHECKPOINT_FORMAT } from '../train/checkpoint';
import { finite, literal, numberOrString, object, Schema, string, array } from './schema';

export const SAVED_RUN_FORMAT = 'precoding-workbook/saved-run@2';

export interface SavedRun<R, N> {
  format: typeof SAVED_RUN_FORMAT;
  /** the paper module that wrote it, e.g. "unfolded-wmmse" */
  paper: string;
  preset: string;
  seed: number | string;
  /** tfjs backend the networks were trained on */
  backend: string;
  /** wall-clock seconds of the whole run */
  seconds: number;
  results: R;
  nets: N[];
}

/** A trained network as a saved run stores it: an @2 checkpoint, validated by train/checkpoint's rules. */
export const checkpointSchema: Schema<Checkpoint> = {
  describe: `a checkpoint (${CHECKPOINT_FORMAT})`,
  check: (v, path) => {
    const c = checkpointFromJson(v, path);
    if (c.format !== CHECKPOINT_FORMAT) throw new Error(`${path}: networks are saved as ${CHECKPOINT_FORMAT} checkpoints`);
    return c;
  },
};

/** The schema of one paper's saved-run file. */
export function savedRunSchema<R, N>(paper: string, results: Schema<R>, net: Schema<N>): Schema<SavedRun<R, N>> {
  return object({
    format: literal(SAVED_RUN_FORMAT),
    paper: literal(paper),
    preset: string,
    seed: numberOrString,
    backend: string,
    seconds: finite,
    results,
    nets: array(net),
  }) as Schema<SavedRun<R, N>>;
}

/** Read and check a saved run; every error names the file (and the entry that is wrong). */
export function readSavedRun<R, N>(file: string, schema: Schema<SavedRun<R, N>>): SavedRun<R, N> {
  const text = readTextFile(file, 'saved run');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`saved run ${file} is not valid JSON (truncated or edited?): ${(e as Error).message}`);
  }
  return schema.check(raw, file);
}

/** Read a saved run when the file exists; undefined when it does not. */
export function readSavedRunIfPresent<R, N>(file: string, schema: Schema<SavedRun<R, N>>): SavedRun<R, N> | undefined {
  return fs.existsSync(file) ? readSavedRun(file, schema) : undefined;
}

/** Check a run against its schema, then write it atomically (nothing is written when it does not pass). */
export function writeSavedRun<R, N>(file: string, run: SavedRun<R, N>, schema: Schema<SavedRun<R, N>>): string {
  schema.check(JSON.parse(JSON.stringify(run)) as unknown, `saved run for ${file}`);
  writeFileAtomic(file, JSON.stringify(run, null, 1) + '\n');
  return file;
}

/**
 * A network from a saved run when it has one under `key`, else trained by `train` — unless training
 * is not allowed (`trainMissing: false`, what loading a saved run means), then an error naming the
 * file and the entry.
 */
export async function trainedOrSaved<N>(
  key: string,
  saved: ReadonlyMap<string, N> | undefined,
  train: () => Promise<N>,
  opts: { trainMissing?: boolean; where?: string } = {},
): Promise<N> {
  const found = saved?.get(key);
  if (found !== undefined) return found;
  if (opts.trainMissing === false) {
    throw new Error(`${opts.where ?? 'saved run'}: has no network ${key}, and loading saved results never trains (run the notebook with useSaved = false to train it)`);
  }
  return train();
}

/**
 * The checkpoints of a saved run by network key (`keyOf` reads a checkpoint's meta; `where` names the
 * entry in its errors); a key used twice is an error naming the file and both entries.
 */
export function checkpointsByKey<C>(nets: readonly C[], keyOf: (c: C, where: string) => string, where = 'saved run'): Map<string, C> {
  const m = new Map<string, C>();
  nets.forEach((c, i) => {
    const key = keyOf(c, `${where}: nets[${i}]`);
    if (m.has(key)) throw new Error(`${where}: nets[${i}] (${key}) appears twice`);
    m.set(key, c);
  });
  return m;
}

/**
 * Each spec's network, in order, restored from `saved` (by `key(spec)`) or trained (`trainedOrSaved`'s
 * rules); `only` keeps a worker's share. On an error the networks made so far are disposed.
 */
export async function trainOrRestore<S, N, C>(specs: readonly S[], o: {
  key: (s: S) => string;
  restore: (c: C, where: string) => N;
  train: (s: S) => Promise<N>;
  dispose: (n: N) => void;
  saved?: ReadonlyMap<string, C>;
  trainMissing?: boolean;
  savedFrom?: string;
  only?: readonly string[];
}): Promise<Map<string, N>> {
  const out = new Map<string, N>();
  try {
    for (const spec of specs) {
      const key = o.key(spec);
      if (o.only && !o.only.includes(key)) continue;
      const c = o.saved?.get(key);
      const n = await trainedOrSaved<N>(key, c !== undefined ? new Map([[key, o.restore(c, `${o.savedFrom ?? 'saved run'}: ${key}`)]]) : undefined, () => o.train(spec), { trainMissing: o.trainMissing, where: o.savedFrom });
      out.set(key, n);
    }
    return out;
  } catch (e) {
    for (const n of out.values()) o.dispose(n);
    throw e;
  }
}

/** Index networks by key; two networks with one key are an error naming it. */
export function indexNets<N>(nets: N[], key: (n: N) => string, where = 'saved run'): Map<string, N> {
  const m = new Map<string, N>();
  for (const n of nets) {
    const k = key(n);
    if (m.has(k)) throw new Error(`${where}: network ${k} appears twice`);
    m.set(k, n);
  }
  return m;
}

/** How two numbers at a path are compared: an absolute tolerance, or 'skip' (measured timings…). */
export type Tolerance = (path: string) => number | 'skip';

/**
 * Every difference between saved results and the same results recomputed: numbers further apart
 * than the tolerance of their path, and any difference in structure, strings or booleans. Returns
 * one line per difference ("results.fig5.byK.6[2]: saved 17.61, recomputed 17.59"); empty when equal.
 */
export function compareResults(saved: unknown, recomputed: unknown, tolerance: Tolerance, path = 'results'): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, p: string): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      const tol = tolerance(p);
      if (tol === 'skip') return;
      if (!(Math.abs(a - b) <= tol)) out.push(`${p}: saved ${a}, recomputed ${b} (tolerance ${tol})`);
      return;
    }
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
        out.push(`${p}: saved ${Array.isArray(a) ? `${a.length} items` : typeof a}, recomputed ${Array.isArray(b) ? `${b.length} items` : typeof b}`);
        return;
      }
      a.forEach((x, i) => walk(x, b[i], `${p}[${i}]`));
      return;
    }
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
      const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
      for (const k of new Set([...ka, ...kb])) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${p}.${k}`);
      return;
    }
    if (a !== b && tolerance(p) !== 'skip') out.push(`${p}: saved ${JSON.stringify(a)}, recomputed ${JSON.stringify(b)}`);
  };
  walk(saved, recomputed, path);
  return out;
}

/**
 * Re-evaluate a saved run and compare: `recompute` must rebuild the results from the run's networks
 * alone (no training). Returns the differences (`compareResults`); empty when the file is honest.
 */
export async function reproduceSavedRun<R, N>(
  run: SavedRun<R, N>,
  recompute: (run: SavedRun<R, N>) => Promise<R>,
  tolerance: Tolerance,
): Promise<{ recomputed: R; differences: string[] }> {
  const recomputed = await recompute(run);
  return { recomputed, differences: compareResults(run.results, JSON.parse(JSON.stringify(recomputed)) as unknown, tolerance) };
}
