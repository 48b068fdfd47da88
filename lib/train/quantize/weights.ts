/**
 * Per-row (per-filter) low-bit weight quantisers of SLP-SQ (slp-quantized-nn-weights, §III).
 *
 * A "row" W_j is one output channel: one index of the LAST axis of the weight tensor (tfjs conv2d
 * filters are [kh, kw, cIn, cOut], dense kernels [nIn, nOut]), so W_j holds the n = size/m entries
 * w[..., j]. Each row gets its own scale β_j.
 *
 * - BWN, eq. (16): Q_j = β_j·sign(W_j) with β_j = ||W_j||_1 / n, sign(0) = +1 (eq. 14). This is
 *   the minimiser of ||W_j − β B||² over β ≥ 0 and B ∈ {±1}^n (eq. 15).
 * - TWN, eq. (18): Q_j = β_j·B_j with B = +1 if w > δ_j, −1 if w < −δ_j, 0 if |w| ≤ δ_j,
 *   δ_j = 0.7·||W_j||_1 / n, and β_j = mean of |w| over I_δ = {|w| > δ_j} (0 for an all-zero row).
 *
 * These are forward maps only: their tfjs gradient is not the straight-through one (sign and step
 * have zero derivative). For training, use `hybridWeight` (stochastic.ts), whose gradient is the
 * straight-through identity; `quantRatio: 1` gives the fully quantised (SLP-DBNet/DTNet) weight.
 */
import * as tf from '@tensorflow/tfjs';

/** The two weight quantisers: 'binary' = BWN (eq. 16), 'ternary' = TWN (eq. 18). */
export type WeightQuantMode = 'binary' | 'ternary';

const MODES: readonly WeightQuantMode[] = ['binary', 'ternary'];

/** The TWN threshold factor: δ = 0.7·mean|W| (eq. 18). */
export const TWN_DELTA_FACTOR = 0.7;

/** Throws unless `mode` is 'binary' or 'ternary' (`what` names the function and option). */
export function checkWeightQuantMode(what: string, mode: unknown): WeightQuantMode {
  if (typeof mode === 'string' && (MODES as readonly string[]).includes(mode)) return mode as WeightQuantMode;
  throw new Error(`${what}: mode must be 'binary' or 'ternary'; got ${JSON.stringify(mode)}`);
}

/**
 * Throws unless `w` is a float32 tensor of rank ≥ 1 with no zero-length axis; returns [n, m]
 * (entries per row, rows = size of the last axis).
 */
export function rowLayout(what: string, w: tf.Tensor): [number, number] {
  if (w.rank < 1) throw new Error(`${what}: weight must have rank >= 1 (rows on the last axis); got a scalar`);
  if (w.dtype !== 'float32') throw new Error(`${what}: weight must be float32; got ${w.dtype}`);
  if (w.size === 0) throw new Error(`${what}: weight must have no zero-length axis; got [${w.shape.join(', ')}]`);
  const m = w.shape[w.rank - 1];
  return [w.size / m, m];
}

/** BWN scales, eq. (16): β_j = ||W_j||_1 / n. w [..., m] → β [m]. */
export function binaryScale(w: tf.Tensor): tf.Tensor1D {
  const [n, m] = rowLayout('binaryScale', w);
  return tf.tidy(() => tf.mean(tf.abs(tf.reshape(w, [n, m])), 0) as tf.Tensor1D);
}

/** TWN thresholds, eq. (18): δ_j = 0.7·||W_j||_1 / n. w [..., m] → δ [m]. */
export function ternaryThreshold(w: tf.Tensor): tf.Tensor1D {
  rowLayout('ternaryThreshold', w);
  return tf.tidy(() => tf.mul(binaryScale(w), TWN_DELTA_FACTOR) as tf.Tensor1D);
}

/** sign(x) with sign(0) = +1 (eq. 14), as 1 − 2·step(−x) (tf.where is slow on tfjs-wasm). */
function signPlus(x: tf.Tensor): tf.Tensor {
  return tf.sub(1, tf.mul(tf.step(tf.neg(x)), 2));
}

/** TWN parts of a [n, m] matrix: B ∈ {−1, 0, +1} and β [m] (eq. 18). */
function ternaryParts(w2: tf.Tensor2D): { b: tf.Tensor; beta: tf.Tensor } {
  const abs = tf.abs(w2);
  const delta = tf.mul(tf.mean(abs, 0), TWN_DELTA_FACTOR); // [m]
  // step(u) = 1 for u > 0, 0 for u <= 0: strict |w| > δ, as eq. (18) puts |w| = δ at 0
  const b = tf.sub(tf.step(tf.sub(w2, delta)), tf.step(tf.sub(tf.neg(w2), delta))); // [n, m]
  const kept = tf.step(tf.sub(abs, delta)); // 1{|w| > δ}, [n, m]
  const count = tf.maximum(tf.sum(kept, 0), 1); // |I_δ|, 0 only for an all-zero row (then Σ = 0 too)
  const beta = tf.div(tf.sum(tf.mul(abs, kept), 0), count); // [m]
  return { b, beta };
}

/** TWN scales, eq. (18): β_j = mean of |w| over {|w| > δ_j}. w [..., m] → β [m]. */
export function ternaryScale(w: tf.Tensor): tf.Tensor1D {
  const [n, m] = rowLayout('ternaryScale', w);
  return tf.tidy(() => ternaryParts(tf.reshape(w, [n, m]) as tf.Tensor2D).beta as tf.Tensor1D);
}

/** BWN, eq. (16): Q_j = β_j·sign(W_j) per row (last axis). w [..., m] → Q [..., m]. */
export function binaryWeight(w: tf.Tensor): tf.Tensor {
  const [n, m] = rowLayout('binaryWeight', w);
  return tf.tidy(() => {
    const w2 = tf.reshape(w, [n, m]);
    const beta = tf.mean(tf.abs(w2), 0); // [m]
    return tf.reshape(tf.mul(signPlus(w2), beta), w.shape);
  });
}

/** TWN, eq. (18): Q_j = β_j·B_j per row (last axis), δ_j = 0.7·mean|W_j|. w [..., m] → Q [..., m]. */
export function ternaryWeight(w: tf.Tensor): tf.Tensor {
  const [n, m] = rowLayout('ternaryWeight', w);
  return tf.tidy(() => {
    const { b, beta } = ternaryParts(tf.reshape(w, [n, m]) as tf.Tensor2D);
    return tf.reshape(tf.mul(b, beta), w.shape);
  });
}

/** Q* of eq. (21): BWN (eq. 16) for 'binary', TWN (eq. 18) for 'ternary'. w [..., m] → [..., m]. */
export function quantizeWeight(w: tf.Tensor, mode: WeightQuantMode): tf.Tensor {
  const md = checkWeightQuantMode('quantizeWeight', mode);
  return md === 'binary' ? binaryWeight(w) : ternaryWeight(w);
}
