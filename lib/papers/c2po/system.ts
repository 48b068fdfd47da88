/**
 * The 1-bit massive MU-MIMO downlink of Balatsoukas-Stimming, Castañeda, Jacobsson, Durisi, Studer,
 * "Neural-network optimized 1-bit precoding for massive MU-MIMO" (NNO-C2PO), §II-A, in the library's
 * convention, and its inputs prepared once in the real-valued embedding (8)–(9).
 *
 * Paper ↔ library. The paper writes y = Hx + n with H ∈ C^{U×B} (U users × B antennas), x ∈ X^B,
 * s ∈ O^U (§II-A): exactly the library's convention `h: [..., U, B]` (users × antennas), y = Hx + n.
 * No transpose anywhere; U is the library's K, B its M.
 *
 * Scale convention (the paper states P and ξ = √(P/2B) only; the rest is our explicit choice):
 * - P, the instantaneous power constraint ‖x‖² ≤ P (§II-A): option `power`, default 1. The 1-bit
 *   alphabet X = {±ξ ± jξ} (§II-B) has ‖x‖² = 2Bξ² = P exactly, so ξ = √(P/2B) (§II-C).
 * - Symbols: unit average energy E|s_u|² = 1 (the library's normalised constellations; 16-QAM in §IV).
 * - Channels: entries of unit variance (`rayleigh` default CN(0, 1); §IV does not state it).
 * These are also the conventions of the authors' group's public 1-bit precoding simulator
 * (github.com/quantizedmassivemimo/1bit_precoding, precoder_sim.m: symbols normalised to unit energy,
 * H entries CN(0, 1), x scaled by 1/√(2B), N0 = 10^(−SNR/10), i.e. SNR = P/N0 with P = 1).
 * Why it matters: x⁽⁰⁾ = Hᴴs scales with s and H, ξ with √P, and AᴴA with |H|². The iterations are
 * homogeneous: (s, P) → (αs, α²P) scales every iterate by α and changes nothing else, so only the
 * ratio P/E|s|² matters for a given channel scale; scaling H by γ scales AᴴA by γ², so the original
 * τ = 2⁻⁸ (≈ 1/(2B) for B = 128) is meant for unit-variance channel entries.
 *
 * Layouts. Two forms of the same problem, both batched, never a per-sample loop:
 * - per sample (Sionna style): `h: [batch, U, B]`, `s: [batch, U]` → x: [batch, B];
 * - shared channel (a coherence block, columns as in `phy/link`'s s: [..., K, T]): one `h: [U, B]`
 *   serves T symbol vectors as the columns of `s: [U, T]` → x: [B, T].
 * Internally both become columns of the real embedding: E = [[Re H, −Im H], [Im H, Re H]] (8),
 * `e: [..., 2U, 2B]`, and symbol vectors [Re s; Im s] as columns `sr: [..., 2U, N]` (N = 1 per sample,
 * N = T shared), so every product with H or Hᴴ is one real matmul (E·X, Eᵀ·X) over the whole batch
 * or block. `fromColumns` returns to the caller's layout (9).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { safeDiv } from '../../core/safe';
import { checkComplex, checkFinite, checkPositiveInt } from '../../core/validate';

/** Problem data fixed by the system (plain numbers). */
export interface C2poSystem {
  /** U, single-antenna users (§IV: 8) */
  users: number;
  /** B, base-station antennas (§IV: 128) */
  antennas: number;
  /** P, instantaneous power constraint ‖x‖² ≤ P (paper's text: 1) */
  power: number;
  /** ξ = √(P/2B): the 1-bit levels ±ξ per real dimension and the clip level of the prox (2) */
  xi: number;
}

export interface C2poSystemOptions {
  /** U */
  users: number;
  /** B */
  antennas: number;
  /** P, default 1 (the paper's text) */
  power?: number;
}

/** The system with ξ = √(P/2B) (§II-C). Errors name the option and its allowed range. */
export function c2poSystem(opts: C2poSystemOptions): C2poSystem {
  const fn = 'c2poSystem(opts)';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: needs { users, antennas, power? }`);
  const users = checkPositiveInt(fn, 'users (U)', opts.users);
  const antennas = checkPositiveInt(fn, 'antennas (B)', opts.antennas);
  const power = checkFinite(fn, 'power (P)', opts.power ?? 1, 0, false);
  return { users, antennas, power, xi: Math.sqrt(power / (2 * antennas)) };
}

/** Check a system object (plain numbers only): U, B positive integers, P > 0, ξ = √(P/2B). */
export function checkSystem(fn: string, sys: C2poSystem): C2poSystem {
  if (sys === null || typeof sys !== 'object') throw new Error(`${fn}(sys): needs { users, antennas, power, xi } (see c2poSystem)`);
  checkPositiveInt(fn, 'sys.users (U)', sys.users);
  checkPositiveInt(fn, 'sys.antennas (B)', sys.antennas);
  checkFinite(fn, 'sys.power (P)', sys.power, 0, false);
  const xi = Math.sqrt(sys.power / (2 * sys.antennas));
  if (!(Math.abs(sys.xi - xi) <= 1e-12 * xi)) throw new Error(`${fn}: sys.xi must be √(P/2B) = ${xi}; got ${String(sys.xi)} (build sys with c2poSystem)`);
  return sys;
}

/** 'perSample': h [batch, U, B], s [batch, U]; 'shared': h [U, B], s [U, T] (columns). */
export type C2poLayout = 'perSample' | 'shared';

/**
 * The inputs of the unfolded graph (Fig. 2) in the real embedding, prepared once per data set (the
 * paper precomputes x⁽⁰⁾ and AᴴA; we keep only E and the symbols: AᴴA is never formed).
 */
export interface C2poProblem {
  layout: C2poLayout;
  sys: C2poSystem;
  /** batch (perSample) or T (shared): the number of symbol vectors */
  count: number;
  /** E = embed(H) (8): [batch, 2U, 2B] (perSample) or [2U, 2B] (shared) */
  e: tf.Tensor;
  /** Eᵀ, kept explicitly: tfjs-wasm's matmul with a transpose flag is ~20× slower than without */
  eT: tf.Tensor;
  /** [Re s; Im s] as columns: [batch, 2U, 1] or [2U, T] */
  s: tf.Tensor;
  /** embed(j·s) = [−Im s; Re s], same shape: with `s` it spans the complex line of s */
  js: tf.Tensor;
  /** ‖s‖² per symbol vector: [batch, 1, 1] or [1, T] */
  sNorm2: tf.Tensor;
  /** s_R/‖s‖² and (js)_R/‖s‖² (0 where s = 0): the projection onto the line of s needs only these */
  sScaled: tf.Tensor;
  jsScaled: tf.Tensor;
}

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

function describe(x: Complex | undefined): string {
  return x && isTensor(x.re) ? `[${x.re.shape}]` : String(x);
}

/**
 * Check the shapes of h and s against `sys` and return the layout: h rank 3 [batch, U, B] with
 * s [batch, U] (perSample), or h rank 2 [U, B] with s [U, T] (shared, one column per symbol vector). No data read.
 */
export function checkInputs(fn: string, sys: C2poSystem, h: Complex, s: Complex): { layout: C2poLayout; count: number } {
  checkSystem(fn, sys);
  const { users: u, antennas: b } = sys;
  if (!h || !isTensor(h.re) || !isTensor(h.im) || (h.re.rank !== 3 && h.re.rank !== 2)) {
    throw new Error(`${fn}(h): must be [batch, U, B] or [U, B] complex (U = ${u} users, B = ${b} antennas); got ${describe(h)}`);
  }
  checkComplex(`${fn}(h)`, h);
  const [hu, hb] = h.re.shape.slice(-2);
  if (hu !== u || hb !== b) throw new Error(`${fn}(h): needs U = ${u} users × B = ${b} antennas on its last two axes (sys); got [${h.re.shape}]`);
  if (!s || !isTensor(s.re) || !isTensor(s.im) || s.re.rank !== 2) {
    throw new Error(`${fn}(s): must be ${h.re.rank === 3 ? `[batch, U] = [${h.re.shape[0]}, ${u}]` : `[U, T] with U = ${u} (one column per symbol vector)`} complex; got ${describe(s)}`);
  }
  checkComplex(`${fn}(s)`, s);
  if (h.re.rank === 3) {
    const [n, su] = s.re.shape;
    if (su !== u) throw new Error(`${fn}(s): must be [batch, U] with U = ${u} (one symbol per user); got [${s.re.shape}]`);
    if (n !== h.re.shape[0]) throw new Error(`${fn}(s): needs one symbol vector per channel, [batch, U] = [${h.re.shape[0]}, ${u}]; got [${s.re.shape}]`);
    return { layout: 'perSample', count: n };
  }
  const [su, n] = s.re.shape;
  if (su !== u) throw new Error(`${fn}(s): a shared channel h: [U, B] needs s: [U, T] with U = ${u} rows (one column per symbol vector); got [${s.re.shape}]`);
  return { layout: 'shared', count: n };
}

/**
 * Prepare a problem: the real embedding (8) of H and of the symbol vectors as columns.
 * h: [batch, U, B] with s: [batch, U], or h: [U, B] with s: [U, T] (see the module comment).
 * The caller disposes it (`disposeProblem`).
 */
export function prepareProblem(h: Complex, s: Complex, sys: C2poSystem): C2poProblem {
  const { layout, count } = checkInputs('prepareProblem', sys, h, s);
  const [e, eT, sr, js, n2, ss, jss] = tf.tidy(() => {
    const e = C.realEmbedMatrix(h);
    const eT = layout === 'perSample' ? tf.transpose(e, [0, 2, 1]) : tf.transpose(e);
    // perSample: rows [batch, U] → [batch, 2U, 1]; shared: columns [U, T] stacked → [2U, T]
    const stack = (a: tf.Tensor, b: tf.Tensor) => (layout === 'perSample' ? tf.expandDims(tf.concat([a, b], -1), -1) : tf.concat([a, b], 0));
    const sr = stack(s.re, s.im);
    const js = stack(tf.neg(s.im), s.re);
    const n2 = tf.sum(tf.square(sr), -2, true);
    const inv = safeDiv(1, n2);
    return [e, eT, sr, js, n2, tf.mul(sr, inv), tf.mul(js, inv)];
  });
  return { layout, sys, count, e, eT, s: sr, js, sNorm2: n2, sScaled: ss, jsScaled: jss };
}

export function disposeProblem(p: C2poProblem | undefined): void {
  if (p) tf.dispose([p.e, p.eT, p.s, p.js, p.sNorm2, p.sScaled, p.jsScaled]);
}

/**
 * Columns of the real embedding back to the caller's layout (9): x_b = x^R_b + j x^R_{b+B}.
 * xr: [batch, 2n, 1] (perSample) or [2n, T] (shared) → Complex [batch, n] or [n, T].
 */
export function fromColumns(p: C2poProblem, xr: tf.Tensor): Complex {
  return C.tidy(() => {
    if (p.layout === 'shared') {
      const [re, im] = tf.split(xr, 2, 0);
      return { re, im };
    }
    const [re, im] = tf.split(tf.squeeze(xr, [-1]), 2, -1);
    return { re, im };
  });
}

/** The caller's-layout vectors x ([batch, B] or [B, T] complex) as columns of the real embedding. */
export function toColumns(p: C2poProblem, x: Complex): tf.Tensor {
  const shared = p.layout === 'shared';
  const want = shared ? [p.sys.antennas, p.count] : [p.count, p.sys.antennas];
  checkComplex('toColumns(x)', x, 2);
  if (x.re.shape[0] !== want[0] || x.re.shape[1] !== want[1]) throw new Error(`toColumns(x): must be [${want}] complex (${shared ? 'B, T' : 'batch, B'}); got [${x.re.shape}]`);
  return tf.tidy(() => (shared ? tf.concat([x.re, x.im], 0) : tf.expandDims(tf.concat([x.re, x.im], -1), -1)));
}
