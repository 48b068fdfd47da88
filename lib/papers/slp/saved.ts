/**
 * The SLP-SQ saved run (`data/slp-quantized-nn-weights/<preset>.json`): every result of a preset run
 * and every trained network (`train/checkpoint` @2), in the kit's saved-run format. The results are
 * checked as JSON data with the expected sections (null marks "not measured", e.g. BLP's constraint
 * violation); their numbers are checked by recomputing them from the networks (`recomputeResults`,
 * the saved-run test), so an edited number fails.
 */
import { backendInfo } from '../../core/backend';
import { dataFile } from '../../kit/paths';
import { checkpointsByKey, checkpointSchema, readSavedRun, readSavedRunIfPresent, SAVED_RUN_FORMAT, SavedRun, savedRunSchema, Tolerance, writeSavedRun } from '../../kit/savedRun';
import { checkJsonData, Schema } from '../../kit/schema';
import type { Checkpoint } from '../../train/checkpoint';
import type { Progress } from '../../train/progress';
import { slpClaims } from './claims';
import { disposeNets, netToCheckpoint, PAPER, slpNets, SlpNets, specOfMeta } from './nets';
import { netKey, slpPreset, SlpPreset } from './presets';
import { slpResults, SlpResults } from './results';

export { PAPER };

const SECTIONS: readonly (keyof SlpResults)[] = ['fig5', 'fig6a', 'fig6b', 'fig9a', 'fig7', 'seeds', 'complexityClaims', 'paperTypos', 'nets'];

const resultsSchema: Schema<SlpResults> = {
  describe: 'the results of an SLP-SQ run',
  check: (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${p} must be an object`);
    for (const k of SECTIONS) if (!Array.isArray((v as Record<string, unknown>)[k])) throw new Error(`${p}.${k} must be a list`);
    checkJsonData(v, p, { nulls: true });
    return v as SlpResults;
  },
};

export const slpSavedRunSchema = savedRunSchema(PAPER, resultsSchema, checkpointSchema);
export type SlpSavedRun = SavedRun<SlpResults, Checkpoint>;

/** The checkpoints of a saved run by network key; a duplicate is an error naming the file. */
export function savedCheckpoints(run: { nets: Checkpoint[] }, where = 'saved run'): Map<string, Checkpoint> {
  return checkpointsByKey(run.nets, (c, w) => netKey(specOfMeta(c.meta as Record<string, unknown>, w)), where);
}

export function savedRunFile(preset: string): string {
  return dataFile(PAPER, preset);
}

export function readSlpRun(file: string): SlpSavedRun {
  const run = readSavedRun(file, slpSavedRunSchema);
  savedCheckpoints(run, file);
  return run;
}

/** The committed run of a preset, or undefined when there is none. */
export function savedRunFor(preset: string): SlpSavedRun | undefined {
  const run = readSavedRunIfPresent(savedRunFile(preset), slpSavedRunSchema);
  if (run) savedCheckpoints(run, savedRunFile(preset));
  return run;
}

export function toSavedRun(p: SlpPreset, seconds: number, r: SlpResults, nets: SlpNets): SlpSavedRun {
  return {
    format: SAVED_RUN_FORMAT, paper: PAPER, preset: p.name, seed: p.seed, backend: backendInfo().name, seconds,
    results: r, nets: [...nets.values()].map((n) => netToCheckpoint(n, p)),
  };
}

export function writeSlpRun(file: string, run: SlpSavedRun): string {
  savedCheckpoints(run, file);
  return writeSavedRun(file, run, slpSavedRunSchema);
}

/** Networks (trained, or from `saved`) and every result of preset `p`. The caller disposes the nets. */
export async function runAll(p: SlpPreset, opts: { saved?: ReadonlyMap<string, Checkpoint>; trainMissing?: boolean; savedFrom?: string; progress?: Progress } = {}): Promise<{ nets: SlpNets; results: SlpResults }> {
  const nets = await slpNets(p, opts);
  try {
    return { nets, results: slpResults(p, nets) };
  } catch (e) {
    disposeNets(nets);
    throw e;
  }
}

/** Every result of a saved run recomputed from its networks alone (never training). */
export async function recomputeResults(run: SlpSavedRun): Promise<SlpResults> {
  const p = { ...slpPreset(run.preset), seed: typeof run.seed === 'number' ? run.seed : Number.parseInt(run.seed, 10) };
  const { nets, results } = await runAll(p, { saved: savedCheckpoints(run), trainMissing: false, savedFrom: `saved run ${run.preset}` });
  disposeNets(nets);
  // training wall times are what the run measured, not recomputable
  return { ...results, nets: results.nets.map((n, i) => ({ ...n, seconds: run.results.nets[i]?.seconds ?? n.seconds })) };
}

/** Same backend and seed give the same bits: only float rounding is allowed. */
export const savedTolerance: Tolerance = (path) => (/\.seconds$/.test(path) ? 'skip' : 1e-6);

/** tools/slpRun.ts merge: evaluate trained checkpoints together and write the saved run. */
export async function mergeRun(p: SlpPreset, saved: Map<string, Checkpoint>, from: string[]): Promise<void> {
  const t0 = Date.now();
  const { nets, results } = await runAll(p, { saved, trainMissing: false, savedFrom: from.join(', ') });
  const seconds = [...nets.values()].reduce((s, n) => s + n.seconds, 0) + (Date.now() - t0) / 1000;
  const file = writeSlpRun(savedRunFile(p.name), toSavedRun(p, seconds, results, nets));
  disposeNets(nets);
  console.log(`wrote ${file}: ${saved.size} networks, ${(seconds / 60).toFixed(1)} min of training and evaluation (summed over processes)`);
  for (const c of slpClaims(results, { headlineSinrDb: p.headlineSinrDb, quantRatio: p.quantRatio })) console.log(`${c.holds ? 'holds ' : 'FAILS '} ${c.id}: ${c.measured}`);
}
