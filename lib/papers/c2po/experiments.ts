/**
 * One function per figure of the NNO-C2PO paper (§IV), each returning plain typed data; the
 * notebook renders it, tests call it, the saved run stores it.
 *
 * - `fig3`: BER vs SNR on i.i.d. Rayleigh for t_max ∈ {2, 4, 8}: C2PO (original τ, ρ), trained C2PO
 *   (tied τ, ρ), NNO-C2PO (per-iteration τ⁽ᵗ⁾, ρ⁽ᵗ⁾), ZF and 1-bit ZF, all on the same channels,
 *   symbols and noise.
 * - `iterationsToTarget` (Figs. 4–5): on LoS and NLoS sets (QuaDRiGa, or the geometric stand-in),
 *   the minimum t_max that reaches BER 1 % at each normalised transmit power, for single training
 *   (one condition) and joint training (both conditions in one training set).
 * - `learnedParameters`: τ⁽ᵗ⁾, ρ⁽ᵗ⁾ of every network (the plot of the learned parameters).
 * Every network is trained once (`trainedOrSaved`): a saved run supplies them without training.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import { Rng } from '../../core/random';
import { constellation, Constellation } from '../../phy/constellation';
import { trainedOrSaved } from '../../kit/savedRun';
import type { Progress } from '../../train/progress';
import { channelsOf, ChannelModel } from './channels';
import { berOf, BerCurve, EvalData, snrAt, SnrAt, Transmit } from './evaluate';
import type { C2poPreset } from './presets';
import { c2poSystem, C2poSystem } from './system';
import { C2poData, disposeData, makeC2poData, trainC2po } from './training';
import type { C2poVariant } from './unfolded';

/** What a network was trained on: one channel model, or both conditions of a family (joint). */
export type TrainingSet = 'rayleigh' | 'quadriga-los' | 'quadriga-nlos' | 'quadriga-joint' | 'geometric-los' | 'geometric-nlos' | 'geometric-joint';

/** A trained network as plain numbers (saved through the checkpoint format by saved.ts). */
export interface TrainedNet {
  trainedOn: TrainingSet;
  variant: C2poVariant;
  iterations: number;
  /** learned τ⁽ᵗ⁾, ρ⁽ᵗ⁾: t_max values each ('nno') or one ('tied') */
  tau: number[];
  rho: number[];
  /** validation MSE (10) at the start (original C2PO) and of the kept parameters (never larger) */
  validation: { start: number; end: number };
  /** validation MSE after each validation (the first one is the start) */
  valLoss: number[];
  epochs: number;
  trainSamples: number;
}

export function netKey(n: { trainedOn: TrainingSet; variant: C2poVariant; iterations: number }): string {
  return `${n.trainedOn}/${n.variant}/t${n.iterations}`;
}

/** Options shared by every experiment: saved networks (no training when `trainMissing` is false). */
export interface RunOptions {
  saved?: ReadonlyMap<string, TrainedNet>;
  trainMissing?: boolean;
  savedFrom?: string;
  progress?: Progress;
}

/** Everything an experiment needs from the preset. */
interface Ctx {
  p: C2poPreset;
  sys: C2poSystem;
  qam: Constellation;
  rng: Rng;
  opts: RunOptions;
}

function ctxOf(p: C2poPreset, opts: RunOptions): Ctx {
  return { p, sys: c2poSystem({ users: p.users, antennas: p.antennas, power: p.power }), qam: constellation(p.modulation), rng: new Rng(p.seed), opts };
}

/** The models a training set draws from. */
function modelsOf(set: TrainingSet): ChannelModel[] {
  if (set === 'quadriga-joint') return ['quadriga-los', 'quadriga-nlos'];
  if (set === 'geometric-joint') return ['geometric-los', 'geometric-nlos'];
  return [set];
}

/** `count` samples {H, s} of one model and split; symbols and drawn channels from forks of the seed. */
function samples(c: Ctx, model: ChannelModel, split: 'train' | 'val' | 'eval', count: number): C2poData {
  return makeC2poData(c.rng.fork(`${model}/${split}`), c.sys, { count, constellation: c.qam, channel: (r, n, s) => channelsOf(model, split, r, n, s) });
}

function concat(parts: C2poData[]): C2poData {
  if (parts.length === 1) return parts[0];
  const out = {
    h: C.tidy(() => ({ re: tf.concat(parts.map((d) => d.h.re)), im: tf.concat(parts.map((d) => d.h.im)) })),
    s: C.tidy(() => ({ re: tf.concat(parts.map((d) => d.s.re)), im: tf.concat(parts.map((d) => d.s.im)) })),
    indices: tf.concat(parts.map((d) => d.indices as tf.Tensor)),
  };
  parts.forEach(disposeData);
  return out;
}

/** Training samples, validation samples and schedule of a group of networks. */
interface Schedule {
  train: number;
  validation: number;
  epochsPerIteration: number;
  learningRate: number;
}

/** Train (or take from the saved run) one network. */
async function net(c: Ctx, set: TrainingSet, variant: C2poVariant, iterations: number, sizes: Schedule): Promise<TrainedNet> {
  const key = netKey({ trainedOn: set, variant, iterations });
  return trainedOrSaved(key, c.opts.saved, async () => {
    const models = modelsOf(set);
    const train = concat(models.map((m) => samples(c, m, 'train', sizes.train)));
    let validation: C2poData | undefined;
    try {
      validation = concat(models.map((m) => samples(c, m, 'val', sizes.validation)));
      const epochs = sizes.epochsPerIteration * iterations;
      const t = await trainC2po(c.sys, {
        variant, iterations, epochs, learningRate: sizes.learningRate,
        trainSamples: train.h.re.shape[0], validationSamples: validation.h.re.shape[0],
      }, c.rng.fork(`train/${key}`), { data: { train, validation }, init: c.p.init, progress: c.opts.progress, phase: `train ${key}` });
      return {
        trainedOn: set, variant, iterations, tau: t.values.tau, rho: t.values.rho, validation: t.validation,
        valLoss: t.history.validation.map((v) => v.loss), epochs, trainSamples: train.h.re.shape[0],
      };
    } finally {
      disposeData(train);
      disposeData(validation);
    }
  }, { trainMissing: c.opts.trainMissing, where: c.opts.savedFrom });
}

function evalData(d: C2poData): EvalData {
  return { h: d.h, s: d.s, indices: d.indices as tf.Tensor };
}

const original = (c: Ctx, iterations: number): Transmit => ({ kind: 'c2po', iterations, tau: [c.p.init.tau], rho: [c.p.init.rho] });
const learned = (n: TrainedNet): Transmit => ({ kind: 'c2po', iterations: n.iterations, tau: n.tau, rho: n.rho });

// ---------------------------------------------------------------------------------------------
// Fig. 3
// ---------------------------------------------------------------------------------------------

export interface Fig3 {
  snrDb: number[];
  iterations: number[];
  evalSamples: number;
  noiseDraws: number;
  /** keys: 'zf', 'zf-1bit', 'c2po/t<t>' (original τ, ρ), 'tied/t<t>' (trained C2PO), 'nno/t<t>' */
  curves: Record<string, BerCurve>;
  /** SNR at BER 1e-2 and 1e-3 per curve */
  at1e2: Record<string, SnrAt>;
  at1e3: Record<string, SnrAt>;
  nets: TrainedNet[];
}

/** Fig. 3: BER vs SNR on i.i.d. Rayleigh (module comment). */
export async function fig3(p: C2poPreset, opts: RunOptions = {}): Promise<Fig3> {
  const c = ctxOf(p, opts);
  const nets: TrainedNet[] = [];
  for (const t of p.iterations) {
    for (const v of ['tied', 'nno'] as const) nets.push(await net(c, 'rayleigh', v, t, { train: p.trainSamples, validation: p.validationSamples, epochsPerIteration: p.epochsPerIteration, learningRate: p.learningRate }));
  }
  const data = samples(c, 'rayleigh', 'eval', p.evalSamples);
  const ber = { snrDb: p.snrDb, noiseDraws: p.noiseDraws, rng: c.rng.fork('rayleigh/noise'), constellation: c.qam, power: p.power };
  const curves: Record<string, BerCurve> = {};
  try {
    const e = evalData(data);
    curves.zf = berOf(e, c.sys, { kind: 'zf' }, ber);
    curves['zf-1bit'] = berOf(e, c.sys, { kind: 'zf-1bit' }, ber);
    for (const t of p.iterations) {
      curves[`c2po/t${t}`] = berOf(e, c.sys, original(c, t), ber);
      for (const v of ['tied', 'nno'] as const) {
        const n = nets.find((x) => x.variant === v && x.iterations === t) as TrainedNet;
        curves[`${v}/t${t}`] = berOf(e, c.sys, learned(n), ber);
      }
    }
  } finally {
    disposeData(data);
  }
  const at = (target: number) => Object.fromEntries(Object.entries(curves).map(([k, v]) => [k, snrAt(v, target)]));
  return { snrDb: [...p.snrDb], iterations: [...p.iterations], evalSamples: p.evalSamples, noiseDraws: p.noiseDraws, curves, at1e2: at(1e-2), at1e3: at(1e-3), nets };
}

// ---------------------------------------------------------------------------------------------
// Figs. 4–5
// ---------------------------------------------------------------------------------------------

export type Family = 'quadriga' | 'geometric';
export type Condition = 'los' | 'nlos';

/** The methods of Figs. 4–5: original C2PO, and trained C2PO / NNO-C2PO with single or joint training. */
export const FIG45_METHODS = ['c2po', 'tied-single', 'tied-joint', 'nno-single', 'nno-joint'] as const;
export type Fig45Method = (typeof FIG45_METHODS)[number];

export interface IterationsTable {
  family: Family;
  condition: Condition;
  snrDb: number[];
  iterations: number[];
  target: number;
  evalSamples: number;
  /** BER and its 95 % upper bound, [method][t index][SNR index] */
  ber: Record<Fig45Method, number[][]>;
  high: Record<Fig45Method, number[][]>;
  /** smallest t_max of the grid with BER ≤ target at each SNR; null where none reaches it */
  minIterations: Record<Fig45Method, (number | null)[]>;
  /** power (dB) at which each t_max reaches the target, [method][t index]; null where not on the grid */
  powerAtTarget: Record<Fig45Method, (number | null)[]>;
}

export interface Figs45 {
  family: Family;
  tables: IterationsTable[];
  nets: TrainedNet[];
}

/** Figs. 4–5 for one channel family (module comment). */
export async function iterationsToTarget(p: C2poPreset, family: Family, opts: RunOptions = {}): Promise<Figs45> {
  const c = ctxOf(p, opts);
  const f = p.figs45;
  const sizes = { train: f.trainSamples, validation: f.validationSamples, epochsPerIteration: f.epochsPerIteration, learningRate: f.learningRate };
  const nets: TrainedNet[] = [];
  const find = (set: TrainingSet, v: C2poVariant, t: number) => nets.find((n) => n.trainedOn === set && n.variant === v && n.iterations === t) as TrainedNet;
  for (const t of f.iterations) {
    for (const set of [`${family}-los`, `${family}-nlos`, `${family}-joint`] as TrainingSet[]) {
      for (const v of ['tied', 'nno'] as const) nets.push(await net(c, set, v, t, sizes));
    }
  }
  const tables: IterationsTable[] = [];
  for (const cond of ['los', 'nlos'] as const) {
    const model = `${family}-${cond}` as ChannelModel;
    const data = samples(c, model, 'eval', f.evalSamples);
    const opt = { snrDb: f.snrDb, noiseDraws: f.noiseDraws, rng: c.rng.fork(`${model}/noise`), constellation: c.qam, power: p.power };
    const ber = {} as Record<Fig45Method, number[][]>;
    const high = {} as Record<Fig45Method, number[][]>;
    try {
      for (const m of FIG45_METHODS) {
        ber[m] = [];
        high[m] = [];
        for (const t of f.iterations) {
          const tx = m === 'c2po' ? original(c, t) : learned(find(m.endsWith('joint') ? (`${family}-joint` as TrainingSet) : model, m.startsWith('nno') ? 'nno' : 'tied', t));
          const curve = berOf(evalData(data), c.sys, tx, opt);
          ber[m].push(curve.ber);
          high[m].push(curve.high);
        }
      }
    } finally {
      disposeData(data);
    }
    const minIterations = {} as Record<Fig45Method, (number | null)[]>;
    const powerAtTarget = {} as Record<Fig45Method, (number | null)[]>;
    for (const m of FIG45_METHODS) {
      minIterations[m] = f.snrDb.map((_, si) => {
        const ti = f.iterations.findIndex((_, k) => ber[m][k][si] <= f.target);
        return ti < 0 ? null : f.iterations[ti];
      });
      powerAtTarget[m] = f.iterations.map((_, ti) => snrAt({ snrDb: f.snrDb, ber: ber[m][ti], low: ber[m][ti], high: high[m][ti], bitErrors: [], bits: 0 }, f.target).snrDb ?? null);
    }
    tables.push({ family, condition: cond, snrDb: [...f.snrDb], iterations: [...f.iterations], target: f.target, evalSamples: f.evalSamples, ber, high, minIterations, powerAtTarget });
  }
  return { family, tables, nets };
}

// ---------------------------------------------------------------------------------------------
// Learned parameters
// ---------------------------------------------------------------------------------------------

export interface ParameterRow {
  net: string;
  t: number;
  tau: number;
  rho: number;
  /** δ = (1 − 1/ρ)/τ of the regulariser in (1) this pair corresponds to */
  delta: number;
}

/** τ⁽ᵗ⁾, ρ⁽ᵗ⁾ per iteration of each network (a tied network repeats its pair). */
export function learnedParameters(nets: TrainedNet[]): ParameterRow[] {
  return nets.flatMap((n) =>
    Array.from({ length: n.iterations }, (_, i) => {
      const tau = n.tau[n.tau.length === 1 ? 0 : i];
      const rho = n.rho[n.rho.length === 1 ? 0 : i];
      return { net: netKey(n), t: i + 1, tau, rho, delta: tau > 0 ? (1 - 1 / rho) / tau : NaN };
    }),
  );
}

/** Every network of the experiments, once each. */
export function collectNets(...groups: { nets: TrainedNet[] }[]): TrainedNet[] {
  const m = new Map<string, TrainedNet>();
  for (const g of groups) for (const n of g.nets) m.set(netKey(n), n);
  return [...m.values()];
}
