/**
 * Scalar DAC quantisers and their application to (complex, batched) transmit signals.
 *
 * Sources: GNN paper (Feys et al.) §II-B: eq. (1) (quantise Re and Im of every antenna separately),
 * §II-B2 (Lloyd-Max / "Max-Lloyd" MMSQE quantiser for a Gaussian input), §II-B3 (per-antenna input
 * normalisation); NNO-C2PO eq. (6) (1-bit ξ·sign quantiser).
 *
 * Conventions:
 * - A quantiser has L levels l_0 < … < l_{L−1} and L−1 thresholds τ_1 < … < τ_{L−1}; cell i is
 *   [τ_i, τ_{i+1}) with τ_0 = −∞, τ_L = +∞. Cells are LEFT-closed: a value exactly on a threshold
 *   maps to the upper level, so sign(0) = +1 for the 1-bit quantiser. (The GNN paper writes
 *   right-closed cells (τ_i, τ_{i+1}]; the difference has probability zero for continuous inputs.)
 * - `designVariance` is the variance of the real Gaussian input a quantiser was designed for. The
 *   GNN paper normalises each antenna's complex DAC input to CN(0, 1), so each real DAC sees
 *   N(0, 1/2); it does not say whether its Lloyd-Max design used variance 1 or 1/2 (notes §1.4).
 *   `quantizePerAntenna` therefore scales each real input to the quantiser's own design variance by
 *   default; as Lloyd-Max quantisers scale exactly (Q_σ(x) = σ Q_1(x/σ)), the denormalised output is
 *   then the same whichever design variance was picked.
 * - Quantisation is piecewise constant: `quantize` is differentiable with a zero gradient (it is
 *   built from comparisons, no index gather). For training, wrap it in `quantizeSte`
 *   (lib/train/estimators.ts) with lo = l_0, hi = l_{L−1}.
 * - Tensor functions accept any leading batch axes (`[..., M, T]`) and check shapes and options
 *   only, never tensor values (no data read; see the policy in core/validate.ts).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { erf, erfc, normCdfInv, normPdf } from '../core/special';
import { checkComplex, checkFiniteNamed, checkMatrixBatch, checkPositiveInt } from '../core/validate';
import { atLeast, safeDiv } from '../core/safe';

/** A scalar quantiser R → {l_0 < … < l_{L−1}} (levels ascending, thresholds length L−1). */
export interface ScalarQuantizer {
  /** bits per real dimension, L = 2^bits */
  bits: number;
  /** the L output levels, ascending */
  levels: number[];
  /** the L−1 decision thresholds, ascending; cell i is [thresholds[i−1], thresholds[i]) */
  thresholds: number[];
  name: string;
  /** variance of the real Gaussian input it was designed for (Lloyd-Max), if any */
  designVariance?: number;
}

/** Largest supported resolution (bits per real dimension). */
export const MAX_BITS = 8;

function checkBits(bits: number, fn: string): number {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_BITS) {
    throw new Error(`${fn}(bits): must be an integer in 1..${MAX_BITS}; got ${bits}`);
  }
  return 2 ** bits;
}

function checkPositive(value: number, what: string): void {
  checkFiniteNamed(what, value, 0, false);
}

/** Throw unless `q` is a well-formed quantiser (finite, ascending, L = 2^bits = thresholds + 1). */
export function checkQuantizer(q: ScalarQuantizer, what = 'quantizer'): void {
  const L = checkBits(q.bits, what);
  const { levels, thresholds } = q;
  if (levels.length !== L || thresholds.length !== L - 1) {
    throw new Error(`${what}: needs ${L} levels and ${L - 1} thresholds for ${q.bits} bits; got ${levels.length} and ${thresholds.length}`);
  }
  for (const [arr, name] of [[levels, 'levels'], [thresholds, 'thresholds']] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i])) throw new Error(`${what}.${name}[${i}]: must be finite; got ${arr[i]}`);
      if (i > 0 && !(arr[i] > arr[i - 1])) throw new Error(`${what}.${name}: must be strictly ascending; got ${arr[i - 1]}, ${arr[i]}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Gaussian cell probabilities (float64, erf/erfc from lib/core/special.ts)
// ---------------------------------------------------------------------------------------------

/** P(a ≤ X < b) for X ~ N(0, 1), computed from the nearer tail so small cells keep their digits. */
function normalMass(a: number, b: number): number {
  if (!(b >= a)) return 0;
  if (a >= 0) return 0.5 * (erfc(a * Math.SQRT1_2) - erfc(b * Math.SQRT1_2));
  if (b <= 0) return 0.5 * (erfc(-b * Math.SQRT1_2) - erfc(-a * Math.SQRT1_2));
  return 0.5 * (erf(b * Math.SQRT1_2) - erf(a * Math.SQRT1_2));
}

// ---------------------------------------------------------------------------------------------
// Quantiser constructors
// ---------------------------------------------------------------------------------------------

/** 1-bit quantiser ξ·sign(x) with sign(0) = +1: NNO-C2PO eq. (6) per real dimension. */
export function oneBit(scale = 1): ScalarQuantizer {
  checkPositive(scale, 'oneBit(scale)');
  return { bits: 1, levels: [-scale, scale], thresholds: [0], name: `1-bit ±${scale}` };
}

/** Step Δ, or an overload point c (levels within ±c, Δ = 2c/L). */
export type UniformSpec = { step: number } | { clip: number };

/**
 * Uniform mid-rise quantiser with L = 2^bits levels: l_i = (i − (L−1)/2)·Δ, thresholds halfway
 * between levels (τ_i = (i − L/2)·Δ). Given `clip` = c, Δ = 2c/L, so the cells tile [−c, c].
 */
export function uniform(bits: number, spec: UniformSpec): ScalarQuantizer {
  const L = checkBits(bits, 'uniform');
  let step: number;
  if ('step' in spec) {
    checkPositive(spec.step, 'uniform(spec.step)');
    step = spec.step;
  } else {
    checkPositive(spec.clip, 'uniform(spec.clip)');
    step = (2 * spec.clip) / L;
  }
  const levels = Array.from({ length: L }, (_, i) => (i - (L - 1) / 2) * step);
  const thresholds = Array.from({ length: L - 1 }, (_, i) => (i + 1 - L / 2) * step);
  return { bits, levels, thresholds, name: `uniform ${bits}-bit Δ=${step.toPrecision(4)}` };
}

/** E[X | a ≤ X < b] for X ~ N(0, 1): (φ(a) − φ(b)) / (Φ(b) − Φ(a)), guarded for empty cells. */
function centroid(a: number, b: number): number {
  const mass = normalMass(a, b);
  if (mass < 1e-300) return Number.isFinite(a) ? (Number.isFinite(b) ? 0.5 * (a + b) : a) : b;
  return (normPdf(a) - normPdf(b)) / mass;
}

/** Levels (cell centroids) of a unit-variance Gaussian for interior thresholds t (ascending). */
function centroids(t: number[]): number[] {
  const L = t.length + 1;
  return Array.from({ length: L }, (_, i) => centroid(i === 0 ? -Infinity : t[i - 1], i === L - 1 ? Infinity : t[i]));
}

/** Residuals F_i = τ_i − (l_{i−1} + l_i)/2 of the midpoint condition, with l = centroids(τ). */
function residual(t: number[]): number[] {
  const l = centroids(t);
  return t.map((ti, i) => ti - 0.5 * (l[i] + l[i + 1]));
}

/** Solve a tridiagonal system (sub a, diag b, super c, rhs d) by the Thomas algorithm. */
function thomas(a: number[], b: number[], c: number[], d: number[]): number[] {
  const n = b.length;
  const cp = new Array<number>(n);
  const dp = new Array<number>(n);
  cp[0] = c[0] / b[0];
  dp[0] = d[0] / b[0];
  for (let i = 1; i < n; i++) {
    const m = b[i] - a[i] * cp[i - 1];
    cp[i] = c[i] / m;
    dp[i] = (d[i] - a[i] * dp[i - 1]) / m;
  }
  const x = new Array<number>(n);
  x[n - 1] = dp[n - 1];
  for (let i = n - 2; i >= 0; i--) x[i] = dp[i] - cp[i] * x[i + 1];
  return x;
}

/**
 * One Newton step on the midpoint conditions F(τ) = 0, with the levels eliminated (l_i = centroid
 * of cell i). With D = Φ(b) − Φ(a) and c the centroid of (a, b]:
 * ∂c/∂a = φ(a)(c − a)/D, ∂c/∂b = φ(b)(b − c)/D; the Jacobian is tridiagonal.
 */
function newtonDirection(t: number[], f: number[]): number[] {
  const n = t.length;
  const l = centroids(t);
  const edges = [-Infinity, ...t, Infinity];
  const dA = new Array<number>(n + 1); // ∂l_i/∂(left edge of cell i)
  const dB = new Array<number>(n + 1); // ∂l_i/∂(right edge of cell i)
  for (let i = 0; i <= n; i++) {
    const a = edges[i], b = edges[i + 1];
    const mass = Math.max(normalMass(a, b), 1e-300);
    dA[i] = Number.isFinite(a) ? (normPdf(a) * (l[i] - a)) / mass : 0;
    dB[i] = Number.isFinite(b) ? (normPdf(b) * (b - l[i])) / mass : 0;
  }
  const sub = new Array<number>(n);
  const diag = new Array<number>(n);
  const sup = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    // threshold t[i] is the right edge of cell i and the left edge of cell i+1;
    // F_i = t[i] − (l_i + l_{i+1})/2 depends on t[i−1], t[i], t[i+1]
    diag[i] = 1 - 0.5 * (dB[i] + dA[i + 1]);
    sub[i] = -0.5 * dA[i];
    sup[i] = -0.5 * dB[i + 1];
  }
  return thomas(sub, diag, sup, f.map((v) => -v));
}

const maxAbs = (v: number[]): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const increasing = (v: number[]): boolean => v.every((x, i) => i === 0 || x > v[i - 1]);

/** Initial thresholds for a unit-variance Gaussian. */
function initialThresholds(L: number, init: LloydMaxInit): number[] {
  if (init === 'companding') {
    // Panter–Dite: optimal point density ∝ f^{1/3}, i.e. the N(0, 3) quantiles
    return Array.from({ length: L - 1 }, (_, i) => Math.sqrt(3) * normCdfInv((i + 1) / L));
  }
  // uniform thresholds over ±3
  return Array.from({ length: L - 1 }, (_, i) => ((i + 1 - L / 2) * 6) / L);
}

export type LloydMaxInit = 'companding' | 'uniform';

export interface LloydMaxOptions {
  /** stop when max |τ_i − (l_{i−1}+l_i)/2| < tol (unit-variance units); default 1e-13 */
  tol?: number;
  /** iteration cap (Newton and Lloyd steps together); default 500 */
  maxIter?: number;
  /** initial points; the run with the smallest MSE is kept. Default ['companding'] */
  inits?: LloydMaxInit[];
}

/**
 * Solve the Lloyd-Max conditions for N(0, 1) from one initial point: damped Newton on the midpoint
 * residuals (levels = centroids), falling back to a plain Lloyd step (τ ← midpoints of centroids)
 * whenever Newton cannot reduce the residual. Returns symmetric thresholds.
 */
function solveLloydMax(L: number, init: LloydMaxInit, tol: number, maxIter: number): { t: number[]; iter: number; res: number } {
  let t = initialThresholds(L, init);
  let f = residual(t);
  let res = maxAbs(f);
  let iter = 0;
  while (res >= tol && iter < maxIter) {
    iter++;
    const dir = newtonDirection(t, f);
    let accepted = false;
    for (let step = 1; step > 1e-6; step /= 2) {
      const cand = t.map((x, i) => x + step * dir[i]);
      if (!increasing(cand) || !cand.every(Number.isFinite)) continue;
      const fc = residual(cand);
      const rc = maxAbs(fc);
      if (rc < res) {
        t = cand;
        f = fc;
        res = rc;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      // Lloyd step: thresholds ← midpoints of the current centroids (always stays ascending)
      const l = centroids(t);
      t = t.map((_, i) => 0.5 * (l[i] + l[i + 1]));
      f = residual(t);
      res = maxAbs(f);
    }
  }
  // the Gaussian optimum is symmetric: remove rounding asymmetry
  const n = t.length;
  t = t.map((x, i) => 0.5 * (x - t[n - 1 - i]));
  return { t, iter, res: maxAbs(residual(t)) };
}

/**
 * Lloyd-Max (Max 1960, Lloyd 1982) MMSE quantiser for a real Gaussian input N(0, variance), GNN
 * paper §II-B2. Computed, not tabulated: the fixed point of  l_i = E[x | τ_i ≤ x < τ_{i+1}]
 * (centroid, = σ(φ(τ_i/σ) − φ(τ_{i+1}/σ)) / (Φ(τ_{i+1}/σ) − Φ(τ_i/σ)))  and  τ_i = (l_{i−1} + l_i)/2
 * (midpoint), solved by Newton's method with a Lloyd-iteration fallback. The Gaussian density is
 * log-concave, so the fixed point is unique (Fleischer 1964) and every initial point reaches it;
 * `inits` still allows several, as the paper advises. Throws if it does not converge.
 */
export function lloydMax(bits: number, variance = 1, opts: LloydMaxOptions = {}): ScalarQuantizer {
  const L = checkBits(bits, 'lloydMax');
  checkPositive(variance, 'lloydMax(variance)');
  const tol = opts.tol ?? 1e-13;
  const maxIter = opts.maxIter ?? 500;
  checkPositive(tol, 'lloydMax(opts.tol)');
  checkPositiveInt('lloydMax(opts)', 'maxIter', maxIter);
  const inits = opts.inits ?? ['companding'];
  if (inits.length === 0) throw new Error('lloydMax(opts.inits): needs at least one initial point');
  const sigma = Math.sqrt(variance);
  let best: { t: number[]; mse: number } | undefined;
  for (const init of inits) {
    if (init !== 'companding' && init !== 'uniform') throw new Error(`lloydMax(opts.inits): 'companding' or 'uniform'; got ${String(init)}`);
    const run = solveLloydMax(L, init, tol, maxIter);
    if (!(run.res < Math.max(tol, 1e-12) * 10)) {
      throw new Error(`lloydMax(${bits} bits): did not converge from '${init}' in ${maxIter} iterations (residual ${run.res})`);
    }
    const unit = { bits, levels: centroids(run.t), thresholds: run.t, name: '' };
    const m = mse(unit, 1);
    if (!best || m < best.mse) best = { t: run.t, mse: m };
  }
  const t = best!.t;
  const l = centroids(t);
  const n = l.length;
  const levels = l.map((x, i) => (0.5 * (x - l[n - 1 - i])) * sigma);
  return { bits, levels, thresholds: t.map((x) => x * sigma), name: `Lloyd-Max ${bits}-bit (σ²=${variance})`, designVariance: variance };
}

// ---------------------------------------------------------------------------------------------
// Closed-form statistics for a Gaussian input
// ---------------------------------------------------------------------------------------------

interface GaussMoments {
  /** E[x Q(x)] */
  xq: number;
  /** E[Q(x)²] */
  qq: number;
}

/**
 * Moments of Q(x), x ~ N(0, σ²): with cells [τ_i, τ_{i+1}) and u = τ/σ,
 * E[x 1{cell i}] = σ(φ(u_i) − φ(u_{i+1})), P(cell i) = Φ(u_{i+1}) − Φ(u_i).
 */
function moments(q: ScalarQuantizer, variance: number, fn: string): GaussMoments {
  checkQuantizer(q, `${fn}(quantizer)`);
  checkPositive(variance, `${fn}(variance)`);
  const sigma = Math.sqrt(variance);
  const L = q.levels.length;
  let xq = 0;
  let qq = 0;
  for (let i = 0; i < L; i++) {
    const a = i === 0 ? -Infinity : q.thresholds[i - 1] / sigma;
    const b = i === L - 1 ? Infinity : q.thresholds[i] / sigma;
    const l = q.levels[i];
    xq += l * sigma * (normPdf(a) - normPdf(b));
    qq += l * l * normalMass(a, b);
  }
  return { xq, qq };
}

/** Mean squared error E[(x − Q(x))²] for x ~ N(0, variance), in closed form. */
export function mse(q: ScalarQuantizer, variance = 1): number {
  const { xq, qq } = moments(q, variance, 'mse');
  return Math.max(variance - 2 * xq + qq, 0);
}

/**
 * Bussgang gain B = E[x Q(x)] / E[x²] for x ~ N(0, variance) (GNN eq. (2), α_m):
 * B = Σ_i l_i σ(φ(τ_i/σ) − φ(τ_{i+1}/σ)) / σ². For ℓ·sign: B = ℓ·√(2/π)/σ.
 */
export function bussgangGain(q: ScalarQuantizer, variance = 1): number {
  return moments(q, variance, 'bussgangGain').xq / variance;
}

/** Variance of the Bussgang distortion d = Q(x) − B x (uncorrelated with x): E[Q²] − B²σ². */
export function distortionVariance(q: ScalarQuantizer, variance = 1): number {
  const { xq, qq } = moments(q, variance, 'distortionVariance');
  return Math.max(qq - (xq * xq) / variance, 0);
}

// ---------------------------------------------------------------------------------------------
// Tensor application (shape checks only, no data read: these run inside training steps)
// ---------------------------------------------------------------------------------------------

/** Cells are handled in chunks of this size to bound memory to a few × CHUNK × the input size. */
const CHUNK = 16;

/**
 * Elementwise Q(x) on a real tensor (any shape), cell i = [τ_i, τ_{i+1}) → level l_i, by comparisons
 * only (no per-element JS loops, no gather): y = Σ_i l_i·1{τ_i ≤ x < τ_{i+1}} with the cell
 * indicators written as differences of steps, 1{x ≥ τ_i} − 1{x ≥ τ_{i+1}} (τ_0 = −∞, τ_L = +∞).
 * This equals l_0 + Σ_i (l_i − l_{i−1})·1{x ≥ τ_i} but is exact in float32 (one indicator is 1, the
 * others 0), and, having no gather, it has a (zero) gradient (see `quantizeSte` for training).
 * Comparisons run in float32: thresholds and levels are rounded to float32 first.
 */
export function quantize(x: tf.Tensor, q: ScalarQuantizer): tf.Tensor {
  checkQuantizer(q, 'quantize(q)');
  if (q.levels.length === 2) return quantizeTwoLevel(x, q);
  if (q.levels.length <= 16) return quantizeSteps(x, q);
  return tf.tidy(() => {
    const xe = tf.expandDims(x, -1);
    const edges = [-Infinity, ...q.thresholds, Infinity];
    let y: tf.Tensor = tf.zerosLike(x);
    for (let c = 0; c < q.levels.length; c += CHUNK) {
      const n = Math.min(CHUNK, q.levels.length - c);
      const step = (e: number[]): tf.Tensor => tf.cast(tf.greaterEqual(xe, tf.tensor1d(e)), 'float32');
      const cell = tf.sub(step(edges.slice(c, c + n)), step(edges.slice(c + 1, c + n + 1))); // [..., n]
      y = tf.add(y, tf.sum(tf.mul(cell, tf.tensor1d(q.levels.slice(c, c + n))), -1));
    }
    return y;
  });
}

/**
 * The two-level (1-bit) case of `quantize` with the same cells: a = 1{x < τ} = step(τ − x) (tf.step
 * is 0 at 0, so x = τ goes up), y = l_1·(1 − a) + l_0·a, exact in float32 (one term is zero). On
 * tfjs-wasm this is ~100× faster than the general broadcast comparison (≈ 1 µs per element there).
 */
function quantizeTwoLevel(x: tf.Tensor, q: ScalarQuantizer): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.step(tf.sub(q.thresholds[0], x));
    return tf.add(tf.mul(tf.sub(1, a), q.levels[1]), tf.mul(a, q.levels[0]));
  });
}

/**
 * `quantize` for L ≤ 16 levels with the same cells, from L − 1 tf.step calls instead of one broadcast
 * comparison (≈ 1 µs per element on tfjs-wasm, ~10× slower): u_i = 1{x ≥ τ_i} = 1 − step(τ_i − x)
 * (u_0 = 1, u_L = 0) and y = Σ_j l_j·(u_j − u_{j+1}), exact in float32 (one cell indicator is 1).
 */
function quantizeSteps(x: tf.Tensor, q: ScalarQuantizer): tf.Tensor {
  return tf.tidy(() => {
    const u: tf.Tensor[] = [tf.onesLike(x), ...q.thresholds.map((t) => tf.sub(1, tf.step(tf.sub(t, x)))), tf.zerosLike(x)];
    let y: tf.Tensor = tf.mul(tf.sub(u[0], u[1]), q.levels[0]);
    for (let j = 1; j < q.levels.length; j++) y = tf.add(y, tf.mul(tf.sub(u[j], u[j + 1]), q.levels[j]));
    return y;
  });
}

/** GNN eq. (1): Q(Re x) + j Q(Im x), elementwise on a complex tensor of any shape. */
export function quantizeComplex(x: Complex, q: ScalarQuantizer): Complex {
  checkQuantizer(q, 'quantizeComplex(q)');
  checkComplex('quantizeComplex(x)', x);
  return C.tidy(() => ({ re: quantize(x.re, q), im: quantize(x.im, q) }));
}

/** Shape of a batch of per-antenna signals [..., M, ·] (rank ≥ 2). */
function checkAntennaRows(name: string, a: Complex): number[] {
  return checkMatrixBatch(name, a, '[..., M, ·]');
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Powers below this count as zero (antenna switched off). 1e-18 (not smaller) keeps the
 * gradient of 1/ρ finite in float32 just above it (ρ² ≥ 1e-36).
 */
const TINY_POWER = 1e-18;

/** ρ_m = ||w_m||² (row m of W), the per-antenna power E|x_m|² when s ~ CN(0, I). w: [..., M, K] → [..., M, 1]. */
export function antennaPowerFromPrecoder(w: Complex): tf.Tensor {
  checkAntennaRows('antennaPowerFromPrecoder(w)', w);
  return C.frobNorm2(w, [-1], true);
}

/** Empirical per-antenna power (1/T) Σ_t |x_{m,t}|². x: [..., M, T] → [..., M, 1]. */
export function antennaPowerEmpirical(x: Complex): tf.Tensor {
  checkAntennaRows('antennaPowerEmpirical(x)', x);
  return tf.tidy(() => tf.mean(C.abs2(x), -1, true));
}

/** g_m of `perAntennaGain` (no checks; for use inside a tidy). */
function gainOf(rho: tf.Tensor, target: number): tf.Tensor {
  // safeDiv keeps value and gradient finite where ρ_m < TINY_POWER; the where then outputs 0 there
  const g = tf.sqrt(safeDiv(2 * target, rho, TINY_POWER));
  return tf.where(atLeast(rho, TINY_POWER), g, tf.zerosLike(g));
}

/**
 * Per-antenna normalisation gain g_m = √(2·target / ρ_m) (0 where ρ_m < 1e-18): x̃_m = g_m x_m has
 * E|x̃_m|² = 2·target, i.e. variance `target` per real dimension. GNN §II-B3 uses target = 1/2
 * (x̃_m ~ CN(0, 1)), which gives g_m = 1/√ρ_m. rho: [..., M, 1] → [..., M, 1].
 */
export function perAntennaGain(rho: tf.Tensor, target = 0.5): tf.Tensor {
  checkPositive(target, 'perAntennaGain(target)');
  return tf.tidy(() => gainOf(rho, target));
}

export interface PerAntennaOptions {
  /**
   * variance per real dimension of the normalised DAC input x̃; default: the quantiser's
   * `designVariance`, else 1/2 (x̃_m ~ CN(0, 1) as in GNN §II-B3)
   */
  target?: number;
}

function checkTarget(opts: PerAntennaOptions, fn: string): void {
  if (opts.target !== undefined) checkFiniteNamed(`${fn}(opts.target)`, opts.target, 0, false);
}

/**
 * Quantise with a given per-antenna power ρ: y_m = Q(g_m x_m)/g_m, g_m = √(2·target/ρ_m) (GNN
 * §II-B3: normalise, quantise Re and Im (eq. 1), denormalise). Antennas with ρ_m ≈ 0 output 0.
 * x: [..., M, T] complex, rho: [..., M, 1] → y: [..., M, T].
 */
export function quantizeWithPower(x: Complex, rho: tf.Tensor, q: ScalarQuantizer, opts: PerAntennaOptions = {}): Complex {
  const fn = 'quantizeWithPower';
  const sx = checkAntennaRows(`${fn}(x)`, x);
  const want = [...sx.slice(0, -1), 1];
  if (!sameShape(rho.shape, want)) throw new Error(`${fn}(rho): must be [${want}]; got [${rho.shape}]`);
  checkQuantizer(q, `${fn}(q)`);
  checkTarget(opts, fn);
  const target = opts.target ?? q.designVariance ?? 0.5;
  return C.tidy(() => {
    const g = gainOf(rho, target);
    const on = tf.cast(atLeast(rho, TINY_POWER), 'float32'); // = 1{g_m > 0}
    const yTilde = quantizeComplex(C.scale(x, g), q);
    // y = ỹ / g where the antenna is on, 0 elsewhere
    const inv = tf.div(on, tf.add(g, tf.sub(1, on)));
    return C.scale(yTilde, inv);
  });
}

/**
 * GNN §II-B3 per-antenna normalised quantisation with ρ_m = ||w_m||² from the precoder (the
 * expected power for s ~ CN(0, I)). x: [..., M, T], w: [..., M, K] complex → y: [..., M, T].
 */
export function quantizePerAntenna(x: Complex, w: Complex, q: ScalarQuantizer, opts: PerAntennaOptions = {}): Complex {
  const sx = checkAntennaRows('quantizePerAntenna(x)', x);
  const sw = checkAntennaRows('quantizePerAntenna(w)', w);
  if (!sameShape(sx.slice(0, -1), sw.slice(0, -1))) {
    throw new Error(`quantizePerAntenna: x [${x.re.shape}] and w [${w.re.shape}] need the same batch and M`);
  }
  checkQuantizer(q, 'quantizePerAntenna(q)');
  checkTarget(opts, 'quantizePerAntenna');
  return C.tidy(() => quantizeWithPower(x, antennaPowerFromPrecoder(w), q, opts));
}

/**
 * Per-antenna normalised quantisation with the empirical power over the T symbols,
 * ρ_m = (1/T) Σ_t |x_{m,t}|² (AGC-like, GNN footnote 1). x: [..., M, T] → y: [..., M, T].
 */
export function quantizePerAntennaEmpirical(x: Complex, q: ScalarQuantizer, opts: PerAntennaOptions = {}): Complex {
  checkAntennaRows('quantizePerAntennaEmpirical(x)', x);
  checkQuantizer(q, 'quantizePerAntennaEmpirical(q)');
  checkTarget(opts, 'quantizePerAntennaEmpirical');
  return C.tidy(() => quantizeWithPower(x, antennaPowerEmpirical(x), q, opts));
}
