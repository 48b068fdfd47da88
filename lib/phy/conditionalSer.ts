/**
 * The exact symbol error rate of a linear transceiver, given its effective matrix, in float64
 * JavaScript (no tfjs): the quantity whose union bound the MSER paper minimises
 * (mser-hybrid-beamforming-deep-unfolding, eq. (11)), here without the bound and without sampling
 * noise, so an SER of 1e-5 is as exact per channel as one of 1e-1.
 *
 * Model. `m: [batch, D, D]` maps the transmitted symbol vector s (D streams, unnormalised alphabet:
 * QPSK ±1 ± j, 16-QAM {±1, ±3} + j{±1, ±3}, as the paper) to the noise-free detector inputs
 * b̄ = M s (eq. (8); for the hybrid transceiver M = G F V, row i of user k being w_{i,k}ᴴU_kH_kFV).
 * The detector input is b̃_d = b̄_d + n_d with Re n_d, Im n_d independent N(0, σ_d²) (`noiseStd` gives
 * σ_d for each stream: for a combiner w_{i,k}ᴴU_k and receive noise CN(0, σ_n²I) it is
 * σ_n‖U_kᴴw_{i,k}‖/√2). Stream d is detected on z_d = b̃_d/c_d per axis:
 * - QPSK: signs (eq. (6)); c_d = 1 unless `gains` are given;
 * - 16-QAM: the nearest level of {−3, −1, 1, 3} per axis, i.e. eq. (45) with the thresholds
 *   c(F_m ± 1) once c is real and positive; c_d = `gains`, by default the stream's own gain
 *   M[d, d] = w_{i,k}ᴴU_kH_kFp_{i,k} (the c_{i,k} of (45)). Dividing by a complex c rotates the noise,
 *   which stays circular with per-axis std σ_d/|c_d|.
 *
 * Exact error probability of stream d for one transmitted vector s, with z̄ = b̄_d/c_d, σ = σ_d/|c_d|:
 * per axis (Re, then Im) with transmitted level F and decision region (lo, hi] around it (lo = F − 1,
 * hi = F + 1; −∞ and +∞ at the outer levels, so inner 16-QAM levels are two-sided, outer ones
 * one-sided; QPSK's +1 has (0, ∞)),
 *   p_axis = Q((z̄_axis − lo)/σ) + Q((hi − z̄_axis)/σ),
 * which for QPSK is Q(Re b̄ · sgn(Re s)/σ). Real and imaginary noise are independent, so
 *   P_e = 1 − (1 − p_Re)(1 − p_Im) = p_Re + p_Im − p_Re p_Im,            eq. (11)
 * exactly (the paper's (12)–(15) drop the product and replace the average over all vectors by a
 * kernel estimate over J of them). Every Q is evaluated by `qfunc` (relative accuracy in the tail).
 *
 * Average over vectors. All order^D vectors are equiprobable. `vectors: 'all'` (the default)
 * enumerates them when order^D ≤ 65 536 and is an error above that; `{ sample: n, rng }` averages over
 * n vectors drawn uniformly (shared by the batch), an unbiased estimate. Enumeration uses one
 * symmetry: s → j·s maps b̄ → j·b̄ and z̄ → j·z̄, and the square decision regions are invariant under a
 * 90° turn, so each of the four vectors {s, js, −s, −js} has the same per-stream error probability;
 * exactly one of them has its first symbol in the first quadrant, so averaging over those order^D/4
 * vectors is the full average (test/phy/conditionalSer.test.ts checks it against all order^D).
 *
 * Cost: per channel (order^D/4)·D·(D complex MACs + 2 (QPSK) or up to 4 (16-QAM) Q evaluations);
 * QPSK, D = 6: 1024 vectors, ≈ 12 000 Q evaluations, ≈ 8–15 ms on a busy 2-core machine, nearly all
 * of it in `qfunc` (≈ 0.2–0.8 µs each; its continued fraction is slowest for Q arguments ≈ 2–4).
 */
import { checkComplexBatchF64, ComplexBatchF64 } from '../core/complexF64';
import { Rng } from '../core/random';
import { qfunc } from '../core/special';
import { checkPositiveInt } from '../core/validate';

/** The constellations `conditionalSer` knows, with the paper's unnormalised integer levels. */
export type ConditionalSerConstellation = 'qpsk' | '16qam';

/** The largest order^D that `vectors: 'all'` enumerates. */
export const CONDITIONAL_SER_MAX_VECTORS = 65536;

export interface ConditionalSerOptions {
  /** 'qpsk' (±1 ± j, sign detection (6)) or '16qam' ({±1, ±3}², nearest level of b̃/c, (45)) */
  constellation: ConditionalSerConstellation;
  /**
   * std of the real and of the imaginary part of the noise at each detector input b̃ (before the
   * division by c): [batch·D] (index b·D + d), or one number for every stream; finite and > 0
   */
  noiseStd: Float64Array | number;
  /**
   * the stream gains c [batch·D] the detector divides by (complex, nonzero). Default: 1 for QPSK
   * (signs of b̃, eq. (6)), the diagonal M[b, d, d] for 16-QAM (eq. (45))
   */
  gains?: { re: Float64Array; im: Float64Array };
  /** 'all' (default; order^D ≤ 65 536) or n vectors drawn uniformly from `rng` */
  vectors?: 'all' | { sample: number; rng: Rng };
}

export interface ConditionalSer {
  /** [batch]: mean over streams and symbol vectors of the exact error probability */
  ser: Float64Array;
  /** [batch·D] (index b·D + d): mean over symbol vectors, per stream */
  perStream: Float64Array;
  /** how many symbol vectors the average is over (order^D when enumerated, else n) */
  vectors: number;
  /** true when every vector was enumerated (the result is exact), false when sampled */
  enumerated: boolean;
}

const FN = 'conditionalSer';

/** Per-axis levels: QPSK ±1, 16-QAM ±1, ±3 (ascending). */
function levelsOf(c: unknown): number[] {
  if (c === 'qpsk') return [-1, 1];
  if (c === '16qam') return [-3, -1, 1, 3];
  throw new Error(`${FN}(opts.constellation): must be 'qpsk' or '16qam'; got ${JSON.stringify(c)}`);
}

function checkLength(what: string, a: unknown, n: number, layout: string): Float64Array {
  if (!(a instanceof Float64Array)) throw new Error(`${FN}(${what}): must be a Float64Array of ${layout} = ${n} values`);
  if (a.length !== n) throw new Error(`${FN}(${what}): must hold ${layout} = ${n} values; got ${a.length}`);
  return a;
}

/**
 * Error probability on one axis: transmitted level `lev` (index `li` of `levels`), noise-free value
 * `mean`, noise std `sd`: Q((mean − lo)/sd) + Q((hi − mean)/sd), with no term at an outer edge.
 */
function axisError(mean: number, li: number, levels: number[], sd: number): number {
  const lev = levels[li];
  let p = 0;
  if (li > 0) p += qfunc((mean - (lev - 1)) / sd);
  if (li < levels.length - 1) p += qfunc((lev + 1 - mean) / sd);
  return p;
}

/**
 * The symbol vectors to average over, as level indices [count, D, 2] (re index, im index) and the
 * matching symbol values: all vectors whose first symbol is in the first quadrant (enumeration), or
 * n uniform draws.
 */
function symbolVectors(levels: number[], d: number, vectors: ConditionalSerOptions['vectors']): { idx: Int32Array; count: number; total: number; enumerated: boolean } {
  const l = levels.length;
  const order = l * l;
  if (vectors === undefined || vectors === 'all') {
    const total = order ** d;
    if (total > CONDITIONAL_SER_MAX_VECTORS) {
      throw new Error(
        `${FN}(opts.vectors): enumerating ${order}^${d} = ${total} symbol vectors is above ${CONDITIONAL_SER_MAX_VECTORS}; ` +
          'pass vectors: { sample: n, rng } to average over n uniformly drawn vectors',
      );
    }
    // first symbol: the (l/2)² points with both levels positive; the other D − 1: all `order`
    const half = l / 2;
    const firstCount = half * half;
    const count = firstCount * order ** (d - 1);
    const idx = new Int32Array(count * d * 2);
    for (let v = 0; v < count; v++) {
      let rest = v;
      const first = rest % firstCount;
      rest = Math.floor(rest / firstCount);
      idx[v * d * 2] = half + (first % half);
      idx[v * d * 2 + 1] = half + Math.floor(first / half);
      for (let j = 1; j < d; j++) {
        const s = rest % order;
        rest = Math.floor(rest / order);
        idx[(v * d + j) * 2] = s % l;
        idx[(v * d + j) * 2 + 1] = Math.floor(s / l);
      }
    }
    return { idx, count, total, enumerated: true };
  }
  if (vectors === null || typeof vectors !== 'object') {
    throw new Error(`${FN}(opts.vectors): must be 'all' or { sample: n, rng }; got ${JSON.stringify(vectors)}`);
  }
  const n = checkPositiveInt(`${FN}(opts.vectors)`, 'sample', vectors.sample);
  if (!(vectors.rng instanceof Rng)) throw new Error(`${FN}(opts.vectors): rng must be an Rng (the stream the ${n} vectors are drawn from)`);
  const idx = vectors.rng.intArray(n * d * 2, l);
  return { idx, count: n, total: n, enumerated: false };
}

/**
 * Exact symbol error rate of the linear transceiver b̃ = M s + n for every channel of the batch,
 * averaged over equiprobable symbol vectors (module comment; eq. (11) of the MSER paper without its
 * union bound).
 *
 * m: ComplexBatchF64 [batch, D, D] (b̄ = M s). Returns ser [batch] and perStream [batch·D].
 * Errors name the option: a non-square or non-finite m, a wrong-length or non-positive noiseStd, a
 * zero or wrong-length gain, an unknown constellation, too many vectors to enumerate.
 */
export function conditionalSer(m: ComplexBatchF64, opts: ConditionalSerOptions): ConditionalSer {
  if (m === null || typeof m !== 'object') throw new Error(`${FN}(m): must be a ComplexBatchF64 [batch, D, D]`);
  checkComplexBatchF64(`${FN}(m)`, m, { square: true });
  if (opts === null || typeof opts !== 'object') throw new Error(`${FN}(opts): needs { constellation, noiseStd }`);
  const levels = levelsOf(opts.constellation);
  const { batch, rows: d } = m;
  checkPositiveInt(`${FN}(m)`, 'batch', batch);
  checkPositiveInt(`${FN}(m)`, 'D (rows = cols)', d);
  for (let i = 0; i < m.re.length; i++) {
    if (!Number.isFinite(m.re[i]) || !Number.isFinite(m.im[i])) throw new Error(`${FN}(m): must be finite (entry ${i} is ${m.re[i]} + ${m.im[i]}j)`);
  }
  const n = batch * d;
  const layout = `batch·D = ${batch}·${d}`;

  // noise std per stream, before the division by c
  const sigma = new Float64Array(n);
  if (typeof opts.noiseStd === 'number') sigma.fill(opts.noiseStd);
  else sigma.set(checkLength('opts.noiseStd', opts.noiseStd, n, layout));
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(sigma[i]) && sigma[i] > 0)) throw new Error(`${FN}(opts.noiseStd): must be finite and > 0; got ${sigma[i]} at index ${i}`);
  }

  // gains c: given, 1 (QPSK), or the diagonal of M (16-QAM)
  const cRe = new Float64Array(n), cIm = new Float64Array(n);
  if (opts.gains !== undefined) {
    if (opts.gains === null || typeof opts.gains !== 'object') throw new Error(`${FN}(opts.gains): must be { re, im } Float64Arrays of ${layout} values`);
    cRe.set(checkLength('opts.gains.re', opts.gains.re, n, layout));
    cIm.set(checkLength('opts.gains.im', opts.gains.im, n, layout));
  } else if (opts.constellation === 'qpsk') {
    cRe.fill(1);
  } else {
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < d; i++) {
        cRe[b * d + i] = m.re[(b * d + i) * d + i];
        cIm[b * d + i] = m.im[(b * d + i) * d + i];
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const mag = Math.hypot(cRe[i], cIm[i]);
    if (!(Number.isFinite(mag) && mag > 0)) {
      const src = opts.gains !== undefined ? 'opts.gains' : `opts.gains (default: the diagonal M[b, d, d]; here batch ${Math.floor(i / d)}, stream ${i % d})`;
      throw new Error(`${FN}(${src}): every gain must be finite and nonzero; got ${cRe[i]} + ${cIm[i]}j at index ${i}`);
    }
  }

  const { idx, count, total, enumerated } = symbolVectors(levels, d, opts.vectors);
  const sRe = new Float64Array(count * d), sIm = new Float64Array(count * d);
  for (let k = 0; k < count * d; k++) {
    sRe[k] = levels[idx[2 * k]];
    sIm[k] = levels[idx[2 * k + 1]];
  }

  const perStream = new Float64Array(n);
  const ser = new Float64Array(batch);
  const aRe = new Float64Array(d * d), aIm = new Float64Array(d * d);
  const sd = new Float64Array(d);
  for (let b = 0; b < batch; b++) {
    // A = diag(1/c) M: z̄ = A s directly; per-axis noise std σ/|c|
    for (let i = 0; i < d; i++) {
      const cr = cRe[b * d + i], ci = cIm[b * d + i];
      const c2 = cr * cr + ci * ci;
      sd[i] = sigma[b * d + i] / Math.sqrt(c2);
      for (let j = 0; j < d; j++) {
        const mr = m.re[(b * d + i) * d + j], mi = m.im[(b * d + i) * d + j];
        // (mr + j mi)/(cr + j ci) = (mr + j mi)(cr − j ci)/|c|²
        aRe[i * d + j] = (mr * cr + mi * ci) / c2;
        aIm[i * d + j] = (mi * cr - mr * ci) / c2;
      }
    }
    for (let i = 0; i < d; i++) {
      let acc = 0;
      const row = i * d;
      for (let v = 0; v < count; v++) {
        const off = v * d;
        let zr = 0, zi = 0;
        for (let j = 0; j < d; j++) {
          const xr = sRe[off + j], xi = sIm[off + j];
          zr += aRe[row + j] * xr - aIm[row + j] * xi;
          zi += aRe[row + j] * xi + aIm[row + j] * xr;
        }
        const k = off + i;
        const pr = axisError(zr, idx[2 * k], levels, sd[i]);
        const pi = axisError(zi, idx[2 * k + 1], levels, sd[i]);
        acc += pr + pi - pr * pi;
      }
      perStream[b * d + i] = acc / count;
    }
    let s = 0;
    for (let i = 0; i < d; i++) s += perStream[b * d + i];
    ser[b] = s / d;
  }
  return { ser, perStream, vectors: total, enumerated };
}
