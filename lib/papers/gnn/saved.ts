/**
 * The GNN saved run (`data/gnn-quantized-precoding/<preset>.json`): every result of a preset run and
 * every trained network (`train/checkpoint` @2, identity, validation and budget in the meta), in the
 * kit's saved-run format. The results are checked as finite JSON data with the expected sections;
 * their numbers are checked by recomputing them from the networks (`recomputeResults`, the saved-run
 * test), so an edited number fails.
 */
import { backendInfo } from '../../core/backend';
import { dataFile } from '../../kit/paths';
import { checkpointsByKey, checkpointSchema, readSavedRun, readSavedRunIfPresent, SAVED_RUN_FORMAT, SavedRun, savedRunSchema, Tolerance, writeSavedRun } from '../../kit/savedRun';
import { checkJsonData, Schema } from '../../kit/schema';
import type { Checkpoint } from '../../train/checkpoint';
import type { Progress } from '../../train/progress';
import { disposeNets, gnnNets, GnnNets, netToCheckpoint, PAPER } from './nets';
import { gnnPreset, GnnPreset, netKey } from './presets';
import { gnnResults, GnnResults } from './results';

export { PAPER };

const SECTIONS: readonly (keyof GnnResults)[] = [
  'table1Mrt', 'table1Gnn', 'patterns', 'linear', 'rates', 'gnnPatterns', 'scatter', 'flops', 'speedChecks', 'powerChecks', 'power', 'breakEvenHz', 'nets',
];

const resultsSchema: Schema<GnnResults> = {
  describe: 'the results of a GNN run',
  check: (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${p} must be an object`);
    for (const k of SECTIONS) if (!Array.isArray((v as Record<string, unknown>)[k])) throw new Error(`${p}.${k} must be a list`);
    checkJsonData(v, p);
    return v as GnnResults;
  },
};

const checkpoint = checkpointSchema;

export const gnnSavedRunSchema = savedRunSchema(PAPER, resultsSchema, checkpoint);
export type GnnSavedRun = SavedRun<GnnResults, Checkpoint>;

/** The checkpoints of a saved run by network key; a duplicate is an error naming the file. */
export function savedCheckpoints(run: GnnSavedRun, where = `saved run ${run.preset}`): Map<string, Checkpoint> {
  return checkpointsByKey(run.nets, (c) => {
    const meta = c.meta as Record<string, unknown>;
    return netKey({ channel: meta.channel as 'rayleigh', antennas: meta.antennas as number, users: meta.users as number, bits: meta.bits as number, estimator: meta.estimator === 'st-argmax' ? 'st-argmax' : undefined });
  }, where);
}

export function savedRunFile(preset: string): string {
  return dataFile(PAPER, preset);
}

export function readGnnRun(file: string): GnnSavedRun {
  const run = readSavedRun(file, gnnSavedRunSchema);
  savedCheckpoints(run, file);
  return run;
}

/** The committed run of a preset, or undefined when there is none. */
export function savedRunFor(preset: string): GnnSavedRun | undefined {
  const run = readSavedRunIfPresent(savedRunFile(preset), gnnSavedRunSchema);
  if (run) savedCheckpoints(run, savedRunFile(preset));
  return run;
}

export function toSavedRun(p: GnnPreset, seconds: number, r: GnnResults, nets: GnnNets): GnnSavedRun {
  return {
    format: SAVED_RUN_FORMAT, paper: PAPER, preset: p.name, seed: p.seed, backend: backendInfo().name, seconds,
    results: r, nets: [...nets.values()].map((n) => netToCheckpoint(n, p)),
  };
}

export function writeGnnRun(file: string, run: GnnSavedRun): string {
  savedCheckpoints(run, file);
  return writeSavedRun(file, run, gnnSavedRunSchema);
}

/** Networks (trained, or from `saved`) and every result of preset `p`. The caller disposes the nets. */
export async function runAll(p: GnnPreset, opts: { saved?: ReadonlyMap<string, Checkpoint>; trainMissing?: boolean; savedFrom?: string; progress?: Progress } = {}): Promise<{ nets: GnnNets; results: GnnResults }> {
  const nets = await gnnNets(p, opts);
  try {
    return { nets, results: gnnResults(p, nets) };
  } catch (e) {
    disposeNets(nets);
    throw e;
  }
}

/** Every result of a saved run recomputed from its networks alone (never training). */
export async function recomputeResults(run: GnnSavedRun): Promise<GnnResults> {
  const p = { ...gnnPreset(run.preset), seed: typeof run.seed === 'number' ? run.seed : Number.parseInt(run.seed, 10) };
  const { nets, results } = await runAll(p, { saved: savedCheckpoints(run), trainMissing: false, savedFrom: `saved run ${run.preset}` });
  disposeNets(nets);
  // training wall times are what the run measured, not recomputable
  return { ...results, nets: results.nets.map((n, i) => ({ ...n, seconds: run.results.nets[i]?.seconds ?? n.seconds })) };
}

/** Same backend and seed give the same bits: only float rounding is allowed. */
export const savedTolerance: Tolerance = (path) => (/\.seconds$/.test(path) ? 'skip' : 1e-6);
