/**
 * The NNO-C2PO saved run (`data/nno-c2po/<preset>.json`): the results of every figure and every
 * trained network, in the kit's versioned, schema-checked saved-run format. Each network is a
 * `train/checkpoint` (@2) with parameters `tau` and `rho` ([t_max] for NNO-C2PO, [1] for trained
 * C2PO) and its identity (training set, variant, t_max), validation losses and budget in the meta.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../../core/backend';
import { Checkpoint, checkpointToJson } from '../../train/checkpoint';
import { dataFile } from '../../kit/paths';
import { checkpointSchema, readSavedRun, readSavedRunIfPresent, SAVED_RUN_FORMAT, SavedRun, savedRunSchema, Tolerance, writeSavedRun } from '../../kit/savedRun';
import { array, finite, integer, object, optional, record, Schema } from '../../kit/schema';
import { channelStatistics, ChannelStats, ConventionRow, scaleConventions } from './analysis';
import { CHANNEL_MODELS, ChannelModel, DATA_NAME } from './channels';
import type { BerCurve, SnrAt } from './evaluate';
import { collectNets, Fig3, fig3, Figs45, FIG45_METHODS, Fig45Method, iterationsToTarget, IterationsTable, netKey, RunOptions, TrainedNet, TrainingSet } from './experiments';
import { C2poPreset, c2poPreset } from './presets';
import { C2PO_VARIANTS, C2poVariant } from './unfolded';

export const PAPER = DATA_NAME;

/** Everything a run computes (networks stripped: saved once, under `nets`). */
export interface C2poResults {
  fig3: Fig3;
  quadriga?: Figs45;
  geometric?: Figs45;
  conventions: ConventionRow[];
  channelStats: ChannelStats[];
}

const numbers = array(finite);

function oneOf<T extends string>(values: readonly T[]): Schema<T> {
  return {
    describe: `one of ${values.join(', ')}`,
    check: (v, p) => {
      if (!values.includes(v as T)) throw new Error(`${p} must be one of ${values.join(', ')}; got ${JSON.stringify(v)}`);
      return v as T;
    },
  };
}

function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return { describe: `${inner.describe} or null`, check: (v, p) => (v === null ? null : inner.check(v, p)) };
}

const noNets: Schema<TrainedNet[]> = {
  describe: 'an empty list (networks are saved once, under nets)',
  check: (v, p) => {
    if (!Array.isArray(v) || v.length !== 0) throw new Error(`${p} must be an empty list (networks are saved once, under nets)`);
    return [];
  },
};

const berCurve: Schema<BerCurve> = object({ snrDb: numbers, ber: numbers, low: numbers, high: numbers, bitErrors: array(integer), bits: integer });
const snrAtSchema: Schema<SnrAt> = object({ target: finite, snrDb: optional(finite), low: optional(finite), high: optional(finite) });

const fig3Schema: Schema<Fig3> = object({
  snrDb: numbers, iterations: array(integer), evalSamples: integer, noiseDraws: integer,
  curves: record(berCurve), at1e2: record(snrAtSchema), at1e3: record(snrAtSchema), nets: noNets,
});

function methodRecord<T>(item: Schema<T>): Schema<Record<Fig45Method, T>> {
  return object(Object.fromEntries(FIG45_METHODS.map((m) => [m, item])) as Record<Fig45Method, Schema<T>>) as unknown as Schema<Record<Fig45Method, T>>;
}

const table: Schema<IterationsTable> = object({
  family: oneOf(['quadriga', 'geometric'] as const),
  condition: oneOf(['los', 'nlos'] as const),
  snrDb: numbers, iterations: array(integer), target: finite, evalSamples: integer,
  ber: methodRecord(array(numbers)), high: methodRecord(array(numbers)),
  minIterations: methodRecord(array(nullable(integer))), powerAtTarget: methodRecord(array(nullable(finite))),
});
const figs45: Schema<Figs45> = object({ family: oneOf(['quadriga', 'geometric'] as const), tables: array(table), nets: noNets });

const convention: Schema<ConventionRow> = object({
  convention: oneOf(['unit-energy, P = 1', '±1 ±3, ξ = 1'] as const),
  iterations: integer, symbolEnergy: finite, power: finite, xi: finite, clipped: finite, curve: berCurve, snrAt1e2: optional(finite),
});
const stats: Schema<ChannelStats> = object({
  model: oneOf(CHANNEL_MODELS), samples: integer, spreadMedianDb: finite, spread90Db: finite, userCorrelation: finite, powerPerAntenna: finite,
});

const results: Schema<C2poResults> = object({ fig3: fig3Schema, quadriga: optional(figs45), geometric: optional(figs45), conventions: array(convention), channelStats: array(stats) });

const TRAINING_SETS: readonly TrainingSet[] = ['rayleigh', 'quadriga-los', 'quadriga-nlos', 'quadriga-joint', 'geometric-los', 'geometric-nlos', 'geometric-joint'];

const netMeta = object(
  {
    trainedOn: oneOf(TRAINING_SETS), variant: oneOf(C2PO_VARIANTS), iterations: integer,
    validationStart: finite, validationEnd: finite, valLoss: numbers, epochs: integer, trainSamples: integer,
  },
  { allowExtra: true },
);

const checkpoint = checkpointSchema;

/** A network from its checkpoint (errors name `where`). */
export function netFromCheckpoint(c: Checkpoint, where: string): TrainedNet {
  const m = netMeta.check(c.meta, `${where}.meta`);
  const width = m.variant === 'nno' ? m.iterations : 1;
  const vec = (name: 'tau' | 'rho'): number[] => {
    const p = c.params[name];
    if (!p || p.shape.length !== 1 || p.shape[0] !== width) throw new Error(`${where}: parameter "${name}" must have shape [${width}] (${m.variant === 'nno' ? 't_max values' : 'one tied value'}); got ${p ? `[${p.shape}]` : 'none'}`);
    p.values.forEach((x, i) => {
      if (!Number.isFinite(x)) throw new Error(`${where}: ${name}[${i}] = ${x} must be a finite number`);
    });
    return p.values.slice();
  };
  return {
    trainedOn: m.trainedOn, variant: m.variant as C2poVariant, iterations: m.iterations, tau: vec('tau'), rho: vec('rho'),
    validation: { start: m.validationStart, end: m.validationEnd }, valLoss: m.valLoss, epochs: m.epochs, trainSamples: m.trainSamples,
  };
}

/** A network as a checkpoint of this run. */
export function netToCheckpoint(n: TrainedNet, run: { preset: string; seed: number | string; backend: string }): Checkpoint {
  const tau = tf.tensor1d(n.tau);
  const rho = tf.tensor1d(n.rho);
  try {
    return checkpointToJson({ tau, rho }, {
      paper: PAPER, preset: run.preset, seed: run.seed, backend: run.backend,
      trainingBudget: { steps: n.epochs, batchSize: n.trainSamples, channels: n.trainSamples, epochs: n.epochs },
      trainedOn: n.trainedOn, variant: n.variant, iterations: n.iterations,
      validationStart: n.validation.start, validationEnd: n.validation.end, valLoss: n.valLoss, epochs: n.epochs, trainSamples: n.trainSamples,
    });
  } finally {
    tf.dispose([tau, rho]);
  }
}

export const c2poSavedRunSchema = savedRunSchema(PAPER, results, checkpoint);
export type C2poSavedRun = SavedRun<C2poResults, Checkpoint>;

/** The networks of a saved run, keyed; a duplicate is an error naming the file and the entry. */
export function savedNets(run: C2poSavedRun, where = `saved run ${run.preset}`): Map<string, TrainedNet> {
  const m = new Map<string, TrainedNet>();
  run.nets.forEach((c, i) => {
    const n = netFromCheckpoint(c, `${where}: nets[${i}]`);
    const k = netKey(n);
    if (m.has(k)) throw new Error(`${where}: nets[${i}] (${k}) appears twice`);
    m.set(k, n);
  });
  return m;
}

export function savedRunFile(preset: string): string {
  return dataFile(PAPER, preset);
}

export function readC2poRun(file: string): C2poSavedRun {
  const run = readSavedRun(file, c2poSavedRunSchema);
  savedNets(run, file);
  return run;
}

/** The committed run of a preset, or undefined when there is none. */
export function savedRunFor(preset: string): C2poSavedRun | undefined {
  const file = savedRunFile(preset);
  const run = readSavedRunIfPresent(file, c2poSavedRunSchema);
  if (run) savedNets(run, file);
  return run;
}

/** A run as saved: results without their nets, every network once. */
export function toSavedRun(preset: string, seed: number, seconds: number, r: C2poResults): C2poSavedRun {
  const backend = backendInfo().name;
  const strip = <T extends { nets: TrainedNet[] }>(x: T | undefined): T | undefined => (x ? { ...x, nets: [] } : undefined);
  const groups = [r.fig3, ...(r.quadriga ? [r.quadriga] : []), ...(r.geometric ? [r.geometric] : [])];
  return {
    format: SAVED_RUN_FORMAT, paper: PAPER, preset, seed, backend, seconds,
    results: { fig3: strip(r.fig3) as Fig3, quadriga: strip(r.quadriga), geometric: strip(r.geometric), conventions: r.conventions, channelStats: r.channelStats },
    nets: collectNets(...groups).map((n) => netToCheckpoint(n, { preset, seed, backend })),
  };
}

export function writeC2poRun(file: string, run: C2poSavedRun): string {
  savedNets(run, file);
  return writeSavedRun(file, run, c2poSavedRunSchema);
}

/** Which parts a run computes: QuaDRiGa needs its files; the geometric family is a preset switch. */
export interface RunParts {
  quadriga: boolean;
  geometric: boolean;
}

/** Every result of a preset, training what `opts.saved` does not hold (unless trainMissing is false). */
export async function runAll(p: C2poPreset, parts: RunParts, opts: RunOptions = {}): Promise<C2poResults> {
  const f3 = await fig3(p, opts);
  const quadriga = parts.quadriga ? await iterationsToTarget(p, 'quadriga', opts) : undefined;
  const geometric = parts.geometric ? await iterationsToTarget(p, 'geometric', opts) : undefined;
  const models: ChannelModel[] = ['rayleigh', 'geometric-los', 'geometric-nlos', ...(parts.quadriga ? (['quadriga-los', 'quadriga-nlos'] as const) : [])];
  return { fig3: f3, quadriga, geometric, conventions: scaleConventions(p), channelStats: channelStatistics(p, { models }) };
}

/** Every result of a saved run recomputed from its networks alone (never training). */
export async function recomputeResults(run: C2poSavedRun): Promise<C2poResults> {
  const opts = { saved: savedNets(run), trainMissing: false, savedFrom: `saved run ${run.preset}` };
  const seed = typeof run.seed === 'number' ? run.seed : Number.parseInt(run.seed, 10);
  const r = await runAll({ ...c2poPreset(run.preset), seed }, { quadriga: run.results.quadriga !== undefined, geometric: run.results.geometric !== undefined }, opts);
  // as saved: the networks live once, under nets
  const strip = <T extends { nets: TrainedNet[] }>(x: T | undefined): T | undefined => (x ? { ...x, nets: [] } : undefined);
  return { ...r, fig3: strip(r.fig3) as Fig3, quadriga: strip(r.quadriga), geometric: strip(r.geometric) };
}

/**
 * How closely a recomputed saved run must match: the same backend and seed give the same bits, so
 * only float rounding is allowed (any hand edit of a BER, a power, an SNR or a statistic shows).
 */
export const savedTolerance: Tolerance = (path) => (/\.bitErrors\[|\.bits$|\.evalSamples$|\.samples$/.test(path) ? 0 : 1e-7);
