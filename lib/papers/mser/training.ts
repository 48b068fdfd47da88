/**
 * Training the unfolded network, Algorithm 2 of the MSER paper: SGD on the loss (31), the mean over
 * a minibatch of N channels (paper: 20) of the objective P̃ after the last layer, with learning rate
 * η_t = η₀·0.5^⌊t/10⌋ (paper: η₀ = 0.02; t counts SGD steps here, ours), a fresh block of J sampled
 * symbol vectors every step. Every channel starts from the channel-alignment start (./init).
 *
 * Ours: the loss uses the fixed kernel width ϱ_loss (the true per-axis noise std σ/√2 once the
 * combiners are normalised), so no trainable ρ can lower the loss by widening the kernel; validation
 * (before the first step and every `validateEvery` steps) is the mean exact SER of validation
 * channels (./evaluate); the best parameters are kept, the start included.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { train, TrainHistory } from '../../train/loop';
import type { Progress } from '../../train/progress';
import { exactSer } from './evaluate';
import { alignmentInit } from './init';
import { mserObjective } from './kde';
import { disposeSymbols, sampleSymbols, SymbolBlock } from './symbols';
import { noiseVarOf, totalStreams } from './system';
import { disposeState, HybridState } from './transceiver';
import type { UnfoldedNet } from './unfolded';

export interface UnfoldedTrainSettings {
  /** SGD steps */
  steps: number;
  /** N, channels per step (paper: 20) */
  batchChannels: number;
  /** J of the training objective (ours) */
  symbols: number;
  /** η₀ (paper: 0.02) */
  learningRate: number;
  /** η halves every this many steps (paper: 10) */
  halveEvery: number;
  /** 'sgd' (paper) or 'adam' */
  optimizer: 'sgd' | 'adam';
  /** training SNR, dB */
  snrDb: number;
  validateEvery: number;
  /** gradient clipping by global norm (ours; none when absent) */
  clipNorm?: number;
}

export interface TrainedUnfolded {
  /** mean exact SER of the validation channels: the untrained network (Algorithm 1, L iterations) and the kept parameters */
  validation: { start: number; end: number };
  history: TrainHistory;
}

export function checkUnfoldedTrainSettings(fn: string, s: UnfoldedTrainSettings): void {
  if (s === null || typeof s !== 'object') throw new Error(`${fn}(settings): needs { steps, batchChannels, symbols, learningRate, halveEvery, optimizer, snrDb, validateEvery }`);
  checkPositiveInt(fn, 'settings.steps', s.steps);
  checkPositiveInt(fn, 'settings.batchChannels (N)', s.batchChannels);
  checkPositiveInt(fn, 'settings.symbols (J)', s.symbols);
  checkFinite(fn, 'settings.learningRate (η₀)', s.learningRate, 0, false);
  checkPositiveInt(fn, 'settings.halveEvery', s.halveEvery);
  if (s.optimizer !== 'sgd' && s.optimizer !== 'adam') throw new Error(`${fn}(settings.optimizer): 'sgd' or 'adam'; got ${String(s.optimizer)}`);
  checkFinite(fn, 'settings.snrDb', s.snrDb);
  checkPositiveInt(fn, 'settings.validateEvery', s.validateEvery);
  if (s.clipNorm !== undefined) checkFinite(fn, 'settings.clipNorm', s.clipNorm, 0, false);
}

/** Rows `idx` of every tensor of a state (a minibatch of channels). */
function gatherState(s: HybridState, idx: tf.Tensor1D): HybridState {
  const g = (t: tf.Tensor) => tf.gather(t, idx);
  return { thetaF: g(s.thetaF), v: { re: g(s.v.re), im: g(s.v.im) }, thetaU: g(s.thetaU), w: { re: g(s.w.re), im: g(s.w.im) } };
}

/**
 * The network's design for channels h from `init` (their starts, not disposed; default: the alignment
 * starts) (inference; the caller disposes the design).
 */
export function unfoldedDesign(net: UnfoldedNet, h: Complex, sym: { rng: Rng; count: number }, opts: { init?: HybridState } = {}): HybridState {
  const sys = net.config.sys;
  const init = opts.init ?? alignmentInit(h, sys);
  const s = sampleSymbols(sym.rng, { streams: totalStreams(sys), count: sym.count, modulation: sys.modulation });
  try {
    const out = tf.tidy(() => {
      const o = net.forward(h, init, s);
      return { thetaF: o.thetaF, vRe: o.v.re, vIm: o.v.im, thetaU: o.thetaU, wRe: o.w.re, wIm: o.w.im };
    });
    return { thetaF: out.thetaF, v: { re: out.vRe, im: out.vIm }, thetaU: out.thetaU, w: { re: out.wRe, im: out.wIm } };
  } finally {
    if (!opts.init) disposeState(init);
    disposeSymbols(s);
  }
}

/** Training and validation channels [n, K, N_r, N_t] complex and, optionally, their starts (not disposed; default: alignment). */
export interface UnfoldedData {
  trainH: Complex;
  valH: Complex;
  trainInit?: HybridState;
  valInit?: HybridState;
}

/**
 * Train `net` in place on training channels `trainH` [n, K, N_r, N_t]; validation on `valH`.
 * Minibatches from `rng.fork('batches')`, symbol blocks from `rng.fork('symbols')`. `opts.variables`: train only
 * these of the network's parameters (the others stay fixed).
 */
export async function trainUnfolded(net: UnfoldedNet, data: UnfoldedData, settings: UnfoldedTrainSettings, rng: Rng, opts: { progress?: Progress; phase?: string; variables?: tf.Variable[] } = {}): Promise<TrainedUnfolded> {
  const fn = 'trainUnfolded';
  checkUnfoldedTrainSettings(fn, settings);
  const sys = net.config.sys;
  const nv = noiseVarOf(sys, settings.snrDb);
  const rhoLoss = Math.sqrt(nv / 2);
  const n = data.trainH.re.shape[0] as number;
  if (n < settings.batchChannels) throw new Error(`${fn}(data.trainH): needs at least batchChannels = ${settings.batchChannels} channels; got ${n}`);
  const starts = data.trainInit ?? alignmentInit(data.trainH, sys);
  const batches = rng.fork('batches'), symbols = rng.fork('symbols');
  const validate = () => {
    // the same symbol block at every validation, so that parameters are compared on one objective
    const d = unfoldedDesign(net, data.valH, { rng: rng.fork('validation'), count: settings.symbols }, { init: data.valInit });
    try {
      // parameters a diverging step left non-finite: never the best validation
      if (![d.thetaF, d.v.re, d.v.im, d.thetaU, d.w.re, d.w.im].every((t) => tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1))) return Infinity;
      const ser = exactSer(data.valH, d, sys, nv);
      return ser.reduce((a, b) => a + b, 0) / ser.length;
    } finally {
      disposeState(d);
    }
  };
  try {
    // the batch (channels, their starts, the step's symbol block) is disposed by train() after the step
    const history = await train<{ h: Complex; init: HybridState; sym: SymbolBlock }>({
      // `variables`: a subset (Fig. 10 fixes the first layers), else every parameter
      variables: opts.variables ?? net.trainable(),
      batch: (epoch) => {
        const idx = tf.tensor1d(batches.fork(`step${epoch}`).intArray(settings.batchChannels, n), 'int32');
        const h = C.tidy(() => ({ re: tf.gather(data.trainH.re, idx), im: tf.gather(data.trainH.im, idx) }));
        const init = gatherState(starts, idx);
        idx.dispose();
        const sym = sampleSymbols(symbols.fork(`step${epoch}`), { streams: totalStreams(sys), count: settings.symbols, modulation: sys.modulation });
        return { h, init, sym };
      },
      loss: (b) => tf.tidy(() => tf.mean(mserObjective(b.h, net.forward(b.h, b.init, b.sym), b.sym, { rho: rhoLoss })) as tf.Scalar),
      epochs: settings.steps,
      stepsPerEpoch: 1,
      optimizer: settings.optimizer,
      learningRate: (t) => settings.learningRate * 0.5 ** Math.floor(t / settings.halveEvery),
      clipNorm: settings.clipNorm,
      validate,
      validateEvery: settings.validateEvery,
      validateAtStart: true,
      onNonFinite: 'skip',
      progress: opts.progress,
      phase: opts.phase ?? `train unfolded L=${net.config.layers}`,
    });
    const start = history.validation[0]?.loss ?? Infinity;
    return { validation: { start, end: history.bestValidation?.loss ?? start }, history };
  } finally {
    if (!data.trainInit) disposeState(starts);
  }
}
