/**
 * The optimisation-based SLP baseline, solved exactly.
 *
 * - `solveSlp`: problem (2) of SLP-SQ, min ‖w‖² s.t. A w ≤ c (real form, `./problem`), a strictly
 *   convex QP, by the Goldfarb–Idnani dual active-set method of the npm `quadprog` package (a port of
 *   R's quadprog). Per instance: w, the Lagrange multipliers μ ≥ 0 (KKT: 2w + Aᵀμ = 0), and the
 *   KKT residuals (primal feasibility, dual feasibility, complementarity, stationarity).
 * - `solveSlpRobust`: the worst-case robust problem (11) with CSI-error bound ‖e_k‖₂ ≤ ζ:
 *   min ‖w‖² s.t. a_jᵀ w + ζ‖w‖/cos θ ≤ c_j (a second-order-cone program; see `robustMarginFactor`).
 *   For a radius r = ‖w‖ the cone constraints are the linear ones with c shifted by −ζr/cos θ, whose
 *   least-norm solution has norm f(r), convex and increasing in r; the optimum is the least r with
 *   f(r) ≤ r, found by bracketing and bisection on r with a QP per step (when all thresholds are equal,
 *   f(r) = n₀(1 + ζr/(cosθ·β tanθ)) and r* is in closed form, used instead). The SOCP's KKT residuals
 *   are computed from the result with multipliers μ = ν/(1 − ζΣν/(2r cos θ)) (ν those of the last QP).
 */
import { solveQP } from 'quadprog';
import { checkFinite } from '../../core/validate';
import { robustMarginFactor, SlpInstances } from './problem';

export interface KktResiduals {
  /** max_j (A w − c)_j⁺ (robust: with the cone term), relative to max_j |c_j| */
  primal: number;
  /** max_j (−μ_j)⁺, relative to max μ (0 when μ = 0) */
  dual: number;
  /** max_j |μ_j · (A w − c)_j|, relative to ‖w‖² */
  complementarity: number;
  /** ‖∇_w L‖ relative to ‖w‖ */
  stationarity: number;
}

export interface SlpSolution {
  /** w = [Re x; Im x]: [batch, 2M] */
  w: Float64Array;
  /** ‖w‖² per instance (the transmit power of that symbol slot) */
  power: Float64Array;
  /** μ: [batch, 2K] */
  multipliers: Float64Array;
  /** per instance; `worst` is the largest of each residual over the batch */
  kkt: KktResiduals[];
  worst: KktResiduals;
  /** 1 where the solver reports success (robust: where ζ leaves a feasible problem) */
  solved: Uint8Array;
}

const QP_OK = '';

function worstOf(list: KktResiduals[]): KktResiduals {
  const w: KktResiduals = { primal: 0, dual: 0, complementarity: 0, stationarity: 0 };
  for (const k of list) for (const key of Object.keys(w) as (keyof KktResiduals)[]) if (Number.isFinite(k[key])) w[key] = Math.max(w[key], k[key]);
  return w;
}

/** One QP min ‖w‖² s.t. A_b w ≤ c (c given), via quadprog; returns w, μ, and whether it solved. */
function qpOne(inst: SlpInstances, b: number, c: ArrayLike<number>): { w: Float64Array; mu: Float64Array; ok: boolean } {
  const J = 2 * inst.users, N = 2 * inst.antennas;
  const D: number[][] = [[]];
  const A: number[][] = [[]];
  const dvec = [0];
  for (let i = 1; i <= N; i++) {
    D.push(new Array<number>(N + 1).fill(0));
    D[i][i] = 2;
    dvec.push(0);
    const row = [0];
    // quadprog wants Aᵀ w ≥ b0: our −a_jᵀ w ≥ −c_j, Amat[i][j] = −a_j[i]
    for (let j = 0; j < J; j++) row.push(-inst.a[(b * J + j) * N + (i - 1)]);
    A.push(row);
  }
  const bvec = [0];
  for (let j = 0; j < J; j++) bvec.push(-c[j]);
  const r = solveQP(D, dvec, A, bvec, 0);
  const w = new Float64Array(N), mu = new Float64Array(J);
  for (let i = 0; i < N; i++) w[i] = r.solution[i + 1];
  for (let j = 0; j < J; j++) mu[j] = r.Lagrangian[j + 1] ?? 0;
  const ok = r.message === QP_OK && w.every(Number.isFinite);
  return { w, mu, ok };
}

function kktOf(inst: SlpInstances, b: number, w: Float64Array, mu: Float64Array, c: ArrayLike<number>, cone: number): KktResiduals {
  const J = 2 * inst.users, N = 2 * inst.antennas;
  let norm2 = 0;
  for (let i = 0; i < N; i++) norm2 += w[i] ** 2;
  const norm = Math.sqrt(norm2);
  let cmax = 0, mmax = 0, primal = 0, dual = 0, comp = 0;
  const grad = new Float64Array(N);
  let musum = 0;
  for (let j = 0; j < J; j++) {
    let v = 0;
    for (let i = 0; i < N; i++) v += inst.a[(b * J + j) * N + i] * w[i];
    v += cone * norm - c[j];
    cmax = Math.max(cmax, Math.abs(c[j]));
    mmax = Math.max(mmax, Math.abs(mu[j]));
    primal = Math.max(primal, v);
    dual = Math.max(dual, -mu[j]);
    comp = Math.max(comp, Math.abs(mu[j] * v));
    for (let i = 0; i < N; i++) grad[i] += mu[j] * inst.a[(b * J + j) * N + i];
    musum += mu[j];
  }
  let gn = 0;
  for (let i = 0; i < N; i++) {
    const g = 2 * w[i] + grad[i] + (norm > 0 ? (cone * musum * w[i]) / norm : 0);
    gn += g * g;
  }
  return {
    primal: Math.max(primal, 0) / Math.max(cmax, 1e-300),
    dual: mmax > 0 ? Math.max(dual, 0) / mmax : 0,
    complementarity: comp / Math.max(norm2, 1e-300),
    stationarity: Math.sqrt(gn) / Math.max(norm, 1e-300),
  };
}

/** Problem (2), exactly, for every instance. */
export function solveSlp(inst: SlpInstances): SlpSolution {
  const J = 2 * inst.users, N = 2 * inst.antennas;
  const w = new Float64Array(inst.batch * N), mu = new Float64Array(inst.batch * J);
  const power = new Float64Array(inst.batch), solved = new Uint8Array(inst.batch);
  const kkt: KktResiduals[] = [];
  for (let b = 0; b < inst.batch; b++) {
    const c = inst.c.subarray(b * J, (b + 1) * J);
    const r = qpOne(inst, b, c);
    w.set(r.w, b * N);
    mu.set(r.mu, b * J);
    solved[b] = r.ok ? 1 : 0;
    power[b] = r.w.reduce((s, x) => s + x * x, 0);
    kkt.push(kktOf(inst, b, r.w, r.mu, c, 0));
  }
  return { w, power, multipliers: mu, kkt, worst: worstOf(kkt), solved };
}

/**
 * The robust problem (11) with CSI-error bound ζ (the paper's ς; it quotes ζ², e.g. 10⁻⁴): exact, by
 * a one-dimensional search over r = ‖w‖ (see the file comment). Instances where no w meets the
 * worst-case constraints (ζ too large for the channel) are returned with `solved` = 0, w = 0 and
 * infinite power.
 */
export function solveSlpRobust(inst: SlpInstances, opts: { errorBound: number }): SlpSolution {
  const zeta = checkFinite('solveSlpRobust', 'errorBound', opts.errorBound, 0);
  const J = 2 * inst.users, N = 2 * inst.antennas;
  const cone = zeta * robustMarginFactor(inst.tanTheta);
  const w = new Float64Array(inst.batch * N), mu = new Float64Array(inst.batch * J);
  const power = new Float64Array(inst.batch), solved = new Uint8Array(inst.batch);
  const kkt: KktResiduals[] = [];
  const shifted = new Float64Array(J);
  for (let b = 0; b < inst.batch; b++) {
    const c = inst.c.subarray(b * J, (b + 1) * J);
    const solveAt = (r: number) => {
      for (let j = 0; j < J; j++) shifted[j] = c[j] - cone * r;
      const s = qpOne(inst, b, shifted);
      return { ...s, norm: Math.sqrt(s.w.reduce((acc, x) => acc + x * x, 0)) };
    };
    const base = solveAt(0);
    let r: number | undefined;
    let best = base;
    if (!base.ok) r = undefined;
    else if (cone === 0) r = base.norm;
    else if (c.every((x) => x === c[0])) {
      // equal thresholds: f(r) = n₀(1 + cone·r/|c|), so r* = n₀ / (1 − cone·n₀/|c|)
      const k = (cone * base.norm) / Math.abs(c[0]);
      if (k < 1) {
        r = base.norm / (1 - k);
        best = solveAt(r);
      }
    } else {
      // bracket: double r until f(r) ≤ r (f convex increasing; none within 2^80·n₀ means infeasible)
      let lo = 0, hi = base.norm;
      let at = solveAt(hi);
      let steps = 0;
      while (at.ok && at.norm > hi && steps < 80) {
        lo = hi;
        hi *= 2;
        at = solveAt(hi);
        steps++;
      }
      if (at.ok && at.norm <= hi) {
        best = at;
        for (let it = 0; it < 100 && hi - lo > 1e-13 * hi; it++) {
          const mid = 0.5 * (lo + hi);
          const m = solveAt(mid);
          if (m.ok && m.norm <= mid) {
            hi = mid;
            best = m;
          } else lo = mid;
        }
        r = hi;
      }
    }
    if (r === undefined || !best.ok) {
      solved[b] = 0;
      power[b] = Infinity;
      kkt.push({ primal: NaN, dual: NaN, complementarity: NaN, stationarity: NaN });
      continue;
    }
    // μ = ν / (1 − cone·Σν / (2‖w‖)) turns the QP's stationarity 2w + Aᵀν = 0 into the SOCP's
    // 2w + Aᵀμ + cone·Σμ·w/‖w‖ = 0
    const nsum = best.mu.reduce((s, x) => s + x, 0);
    const denom = 1 - (cone * nsum) / (2 * Math.max(best.norm, 1e-300));
    const m = best.mu.map((x) => x / denom);
    w.set(best.w, b * N);
    mu.set(m, b * J);
    solved[b] = denom > 0 ? 1 : 0;
    power[b] = best.norm ** 2;
    kkt.push(kktOf(inst, b, best.w, m, c, cone));
  }
  return { w, power, multipliers: mu, kkt, worst: worstOf(kkt), solved };
}

/**
 * The Lagrange dual function of problem (2) at multipliers μ ≥ 0:
 * g(μ) = min_w ‖w‖² + μᵀ(A w − c) = −¼‖Aᵀμ‖² − μᵀc, attained at w = −½Aᵀμ (eq. (10)'s
 * form). Weak duality: g(μ) ≤ optimum for every μ ≥ 0, so it is a certified lower bound.
 * mu: [batch, 2K] → [batch].
 */
export function dualValue(inst: SlpInstances, mu: Float64Array): Float64Array {
  const J = 2 * inst.users, N = 2 * inst.antennas;
  if (mu.length !== inst.batch * J) throw new Error(`dualValue(mu): needs batch·2K = ${inst.batch * J} values; got ${mu.length}`);
  const out = new Float64Array(inst.batch);
  for (let b = 0; b < inst.batch; b++) {
    let q = 0, lin = 0;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < J; j++) s += inst.a[(b * J + j) * N + i] * mu[b * J + j];
      q += s * s;
    }
    for (let j = 0; j < J; j++) {
      if (mu[b * J + j] < 0) throw new Error(`dualValue(mu): multipliers must be ≥ 0; entry ${b * J + j} is ${mu[b * J + j]}`);
      lin += mu[b * J + j] * inst.c[b * J + j];
    }
    out[b] = -0.25 * q - lin;
  }
  return out;
}
