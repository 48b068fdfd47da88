/**
 * Constructive-interference symbol-level precoding (CI-SLP) for M-PSK, power minimisation:
 * problem (2) of SLP-SQ (Mohammad, Masouros, Andreopoulos), from Masouros & Zheng [8], in the real
 * form of §II-B. Float64, JavaScript: these are the exact instances the optimisation baseline solves
 * and the networks are measured on.
 *
 * Convention (the workbook's): H is users × antennas, y = Hx + n, so user k receives h_k x with h_k
 * the k-th ROW of H (the paper writes h_iᵀ u, the same thing). For user k with symbol s_k = e^{jφ_k},
 * the phase-aligned received signal is ỹ_k = e^{−jφ_k} h_k x = g_k x with g_k = e^{−jφ_k} h_k (the
 * paper's h̃ with its per-user rotation). With w = [Re x; Im x] ∈ ℝ^{2M}:
 *   Re ỹ_k = p_kᵀ w,  p_k = [Re g_k, −Im g_k];   Im ỹ_k = q_kᵀ w,  q_k = [Im g_k, Re g_k]
 * (p_k is the paper's Φ_k read through Υ; §II-B). The constructive region with threshold
 * √(Γ_k n₀) and maximum phase shift θ = π/𝓜 (𝓜 the PSK order, Fig. 1) is
 *   |Im ỹ_k| ≤ (Re ỹ_k − √(Γ_k n₀)) tan θ,
 * i.e. two linear constraints per user, a_{k,±}ᵀ w ≤ c_k with a_{k,±} = ±q_k − tan θ · p_k and
 * c_k = −tan θ · √(Γ_k n₀). Problem (2): min ‖w‖² s.t. A w ≤ c, A: [2K, 2M] (rows k·2 + 0 for +, +1 for −).
 */
import { checkComplexBatchF64, ComplexBatchF64 } from '../../core/complexF64';
import { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';

/** A batch of CI-SLP instances in real form. */
export interface SlpInstances {
  batch: number;
  /** K */
  users: number;
  /** M (BS antennas) */
  antennas: number;
  /** 𝓜, the PSK order (4 = QPSK) */
  pskOrder: number;
  /** tan θ = tan(π/𝓜) */
  tanTheta: number;
  /** n₀ */
  noiseVar: number;
  /** A: [batch, 2K, 2M], row-major */
  a: Float64Array;
  /** c: [batch, 2K] (negative) */
  c: Float64Array;
  /** Γ_k, linear: [batch, K] */
  sinr: Float64Array;
  /** φ_k, the symbol phases: [batch, K] */
  phase: Float64Array;
  /** Φ = [Re g; Im g] per user: [batch, 2M, K] (the network's input map, Fig. 4) */
  phi: Float64Array;
}

export interface SlpInstanceOptions {
  /** H: [batch, K, M] complex (users × antennas) */
  h: ComplexBatchF64;
  /** φ: [batch, K] symbol phases (radians), e.g. from `pskPhases` */
  phase: Float64Array;
  /** Γ per user, linear: one number for all, or [batch, K] */
  sinr: number | Float64Array;
  /** n₀ (default 1) */
  noiseVar?: number;
  /** 𝓜, the PSK order: 4 (QPSK, the paper), 8 or 16 */
  pskOrder?: number;
}

export const PSK_ORDERS: readonly number[] = [4, 8, 16];

/** Build the real-form instances of problem (2). */
export function slpInstances(opts: SlpInstanceOptions): SlpInstances {
  const { h } = opts;
  checkComplexBatchF64('slpInstances(h)', h);
  const B = h.batch, K = h.rows, M = h.cols;
  const psk = opts.pskOrder ?? 4;
  if (!PSK_ORDERS.includes(psk)) throw new Error(`slpInstances(pskOrder): must be one of ${PSK_ORDERS.join(', ')} (M-PSK with θ = π/𝓜 < π/2); got ${psk}`);
  const n0 = checkFinite('slpInstances', 'noiseVar', opts.noiseVar ?? 1, 0, false);
  if (!(opts.phase instanceof Float64Array) || opts.phase.length !== B * K) {
    throw new Error(`slpInstances(phase): needs a Float64Array of batch·K = ${B * K} phases; got ${opts.phase?.length}`);
  }
  const sinr = new Float64Array(B * K);
  if (typeof opts.sinr === 'number') sinr.fill(checkFinite('slpInstances', 'sinr', opts.sinr, 0, false));
  else {
    if (!(opts.sinr instanceof Float64Array) || opts.sinr.length !== B * K) throw new Error(`slpInstances(sinr): needs a number or batch·K = ${B * K} values; got ${opts.sinr?.length}`);
    opts.sinr.forEach((g, i) => { if (!(g > 0) || !Number.isFinite(g)) throw new Error(`slpInstances(sinr): every Γ must be finite and > 0 (linear); entry ${i} is ${g}`); });
    sinr.set(opts.sinr);
  }
  const t = Math.tan(Math.PI / psk);
  const a = new Float64Array(B * 2 * K * 2 * M);
  const c = new Float64Array(B * 2 * K);
  const phi = new Float64Array(B * 2 * M * K);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < K; k++) {
      const ph = opts.phase[b * K + k];
      const cr = Math.cos(ph), ci = -Math.sin(ph); // e^{−jφ}
      const rowP = (b * 2 * K + 2 * k) * 2 * M; // a_{k,+}
      const rowM = rowP + 2 * M; // a_{k,−}
      for (let m = 0; m < M; m++) {
        const hr = h.re[(b * K + k) * M + m], hi = h.im[(b * K + k) * M + m];
        const gr = hr * cr - hi * ci, gi = hr * ci + hi * cr;
        // p = [gr, −gi], q = [gi, gr]
        a[rowP + m] = gi - t * gr;
        a[rowP + M + m] = gr + t * gi;
        a[rowM + m] = -gi - t * gr;
        a[rowM + M + m] = -gr + t * gi;
        phi[(b * 2 * M + m) * K + k] = gr;
        phi[(b * 2 * M + M + m) * K + k] = gi;
      }
      const thr = -t * Math.sqrt(sinr[b * K + k] * n0);
      c[b * 2 * K + 2 * k] = thr;
      c[b * 2 * K + 2 * k + 1] = thr;
    }
  }
  return { batch: B, users: K, antennas: M, pskOrder: psk, tanTheta: t, noiseVar: n0, a, c, sinr, phase: Float64Array.from(opts.phase), phi };
}

/** A w − c for instance b: the 2K constraint values (≤ 0 where satisfied). */
export function constraintValues(inst: SlpInstances, b: number, w: ArrayLike<number>, offset = 0): Float64Array {
  const J = 2 * inst.users, N = 2 * inst.antennas;
  const out = new Float64Array(J);
  for (let j = 0; j < J; j++) {
    let s = 0;
    for (let i = 0; i < N; i++) s += inst.a[(b * J + j) * N + i] * w[offset + i];
    out[j] = s - inst.c[b * J + j];
  }
  return out;
}

/**
 * Final scaling (ours; the paper's precoders are scaled to their SINR targets at inference): the
 * least s > 0 with s·A d ≤ c for a direction d, i.e. s = max_j c_j / (a_jᵀ d) over all j, which needs
 * a_jᵀ d < 0 for every j (the direction points into every constructive region). Returns the scaled
 * vectors and, per instance, whether such an s exists (`feasible`); an infeasible direction is left
 * unscaled and counted as a violation by the callers.
 * robust: with a CSI-error bound ζ the constraints become a_jᵀ w + ζ√(1+tan²θ)‖w‖ ≤ c_j (see
 * `robustMargin`), and s = max_j c_j / (a_jᵀd + ζ√(1+tan²θ)‖d‖).
 */
export function scaleToFeasible(inst: SlpInstances, d: Float64Array, opts: { errorBound?: number } = {}): { w: Float64Array; feasible: Uint8Array; scale: Float64Array } {
  const J = 2 * inst.users, N = 2 * inst.antennas;
  if (d.length !== inst.batch * N) throw new Error(`scaleToFeasible(d): needs batch·2M = ${inst.batch * N} values; got ${d.length}`);
  const zeta = checkFinite('scaleToFeasible', 'errorBound', opts.errorBound ?? 0, 0);
  const margin = zeta * robustMarginFactor(inst.tanTheta);
  const w = new Float64Array(d.length);
  const feasible = new Uint8Array(inst.batch);
  const scale = new Float64Array(inst.batch);
  for (let b = 0; b < inst.batch; b++) {
    let norm = 0;
    for (let i = 0; i < N; i++) norm += d[b * N + i] ** 2;
    norm = Math.sqrt(norm);
    let s = 0, ok = norm > 0;
    for (let j = 0; j < J && ok; j++) {
      let ad = 0;
      for (let i = 0; i < N; i++) ad += inst.a[(b * J + j) * N + i] * d[b * N + i];
      ad += margin * norm;
      if (!(ad < 0)) ok = false;
      else s = Math.max(s, inst.c[b * J + j] / ad);
    }
    feasible[b] = ok ? 1 : 0;
    scale[b] = ok ? s : 1;
    for (let i = 0; i < N; i++) w[b * N + i] = d[b * N + i] * scale[b];
  }
  return { w, feasible, scale };
}

/**
 * √(1 + tan²θ) = 1/cos θ: the worst case over ‖e_k‖₂ ≤ ζ of the CSI error's effect on either
 * constraint of user k is ζ‖[±x_I − tanθ x_R; ±x_R + tanθ x_I]‖ = ζ‖w‖/cos θ (the cross terms
 * cancel), the paper's ς‖Q₁u₂‖ of (11) with Q₁ = Υ − tanθ·I and Υ skew-symmetric.
 */
export function robustMarginFactor(tanTheta: number): number {
  return Math.sqrt(1 + tanTheta * tanTheta);
}

/** Uniform random 𝓜-PSK symbol phases φ = π/𝓜 + 2πi/𝓜 (QPSK: the points (±1 ± j)/√2): [count]. */
export function pskPhases(rng: Rng, count: number, pskOrder = 4): Float64Array {
  checkPositiveInt('pskPhases', 'count', count);
  if (!PSK_ORDERS.includes(pskOrder)) throw new Error(`pskPhases(pskOrder): must be one of ${PSK_ORDERS.join(', ')}; got ${pskOrder}`);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.PI / pskOrder + (2 * Math.PI * rng.int(pskOrder)) / pskOrder;
  return out;
}

/** i.i.d. CN(0, 1) channels [count, K, M] (the paper: "zero mean and unit variance"), float64. */
export function rayleighF64(rng: Rng, opts: { count: number; users: number; antennas: number }): ComplexBatchF64 {
  const n = checkPositiveInt('rayleighF64', 'count', opts.count) * checkPositiveInt('rayleighF64', 'users', opts.users) * checkPositiveInt('rayleighF64', 'antennas', opts.antennas);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = rng.gauss() * Math.SQRT1_2;
    im[i] = rng.gauss() * Math.SQRT1_2;
  }
  return { batch: opts.count, rows: opts.users, cols: opts.antennas, re, im };
}

/** dB → linear */
export const fromDb = (db: number): number => 10 ** (db / 10);
/** linear → dB (floored at 1e-30) */
export const toDb = (x: number): number => 10 * Math.log10(Math.max(x, 1e-30));
