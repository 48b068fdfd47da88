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

/** Train one unfolded network. `init` (e.g. from progressive training) replaces the all-ones start. */
export async function trainUnfolded(
  shape: UnfoldedShape,
  sys: WmmseSystem,
  settings: TrainSettings,
  rng: Rng,
  opts: { progress?: Progress; phase?: string; init?: number[][] } = {},
): Promise<TrainedUnfolded> {
  const gamma = initialGamma(shape);
  if (opts.init) {
    const t = tf.tensor2d(opts.init);
    if (t.shape[0] !== gamma.shape[0] || t.shape[1] !== gamma.shape[1]) {
      t.dispose();
      gamma.dispose();
      throw new Error(`trainUnfolded(init): must be [${gamma.shape}] step sizes; got [${t.shape}]`);
    }
    gamma.assign(t);
    t.dispose();
  }
  const users = sys.alpha.length;
  const antennas = sys.antennas;
  const epochs = Math.ceil(settings.steps / Math.min(settings.validateEvery ?? 100, settings.steps));
  const every = Math.ceil(settings.steps / epochs); // validation interval dividing the step budget
  const hVal = rayleigh(rng.fork('validation'), { batch: settings.validationChannels ?? 1000, users, antennas });
  try {
    const history = await train<Complex>({
      variables: [gamma],
      batch: (epoch, step) => rayleigh(rng.fork(`batch${epoch * every + step}`), { batch: settings.batch, users, antennas }),
      loss: (h) => unfoldedLoss(h, gamma, sys, shape.pgdSteps),
      epochs,
      stepsPerEpoch: every,
      learningRate: settings.learningRate,
      validate: () => {
        const l = unfoldedLoss(hVal, gamma, sys, shape.pgdSteps);
        const v = l.dataSync()[0];
        l.dispose();
        return Number.isFinite(v) ? v : Infinity;
      },
      progress: opts.progress,
      phase: opts.phase ?? `train L=${shape.layers} K=${shape.pgdSteps}${shape.sameGamma ? ' same γ' : ''}`,
    });
    const values = gamma.arraySync() as number[][];
    return { shape, gamma: values, history, trainingChannels: history.loss.length * settings.batch };
  } finally {
    gamma.dispose();
    C.dispose(hVal);
  }
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
