/**
 * Training NNO-C2PO and "trained C2PO" (NNO-C2PO paper §III-C, §IV): Adam on the MSE (10),
 * full-batch over K training samples {s_k, H_k} for 100·t_max epochs (one step per epoch), learning
 * rate 10⁻⁴, τ⁽ᵗ⁾ and ρ⁽ᵗ⁾ initialised to the original τ = 2⁻⁸, ρ = 1.25 (one-shot training of the
 * whole unfolded graph: the paper saw no vanishing gradients at these depths).
 *
 * Our addition: validation. The loss (10) on validation samples drawn apart from the training ones
 * is computed before the first step and every `validateEvery` epochs; the best parameters seen,
 * the starting ones included, are kept (train's `validateAtStart`). So a trained network is never
 * worse on validation than the original C2PO parameters it starts from.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkPositiveInt, checkFinite } from '../../core/validate';
import { rayleigh } from '../../phy/channels';
import { Constellation, constellation } from '../../phy/constellation';
import { train, TrainHistory } from '../../train/loop';
import { ParamSet } from '../../train/params';
import type { Progress } from '../../train/progress';
import { C2poProblem, C2poSystem, checkSystem, disposeProblem, prepareProblem } from './system';
import { C2poParamValues, C2poVariant, checkVariant, startingValues, mseLoss, paramCount } from './unfolded';

/** Per-sample data: h [count, U, B], s [count, U], and the symbol indices [count, U] (int32). */
export interface C2poData {
  h: Complex;
  s: Complex;
  indices?: tf.Tensor;
}

export function disposeData(d: C2poData | undefined): void {
  if (!d) return;
  C.dispose(d.h, d.s);
  d.indices?.dispose();
}

/** A channel model: `count` channels [count, U, B] for `sys` from `rng` (default: i.i.d. CN(0, 1)). */
export type ChannelSource = (rng: Rng, count: number, sys: C2poSystem) => Complex;

export const rayleighSource: ChannelSource = (rng, count, sys) => rayleigh(rng, { batch: count, users: sys.users, antennas: sys.antennas });

export interface DataOptions {
  /** K, samples (one channel and one symbol vector each) */
  count: number;
  /** symbol alphabet O; default 16-QAM of unit average energy (§IV) */
  constellation?: Constellation;
  /** channel model; default Rayleigh CN(0, 1) entries (§IV-A; the variance is our choice) */
  channel?: ChannelSource;
}

/**
 * K samples {s_k, H_k} (§III-C): channels from `rng.fork('channels')`, uniform symbols from
 * `rng.fork('symbols')`. → h [K, U, B], s [K, U], indices [K, U].
 */
export function makeC2poData(rng: Rng, sys: C2poSystem, opts: DataOptions): C2poData {
  const fn = 'makeC2poData';
  checkSystem(fn, sys);
  const count = checkPositiveInt(fn, 'opts.count (K)', opts?.count);
  const c = opts.constellation ?? constellation('16qam');
  const h = (opts.channel ?? rayleighSource)(rng.fork('channels'), count, sys);
  const shape = h.re.shape;
  if (shape.length !== 3 || shape[0] !== count || shape[1] !== sys.users || shape[2] !== sys.antennas) {
    C.dispose(h);
    throw new Error(`${fn}(opts.channel): must return [count, U, B] = [${count}, ${sys.users}, ${sys.antennas}]; got [${shape}]`);
  }
  const { indices, symbols } = c.randomSymbols(rng.fork('symbols'), [count, sys.users]);
  return { h, s: symbols, indices };
}

export interface C2poTrainSettings {
  /** 'nno' (per-iteration τ⁽ᵗ⁾, ρ⁽ᵗ⁾) or 'tied' (trained C2PO) */
  variant: C2poVariant;
  /** t_max */
  iterations: number;
  /** full-batch epochs = Adam steps (paper: 100·t_max) */
  epochs: number;
  /** Adam learning rate (paper: 10⁻⁴) */
  learningRate: number;
  /** K training samples when drawn here (paper: 500) */
  trainSamples: number;
  /** validation samples when drawn here (ours; the paper has no validation set) */
  validationSamples: number;
  /** epochs between validations; default max(1, round(epochs/100)) */
  validateEvery?: number;
}

export interface C2poTrainOptions {
  /** fixed data instead of drawing it (e.g. joint LoS + NLoS training); the caller keeps ownership */
  data?: { train: C2poData; validation: C2poData };
  /** when drawing: channel model and alphabet (defaults: Rayleigh, 16-QAM) */
  channel?: ChannelSource;
  constellation?: Constellation;
  /** starting values (default: the original C2PO τ = 2⁻⁸, ρ = 1.25) */
  init?: { tau?: number | number[]; rho?: number | number[] };
  progress?: Progress;
  phase?: string;
}

export interface TrainedC2po {
  variant: C2poVariant;
  iterations: number;
  /** learned values: [t_max] each ('nno') or [1] each ('tied') */
  values: C2poParamValues;
  /** where training started */
  start: C2poParamValues;
  /** validation loss (10) of the start and of the returned values (never larger) */
  validation: { start: number; end: number };
  history: TrainHistory;
}

function checkSettings(fn: string, s: C2poTrainSettings): void {
  if (s === null || typeof s !== 'object') throw new Error(`${fn}(settings): needs { variant, iterations, epochs, learningRate, trainSamples, validationSamples }`);
  checkVariant(fn, s.variant);
  checkPositiveInt(fn, 'settings.iterations (t_max)', s.iterations);
  checkPositiveInt(fn, 'settings.epochs', s.epochs);
  checkFinite(fn, 'settings.learningRate', s.learningRate, 0, false);
  checkPositiveInt(fn, 'settings.trainSamples (K)', s.trainSamples);
  checkPositiveInt(fn, 'settings.validationSamples', s.validationSamples);
  if (s.validateEvery !== undefined) checkPositiveInt(fn, 'settings.validateEvery', s.validateEvery);
}

/**
 * Train τ⁽ᵗ⁾, ρ⁽ᵗ⁾ (or a tied τ, ρ) with Adam on (10), full batch. Data are drawn from
 * `rng.fork('train')` and `rng.fork('validation')` unless `opts.data` gives them.
 */
export async function trainC2po(sys: C2poSystem, settings: C2poTrainSettings, rng: Rng, opts: C2poTrainOptions = {}): Promise<TrainedC2po> {
  const fn = 'trainC2po';
  checkSystem(fn, sys);
  checkSettings(fn, settings);
  const { variant, iterations } = settings;
  const start = startingValues({ variant, iterations, tau: opts.init?.tau, rho: opts.init?.rho });
  const own = opts.data === undefined;
  const dataOpts = { channel: opts.channel, constellation: opts.constellation };
  const trainData = opts.data?.train ?? makeC2poData(rng.fork('train'), sys, { count: settings.trainSamples, ...dataOpts });
  let valData: C2poData | undefined;
  let pTrain: C2poProblem | undefined;
  let pVal: C2poProblem | undefined;
  const n = paramCount(variant, iterations);
  const params = new ParamSet(rng.fork('params'));
  try {
    valData = opts.data?.validation ?? makeC2poData(rng.fork('validation'), sys, { count: settings.validationSamples, ...dataOpts });
    pTrain = prepareProblem(trainData.h, trainData.s, sys);
    pVal = prepareProblem(valData.h, valData.s, sys);
    const tau = params.add('tau', { shape: [n], init: 'zeros' });
    const rho = params.add('rho', { shape: [n], init: 'zeros' });
    tf.tidy(() => {
      tau.assign(tf.tensor1d(start.tau));
      rho.assign(tf.tensor1d(start.rho));
    });
    const pt = pTrain, pv = pVal;
    const validate = () => {
      const l = mseLoss(pv, { tau, rho }, iterations);
      const v = l.dataSync()[0];
      l.dispose();
      return Number.isFinite(v) ? v : Infinity;
    };
    const history = await train<null>({
      variables: params.variables(),
      batch: () => null, // full batch: the prepared training problem is the batch
      loss: () => mseLoss(pt, { tau, rho }, iterations),
      epochs: settings.epochs,
      stepsPerEpoch: 1,
      learningRate: settings.learningRate,
      validate,
      validateEvery: settings.validateEvery ?? Math.max(1, Math.round(settings.epochs / 100)),
      validateAtStart: true,
      progress: opts.progress,
      phase: opts.phase ?? `train ${variant === 'nno' ? 'NNO-C2PO' : 'C2PO (tied)'} t_max=${iterations}`,
    });
    const values = { tau: Array.from(tau.dataSync()), rho: Array.from(rho.dataSync()) };
    const v0 = history.validation[0]?.loss ?? Infinity;
    return { variant, iterations, values, start, validation: { start: v0, end: history.bestValidation?.loss ?? v0 }, history };
  } finally {
    params.dispose();
    disposeProblem(pTrain);
    disposeProblem(pVal);
    if (own) {
      disposeData(trainData);
      disposeData(valData);
    }
  }
}
