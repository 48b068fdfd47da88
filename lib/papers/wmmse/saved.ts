/**
 * The unfolded-WMMSE saved run (`data/unfolded-wmmse/<preset>.json`): results of every figure and
 * every trained network, in the kit's versioned, schema-checked saved-run format. Each network is a
 * `train/checkpoint` (@2): its step sizes as the parameter `gamma` [L, K] ([L, 1] for 'same γ') and
 * its identity (SNR, L, K, variant), training budget and Fig. 3 loss curve in the meta.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../../core/backend';
import { Checkpoint, checkpointToJson } from '../../train/checkpoint';
import { dataFile } from '../../kit/paths';
import { checkpointSchema, readSavedRun, readSavedRunIfPresent, SAVED_RUN_FORMAT, SavedRun, savedRunSchema, writeSavedRun } from '../../kit/savedRun';
import { array, boolean, finite, integer, object, optional, record, Schema, string } from '../../kit/schema';
import type { MeanSe } from '../../kit/stats';
import { collectNets, ComplexityRow, netKey, Progressive, progressiveExtension, TrainedNet, WmmseResults, WsrVsLayers, wsrVsLayers, WsrVsSnr, wsrVsSnr } from './experiments';
import { wmmsePreset } from './presets';
import { unfoldedFlops } from './unfolded';
import { classicFlops } from './wmmse';

export const PAPER = 'unfolded-wmmse';

const numbers = array(finite);
const meanSe: Schema<MeanSe> = object({ mean: finite, se: finite });

/** In results the networks are stripped (saved once, under `nets`). */
const noNets: Schema<TrainedNet[]> = {
  describe: 'an empty list (networks are saved once, under nets)',
  check: (v, p) => {
    if (!Array.isArray(v) || v.length !== 0) throw new Error(`${p} must be an empty list (networks are saved once, under nets)`);
    return [];
  },
};

const wsrVsLayersSchema: Schema<WsrVsLayers> = object({
  snrDb: finite,
  L: array(integer),
  wmmse: numbers,
  unfolded: numbers,
  sameGamma: numbers,
  converged: finite,
  convergedIterations: finite,
  se: object({ wmmse: numbers, unfolded: numbers, sameGamma: numbers, converged: finite }),
  unfoldedMinusWmmse: array(meanSe),
  unfoldedMinusSameGamma: array(meanSe),
  sameGammaMinusWmmse: array(meanSe),
  testChannels: integer,
  seedSpread: optional(object({ seeds: integer, L: array(integer), unfolded: array(numbers), unfoldedMinusWmmse: array(meanSe) })),
  nets: noNets,
});

const progressiveSchema: Schema<Progressive> = object({
  snrDb: finite,
  L: array(integer),
  wmmse: numbers,
  converged: finite,
  byK: record(numbers),
  se: record(numbers),
  finalMinusWmmse: array(meanSe),
  nets: noNets,
});

const wsrVsSnrSchema: Schema<WsrVsSnr> = object({
  snrDb: numbers,
  layers: integer,
  wmmse: numbers,
  unfolded: numbers,
  sameGamma: numbers,
  converged: numbers,
  unfoldedMinusWmmse: array(meanSe),
  sameGammaMinusWmmse: array(meanSe),
  nets: noNets,
});

const complexityRow: Schema<ComplexityRow> = object({
  L: integer,
  unfoldedFlops: finite,
  classicFlops: finite,
  unfoldedMs: finite,
  classicMs: finite,
  backend: string,
});

const results: Schema<WmmseResults> = object({ fig2: wsrVsLayersSchema, fig4: wsrVsLayersSchema, fig5: progressiveSchema, fig6: wsrVsSnrSchema, complexity: array(complexityRow) });

/** What the meta of a WMMSE network's checkpoint holds besides the required fields. */
const netMeta = object(
  { snrDb: finite, layers: integer, pgdSteps: integer, sameGamma: boolean, trainingChannels: integer, loss: optional(numbers), trainingSeed: optional(integer) },
  { allowExtra: true },
);

const checkpoint = checkpointSchema;

/** A network from its checkpoint (errors name `where`). */
export function netFromCheckpoint(c: Checkpoint, where: string): TrainedNet {
  const m = netMeta.check(c.meta, `${where}.meta`);
  const g = c.params.gamma;
  const width = m.sameGamma ? 1 : m.pgdSteps;
  if (!g || g.shape.length !== 2 || g.shape[0] !== m.layers || g.shape[1] !== width) {
    throw new Error(`${where}: parameter "gamma" must have shape [${m.layers}, ${width}] (L × K step sizes); got ${g ? `[${g.shape}]` : 'none'}`);
  }
  const gamma = Array.from({ length: m.layers }, (_, l) => g.values.slice(l * width, (l + 1) * width));
  return {
    snrDb: m.snrDb, layers: m.layers, pgdSteps: m.pgdSteps, sameGamma: m.sameGamma, gamma, trainingChannels: m.trainingChannels,
    ...(m.loss ? { loss: m.loss } : {}), ...(m.trainingSeed !== undefined ? { trainingSeed: m.trainingSeed } : {}),
  };
}

/** A network as a checkpoint of this run (preset, seed, backend; budget from the batch size). */
export function netToCheckpoint(net: TrainedNet, run: { preset: string; seed: number | string; backend: string; batchSize: number }): Checkpoint {
  const gamma = tf.tensor2d(net.gamma);
  try {
    return checkpointToJson({ gamma }, {
      paper: PAPER, preset: run.preset, seed: run.seed, backend: run.backend,
      trainingBudget: { steps: Math.round(net.trainingChannels / run.batchSize), batchSize: run.batchSize, channels: net.trainingChannels },
      snrDb: net.snrDb, layers: net.layers, pgdSteps: net.pgdSteps, sameGamma: net.sameGamma, trainingChannels: net.trainingChannels,
      ...(net.loss ? { loss: net.loss } : {}), ...(net.trainingSeed !== undefined ? { trainingSeed: net.trainingSeed } : {}),
    });
  } finally {
    gamma.dispose();
  }
}

/** The schema of the WMMSE saved-run file. */
export const wmmseSavedRunSchema = savedRunSchema(PAPER, results, checkpoint);

export type WmmseSavedRun = SavedRun<WmmseResults, Checkpoint>;

/** The networks of a saved run (one per SNR, L, K and variant; errors name the file and the entry). */
export function savedNets(run: WmmseSavedRun, where = `saved run ${run.preset}`): TrainedNet[] {
  const seen = new Set<string>();
  return run.nets.map((c, i) => {
    const n = netFromCheckpoint(c, `${where}: nets[${i}]`);
    const key = netKey(n);
    if (seen.has(key)) throw new Error(`${where}: nets[${i}] (${key}) appears twice`);
    seen.add(key);
    return n;
  });
}

/** Check the networks of a run (decodes each once). */
function checkNets(run: WmmseSavedRun, where: string): WmmseSavedRun {
  savedNets(run, where);
  return run;
}

/** The file of a preset's saved run. */
export function savedRunFile(preset: string): string {
  return dataFile(PAPER, preset);
}

/** Read a saved run (errors name the file and the entry); `file` defaults to the preset's committed one. */
export function readWmmseRun(file: string): WmmseSavedRun {
  return checkNets(readSavedRun(file, wmmseSavedRunSchema), file);
}

/** The committed run of a preset, or undefined when there is none. */
export function savedRunFor(preset: string): WmmseSavedRun | undefined {
  const file = savedRunFile(preset);
  const run = readSavedRunIfPresent(file, wmmseSavedRunSchema);
  return run && checkNets(run, file);
}

/** A run as saved: results without their nets, every network once. */
export function toSavedRun(preset: string, seed: number | string, seconds: number, r: WmmseResults): WmmseSavedRun {
  const strip = <T extends { nets: TrainedNet[] }>(x: T): T => ({ ...x, nets: [] });
  const backend = backendInfo().name;
  const batchSize = wmmsePreset(preset).train.batch;
  return {
    format: SAVED_RUN_FORMAT,
    paper: PAPER,
    preset,
    seed,
    backend,
    seconds,
    results: { fig2: strip(r.fig2), fig4: strip(r.fig4), fig5: strip(r.fig5), fig6: strip(r.fig6), complexity: r.complexity },
    nets: collectNets(r.fig2, r.fig4, r.fig5, r.fig6).map((n) => netToCheckpoint(n, { preset, seed, backend, batchSize })),
  };
}

/** Write a run to `file` (checked first; nothing written when it does not pass). */
export function writeWmmseRun(file: string, run: WmmseSavedRun): string {
  return writeSavedRun(file, checkNets(run, file), wmmseSavedRunSchema);
}

/**
 * Every figure of a saved run recomputed from its networks alone (never training): Figs. 2, 4, 5, 6
 * on the regenerated test set (same seed → same channels), and the operation counts of the
 * complexity table (its timings are measurements, kept as saved).
 */
export async function recomputeResults(run: WmmseSavedRun): Promise<WmmseResults> {
  const p = wmmsePreset(run.preset);
  const opts = { saved: savedNets(run), trainMissing: false, savedFrom: `saved run ${run.preset}` };
  const fig2 = await wsrVsLayers(p, { snrDb: p.snrFig2, seed: run.seed }, opts);
  const fig4 = await wsrVsLayers(p, { snrDb: p.snrFig4, seed: run.seed }, opts);
  const fig5 = await progressiveExtension(p, run.seed, fig4, opts);
  const fig6 = await wsrVsSnr(p, run.seed, opts);
  const complexity = run.results.complexity.map((r) => ({
    ...r,
    unfoldedFlops: unfoldedFlops({ antennas: p.antennas, users: p.users, layers: r.L, pgdSteps: p.pgdSteps }),
    classicFlops: r.L * classicFlops({ antennas: p.antennas, users: p.users }),
  }));
  const strip = <T extends { nets: TrainedNet[] }>(x: T): T => ({ ...x, nets: [] });
  return { fig2: strip(fig2), fig4: strip(fig4), fig5: strip(fig5), fig6: strip(fig6), complexity };
}

/**
 * How closely a recomputed number must match the saved one: classic WMMSE (float64, deterministic),
 * the grid and the operation counts to 1e-9; what comes from the unfolded networks (float32 tfjs,
 * whose rounding differs between backends; on the backend that trained them it is bit-exact) to
 * 2e-3 bit/s/Hz for means and 2e-4 for standard errors; measured timings are not compared.
 */
export function savedTolerance(path: string): number | 'skip' {
  if (/\.complexity\[\d+\]\.(unfoldedMs|classicMs|backend)$/.test(path)) return 'skip';
  if (/\.(wmmse|converged|convergedIterations|L|snrDb|testChannels|layers)(\[\d+\])?$/.test(path)) return 1e-9;
  if (/\.complexity\[\d+\]\./.test(path)) return 1e-9;
  if (/\.se(\.|$)/.test(path)) return 2e-4;
  return 2e-3;
}
