/**
 * Stochastic quantisation (SQ) of weight rows: SLP-SQ §IV-A/B (eqs. 19–21, Algorithm 1), after
 * Dong et al., "Stochastic quantization for learning accurate low-bit deep neural networks" (IJCV
 * 2019, the paper's ref. [30]).
 *
 * At every training step the m rows of a weight (one row = one output channel = one index of the
 * LAST axis, as in weights.ts) are split into a quantised group W_q of round(QR·m) rows and a
 * full-precision group W_f (eqs. 19–20). Rows with a small quantisation error are drawn first:
 *
 * - Quantisation error, eq. (21): e_j = ||W_j − Q_j||_1 / ||W_j||_1. The paper leaves the norm of
 *   the denominator unnamed; we take the l1 norm, as Dong et al. do, so e_j is the relative l1
 *   error: dimensionless, invariant to the row's scale (Q is positively homogeneous: Q(cW) = c·Q(W)),
 *   and comparable between rows and layers of any size. An all-zero row has Q_j = 0 and e_j := 0.
 * - Quantisation probability (QP), with f_p = 1/(e + δ), δ = 1e-6 (`QP_DELTA`):
 *   'uniform' pr_j ∝ 1; 'linear' pr_j ∝ f_p (the paper's choice); 'softmax' pr_j ∝ exp(f_p);
 *   'halfGaussian' pr_j ∝ (√2/(σ√π))·exp(−e_j²/(2σ²)). The paper prints the half-Gaussian of f_p,
 *   exp(−f_p²/(2σ²)), which DEcreases in f_p, i.e. favours rows with LARGE error — against its own
 *   statement that every QP is non-decreasing in f_p and gives small errors a high probability. We
 *   take the half-Gaussian density of the error e instead, which is non-increasing in e (σ: option
 *   `sigma`, default 1; the paper gives no value). All four are computed in the log domain and
 *   normalised over the rows still in play, so exp(f_p) ≈ exp(10⁶) for e = 0 neither overflows nor
 *   leaves the other rows with an all-zero (0/0) distribution.
 * - Circular lottery, Algorithm 1: each pick normalises pr over the remaining rows, draws
 *   θ = rng.next() ∈ [0, 1) and takes the first row whose cumulative probability exceeds θ; that
 *   row's pr is then reset to 0 (no replacement). One `rng.next()` per pick.
 * - Inference (no `rng`): `mostProbableRows`, the greedy mode of the lottery (each pick the most
 *   probable remaining row). For every QP above that is the round(QR·m) rows of smallest e (ties by
 *   index; for 'uniform' simply the first rows). The paper keeps QR fixed for training and
 *   inference but does not say which partition inference uses; this one is deterministic and
 *   quantises the rows the training lottery quantised most often.
 * - Hybrid weight W̃ (§IV-D2): the quantised rows take Q_j, the others W_j, and the gradient is the
 *   straight-through identity ∂L/∂W = ∂L/∂W̃, so W ← W − η ∂L/∂W̃. tfjs has no stopGradient, so
 *   this is a `tf.customGrad` (works on cpu and wasm); the forward value is mask·Q + (1 − mask)·W,
 *   which is exactly Q_j or W_j per row (x + (q − x) would not be exact in float32).
 *
 * The per-row selection runs in JavaScript on the m errors (one data read of [2, m] per call).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/random';
import { checkWeightQuantMode, quantizeWeight, rowLayout, WeightQuantMode } from './weights';

/** The QP functions of §IV-B. */
export type QuantProbability = 'uniform' | 'linear' | 'halfGaussian' | 'softmax';

const QPS: readonly QuantProbability[] = ['uniform', 'linear', 'halfGaussian', 'softmax'];

/** δ in f_p = 1/(e + δ) (§IV-B). */
export const QP_DELTA = 1e-6;

export interface QuantProbabilityOptions {
  /** QP function; default 'linear' (the paper's choice) */
  probability?: QuantProbability;
  /** σ of the half-Gaussian QP (only used by 'halfGaussian'); default 1 */
  sigma?: number;
}

export interface HybridWeightOptions extends QuantProbabilityOptions {
  /** Q*: BWN (eq. 16) or TWN (eq. 18) */
  mode: WeightQuantMode;
  /** QR = r_sq ∈ [0, 1]: round(QR·m) of the m rows are quantised */
  quantRatio: number;
  /** training: draw the partition with Algorithm 1 from this stream; absent: `mostProbableRows` */
  rng?: Rng;
}

interface CheckedQp {
  probability: QuantProbability;
  sigma: number;
}

function checkQp(fn: string, opts: QuantProbabilityOptions): CheckedQp {
  const probability = opts.probability ?? 'linear';
  if (!(QPS as readonly string[]).includes(probability)) {
    throw new Error(`${fn}: probability must be one of ${QPS.join(', ')}; got ${JSON.stringify(probability)}`);
  }
  const sigma = opts.sigma ?? 1;
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw new Error(`${fn}: sigma must be a finite number > 0; got ${String(sigma)}`);
  }
  return { probability, sigma };
}

function checkErrors(fn: string, errors: ArrayLike<number>): void {
  if (errors.length < 1) throw new Error(`${fn}: errors must hold at least one row; got none`);
  for (let j = 0; j < errors.length; j++) {
    const e = errors[j];
    if (!Number.isFinite(e) || e < 0) throw new Error(`${fn}: errors[${j}] must be finite and >= 0; got ${e}`);
  }
}

function checkCount(fn: string, count: unknown, m: number): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > m) {
    throw new Error(`${fn}: count must be an integer in [0, ${m}] (the number of rows); got ${String(count)}`);
  }
  return count;
}

/** Throws unless QR is a finite number in [0, 1]. */
function checkQuantRatio(fn: string, quantRatio: unknown): number {
  if (typeof quantRatio !== 'number' || !Number.isFinite(quantRatio) || quantRatio < 0 || quantRatio > 1) {
    throw new Error(`${fn}: quantRatio must be a finite number in [0, 1]; got ${String(quantRatio)}`);
  }
  return quantRatio;
}

/** M_q = round(QR·m) (Algorithm 1, line 3; halves round up), the number of quantised rows. */
export function quantizedRowCount(quantRatio: number, rows: number): number {
  const qr = checkQuantRatio('quantizedRowCount', quantRatio);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`quantizedRowCount: rows must be a positive integer; got ${rows}`);
  return Math.round(qr * rows);
}

/** Per-row relative l1 errors from a [n, m] weight and its Q*: one data read of [2, m]. */
function errorsOf(w2: tf.Tensor, q2: tf.Tensor): Float64Array {
  const both = tf.tidy(() => tf.stack([tf.sum(tf.abs(tf.sub(w2, q2)), 0), tf.sum(tf.abs(w2), 0)]));
  const d = both.dataSync();
  both.dispose();
  const m = d.length / 2;
  const e = new Float64Array(m);
  for (let j = 0; j < m; j++) e[j] = d[m + j] > 0 ? d[j] / d[m + j] : 0;
  return e;
}

/**
 * Quantisation error of every row, eq. (21): e_j = ||W_j − Q*_j||_1 / ||W_j||_1 (0 for an all-zero
 * row), Q* by `mode`. w [..., m] → e [m] (reads m·2 numbers).
 */
export function rowQuantErrors(w: tf.Tensor, mode: WeightQuantMode): Float64Array {
  const [n, m] = rowLayout('rowQuantErrors', w);
  const md = checkWeightQuantMode('rowQuantErrors', mode);
  const w2 = tf.reshape(w, [n, m]);
  const q2 = quantizeWeight(w2, md);
  try {
    return errorsOf(w2, q2);
  } finally {
    tf.dispose([w2, q2]);
  }
}

/** log pr_j up to a constant, for the QP functions of §IV-B. */
function logWeights(errors: ArrayLike<number>, qp: CheckedQp): Float64Array {
  const m = errors.length;
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const e = errors[j];
    switch (qp.probability) {
      case 'uniform':
        out[j] = 0;
        break;
      case 'linear':
        out[j] = -Math.log(e + QP_DELTA); // pr ∝ f_p = 1/(e + δ)
        break;
      case 'softmax':
        out[j] = 1 / (e + QP_DELTA); // pr ∝ exp(f_p)
        break;
      case 'halfGaussian':
        out[j] = -(e * e) / (2 * qp.sigma * qp.sigma); // pr ∝ exp(−e²/(2σ²))
        break;
    }
  }
  return out;
}

/** exp(l_j − max) over the rows still in play (`alive`), 0 elsewhere; returns the total (≥ 1). */
function weightsOf(logw: Float64Array, alive: Uint8Array, out: Float64Array): number {
  let mx = -Infinity;
  for (let j = 0; j < logw.length; j++) if (alive[j] && logw[j] > mx) mx = logw[j];
  let total = 0;
  for (let j = 0; j < logw.length; j++) {
    out[j] = alive[j] ? Math.exp(logw[j] - mx) : 0;
    total += out[j];
  }
  return total;
}

/** Normalised QP, pr_j of §IV-B (sums to 1). errors [m] → pr [m]. */
export function quantProbabilities(errors: ArrayLike<number>, opts: QuantProbabilityOptions = {}): Float64Array {
  const qp = checkQp('quantProbabilities', opts);
  checkErrors('quantProbabilities', errors);
  const p = new Float64Array(errors.length);
  const total = weightsOf(logWeights(errors, qp), new Uint8Array(errors.length).fill(1), p);
  for (let j = 0; j < p.length; j++) p[j] /= total;
  return p;
}

/**
 * Algorithm 1 (circular lottery): `count` distinct rows drawn without replacement, each pick with
 * probability pr_j (§IV-B QP of the errors) renormalised over the rows not yet drawn. Returns the
 * rows in the order drawn. errors [m]; consumes `count` draws of `rng.next()`.
 */
export function lotteryRows(errors: ArrayLike<number>, count: number, rng: Rng, opts: QuantProbabilityOptions = {}): number[] {
  const fn = 'lotteryRows';
  const qp = checkQp(fn, opts);
  checkErrors(fn, errors);
  const m = errors.length;
  checkCount(fn, count, m);
  const logw = logWeights(errors, qp);
  const alive = new Uint8Array(m).fill(1);
  const p = new Float64Array(m);
  const rows: number[] = [];
  for (let k = 0; k < count; k++) {
    const total = weightsOf(logw, alive, p); // line 5: p̂ = pr/||pr||_1 over the remaining rows
    const theta = rng.next(); // line 6
    let s = 0, pick = -1, last = -1;
    for (let i = 0; i < m; i++) { // lines 7–11: first i with Σ_{≤i} p̂ > θ
      if (p[i] === 0) continue;
      last = i;
      s += p[i] / total;
      if (s > theta) {
        pick = i;
        break;
      }
    }
    if (pick < 0) pick = last; // Σ p̂ rounded just below θ
    rows.push(pick); // line 12
    alive[pick] = 0; // line 13: pr_i = 0
  }
  return rows;
}

/**
 * The deterministic partition for inference: the `count` rows of highest QP, i.e. of smallest
 * error e_j (ties: lower index first; 'uniform': rows 0..count−1). errors [m] → rows, best first.
 */
export function mostProbableRows(errors: ArrayLike<number>, count: number, opts: QuantProbabilityOptions = {}): number[] {
  const fn = 'mostProbableRows';
  const qp = checkQp(fn, opts);
  checkErrors(fn, errors);
  checkCount(fn, count, errors.length);
  const logw = logWeights(errors, qp);
  const order = Array.from({ length: errors.length }, (_, j) => j);
  order.sort((a, b) => logw[b] - logw[a] || a - b);
  return order.slice(0, count);
}

interface CheckedHybrid extends CheckedQp {
  mode: WeightQuantMode;
  quantRatio: number;
  n: number;
  m: number;
}

function checkHybrid(fn: string, w: tf.Tensor, opts: HybridWeightOptions): CheckedHybrid {
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: options { mode, quantRatio, rng? } are required`);
  const [n, m] = rowLayout(fn, w);
  const mode = checkWeightQuantMode(fn, opts.mode);
  const quantRatio = checkQuantRatio(fn, opts.quantRatio);
  return { ...checkQp(fn, opts), mode, quantRatio, n, m };
}

/** The rows (drawn order) for a checked call, from Q* = q2 [n, m]. */
function pickRows(w2: tf.Tensor, q2: tf.Tensor, count: number, o: CheckedHybrid, rng: Rng | undefined): number[] {
  // the uniform QP needs no errors (and no data read)
  const errors = o.probability === 'uniform' ? new Float64Array(o.m) : errorsOf(w2, q2);
  return rng ? lotteryRows(errors, count, rng, o) : mostProbableRows(errors, count, o);
}

/**
 * The rows `hybridWeight` quantises for these options (same draws from `opts.rng`): Algorithm 1
 * with `rng`, `mostProbableRows` without. w [..., m] → round(QR·m) distinct rows in [0, m).
 */
export function selectQuantizedRows(w: tf.Tensor, opts: HybridWeightOptions): number[] {
  const o = checkHybrid('selectQuantizedRows', w, opts);
  const count = Math.round(o.quantRatio * o.m);
  if (count === 0) return [];
  if (count === o.m) return Array.from({ length: o.m }, (_, j) => j);
  const w2 = tf.reshape(w, [o.n, o.m]);
  const q2 = quantizeWeight(w2, o.mode);
  try {
    return pickRows(w2, q2, count, o, opts.rng);
  } finally {
    tf.dispose([w2, q2]);
  }
}

/**
 * W̃ = mask·Q + (1 − mask)·W with the straight-through gradient dy ↦ dy to w. mask [m] (null: all
 * rows quantised). w, q [..., m].
 */
function compose(w: tf.Tensor, q: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = args[0] as tf.Tensor;
    const value = mask === null ? tf.clone(q) : tf.add(tf.mul(q, mask), tf.mul(v, tf.sub(1, mask)));
    return { value, gradFunc: (dy: tf.Tensor) => dy };
  });
  return f(w);
}

function rowMask(fn: string, rows: readonly number[], m: number): tf.Tensor1D {
  const mask = new Float32Array(m);
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= m) throw new Error(`${fn}: rows must be integers in [0, ${m - 1}]; got ${r}`);
    if (mask[r] === 1) throw new Error(`${fn}: rows must be distinct; got ${r} twice`);
    mask[r] = 1;
  }
  return tf.tensor1d(mask);
}

/**
 * Hybrid weight for a given partition: rows in `rows` (indices of the last axis) take Q*_j by
 * `mode`, the others W_j; gradient straight through to w. w [..., m] → W̃ [..., m]. An empty
 * `rows` returns `w` itself.
 */
export function hybridWeightFromRows(w: tf.Tensor, mode: WeightQuantMode, rows: readonly number[]): tf.Tensor {
  const fn = 'hybridWeightFromRows';
  const [, m] = rowLayout(fn, w);
  const md = checkWeightQuantMode(fn, mode);
  if (!Array.isArray(rows)) throw new Error(`${fn}: rows must be an array of row indices in [0, ${m - 1}]`);
  if (rows.length === 0) return w;
  return tf.tidy(() => {
    const mask = rowMask(fn, rows, m);
    return compose(w, quantizeWeight(w, md), rows.length === m ? null : mask);
  });
}

/**
 * The SQ hybrid weight W̃_qf of §IV-A/D2: round(QR·m) rows (last axis) quantised by BWN/TWN, chosen
 * by Algorithm 1 from `rng` (training, a fresh partition per call) or by `mostProbableRows`
 * (inference, no `rng`); the others keep their real value. Gradient: straight-through identity
 * ∂L/∂W = ∂L/∂W̃. QR = 0 returns `w` itself (no new tensor, no draw); QR = 1 the fully quantised
 * weight (no draw). w [..., m] float32 → W̃ [..., m].
 */
export function hybridWeight(w: tf.Tensor, opts: HybridWeightOptions): tf.Tensor {
  const o = checkHybrid('hybridWeight', w, opts);
  const count = Math.round(o.quantRatio * o.m);
  if (count === 0) return w;
  return tf.tidy(() => {
    const q = quantizeWeight(w, o.mode);
    if (count === o.m) return compose(w, q, null);
    const rows = pickRows(tf.reshape(w, [o.n, o.m]), tf.reshape(q, [o.n, o.m]), count, o, opts.rng);
    return compose(w, q, rowMask('hybridWeight', rows, o.m));
  });
}
