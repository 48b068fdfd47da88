/**
 * Spatially sparse hybrid precoding and combining by orthogonal matching pursuit (OMP), after
 * O. El Ayach, S. Rajagopal, S. Abu-Surra, Z. Pi, R. W. Heath Jr., "Spatially sparse precoding in
 * millimeter wave MIMO systems", IEEE Trans. Wireless Commun. 13(3), 2014 ("El Ayach" below).
 * Float64 JavaScript on `ComplexBatchF64`; no tfjs.
 *
 * Precoder (El Ayach §IV, Algorithm 1). The hybrid precoder F_RF F_BB (F_RF: N_t × R_t with
 * unit-modulus entries, one column per RF chain; F_BB: R_t × N_s) should approximate a fully digital
 * target F_opt (N_t × N_s), i.e.
 *   minimise ‖F_opt − F_RF F_BB‖_F  s.t. the columns of F_RF are phase-shifter vectors, ‖F_RF F_BB‖_F² = N_s.
 * Restricting the columns of F_RF to a dictionary A_t of candidate vectors (El Ayach: the array
 * responses a_t(θ) at the channel's ray angles of departure, which span the row space of H) makes
 * this a sparse approximation problem with R_t non-zero rows in F̃_BB (minimise ‖F_opt − A_t F̃_BB‖_F
 * with ‖diag(F̃_BB F̃_BBᴴ)‖₀ = R_t), solved greedily by Algorithm 1:
 *   F_res = F_opt;  for i = 1…R_t:  Ψ = A_tᴴ F_res;  k = argmax_l (ΨΨᴴ)_{l,l};  F_RF = [F_RF | A_t^{(k)}];
 *       F_BB = (F_RFᴴ F_RF)⁻¹ F_RFᴴ F_opt;  F_res = (F_opt − F_RF F_BB)/‖F_opt − F_RF F_BB‖_F;
 *   finally F_BB = √N_s F_BB/‖F_RF F_BB‖_F.
 * Ours (stated): the least-squares step uses the pseudo-inverse F_RF⁺ (`pinvF64`), equal to
 * (F_RFᴴF_RF)⁻¹F_RFᴴ whenever F_RF has full column rank and still defined when it has not; the
 * residual is not divided by its norm (that does not change the argmax); a column is never picked
 * twice (after the least-squares step its correlation with the residual is zero anyway; excluding
 * it keeps F_RF full rank when the residual vanishes before R_t picks); the final power scaling is
 * optional (`power`, El Ayach's value is N_s).
 *
 * Combiner (El Ayach §V, Algorithm 2, "spatially sparse MMSE combining"). Given the unconstrained
 * MMSE combiner W_MMSE (N_r × N_s, post-processing ỹ = W_MMSEᴴ y) and the received covariance
 * E[yyᴴ] (N_r × N_r; for El Ayach's model E[yyᴴ] = (ρ/N_s) H F_RF F_BB F_BBᴴ F_RFᴴ Hᴴ + σ_n² I), the
 * hybrid combiner W_RF W_BB (W_RF: N_r × R_r unit-modulus from a dictionary A_r of receive array
 * responses) minimises the MSE, which differs from ‖E[yyᴴ]^{1/2}(W_MMSE − W_RF W_BB)‖_F² by a
 * constant. Algorithm 2:
 *   W_res = W_MMSE;  for i = 1…R_r:  Ψ = A_rᴴ E[yyᴴ] W_res;  k = argmax_l (ΨΨᴴ)_{l,l};  W_RF = [W_RF | A_r^{(k)}];
 *       W_BB = (W_RFᴴ E[yyᴴ] W_RF)⁻¹ W_RFᴴ E[yyᴴ] W_MMSE;  W_res = (W_MMSE − W_RF W_BB)/‖·‖_F.
 * In the MSER paper's orientation b̃_k = W_kᴴ U_k y_k (U_k: R_r × N_r without ᴴ, W_k with ᴴ) the result
 * is U_k = W_RFᴴ and W_k = W_BB. The MSER notebook runs it per user k, with A_r at user k's ray
 * angles of arrival and W_MMSE the MMSE combiner given the (OMP) hybrid precoder.
 *
 * El Ayach's equation numbers are not quoted here (they were not checked against the paper); the
 * algorithms are cited by number, and the sections (§IV precoding, §V combining) from memory of its
 * layout. Shapes are Sionna-style: [batch, N_t, N_s] is
 * [batch_size, num_tx_ant, num_streams]; a dictionary [batch, N_t, N_cand] holds one candidate
 * analog vector per column and may have batch 1 (one codebook shared by every channel).
 */
import type { ComplexBatchF64 } from '../../core/complexF64';
import { batchEntryF64, checkBatchF64, checkFiniteF64, choleskySolveF64, matmulF64, pinvF64 } from '../../core/linalgF64';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { AngleReference, ulaPhaseStep } from '../channels/ula';

/** |entry| of a dictionary must be within this of 1 (float32-built steering vectors pass). */
const UNIT_MODULUS_TOL = 1e-6;

export interface SteeringDictionaryOptions {
  /** number of matrices; the angles hold `batch` equal groups, one per matrix */
  batch: number;
  /** N: array elements (rows of the dictionary) */
  antennas: number;
  /** element spacing in wavelengths; default ½ */
  spacing?: number;
  /** angle reference of `phy/channels/ula.ts`; default 'broadside' (u = sin θ) */
  reference?: AngleReference;
}

/**
 * Unit-modulus ULA dictionary: column l of matrix b is √N·a(θ_{b,l}) = [1, e^{j2πd·u}, …,
 * e^{j2πd(N−1)u}]ᵀ (u = sin θ for 'broadside'), the convention of `phy/channels/ula.ts`, phases
 * in float64. anglesDeg: degrees, row-major [batch, L] (e.g. `clusteredChannel`'s `aodDeg`
 * [batch, K, N_C, N_R] gives L = K·N_C·N_R: every user's rays) → [batch, N, L].
 */
export function steeringDictionary(anglesDeg: ArrayLike<number>, opts: SteeringDictionaryOptions): ComplexBatchF64 {
  const fn = 'steeringDictionary(anglesDeg, opts)';
  const batch = checkPositiveInt(fn, 'batch', opts.batch);
  const n = checkPositiveInt(fn, 'antennas', opts.antennas);
  const spacing = checkFinite(fn, 'spacing (wavelengths)', opts.spacing ?? 0.5, 0, false);
  const reference = opts.reference ?? 'broadside';
  if (reference !== 'broadside' && reference !== 'endfire') throw new Error(`${fn}: reference must be 'broadside' or 'endfire'; got ${String(reference)}`);
  const total = anglesDeg.length;
  if (total === 0 || total % batch !== 0) {
    throw new Error(`${fn}: anglesDeg must hold batch·L angles (L ≥ 1 per matrix) with batch = ${batch}; got ${total}`);
  }
  const cols = total / batch;
  const re = new Float64Array(batch * n * cols);
  const im = new Float64Array(batch * n * cols);
  for (let b = 0; b < batch; b++) {
    for (let l = 0; l < cols; l++) {
      const deg = anglesDeg[b * cols + l];
      if (!Number.isFinite(deg)) throw new Error(`${fn}: anglesDeg[${b * cols + l}] must be finite; got ${deg}`);
      // cycles per element, reduced mod 1 before the trig (as ulaSteering)
      const cyc = ulaPhaseStep((deg * Math.PI) / 180, spacing, reference) / (2 * Math.PI);
      for (let m = 0; m < n; m++) {
        const c = cyc * m;
        const ph = 2 * Math.PI * (c - Math.round(c));
        re[(b * n + m) * cols + l] = Math.cos(ph);
        im[(b * n + m) * cols + l] = Math.sin(ph);
      }
    }
  }
  return { batch, rows: n, cols, re, im };
}

export interface OmpOptions {
  /** R_t (or R_r): RF chains = dictionary columns picked; N_s ≤ R_t ≤ min(N_cand, N_t) */
  rfChains: number;
  /** if given, F_BB is finally scaled so that ‖F_RF F_BB‖_F² = power (El Ayach: N_s); default: no scaling */
  power?: number;
}

export interface OmpResult {
  /** F_RF [batch, N_t, R_t]: the picked dictionary columns in pick order (unit modulus) */
  fRf: ComplexBatchF64;
  /** F_BB [batch, R_t, N_s]: least squares F_RF⁺F_opt, then scaled to `power` if given */
  fBb: ComplexBatchF64;
  /** [batch, R_t]: dictionary column index of each pick, in pick order */
  chosen: Int32Array;
  /** [batch, R_t]: ‖F_opt − F_RF F_BB‖_F after pick i (least squares over the first i+1 columns; before any power scaling) */
  residualHistory: Float64Array;
  /** [batch]: ‖F_opt − F_RF F_BB‖_F of the returned F_RF, F_BB (after the power scaling, if any) */
  residualNorm: Float64Array;
}

/** Shared checks: target [batch, N, N_s], dictionary [batch|1, N, N_cand], N_s ≤ rfChains ≤ min(N_cand, N). */
function checkOmpInputs(fn: string, target: ComplexBatchF64, targetName: string, dictionary: ComplexBatchF64, rfChains: unknown, chainName: string): number {
  checkBatchF64(fn, targetName, target, '[batch, N, N_s]');
  checkBatchF64(fn, 'dictionary', dictionary, `[batch, ${target.rows}, N_cand]`);
  const n = target.rows, ns = target.cols, ncand = dictionary.cols;
  if (dictionary.rows !== n) {
    throw new Error(`${fn}: dictionary must have ${n} rows (antennas, as ${targetName} [${target.batch}, ${n}, ${ns}]); got [${dictionary.batch}, ${dictionary.rows}, ${ncand}]`);
  }
  if (dictionary.batch !== target.batch && dictionary.batch !== 1) {
    throw new Error(`${fn}: dictionary batch must be ${target.batch} (as ${targetName}) or 1 (shared); got ${dictionary.batch}`);
  }
  const hi = Math.min(ncand, n);
  if (typeof rfChains !== 'number' || !Number.isInteger(rfChains) || rfChains < ns || rfChains > hi) {
    throw new Error(`${fn}: opts.rfChains (${chainName}) must be an integer with N_s = ${ns} <= ${chainName} <= min(N_cand, N) = min(${ncand}, ${n}) = ${hi}; got ${String(rfChains)}`);
  }
  for (let i = 0; i < dictionary.re.length; i++) {
    const mod = Math.hypot(dictionary.re[i], dictionary.im[i]);
    if (!(Math.abs(mod - 1) <= UNIT_MODULUS_TOL)) {
      const per = n * ncand;
      const b = Math.floor(i / per), m = Math.floor((i % per) / ncand), l = i % ncand;
      throw new Error(`${fn}: dictionary entries must have unit modulus (phase shifters); entry [${b}, ${m}, ${l}] has modulus ${mod} (scale unit-norm steering vectors by √N)`);
    }
  }
  return rfChains;
}

/** The columns `cols` of matrix `off` of a [·, n, ncand] dictionary, as a [1, n, cols.length] matrix. */
function gatherColumns(d: ComplexBatchF64, off: number, cols: ArrayLike<number>, count: number): ComplexBatchF64 {
  const n = d.rows, nc = d.cols;
  const re = new Float64Array(n * count), im = new Float64Array(n * count);
  for (let m = 0; m < n; m++) {
    for (let j = 0; j < count; j++) {
      re[m * count + j] = d.re[off + m * nc + cols[j]];
      im[m * count + j] = d.im[off + m * nc + cols[j]];
    }
  }
  return { batch: 1, rows: n, cols: count, re, im };
}

/** x − y for two matrices of one shape (batch 1), as a new matrix. */
function minus(x: ComplexBatchF64, y: ComplexBatchF64): ComplexBatchF64 {
  const re = new Float64Array(x.re.length), im = new Float64Array(x.im.length);
  for (let i = 0; i < re.length; i++) {
    re[i] = x.re[i] - y.re[i];
    im[i] = x.im[i] - y.im[i];
  }
  return { batch: 1, rows: x.rows, cols: x.cols, re, im };
}

function frob2(x: ComplexBatchF64): number {
  let s = 0;
  for (let i = 0; i < x.re.length; i++) s += x.re[i] * x.re[i] + x.im[i] * x.im[i];
  return s;
}

/** Σ_s |Σ_m conj(D[m, l]) R[m, s]|² = (ΨΨᴴ)_{l,l} with Ψ = Dᴴ R, for each column l not yet chosen; the argmax (first on ties). */
function bestColumn(d: ComplexBatchF64, off: number, r: ComplexBatchF64, taken: Uint8Array): number {
  const n = d.rows, nc = d.cols, ns = r.cols;
  let best = -1, bestScore = -1;
  for (let l = 0; l < nc; l++) {
    if (taken[l]) continue;
    let score = 0;
    for (let s = 0; s < ns; s++) {
      let pr = 0, pi = 0;
      for (let m = 0; m < n; m++) {
        const ar = d.re[off + m * nc + l], ai = d.im[off + m * nc + l];
        const xr = r.re[m * ns + s], xi = r.im[m * ns + s];
        pr += ar * xr + ai * xi;
        pi += ar * xi - ai * xr;
      }
      score += pr * pr + pi * pi;
    }
    if (score > bestScore) {
      bestScore = score;
      best = l;
    }
  }
  return best;
}

/** Copy a [1, rows, cols] matrix into matrix t of a batch of the same rows and cols. */
function put(dst: ComplexBatchF64, t: number, src: ComplexBatchF64): void {
  const size = dst.rows * dst.cols;
  dst.re.set(src.re, t * size);
  dst.im.set(src.im, t * size);
}

function alloc(batch: number, rows: number, cols: number): ComplexBatchF64 {
  return { batch, rows, cols, re: new Float64Array(batch * rows * cols), im: new Float64Array(batch * rows * cols) };
}

/**
 * Hybrid precoder by OMP (El Ayach Algorithm 1; module comment).
 * fOpt: F_opt [batch, N_t, N_s] (the fully digital target), dictionary: A_t [batch or 1, N_t, N_cand]
 * (unit-modulus candidates, e.g. `steeringDictionary(aodDeg, …)`), opts.rfChains = R_t with
 * N_s ≤ R_t ≤ min(N_cand, N_t) → { fRf [batch, N_t, R_t], fBb [batch, R_t, N_s], chosen, residualHistory, residualNorm }.
 */
export function ompHybrid(fOpt: ComplexBatchF64, dictionary: ComplexBatchF64, opts: OmpOptions): OmpResult {
  const fn = 'ompHybrid(fOpt, dictionary, opts)';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: opts must be { rfChains, power? }; got ${String(opts)}`);
  const rt = checkOmpInputs(fn, fOpt, 'fOpt', dictionary, opts.rfChains, 'R_t');
  checkFiniteF64(fn, 'fOpt', fOpt);
  const power = opts.power === undefined ? undefined : checkFinite(fn, 'opts.power', opts.power, 0, false);
  const { batch, rows: nt, cols: ns } = fOpt;
  const fRf = alloc(batch, nt, rt);
  const fBb = alloc(batch, rt, ns);
  const chosen = new Int32Array(batch * rt);
  const residualHistory = new Float64Array(batch * rt);
  const residualNorm = new Float64Array(batch);
  const taken = new Uint8Array(dictionary.cols);
  for (let t = 0; t < batch; t++) {
    const target = batchEntryF64(fOpt, t);
    const off = dictionary.batch === 1 ? 0 : t * nt * dictionary.cols;
    const picks = chosen.subarray(t * rt, (t + 1) * rt);
    taken.fill(0);
    let res = target;
    let rf = gatherColumns(dictionary, off, picks, 0);
    let bb: ComplexBatchF64 = alloc(1, 0, ns);
    for (let i = 0; i < rt; i++) {
      const k = bestColumn(dictionary, off, res, taken);
      picks[i] = k;
      taken[k] = 1;
      rf = gatherColumns(dictionary, off, picks, i + 1);
      bb = matmulF64(pinvF64(rf), target);
      res = minus(target, matmulF64(rf, bb));
      residualHistory[t * rt + i] = Math.sqrt(frob2(res));
    }
    if (power !== undefined) {
      const norm2 = frob2(matmulF64(rf, bb));
      if (norm2 > 0) {
        const g = Math.sqrt(power / norm2);
        for (let i = 0; i < bb.re.length; i++) {
          bb.re[i] *= g;
          bb.im[i] *= g;
        }
        res = minus(target, matmulF64(rf, bb));
      }
    }
    residualNorm[t] = Math.sqrt(frob2(res));
    put(fRf, t, rf);
    put(fBb, t, bb);
  }
  return { fRf, fBb, chosen, residualHistory, residualNorm };
}

export interface OmpCombinerOptions {
  /** R_r: receive RF chains = dictionary columns picked; N_s ≤ R_r ≤ min(N_cand, N_r) */
  rfChains: number;
}

export interface OmpCombinerResult {
  /** W_RF [batch, N_r, R_r] (unit modulus); in the MSER paper's orientation U_k = W_RFᴴ */
  wRf: ComplexBatchF64;
  /** W_BB [batch, R_r, N_s] = (W_RFᴴ C W_RF)⁻¹ W_RFᴴ C W_MMSE with C = E[yyᴴ]; in the MSER paper W_k = W_BB */
  wBb: ComplexBatchF64;
  /** [batch, R_r]: dictionary column index of each pick, in pick order */
  chosen: Int32Array;
  /** [batch, R_r]: the weighted error ‖C^{1/2}(W_MMSE − W_RF W_BB)‖_F after pick i */
  residualHistory: Float64Array;
  /** [batch]: the weighted error of the returned W_RF, W_BB */
  residualNorm: Float64Array;
}

/**
 * Hybrid MMSE combiner by OMP (El Ayach Algorithm 2; module comment).
 * wMmse: W_MMSE [batch, N_r, N_s] (ỹ = W_MMSEᴴ y), dictionary: A_r [batch or 1, N_r, N_cand]
 * (unit modulus, e.g. `steeringDictionary(aoaDeg of one user, …)`), covariance: C = E[yyᴴ]
 * [batch or 1, N_r, N_r] Hermitian positive definite, opts.rfChains = R_r with
 * N_s ≤ R_r ≤ min(N_cand, N_r) → { wRf [batch, N_r, R_r], wBb [batch, R_r, N_s], chosen, residualHistory, residualNorm }.
 * The weighted least-squares step is a Cholesky solve of the R×R system W_RFᴴ C W_RF; if that is
 * singular (C not positive definite, or two identical dictionary columns) the error names the
 * batch entry and the pick.
 */
export function ompCombiner(wMmse: ComplexBatchF64, dictionary: ComplexBatchF64, covariance: ComplexBatchF64, opts: OmpCombinerOptions): OmpCombinerResult {
  const fn = 'ompCombiner(wMmse, dictionary, covariance, opts)';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: opts must be { rfChains }; got ${String(opts)}`);
  const rr = checkOmpInputs(fn, wMmse, 'wMmse', dictionary, opts.rfChains, 'R_r');
  checkFiniteF64(fn, 'wMmse', wMmse);
  const { batch, rows: nr, cols: ns } = wMmse;
  checkBatchF64(fn, 'covariance', covariance, `[batch, ${nr}, ${nr}] (E[yyᴴ])`);
  if (covariance.rows !== nr || covariance.cols !== nr) {
    throw new Error(`${fn}: covariance must be [batch, ${nr}, ${nr}] (E[yyᴴ], N_r = ${nr} as wMmse); got [${covariance.batch}, ${covariance.rows}, ${covariance.cols}]`);
  }
  if (covariance.batch !== batch && covariance.batch !== 1) {
    throw new Error(`${fn}: covariance batch must be ${batch} (as wMmse) or 1 (shared); got ${covariance.batch}`);
  }
  checkFiniteF64(fn, 'covariance', covariance);
  const nc = dictionary.cols;
  const wRf = alloc(batch, nr, rr);
  const wBb = alloc(batch, rr, ns);
  const chosen = new Int32Array(batch * rr);
  const residualHistory = new Float64Array(batch * rr);
  const residualNorm = new Float64Array(batch);
  const taken = new Uint8Array(nc);
  for (let t = 0; t < batch; t++) {
    const target = batchEntryF64(wMmse, t);
    const off = dictionary.batch === 1 ? 0 : t * nr * nc;
    const cov = batchEntryF64(covariance, covariance.batch === 1 ? 0 : t);
    const dict = batchEntryF64(dictionary, dictionary.batch === 1 ? 0 : t);
    // P = A_rᴴ C (N_cand × N_r): row l is a_lᴴ C, so W_RFᴴ C = the picked rows of P, and Ψ = P W_res
    const p = matmulF64(dict, cov, { adjA: true });
    const pc = matmulF64(p, target); // P W_MMSE
    const picks = chosen.subarray(t * rr, (t + 1) * rr);
    taken.fill(0);
    let res = target;
    let rf = gatherColumns(dictionary, off, picks, 0);
    let bb: ComplexBatchF64 = alloc(1, 0, ns);
    for (let i = 0; i < rr; i++) {
      // Ψ = A_rᴴ C W_res = P W_res; score_l = ‖Ψ_{l,:}‖²
      const psi = matmulF64(p, res);
      let k = -1, best = -1;
      for (let l = 0; l < nc; l++) {
        if (taken[l]) continue;
        let sc = 0;
        for (let s = 0; s < ns; s++) sc += psi.re[l * ns + s] ** 2 + psi.im[l * ns + s] ** 2;
        if (sc > best) {
          best = sc;
          k = l;
        }
      }
      picks[i] = k;
      taken[k] = 1;
      rf = gatherColumns(dictionary, off, picks, i + 1);
      const prows = pickRows(p, picks, i + 1); // W_RFᴴ C
      const lhs = matmulF64(prows, rf); // W_RFᴴ C W_RF
      const rhs = pickRows(pc, picks, i + 1); // W_RFᴴ C W_MMSE
      try {
        bb = choleskySolveF64(lhs, rhs);
      } catch (e) {
        throw new Error(`${fn}: batch entry ${t}, pick ${i + 1}: W_RFᴴ E[yyᴴ] W_RF is not positive definite (covariance must be Hermitian positive definite and the picked dictionary columns distinct): ${(e as Error).message}`);
      }
      res = minus(target, matmulF64(rf, bb));
      residualHistory[t * rr + i] = Math.sqrt(weighted(cov, res));
    }
    residualNorm[t] = residualHistory[t * rr + rr - 1];
    put(wRf, t, rf);
    put(wBb, t, bb);
  }
  return { wRf, wBb, chosen, residualHistory, residualNorm };
}

/** Rows `rows[0…count−1]` of a [1, R, c] matrix as a [1, count, c] matrix. */
function pickRows(x: ComplexBatchF64, rows: ArrayLike<number>, count: number): ComplexBatchF64 {
  const c = x.cols;
  const re = new Float64Array(count * c), im = new Float64Array(count * c);
  for (let j = 0; j < count; j++) {
    re.set(x.re.subarray(rows[j] * c, (rows[j] + 1) * c), j * c);
    im.set(x.im.subarray(rows[j] * c, (rows[j] + 1) * c), j * c);
  }
  return { batch: 1, rows: count, cols: c, re, im };
}

/** tr(Eᴴ C E) = ‖C^{1/2}E‖_F² (real part; C Hermitian PSD), clamped at 0. */
function weighted(c: ComplexBatchF64, e: ComplexBatchF64): number {
  const ce = matmulF64(c, e);
  let s = 0;
  for (let i = 0; i < e.re.length; i++) s += e.re[i] * ce.re[i] + e.im[i] * ce.im[i];
  return Math.max(s, 0);
}
