/**
 * MO-AltMin: hybrid precoding by alternating minimisation with manifold optimisation, after
 * X. Yu, J.-C. Shen, J. Zhang, K. B. Letaief, "Alternating minimization algorithms for hybrid
 * precoding in millimeter wave MIMO systems", IEEE J. Sel. Topics Signal Process. 10(3), 2016
 * ("Yu" below), §III (section and algorithm layout from memory; no equation numbers are quoted).
 * Float64 JavaScript on `ComplexBatchF64`; no tfjs.
 *
 * Problem (Yu §III, the matrix-factorisation view of hybrid precoding):
 *   minimise_{F_RF, F_BB} ‖F_opt − F_RF F_BB‖_F²  s.t. |(F_RF)_{ij}| = 1,
 * F_opt: N_t × N_s, F_RF: N_t × R_t, F_BB: R_t × N_s; the power constraint ‖F_RF F_BB‖_F² = N_s is
 * dropped during the iterations and met by scaling F_BB at the end (`power`). Alternation:
 * - F_BB step (F_RF fixed): the least-squares solution F_BB = F_RF⁺ F_opt (`pinvF64`).
 * - F_RF step (F_BB fixed): Riemannian conjugate gradient on the complex circle manifold
 *   {x ∈ C^{N_t R_t} : |x_i| = 1} (Yu's CG algorithm, after Absil, Mahony, Sepulchre). With
 *   f(F_RF) = ‖F_opt − F_RF F_BB‖_F²:
 *     Euclidean gradient   ∇f = −2 (F_opt − F_RF F_BB) F_BBᴴ   (the convention g = ∂f/∂Re + j ∂f/∂Im),
 *     Riemannian gradient  grad f = P_x(∇f),  P_x(z) = z − Re(z ∘ x*) ∘ x  (projection on the tangent space),
 *     retraction           R_x(αd) = (x + αd) ∘ 1/|x + αd|   (elementwise),
 *     vector transport     T(d) = P_{x_new}(d),
 *     direction            d_{k+1} = −grad f(x_{k+1}) + β_k T(d_k),  β_k Polak–Ribière (PR+, clipped at 0),
 *     step                 Armijo backtracking: α halved until f(R_x(αd)) ≤ f(x) + c·α·Re⟨grad f, d⟩, c = 10⁻⁴.
 * The objective never increases: each accepted step satisfies Armijo with Re⟨grad f, d⟩ < 0, and the
 * least-squares F_BB step minimises f over F_BB. `objective` records it after every outer iteration.
 *
 * Ours (stated; Yu leaves these open or we do not recall them exactly): the Armijo trial step is the
 * exact minimiser of the quadratic ‖E − αD F_BB‖² along the straight line in C^{N_t×R_t} (then
 * halved up to 40 times); a direction that is not a descent direction is reset to −grad f; the inner
 * CG stops after `innerIterations` steps, when the Riemannian gradient or the objective vanishes
 * (relative to ‖F_opt‖), or when no Armijo step is found; the outer loop stops after
 * `outerIterations` or when an outer iteration lowers the objective by less than `tol` (relative).
 * Defaults 10 outer × 30 CG steps (the MSER design note), tol 10⁻⁶.
 *
 * Shapes are Sionna-style: fOpt [batch, N_t, N_s] = [batch_size, num_tx_ant, num_streams].
 */
import type { ComplexBatchF64 } from '../../core/complexF64';
import { batchEntryF64, checkBatchF64, checkFiniteF64, matmulF64, pinvF64 } from '../../core/linalgF64';
import type { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';

/** Armijo sufficient-decrease constant. */
const ARMIJO_C = 1e-4;
/** Halvings of the Armijo step before the CG gives up. */
const ARMIJO_HALVINGS = 40;

export interface AltMinOptions {
  /** R_t: RF chains (columns of F_RF), N_s ≤ R_t ≤ N_t; required with init 'random', else taken from (and checked against) the given F_RF */
  rfChains?: number;
  /** starting F_RF: 'random' (uniform phases from `rng`, the default) or a given [batch or 1, N_t, R_t] (projected to unit modulus) */
  init?: 'random' | ComplexBatchF64;
  /** the random source for init 'random' (a fork of the notebook's Rng) */
  rng?: Rng;
  /** outer (F_RF, F_BB) alternations at most; default 10 */
  outerIterations?: number;
  /** conjugate-gradient steps per F_RF update at most; default 30 */
  innerIterations?: number;
  /** stop when an outer iteration lowers the objective by less than tol·(previous value); default 1e-6 (0: run every iteration) */
  tol?: number;
  /** if given, F_BB is finally scaled so that ‖F_RF F_BB‖_F² = power (Yu, El Ayach: N_s); default: no scaling */
  power?: number;
}

export interface AltMinResult {
  /** F_RF [batch, N_t, R_t], unit modulus */
  fRf: ComplexBatchF64;
  /** F_BB [batch, R_t, N_s]: F_RF⁺F_opt, then scaled to `power` if given */
  fBb: ComplexBatchF64;
  /**
   * per batch entry: ‖F_opt − F_RF F_BB‖_F² (squared, before any power scaling) at the start (the
   * initial F_RF with its least-squares F_BB) and after each outer iteration; length iterations[b] + 1
   */
  objective: Float64Array[];
  /** [batch]: outer iterations run */
  iterations: Int32Array;
  /** [batch]: ‖F_opt − F_RF F_BB‖_F of the returned F_RF, F_BB (after the power scaling, if any) */
  residualNorm: Float64Array;
}

/** Per-matrix state and scratch of the CG (flat row-major arrays). */
interface Work {
  nt: number;
  rt: number;
  ns: number;
  /** F_opt [nt, ns] */
  fo: ComplexBatchF64;
  /** F_BB [rt, ns] */
  b: ComplexBatchF64;
  /** F_RF [nt, rt] */
  xr: Float64Array;
  xi: Float64Array;
}

/** ‖F_opt − X B‖²; writes E = F_opt − X B into (er, ei) when given. */
function objective(w: Work, xr: Float64Array, xi: Float64Array, er?: Float64Array, ei?: Float64Array): number {
  const { nt, rt, ns, fo, b } = w;
  let f = 0;
  for (let i = 0; i < nt; i++) {
    for (let s = 0; s < ns; s++) {
      let pr = fo.re[i * ns + s], pi = fo.im[i * ns + s];
      for (let l = 0; l < rt; l++) {
        const ar = xr[i * rt + l], ai = xi[i * rt + l], br = b.re[l * ns + s], bi = b.im[l * ns + s];
        pr -= ar * br - ai * bi;
        pi -= ar * bi + ai * br;
      }
      if (er && ei) {
        er[i * ns + s] = pr;
        ei[i * ns + s] = pi;
      }
      f += pr * pr + pi * pi;
    }
  }
  return f;
}

/** Riemannian gradient P_x(−2 E Bᴴ) into (gr, gi); returns its squared norm. */
function riemannianGradient(w: Work, er: Float64Array, ei: Float64Array, gr: Float64Array, gi: Float64Array): number {
  const { nt, rt, ns, b, xr, xi } = w;
  let n2 = 0;
  for (let i = 0; i < nt; i++) {
    for (let l = 0; l < rt; l++) {
      let sr = 0, si = 0;
      for (let s = 0; s < ns; s++) {
        // E_is conj(B_ls)
        const pr = er[i * ns + s], pi = ei[i * ns + s], br = b.re[l * ns + s], bi = b.im[l * ns + s];
        sr += pr * br + pi * bi;
        si += pi * br - pr * bi;
      }
      let zr = -2 * sr, zi = -2 * si;
      const k = i * rt + l;
      const c = zr * xr[k] + zi * xi[k]; // Re(z conj x)
      zr -= c * xr[k];
      zi -= c * xi[k];
      gr[k] = zr;
      gi[k] = zi;
      n2 += zr * zr + zi * zi;
    }
  }
  return n2;
}

/** In place: z ← P_x(z) = z − Re(z ∘ x*) ∘ x. */
function project(zr: Float64Array, zi: Float64Array, xr: Float64Array, xi: Float64Array): void {
  for (let k = 0; k < zr.length; k++) {
    const c = zr[k] * xr[k] + zi[k] * xi[k];
    zr[k] -= c * xr[k];
    zi[k] -= c * xi[k];
  }
}

function dotRe(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): number {
  let s = 0;
  for (let k = 0; k < ar.length; k++) s += ar[k] * br[k] + ai[k] * bi[k];
  return s;
}

/** Riemannian CG on F_RF with F_BB fixed (module comment); updates w.xr, w.xi. */
function cgOnManifold(w: Work, steps: number, foNorm2: number): void {
  const { nt, rt, ns, b } = w;
  const size = nt * rt;
  // E = F_opt − F_RF F_BB at the current point, and at the trial point (swapped on acceptance)
  let er = new Float64Array(nt * ns), ei = new Float64Array(nt * ns);
  let tr = new Float64Array(nt * ns), ti = new Float64Array(nt * ns);
  const gr = new Float64Array(size), gi = new Float64Array(size);
  const gOldR = new Float64Array(size), gOldI = new Float64Array(size);
  const dr = new Float64Array(size), di = new Float64Array(size);
  const yr = new Float64Array(size), yi = new Float64Array(size);
  let bNorm2 = 0;
  for (let k = 0; k < b.re.length; k++) bNorm2 += b.re[k] ** 2 + b.im[k] ** 2;
  // vanishing thresholds relative to the scale of the problem (‖∇f‖ ≤ 2‖E‖‖B‖ ≤ 2‖F_opt‖‖B‖)
  const fTiny = 1e-30 * foNorm2;
  const gTiny = 1e-28 * 4 * foNorm2 * bNorm2;
  let f = objective(w, w.xr, w.xi, er, ei);
  let g2 = riemannianGradient(w, er, ei, gr, gi);
  for (let k = 0; k < size; k++) {
    dr[k] = -gr[k];
    di[k] = -gi[k];
  }
  for (let step = 0; step < steps; step++) {
    if (f <= fTiny || g2 <= gTiny) return;
    let slope = dotRe(gr, gi, dr, di);
    if (!(slope < 0)) {
      for (let k = 0; k < size; k++) {
        dr[k] = -gr[k];
        di[k] = -gi[k];
      }
      slope = -g2;
    }
    // trial step: minimiser of ‖E − α D B‖² along the straight line, α* = −slope / (2‖D B‖²)
    let db2 = 0;
    for (let i = 0; i < nt; i++) {
      for (let s = 0; s < ns; s++) {
        let pr = 0, pi = 0;
        for (let l = 0; l < rt; l++) {
          const ar = dr[i * rt + l], ai = di[i * rt + l], br = b.re[l * ns + s], bi = b.im[l * ns + s];
          pr += ar * br - ai * bi;
          pi += ar * bi + ai * br;
        }
        db2 += pr * pr + pi * pi;
      }
    }
    if (!(db2 > 0)) return;
    let alpha = -slope / (2 * db2);
    let accepted = false;
    let fNew = f;
    for (let h = 0; h <= ARMIJO_HALVINGS; h++) {
      retract(w.xr, w.xi, dr, di, alpha, yr, yi);
      fNew = objective(w, yr, yi, tr, ti);
      if (fNew <= f + ARMIJO_C * alpha * slope) {
        accepted = true;
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) return;
    w.xr.set(yr);
    w.xi.set(yi);
    gOldR.set(gr);
    gOldI.set(gi);
    const gOld2 = g2;
    f = fNew;
    [er, tr] = [tr, er];
    [ei, ti] = [ti, ei];
    g2 = riemannianGradient(w, er, ei, gr, gi);
    // transport the old gradient and direction to the new point
    project(gOldR, gOldI, w.xr, w.xi);
    project(dr, di, w.xr, w.xi);
    const beta = Math.max(0, (g2 - dotRe(gr, gi, gOldR, gOldI)) / gOld2);
    for (let k = 0; k < size; k++) {
      dr[k] = -gr[k] + beta * dr[k];
      di[k] = -gi[k] + beta * di[k];
    }
  }
}

/** y = R_x(α d): (x + α d)/|x + α d| elementwise (an entry that lands on 0 keeps x). */
function retract(xr: Float64Array, xi: Float64Array, dr: Float64Array, di: Float64Array, alpha: number, yr: Float64Array, yi: Float64Array): void {
  for (let k = 0; k < xr.length; k++) {
    const zr = xr[k] + alpha * dr[k], zi = xi[k] + alpha * di[k];
    const m = Math.sqrt(zr * zr + zi * zi);
    if (m > 0 && Number.isFinite(m)) {
      yr[k] = zr / m;
      yi[k] = zi / m;
    } else {
      yr[k] = xr[k];
      yi[k] = xi[k];
    }
  }
}

/** F_BB = F_RF⁺ F_opt for the current F_RF of `w`. */
function leastSquares(w: Work): ComplexBatchF64 {
  const x: ComplexBatchF64 = { batch: 1, rows: w.nt, cols: w.rt, re: w.xr, im: w.xi };
  return matmulF64(pinvF64(x), w.fo);
}

/**
 * MO-AltMin hybrid precoder (Yu §III; module comment).
 * fOpt: F_opt [batch, N_t, N_s]; opts: rfChains R_t (N_s ≤ R_t ≤ N_t), init 'random' (with rng)
 * or a given F_RF [batch or 1, N_t, R_t], outerIterations, innerIterations, tol, power
 * → { fRf [batch, N_t, R_t], fBb [batch, R_t, N_s], objective (history per batch entry), iterations, residualNorm }.
 */
export function altMinManifold(fOpt: ComplexBatchF64, opts: AltMinOptions = {}): AltMinResult {
  const fn = 'altMinManifold(fOpt, opts)';
  checkBatchF64(fn, 'fOpt', fOpt, '[batch, N_t, N_s]');
  checkFiniteF64(fn, 'fOpt', fOpt);
  const { batch, rows: nt, cols: ns } = fOpt;
  const init = opts.init ?? 'random';
  let rt: number;
  if (init === 'random') {
    if (opts.rfChains === undefined) throw new Error(`${fn}: opts.rfChains (R_t) is required with init 'random'; give an integer with N_s = ${ns} <= R_t <= N_t = ${nt}`);
    rt = opts.rfChains;
    if (opts.rng === undefined || typeof opts.rng !== 'object' || typeof opts.rng.uniformArray !== 'function') {
      throw new Error(`${fn}: opts.rng (an Rng from core/random) is required with init 'random'`);
    }
  } else if (init !== null && typeof init === 'object') {
    checkBatchF64(fn, 'opts.init', init, `[batch, ${nt}, R_t]`);
    if (init.rows !== nt) throw new Error(`${fn}: opts.init must be F_RF [batch, ${nt}, R_t] (N_t = ${nt} rows, as fOpt); got [${init.batch}, ${init.rows}, ${init.cols}]`);
    if (init.batch !== batch && init.batch !== 1) throw new Error(`${fn}: opts.init batch must be ${batch} (as fOpt) or 1 (shared); got ${init.batch}`);
    if (opts.rfChains !== undefined && opts.rfChains !== init.cols) {
      throw new Error(`${fn}: opts.rfChains (R_t) = ${opts.rfChains} differs from the columns of opts.init (${init.cols})`);
    }
    rt = init.cols;
  } else {
    throw new Error(`${fn}: opts.init must be 'random' or a ComplexBatchF64 F_RF [batch, ${nt}, R_t]; got ${String(init)}`);
  }
  if (typeof rt !== 'number' || !Number.isInteger(rt) || rt < ns || rt > nt) {
    throw new Error(`${fn}: opts.rfChains (R_t) must be an integer with N_s = ${ns} <= R_t <= N_t = ${nt}; got ${String(rt)}`);
  }
  const outer = checkPositiveInt(fn, 'opts.outerIterations', opts.outerIterations ?? 10);
  const inner = checkPositiveInt(fn, 'opts.innerIterations', opts.innerIterations ?? 30);
  const tol = checkFinite(fn, 'opts.tol', opts.tol ?? 1e-6, 0);
  const power = opts.power === undefined ? undefined : checkFinite(fn, 'opts.power', opts.power, 0, false);

  const size = nt * rt;
  const fRf = { batch, rows: nt, cols: rt, re: new Float64Array(batch * size), im: new Float64Array(batch * size) };
  const fBb = { batch, rows: rt, cols: ns, re: new Float64Array(batch * rt * ns), im: new Float64Array(batch * rt * ns) };
  if (init === 'random') {
    const phases = (opts.rng as Rng).uniformArray(batch * size, 0, 2 * Math.PI);
    for (let k = 0; k < batch * size; k++) {
      fRf.re[k] = Math.cos(phases[k]);
      fRf.im[k] = Math.sin(phases[k]);
    }
  } else {
    for (let t = 0; t < batch; t++) {
      const o = init.batch === 1 ? 0 : t * size;
      for (let k = 0; k < size; k++) {
        const zr = init.re[o + k], zi = init.im[o + k];
        const m = Math.sqrt(zr * zr + zi * zi);
        if (!(m > 0) || !Number.isFinite(m)) {
          throw new Error(`${fn}: opts.init entries must be finite and non-zero (they are projected to unit modulus); entry [${init.batch === 1 ? 0 : t}, ${Math.floor(k / rt)}, ${k % rt}] is ${zr} + ${zi}i`);
        }
        fRf.re[t * size + k] = zr / m;
        fRf.im[t * size + k] = zi / m;
      }
    }
  }

  const objectiveHistory: Float64Array[] = [];
  const iterations = new Int32Array(batch);
  const residualNorm = new Float64Array(batch);
  for (let t = 0; t < batch; t++) {
    const fo = batchEntryF64(fOpt, t);
    let foNorm2 = 0;
    for (let k = 0; k < fo.re.length; k++) foNorm2 += fo.re[k] ** 2 + fo.im[k] ** 2;
    const w: Work = {
      nt, rt, ns, fo,
      b: { batch: 1, rows: rt, cols: ns, re: new Float64Array(rt * ns), im: new Float64Array(rt * ns) },
      xr: fRf.re.subarray(t * size, (t + 1) * size),
      xi: fRf.im.subarray(t * size, (t + 1) * size),
    };
    w.b = leastSquares(w);
    const hist = [objective(w, w.xr, w.xi)];
    let it = 0;
    while (it < outer) {
      cgOnManifold(w, inner, foNorm2);
      w.b = leastSquares(w);
      const f = objective(w, w.xr, w.xi);
      const prev = hist[hist.length - 1];
      hist.push(f);
      it++;
      if (f <= 1e-30 * foNorm2 || prev - f <= tol * prev) break;
    }
    iterations[t] = it;
    objectiveHistory.push(Float64Array.from(hist));
    if (power !== undefined) {
      const x: ComplexBatchF64 = { batch: 1, rows: nt, cols: rt, re: w.xr, im: w.xi };
      const prod = matmulF64(x, w.b);
      let n2 = 0;
      for (let k = 0; k < prod.re.length; k++) n2 += prod.re[k] ** 2 + prod.im[k] ** 2;
      if (n2 > 0) {
        const g = Math.sqrt(power / n2);
        for (let k = 0; k < w.b.re.length; k++) {
          w.b.re[k] *= g;
          w.b.im[k] *= g;
        }
      }
    }
    residualNorm[t] = Math.sqrt(objective(w, w.xr, w.xi));
    fBb.re.set(w.b.re, t * rt * ns);
    fBb.im.set(w.b.im, t * rt * ns);
  }
  return { fRf, fBb, objective: objectiveHistory, iterations, residualNorm };
}
