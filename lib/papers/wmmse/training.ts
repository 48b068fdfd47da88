/**
 * Training the unfolded WMMSE (WMMSE paper §V, §VI-A): Adam on the loss (14) over fresh batches of
 * i.i.d. CN(0, I) channels (100 per batch in the paper), step sizes initialised to 1.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { Rng } from '../../core/random';
import { rayleigh } from '../../phy/channels';
import { train, TrainHistory } from '../../train/loop';
import type { Progress } from '../../train/progress';
import { checkSystem, WmmseSystem } from './system';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { initialGamma, unfoldedForward, unfoldedLoss, UnfoldedShape, wsrPerLayer } from './unfolded';

export interface TrainSettings {
  /** Adam steps; training set size = steps × batch channels */
  steps: number;
  /** channels per batch (100 in the paper) */
  batch: number;
  /** Adam learning rate (1e-3 in the paper), or a schedule of the step */
  learningRate: number | ((step: number) => number);
  /**
   * Validation: every `validateEvery` steps (default 100) the loss (14) on `validationChannels`
   * (default 1000) fixed channels, drawn apart from training and test data, is computed and the
   * best step sizes seen are kept at the end (guards against a late divergence of Adam).
   */
  validateEvery?: number;
  validationChannels?: number;
}

export interface TrainedUnfolded {
  shape: UnfoldedShape;
  /** learned step sizes, [L][K] (or [L][1] for 'same γ') */
  gamma: number[][];
  history: TrainHistory;
  /** channels seen in training */
  trainingChannels: number;
}

/** Where training starts: step sizes, and the scale each one is trained at (see `trainUnfolded`). */
export interface WarmStart {
  /** starting step sizes [L][K] (or [L][1]); e.g. a trained network plus a no-op layer or step */
  gamma: number[][];
  /** per step size, the scale s in γ = s·θ (positive); default max(|γ|, 1e-3) */
  scale?: number[][];
}

/**
 * Train one unfolded network (Adam on the loss (14)).
 *
 * Parameterisation: γ = s ⊙ θ with a fixed positive scale s per step size and θ trained, so Adam's
 * steps (≈ the learning rate in θ) are relative to each γ's own scale. The learned γ span 0.02–90
 * (they grow with the SNR), so one absolute learning rate cannot suit them all once training starts
 * from a trained network. From scratch (γ = 1, §VI-A) s = 1 and this is the paper's training.
 *
 * Validation: the mean last-layer WSR (what the figures report) on fixed channels drawn apart from
 * training and test data, every `validateEvery` steps and at the start; the best step sizes seen,
 * the starting ones included, are kept. So a network is never worse on validation than where its
 * training started (with a warm start: the shorter network it extends).
 */
export async function trainUnfolded(
  shape: UnfoldedShape,
  sys: WmmseSystem,
  settings: TrainSettings,
  rng: Rng,
  opts: { progress?: Progress; phase?: string; init?: number[][]; warm?: WarmStart } = {},
): Promise<TrainedUnfolded> {
  const start = opts.warm?.gamma ?? opts.init;
  const width = shape.sameGamma ? 1 : shape.pgdSteps;
  if (start) checkGamma('trainUnfolded(init)', start, shape);
  const g0 = start ?? Array.from({ length: shape.layers }, () => Array(width).fill(1));
  const s0 = opts.warm?.scale ?? g0.map((row) => row.map((g) => Math.max(Math.abs(g), 1e-3)));
  checkGamma('trainUnfolded(warm.scale)', s0, shape);
  s0.forEach((row, l) => row.forEach((v, k) => checkFinite('trainUnfolded', `warm.scale[${l}][${k}]`, v, 0, false)));
  const theta = initialGamma(shape);
  const scale = tf.tensor2d(s0);
  const t0 = tf.tensor2d(g0.map((row, l) => row.map((g, k) => g / s0[l][k])));
  theta.assign(t0);
  t0.dispose();
  const gammaOf = () => tf.mul(theta, scale);
  const users = sys.alpha.length;
  const antennas = sys.antennas;
  const epochs = Math.ceil(settings.steps / Math.min(settings.validateEvery ?? 100, settings.steps));
  const every = Math.ceil(settings.steps / epochs); // validation interval dividing the step budget
  const hVal = rayleigh(rng.fork('validation'), { batch: settings.validationChannels ?? 1000, users, antennas });
  try {
    const history = await train<Complex>({
      variables: [theta],
      batch: (epoch, step) => rayleigh(rng.fork(`batch${epoch * every + step}`), { batch: settings.batch, users, antennas }),
      loss: (h) => tf.tidy(() => unfoldedLoss(h, gammaOf(), sys, shape.pgdSteps)),
      epochs,
      stepsPerEpoch: every,
      learningRate: settings.learningRate,
      validate: () => {
        const l = tf.tidy(() => {
          const out = unfoldedForward(hVal, gammaOf(), sys, shape.pgdSteps);
          const w = wsrPerLayer(hVal, out, sys);
          out.perLayer.forEach((v) => C.dispose(v));
          return tf.neg(tf.mean(tf.slice(w, [shape.layers - 1, 0], [1, -1])));
        });
        const v = l.dataSync()[0];
        l.dispose();
        return Number.isFinite(v) ? v : Infinity;
      },
      validateAtStart: true,
      progress: opts.progress,
      phase: opts.phase ?? `train L=${shape.layers} K=${shape.pgdSteps}${shape.sameGamma ? ' same γ' : ''}`,
    });
    const values = tf.tidy(() => gammaOf().arraySync() as number[][]);
    return { shape, gamma: values, history, trainingChannels: history.loss.length * settings.batch };
  } finally {
    theta.dispose();
    scale.dispose();
    C.dispose(hVal);
  }
}

/**
 * The network `gamma` (L − 1 layers) plus a last layer whose step sizes are 0: that layer's w and u
 * updates change nothing the output depends on and its PGD steps leave V as it is (the projection
 * (13) of a V already at power P returns it), so the L-layer network computes the (L − 1)-layer one,
 * to float32 rounding. Its scale is the previous layer's |γ| per step.
 */
export function withNoOpLayer(gamma: number[][]): WarmStart {
  if (!Array.isArray(gamma) || gamma.length === 0) throw new Error('withNoOpLayer(gamma): needs at least one layer of step sizes');
  const last = gamma[gamma.length - 1];
  const scaleOf = (row: number[]) => row.map((g) => Math.max(Math.abs(g), 1e-3));
  return { gamma: [...gamma.map((r) => r.slice()), last.map(() => 0)], scale: [...gamma.map(scaleOf), scaleOf(last)] };
}

/**
 * The network plus one more PGD step per layer with step size 0 (the progressive extension of
 * §VI-B, Fig. 5, started exactly at its parent). The new step's scale is the median |γ| of its layer.
 */
export function withNoOpStep(gamma: number[][]): WarmStart {
  if (!Array.isArray(gamma) || gamma.length === 0) throw new Error('withNoOpStep(gamma): needs at least one layer of step sizes');
  const median = (row: number[]) => {
    const a = row.map(Math.abs).sort((x, y) => x - y);
    return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  };
  return {
    gamma: gamma.map((r) => [...r, 0]),
    scale: gamma.map((r) => [...r.map((g) => Math.max(Math.abs(g), 1e-3)), Math.max(median(r), 1e-3)]),
  };
}

// test sets live in the kit (every paper uses them); re-exported for the notebook's `wmmse.makeTestSet`
export { disposeTestSet, makeTestSet } from '../../kit/testSets';
export type { TestSet } from '../../kit/testSets';

/**
 * Step sizes as plain numbers: `gamma` must be L = shape.layers rows of K = shape.pgdSteps finite
 * numbers (1 for 'same γ'), not ragged (tfjs would read a ragged array as garbage). Returns L.
 */
export function checkGamma(fn: string, gamma: number[][], shape: UnfoldedShape): number {
  checkPositiveInt(fn, 'shape.layers', shape.layers);
  checkPositiveInt(fn, 'shape.pgdSteps', shape.pgdSteps);
  const width = shape.sameGamma ? 1 : shape.pgdSteps;
  if (!Array.isArray(gamma) || gamma.length !== shape.layers) {
    throw new Error(`${fn}(gamma): needs ${shape.layers} rows (L = shape.layers); got ${Array.isArray(gamma) ? gamma.length : String(gamma)}`);
  }
  gamma.forEach((row, l) => {
    if (!Array.isArray(row) || row.length !== width) {
      throw new Error(`${fn}(gamma): row ${l} needs ${width} step sizes (${shape.sameGamma ? "'same γ'" : 'K = shape.pgdSteps'}); got ${Array.isArray(row) ? row.length : String(row)}`);
    }
    row.forEach((v, k) => checkFinite(fn, `gamma[${l}][${k}]`, v));
  });
  return shape.layers;
}

/** Per-channel WSR of every layer of a trained network on a test set, evaluated in chunks: [L][count]. */
export function evaluateUnfolded(gamma: number[][], shape: UnfoldedShape, sys: WmmseSystem, h: Complex, chunk = 5000): Float64Array[] {
  const [count] = checkSystem('evaluateUnfolded', sys, h);
  const layers = checkGamma('evaluateUnfolded', gamma, shape);
  checkPositiveInt('evaluateUnfolded', 'chunk', chunk);
  const out = Array.from({ length: layers }, () => new Float64Array(count));
  const g = tf.tensor2d(gamma);
  try {
    for (let start = 0; start < count; start += chunk) {
      const size = Math.min(chunk, count - start);
      const w = tf.tidy(() => {
        const hc = C.slice(h, [start, 0, 0], [size, -1, -1]);
        const res = unfoldedForward(hc, g, sys, shape.pgdSteps);
        return wsrPerLayer(hc, res, sys);
      });
      const data = w.dataSync();
      w.dispose();
      for (let l = 0; l < layers; l++) out[l].set(data.subarray(l * size, (l + 1) * size), start);
    }
  } finally {
    g.dispose();
  }
  return out;
}
