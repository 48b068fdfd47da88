/**
 * Algorithm 1 of the MSER paper (the gradient-descent hybrid beamforming design of ./gd) as a float64
 * plain-JavaScript kernel: the same iteration as `gdIteration`/`mserGd` (V, W, θ_U, θ_F in turn, each
 * step X ← X − μ_X g_X with the gradient of ./gradients at the blocks already updated, a block with
 * μ = 0 skipped, then (26) and the combiner normalisation of `projectState`), channel by channel, no tensors.
 *
 * API: `stateToF64`/`stateFromF64`, `channelsToF64`, `symbolsToF64`, `kernelWidthToF64` convert; then
 * `gdIterationF64(h, s, sym, sys, {steps, rho, normaliseCombiner?, normalisedSteps?, iterations?})` → new
 * state, `projectStateF64`, `mserObjectiveF64` → P̃ [B], and `mserGdF64` (as `mserGd` with every option of
 * ./gd `GdOptions`: normaliseCombiner, normalisedSteps, keepBest, recordEvery, progress, phase; tfjs or
 * float64 inputs; `GdResult` plus the float64 state).
 *
 * What makes it fast (paper system, J = 512, per channel-iteration: ≈ 0.4–0.8 ms on the 2-core test
 * machine against ≈ 3 ms/channel for tfjs-wasm `gdIteration` at B = 100 and ≈ 15 ms at B = 1):
 * - **Reuse.** What a block does not change is not recomputed (the 'reuse' form of
 *   bench/peers/mser_peer.py): HF_k = H_kF is formed once per iteration, after θ_F moves; the V block
 *   uses GF = stack_k (W_kᴴU_k)(H_kF), the W and θ_U blocks H_kFV = (H_kF)V and U_kH_kFV, the θ_F block
 *   M = stack_k (W_kᴴU_k)(H_kFV) and G = stack_k (W_kᴴU_k)H_k; exp(jθ) is re-evaluated only after a phase step.
 * - **The KDE products by table look-up.** Z = MS needs only Re Z ∘ Re S and Im Z ∘ Im S, and S holds
 *   symbols of a small alphabet (QPSK: 4 values). The D streams are split into groups of g (QPSK, J = 512:
 *   g = 3); for each row of M and each group the A^g partial sums Σ_{e∈group} M_de s_e over every symbol
 *   pattern are tabulated (84 complex additions for QPSK), and Z_dj is the sum of one entry per group
 *   (2 look-ups instead of 6 complex multiply–adds). E = g_M = Γ Sᴴ is the same backwards: Γ_dj goes
 *   into the bin of each group's pattern of column j, and E_de = Σ_s conj(s)·(the bins' marginal over
 *   stream e's symbol s). The columns are reordered once per symbol block (sums over j do not depend on
 *   the order) so that runs of columns share group 0's entry and bin; QPSK rows go two per pass.
 * - **The density.** φ(x) = e^{−x²/2}/√(2π) with the exponent floored at −80, exactly as ./gradients
 *   (a floored entry is e^{−80}, and costs no exp); e^x by a table-and-polynomial `expNeg` (≤ 5e−16
 *   relative, ≈ 2× faster than Math.exp).
 * - Typed arrays; one workspace per call; a channel's iterations run back to back (its data stay in
 *   cache; `mserGdF64` runs `recordEvery` iterations per channel between records); the symbol block's
 *   plan is kept per SymbolBlockF64 (rebuilt if its values change).
 *
 * The objective (15) of `mserObjectiveF64` is P̃ = (1/J) Σ_{d,j} [Q(a_dj) + Q(c_dj)] per channel in float64
 * (`qfuncFast`, ≈ core/special `qfunc`; tfjs's float32 erf rounds Q to 0 near 5.4), QPSK only, as ./kde
 * `kdeSer`; the iteration too is QPSK only (16-QAM's objective (47)–(48) has per-level thresholds and a gain
 * term on diag M, ./kde `qamKdeSer`: the experiments run it on tfjs).
 *
 * Shapes (row-major Float64Array, as the tfjs state of ./transceiver): h [B, K, N_r, N_t]; θ_F [B, N_t, R_t];
 * V [B, R_t, D]; θ_U [B, K, R_r, N_r]; W [B, K, R_r, D_k]; S [D, J]; ϱ a number, or one per row of M:
 * D values (shared by the batch) or B·D values (per channel and stream), or a tfjs `KernelWidth` that
 * broadcasts against [B, D, J] without varying along J (`kernelWidthToF64`; per user = its D_k rows alike).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { yieldToEventLoop } from '../../core/io';
import { qfunc } from '../../core/special';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { Progress, silentProgress, Ticker } from '../../train/progress';
import { checkSteps, GdResult, GdStepSizes } from './gd';
import type { KernelWidth } from './kde';
import { axisLevels, SymbolBlock } from './symbols';
import { checkSystem, MserModulation, MserSystem, symbolEnergy, totalStreams } from './system';
import type { HybridState } from './transceiver';

// ---------------------------------------------------------------------------------------------
// types and converters
// ---------------------------------------------------------------------------------------------

/** A complex array as two float64 arrays of equal length. */
export interface SplitComplexF64 {
  re: Float64Array;
  im: Float64Array;
}

/** The sizes of a hybrid transceiver (the shape fields of `MserSystem`). */
export type HybridDimsF64 = Pick<MserSystem, 'txAntennas' | 'txRf' | 'users' | 'rxAntennas' | 'rxRf' | 'streams'>;

/** A batch of hybrid transceivers in float64 (the layout of ./transceiver `HybridState`). */
export interface HybridStateF64 {
  batch: number;
  dims: HybridDimsF64;
  /** θ_F [B, N_t, R_t] */
  thetaF: Float64Array;
  /** V = [P_1 … P_K] [B, R_t, D] */
  v: SplitComplexF64;
  /** θ_U [B, K, R_r, N_r] */
  thetaU: Float64Array;
  /** W [B, K, R_r, D_k] (b̃_k = W_kᴴU_k y_k) */
  w: SplitComplexF64;
}

/** Channels h [B, K, N_r, N_t] in float64 (rows = receive antennas). */
export interface ChannelsF64 {
  batch: number;
  users: number;
  rxAntennas: number;
  txAntennas: number;
  re: Float64Array;
  im: Float64Array;
}

/** The shared symbol block S [D, J] in float64. */
export interface SymbolBlockF64 {
  streams: number;
  count: number;
  modulation: MserModulation;
  /** S [D, J] row-major */
  re: Float64Array;
  im: Float64Array;
}

/** ϱ: one number, or one per row of M: D values (shared by the batch) or B·D values ([B, D]). */
export type KernelWidthF64 = number | Float64Array;

const f64Of = (t: tf.Tensor): Float64Array => Float64Array.from(t.dataSync() as ArrayLike<number>);

/** A float64 copy of a tfjs state (one data read per tensor; `s` is not disposed). */
export function stateToF64(s: HybridState): HybridStateF64 {
  const fn = 'stateToF64';
  const [b, nt, rt] = s.thetaF.shape as [number, number, number];
  const [, k, rr, nr] = s.thetaU.shape as [number, number, number, number];
  const dk = s.w.re.shape[3] as number;
  const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (s.thetaF.rank !== 3 || !same(s.thetaU.shape, [b, k, rr, nr]) || !same(s.v.re.shape, [b, rt, k * dk]) || !same(s.v.im.shape, s.v.re.shape) ||
    !same(s.w.re.shape, [b, k, rr, dk]) || !same(s.w.im.shape, s.w.re.shape)) {
    throw new Error(`${fn}(s): needs θ_F [B, N_t, R_t], V [B, R_t, K·D_k], θ_U [B, K, R_r, N_r], W [B, K, R_r, D_k]; got [${s.thetaF.shape}], [${s.v.re.shape}], [${s.thetaU.shape}], [${s.w.re.shape}]`);
  }
  const dims: HybridDimsF64 = { txAntennas: nt, txRf: rt, users: k, rxAntennas: nr, rxRf: rr, streams: dk };
  const out: HybridStateF64 = {
    batch: b, dims, thetaF: f64Of(s.thetaF), v: { re: f64Of(s.v.re), im: f64Of(s.v.im) },
    thetaU: f64Of(s.thetaU), w: { re: f64Of(s.w.re), im: f64Of(s.w.im) },
  };
  checkStateF64(fn, 's', out);
  return out;
}

/** A tfjs (float32) state from a float64 one; the caller owns (disposes) its tensors. */
export function stateFromF64(x: HybridStateF64): HybridState {
  checkStateF64('stateFromF64', 'x', x);
  const { batch: b, dims } = x;
  const { txAntennas: nt, txRf: rt, users: k, rxAntennas: nr, rxRf: rr, streams: dk } = dims;
  const d = k * dk;
  const f32 = (a: Float64Array) => Float32Array.from(a);
  return {
    thetaF: tf.tensor3d(f32(x.thetaF), [b, nt, rt]),
    v: { re: tf.tensor3d(f32(x.v.re), [b, rt, d]), im: tf.tensor3d(f32(x.v.im), [b, rt, d]) },
    thetaU: tf.tensor4d(f32(x.thetaU), [b, k, rr, nr]),
    w: { re: tf.tensor4d(f32(x.w.re), [b, k, rr, dk]), im: tf.tensor4d(f32(x.w.im), [b, k, rr, dk]) },
  };
}

/** A deep copy of a float64 state. */
export function cloneStateF64(x: HybridStateF64): HybridStateF64 {
  return {
    batch: x.batch, dims: { ...x.dims }, thetaF: x.thetaF.slice(), v: { re: x.v.re.slice(), im: x.v.im.slice() },
    thetaU: x.thetaU.slice(), w: { re: x.w.re.slice(), im: x.w.im.slice() },
  };
}

/** Float64 channels from h [B, K, N_r, N_t] complex (one data read each; `h` is not disposed). */
export function channelsToF64(h: Complex): ChannelsF64 {
  if (h.re.rank !== 4 || h.im.rank !== 4 || h.re.shape.some((v, i) => v !== h.im.shape[i])) {
    throw new Error(`channelsToF64(h): needs re and im of shape [B, K, N_r, N_t]; got [${h.re.shape}] and [${h.im.shape}]`);
  }
  const [batch, users, rxAntennas, txAntennas] = h.re.shape;
  return { batch, users, rxAntennas, txAntennas, re: f64Of(h.re), im: f64Of(h.im) };
}

/** The symbol block S [D, J] in float64 (one data read each; `sym` is not disposed). */
export function symbolsToF64(sym: SymbolBlock): SymbolBlockF64 {
  const [d, j] = sym.s.re.shape;
  if (sym.s.re.rank !== 2 || d !== sym.streams || j !== sym.count) throw new Error(`symbolsToF64(sym): needs S [D, J] = [${sym.streams}, ${sym.count}]; got [${sym.s.re.shape}]`);
  return { streams: d, count: j, modulation: sym.modulation, re: f64Of(sym.s.re), im: f64Of(sym.s.im) };
}

/**
 * ϱ as float64: a number stays a number; a tensor that broadcasts against [B, D, J] without varying
 * along J (rank ≤ 3, last axis 1 unless rank 0, e.g. [D, 1] per stream, [B, D, 1], [1, 1]) becomes
 * B·D values ([B, D], row-major).
 */
export function kernelWidthToF64(rho: KernelWidth, batch: number, streams: number): KernelWidthF64 {
  const fn = 'kernelWidthToF64';
  if (typeof rho === 'number') return rho;
  if (!(rho instanceof tf.Tensor)) throw new Error(`${fn}(rho): a number or a tensor; got ${String(rho)}`);
  const sh = rho.shape;
  const bad = () => new Error(`${fn}(rho): a tensor must broadcast against [B, D, J] = [${batch}, ${streams}, J] with its last axis 1 (one ϱ per channel and stream, e.g. [D, 1] or [B, D, 1]); got [${sh}]`);
  if (sh.length > 3 || (sh.length > 0 && sh[sh.length - 1] !== 1)) throw bad();
  const full = [1, 1, 1];
  sh.forEach((v, i) => { full[3 - sh.length + i] = v; });
  const [tb, td] = full;
  if ((tb !== 1 && tb !== batch) || (td !== 1 && td !== streams)) throw bad();
  const vals = rho.dataSync();
  const out = new Float64Array(batch * streams);
  for (let b = 0; b < batch; b++) for (let d = 0; d < streams; d++) out[b * streams + d] = vals[(tb === 1 ? 0 : b) * td + (td === 1 ? 0 : d)];
  return out;
}

// ---------------------------------------------------------------------------------------------
// checks
// ---------------------------------------------------------------------------------------------

function checkArray(fn: string, name: string, a: unknown, n: number, layout: string): void {
  if (!(a instanceof Float64Array) || a.length !== n) {
    const got = a instanceof Float64Array ? `${a.length} values` : String(a);
    throw new Error(`${fn}(${name}): needs a Float64Array of ${n} values ${layout}; got ${got}`);
  }
}

/** Throws unless `x` is a float64 state whose arrays match its batch and dims. */
export function checkStateF64(fn: string, name: string, x: HybridStateF64): void {
  if (x === null || typeof x !== 'object' || x.dims === null || typeof x.dims !== 'object') throw new Error(`${fn}(${name}): needs a HybridStateF64 { batch, dims, thetaF, v, thetaU, w }`);
  const b = checkPositiveInt(fn, `${name}.batch`, x.batch);
  const nt = checkPositiveInt(fn, `${name}.dims.txAntennas (N_t)`, x.dims.txAntennas);
  const rt = checkPositiveInt(fn, `${name}.dims.txRf (R_t)`, x.dims.txRf);
  const k = checkPositiveInt(fn, `${name}.dims.users (K)`, x.dims.users);
  const nr = checkPositiveInt(fn, `${name}.dims.rxAntennas (N_r)`, x.dims.rxAntennas);
  const rr = checkPositiveInt(fn, `${name}.dims.rxRf (R_r)`, x.dims.rxRf);
  const dk = checkPositiveInt(fn, `${name}.dims.streams (D_k)`, x.dims.streams);
  checkArray(fn, `${name}.thetaF`, x.thetaF, b * nt * rt, `[B, N_t, R_t] = [${b}, ${nt}, ${rt}]`);
  for (const p of ['re', 'im'] as const) {
    checkArray(fn, `${name}.v.${p}`, x.v?.[p], b * rt * k * dk, `[B, R_t, D] = [${b}, ${rt}, ${k * dk}]`);
    checkArray(fn, `${name}.w.${p}`, x.w?.[p], b * k * rr * dk, `[B, K, R_r, D_k] = [${b}, ${k}, ${rr}, ${dk}]`);
  }
  checkArray(fn, `${name}.thetaU`, x.thetaU, b * k * rr * nr, `[B, K, R_r, N_r] = [${b}, ${k}, ${rr}, ${nr}]`);
}

/** Throws unless h, the state and S fit `sys` and each other; returns B. */
function checkInputs(fn: string, sys: MserSystem, h: ChannelsF64, s: HybridStateF64, sym: SymbolBlockF64): number {
  checkSystem(fn, sys);
  checkStateF64(fn, 'state', s);
  const b = s.batch;
  const want: [string, number[], number[]][] = [
    ['h', [h?.batch, h?.users, h?.rxAntennas, h?.txAntennas], [b, sys.users, sys.rxAntennas, sys.txAntennas]],
    ['state.dims', [s.dims.txAntennas, s.dims.txRf, s.dims.users, s.dims.rxAntennas, s.dims.rxRf, s.dims.streams],
      [sys.txAntennas, sys.txRf, sys.users, sys.rxAntennas, sys.rxRf, sys.streams]],
  ];
  for (const [name, got, exp] of want) {
    if (got.some((v, i) => v !== exp[i])) throw new Error(`${fn}(${name}): needs [${exp}] (B = ${b} and the system's sizes); got [${got}]`);
  }
  const nh = b * sys.users * sys.rxAntennas * sys.txAntennas;
  checkArray(fn, 'h.re', h.re, nh, '[B, K, N_r, N_t]');
  checkArray(fn, 'h.im', h.im, nh, '[B, K, N_r, N_t]');
  if (sym === null || typeof sym !== 'object') throw new Error(`${fn}(sym): needs a SymbolBlockF64 { streams, count, modulation, re, im }`);
  const d = totalStreams(sys);
  if (sym.streams !== d) throw new Error(`${fn}(sym.streams): needs D = K·D_k = ${d}; got ${sym.streams}`);
  const j = checkPositiveInt(fn, 'sym.count (J)', sym.count);
  checkArray(fn, 'sym.re', sym.re, d * j, `[D, J] = [${d}, ${j}]`);
  checkArray(fn, 'sym.im', sym.im, d * j, `[D, J] = [${d}, ${j}]`);
  if (sym.modulation !== sys.modulation) throw new Error(`${fn}(sym.modulation): needs the system's ${sys.modulation}; got ${String(sym.modulation)}`);
  if (sys.modulation !== 'qpsk') throw new Error(`${fn}(sys.modulation): the float64 kernel runs the QPSK objective (12)–(13) only (16-QAM: ./gd mserGd); got ${String(sys.modulation)}`);
  return b;
}

/** ϱ expanded to B·D values (row d of channel b at b·D + d), every one finite and > 0. */
function rhoRows(fn: string, rho: KernelWidthF64 | KernelWidth, batch: number, d: number): Float64Array {
  const r = rho instanceof tf.Tensor ? kernelWidthToF64(rho, batch, d) : rho;
  const out = new Float64Array(batch * d);
  if (typeof r === 'number') {
    checkFinite(fn, 'opts.rho (ϱ)', r, 0, false);
    out.fill(r);
    return out;
  }
  if (!(r instanceof Float64Array) || (r.length !== d && r.length !== batch * d)) {
    throw new Error(`${fn}(opts.rho): ϱ must be a number, a tensor, or a Float64Array of D = ${d} or B·D = ${batch * d} values; got ${r instanceof Float64Array ? `${r.length} values` : String(r)}`);
  }
  for (let i = 0; i < out.length; i++) {
    const v = r.length === d ? r[i % d] : r[i];
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`${fn}(opts.rho): every ϱ must be finite and > 0; got ${v} at [${Math.floor(i / d)}, ${i % d}]`);
    out[i] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// the KDE plan: symbol patterns of S grouped for table look-up
// ---------------------------------------------------------------------------------------------

/** Exponents −x²/2 at or below this are floored here, as ./gradients does (φ ≥ e^{−80}/√(2π)). */
const EXP_FLOOR = -80;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// e^x for −80 ≤ x ≤ 0 (the floored exponents of φ), ≈ 2× faster than Math.exp, relative error ≤ 5e−16:
// x = (k/256)·ln 2 + r with |r| ≤ ln 2/512, e^r by its Taylor polynomial of degree 4 (truncation < 4e−17),
// 2^{k/256} from two tables (2^{−i}, i ≤ 127, and 2^{−i/256}, i < 256).
const EXP_N = 256;
const EXP_INV_STEP = EXP_N / Math.LN2;
/** ln 2/256 split so that k·LN2_HI_N is exact for |k| < 2^20 (fdlibm's ln2_hi has 32 significant bits) */
const LN2_HI_N = 6.93147180369123816490e-01 / EXP_N;
const LN2_LO_N = 1.90821492927058770002e-10 / EXP_N;
const POW2_NEG_INT = Float64Array.from({ length: 128 }, (_, i) => 2 ** -i);
const POW2_NEG_FRAC = Float64Array.from({ length: EXP_N }, (_, i) => Math.pow(2, -i / EXP_N));

/** e^x for −80 ≤ x ≤ 0 (only there: the tables stop at 2^{−127}). */
function expNeg(x: number): number {
  const kk = (0.5 - x * EXP_INV_STEP) | 0; // −k = round(−x·256/ln 2) ≥ 0
  const r = x + kk * LN2_HI_N + kk * LN2_LO_N;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
  return POW2_NEG_INT[kk >> 8] * POW2_NEG_FRAC[kk & 255] * p;
}
/** e^{−80}: the density's exponential at and below the floor */
const E_FLOOR = expNeg(EXP_FLOOR);

// Q(x) = ½erfc(x/√2) in float64 for the objective (15), ≈ 3× faster than core/special `qfunc` (which it
// matches to ≤ 3e−13 relative, the order of qfunc's own rounding of x/√2 at x ≈ 38; the test checks): the Taylor series about the nearest grid point
// x_i = i/128 (|h| ≤ 1/256), Q(x_i + h) = Q(x_i) + φ(x_i) Σ_{n=1}^{11} He_{n−1}(x_i)(−h)ⁿ/n! (Q⁽ⁿ⁾ = −φ⁽ⁿ⁻¹⁾,
// φ⁽ᵐ⁾ = (−1)ᵐHe_m φ, He the probabilists' Hermite polynomials; truncation < 1e−16 relative up to
// x = 38.5), from tables of Q(x_i) (`qfunc`) and φ(x_i) (x_i² exact) built on first use; Q = 0 from
// 38.48 (where qfunc underflows), Q(x) = 1 − Q(−x) for x < 0.
const Q_STEP = 128;
const Q_ZERO_FROM = 38.48;
const Q_TERMS = 11;
const INV_N = Float64Array.from({ length: Q_TERMS + 1 }, (_, n) => (n === 0 ? 0 : 1 / n));
/** Q(x_i) and φ(x_i), x_i = i/128, built on first use */
let qTable = new Float64Array(0);
let phiTable = new Float64Array(0);

function buildQTables(): void {
  const n = Math.ceil(Q_ZERO_FROM * Q_STEP) + 2;
  qTable = Float64Array.from({ length: n }, (_, i) => qfunc(i / Q_STEP));
  phiTable = Float64Array.from({ length: n }, (_, i) => INV_SQRT_2PI * Math.exp(-(i * i) / (2 * Q_STEP * Q_STEP)));
}

/** Q(x) = ½erfc(x/√2), float64 (see the comment above; NaN in, NaN out). */
export function qfuncFast(x: number): number {
  if (x < 0) return 1 - qfuncFast(-x);
  if (!(x < Q_ZERO_FROM)) return x >= Q_ZERO_FROM ? 0 : NaN;
  if (qTable.length === 0) buildQTables();
  const i = Math.round(x * Q_STEP);
  const xi = i / Q_STEP, g = xi - x; // g = −h
  let he0 = 1, he1 = xi, c = g, sum = g; // n = 1: He_0 (−h)/1!
  for (let n = 2; n <= Q_TERMS; n++) {
    c *= g * INV_N[n];
    sum += he1 * c;
    const he2 = xi * he1 - (n - 1) * he0;
    he0 = he1;
    he1 = he2;
  }
  return qTable[i] + phiTable[i] * sum;
}

interface KdePlan {
  d: number;
  j: number;
  /** alphabet size A (QPSK 4, 16-QAM 16) and its values, index = (re level)·L + (im level) */
  a: number;
  alphaRe: Float64Array;
  alphaIm: Float64Array;
  /** G groups; group γ holds streams groupStart[γ] … groupStart[γ+1]−1 and owns table entries tOff[γ] … tOff[γ+1]−1 */
  groups: number;
  groupStart: Int32Array;
  tOff: Int32Array;
  /** table entries in all (Σ_γ A^{g_γ}) */
  tSize: number;
  /**
   * The columns are reordered (sums over j do not depend on the order) so that group 0's pattern is
   * non-decreasing: runs of columns share group 0's table entry runT0[r], columns … runEnd[r] − 1.
   */
  runs: number;
  runT0: Int32Array;
  runEnd: Int32Array;
  /** idxRest[(γ−1)·J + j]: the table entry (absolute) of column j's pattern in group γ ≥ 1 (reordered columns) */
  idxRest: Int32Array;
  /** S [D, J] (reordered columns) and its squares (Re S)², (Im S)² */
  sRe: Float64Array;
  sIm: Float64Array;
  sRe2: Float64Array;
  sIm2: Float64Array;
  /** every |Re S| = |Im S| = 1 (QPSK): the margins need no (Re S)² */
  unitAxes: boolean;
}

/** Group size g: the one minimising ⌈D/g⌉·(table build + J look-ups + reduction), A^g ≤ 4096. */
function groupSize(d: number, j: number, a: number): number {
  let best = 1, bestCost = Infinity;
  for (let g = 1; g <= d; g++) {
    const size = a ** g;
    if (size > 4096) break;
    const cost = Math.ceil(d / g) * (size * (1 + g) * 1.5 + 2 * j);
    if (cost < bestCost) {
      best = g;
      bestCost = cost;
    }
  }
  return best;
}

/** Plans by symbol block, with a copy of the values they were made from (a block changed in place gets a new plan). */
const plans = new WeakMap<SymbolBlockF64, { re: Float64Array; im: Float64Array; modulation: MserModulation; plan: KdePlan }>();

/** The plan of `sym` (made once per block and kept while the block lives). */
function planOf(fn: string, sym: SymbolBlockF64): KdePlan {
  const hit = plans.get(sym);
  if (hit && hit.modulation === sym.modulation && sameValues(hit.re, sym.re) && sameValues(hit.im, sym.im)) return hit.plan;
  const plan = makePlan(fn, sym);
  plans.set(sym, { re: sym.re.slice(), im: sym.im.slice(), modulation: sym.modulation, plan });
  return plan;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makePlan(fn: string, sym: SymbolBlockF64): KdePlan {
  const d = sym.streams, j = sym.count;
  const lv = axisLevels(sym.modulation);
  const L = lv.length, a = L * L;
  const alphaRe = new Float64Array(a), alphaIm = new Float64Array(a);
  for (let r = 0; r < L; r++) {
    for (let i = 0; i < L; i++) {
      alphaRe[r * L + i] = lv[r];
      alphaIm[r * L + i] = lv[i];
    }
  }
  // the symbol index of every entry of S
  const code = new Int32Array(d * j);
  for (let e = 0; e < d * j; e++) {
    const r = lv.indexOf(sym.re[e]), i = lv.indexOf(sym.im[e]);
    if (r < 0 || i < 0) throw new Error(`${fn}(sym): entry [${Math.floor(e / j)}, ${e % j}] = ${sym.re[e]} + ${sym.im[e]}j is not a ${sym.modulation} symbol (levels ${lv.join(', ')} per axis)`);
    code[e] = r * L + i;
  }
  // two groups (the kernel's fast pass for QPSK) while a group's table stays below max(64, J/2) entries
  const half = Math.ceil(d / 2);
  const g = a === 4 && d >= 2 && a ** half <= Math.max(64, j / 2) ? half : groupSize(d, j, a);
  const groups = Math.ceil(d / g);
  const groupStart = new Int32Array(groups + 1), tOff = new Int32Array(groups + 1);
  for (let q = 0; q < groups; q++) {
    groupStart[q + 1] = Math.min(d, (q + 1) * g);
    tOff[q + 1] = tOff[q] + a ** (groupStart[q + 1] - groupStart[q]);
  }
  const tSize = tOff[groups];
  const entry = (q: number, c: number): number => {
    let t = 0, place = 1;
    for (let e = groupStart[q]; e < groupStart[q + 1]; e++, place *= a) t += code[e * j + c] * place;
    return tOff[q] + t;
  };
  const t0 = Int32Array.from({ length: j }, (_, c) => entry(0, c));
  const order = Array.from({ length: j }, (_, c) => c).sort((x, y) => t0[x] - t0[y] || x - y);
  const runT0: number[] = [], runEnd: number[] = [];
  order.forEach((c, pos) => {
    if (runT0.length === 0 || runT0[runT0.length - 1] !== t0[c]) {
      runT0.push(t0[c]);
      runEnd.push(pos + 1);
    } else runEnd[runEnd.length - 1] = pos + 1;
  });
  const idxRest = new Int32Array((groups - 1) * j);
  for (let q = 1; q < groups; q++) order.forEach((c, pos) => { idxRest[(q - 1) * j + pos] = entry(q, c); });
  const sRe = new Float64Array(d * j), sIm = new Float64Array(d * j);
  for (let e = 0; e < d; e++) {
    order.forEach((c, pos) => {
      sRe[e * j + pos] = sym.re[e * j + c];
      sIm[e * j + pos] = sym.im[e * j + c];
    });
  }
  const sRe2 = sRe.map((v) => v * v), sIm2 = sIm.map((v) => v * v);
  return {
    d, j, a, alphaRe, alphaIm, groups, groupStart, tOff, tSize, runs: runT0.length, runT0: Int32Array.from(runT0), runEnd: Int32Array.from(runEnd),
    idxRest, sRe, sIm, sRe2, sIm2, unitAxes: sRe2.every((v) => v === 1) && sIm2.every((v) => v === 1),
  };
}

/** The plan of a kernel that only projects (no symbols). */
function emptyPlan(d: number): KdePlan {
  const z = new Int32Array(1);
  const none = new Float64Array(0);
  return {
    d, j: 0, a: 1, alphaRe: new Float64Array(1), alphaIm: new Float64Array(1), groups: 1, groupStart: z, tOff: z, tSize: 0, runs: 0,
    runT0: z, runEnd: z, idxRest: new Int32Array(0), sRe: none, sIm: none, sRe2: none, sIm2: none, unitAxes: true,
  };
}

// ---------------------------------------------------------------------------------------------
// the per-channel kernel
// ---------------------------------------------------------------------------------------------

/**
 * X ← X − μ·f·g over n complex entries: f = 1, or (`relative`, ./gd `relativeFactor`) f = rms(X)/rms(g)
 * with rms(g) = √(mean |g|² + 1e−30), so that the block moves by μ of its own RMS.
 */
function stepComplex(xRe: Float64Array, xIm: Float64Array, gRe: Float64Array, gIm: Float64Array, n: number, mu: number, relative: boolean): void {
  let f = 1;
  if (relative) {
    let sx = 0, sg = 0;
    for (let i = 0; i < n; i++) {
      sx += xRe[i] * xRe[i] + xIm[i] * xIm[i];
      sg += gRe[i] * gRe[i] + gIm[i] * gIm[i];
    }
    f = Math.sqrt(sx / n) / Math.sqrt(sg / n + 1e-30);
  }
  const s = mu * f;
  for (let i = 0; i < n; i++) {
    xRe[i] -= s * gRe[i];
    xIm[i] -= s * gIm[i];
  }
}

/** θ ← θ − μ·f·g over n phases: f = 1, or (`relative`) f = 1/√(mean g² + 1e−30), a step of μ radians RMS. */
function stepReal(x: Float64Array, g: Float64Array, n: number, mu: number, relative: boolean): void {
  let f = 1;
  if (relative) {
    let sg = 0;
    for (let i = 0; i < n; i++) sg += g[i] * g[i];
    f = 1 / Math.sqrt(sg / n + 1e-30);
  }
  const s = mu * f;
  for (let i = 0; i < n; i++) x[i] -= s * g[i];
}

/**
 * One channel at a time: `load(s, b)` copies channel b's H and state into the workspace, `iterate()`
 * runs one iteration of Algorithm 1 in place, `store(s, b)` copies the state back. Every array is
 * allocated once. Layouts (row-major): H [K·N_r, N_t]; F [N_t, R_t] and
 * Fᵀ [R_t, N_t]; V [R_t, D] and Vᵀ [D, R_t]; U [K·R_r, N_r]; W [K·R_r, D_k]; HF [K·N_r, R_t];
 * H_kFV [K·N_r, D]; U_kH_kFV [K·R_r, D]; W_kᴴU_k [D, N_r]; M, E [D, D]; G [D, N_t].
 */
class Kernel {
  readonly nt: number; readonly rt: number; readonly k: number; readonly nr: number; readonly rr: number; readonly dk: number; readonly d: number;
  /** P_T/E_s */
  readonly pps: number;
  readonly plan: KdePlan;
  // channel and state of the loaded channel
  readonly hRe: Float64Array; readonly hIm: Float64Array;
  readonly thF: Float64Array; readonly vRe: Float64Array; readonly vIm: Float64Array;
  readonly thU: Float64Array; readonly wRe: Float64Array; readonly wIm: Float64Array;
  readonly rho: Float64Array;
  // caches
  readonly fRe: Float64Array; readonly fIm: Float64Array; readonly ftRe: Float64Array; readonly ftIm: Float64Array;
  readonly uRe: Float64Array; readonly uIm: Float64Array;
  readonly hfRe: Float64Array; readonly hfIm: Float64Array;
  readonly vtRe: Float64Array; readonly vtIm: Float64Array;
  readonly hfvRe: Float64Array; readonly hfvIm: Float64Array;
  readonly afvRe: Float64Array; readonly afvIm: Float64Array;
  readonly wuRe: Float64Array; readonly wuIm: Float64Array;
  hfvOk = false; afvOk = false; wuOk = false;
  // scratch
  readonly mRe: Float64Array; readonly mIm: Float64Array;
  readonly eRe: Float64Array; readonly eIm: Float64Array;
  readonly xRe: Float64Array; readonly xIm: Float64Array;
  /** a block's gradient (complex for V, W; real, in dRe, for the phases) */
  readonly dRe: Float64Array; readonly dIm: Float64Array;
  /** G [D, N_t] */
  readonly gRe: Float64Array; readonly gIm: Float64Array;
  readonly tRe: Float64Array; readonly tIm: Float64Array;
  readonly bRe: Float64Array; readonly bIm: Float64Array;
  readonly tRe2: Float64Array; readonly tIm2: Float64Array;
  readonly bRe2: Float64Array; readonly bIm2: Float64Array;

  constructor(sys: MserSystem, plan: KdePlan, public h: ChannelsF64, public rhoAll: Float64Array) {
    this.nt = sys.txAntennas; this.rt = sys.txRf; this.k = sys.users; this.nr = sys.rxAntennas; this.rr = sys.rxRf; this.dk = sys.streams;
    this.d = this.k * this.dk;
    this.pps = sys.power / symbolEnergy(sys.modulation);
    this.plan = plan;
    const { nt, rt, k, nr, rr, dk, d } = this;
    const z = (n: number) => new Float64Array(n);
    this.hRe = z(k * nr * nt); this.hIm = z(k * nr * nt);
    this.thF = z(nt * rt); this.vRe = z(rt * d); this.vIm = z(rt * d);
    this.thU = z(k * rr * nr); this.wRe = z(k * rr * dk); this.wIm = z(k * rr * dk);
    this.rho = z(d);
    this.fRe = z(nt * rt); this.fIm = z(nt * rt); this.ftRe = z(nt * rt); this.ftIm = z(nt * rt);
    this.uRe = z(k * rr * nr); this.uIm = z(k * rr * nr);
    this.hfRe = z(k * nr * rt); this.hfIm = z(k * nr * rt);
    this.vtRe = z(rt * d); this.vtIm = z(rt * d);
    this.hfvRe = z(k * nr * d); this.hfvIm = z(k * nr * d);
    this.afvRe = z(k * rr * d); this.afvIm = z(k * rr * d);
    this.wuRe = z(d * nr); this.wuIm = z(d * nr);
    this.mRe = z(d * d); this.mIm = z(d * d); this.eRe = z(d * d); this.eIm = z(d * d);
    const nx = Math.max(d * rt, k * rr * d);
    this.xRe = z(nx); this.xIm = z(nx);
    this.gRe = z(nt * d); this.gIm = z(nt * d);
    const nd = Math.max(rt * d, k * rr * dk, k * rr * nr, nt * rt);
    this.dRe = z(nd); this.dIm = z(nd);
    this.tRe = z(plan.tSize); this.tIm = z(plan.tSize);
    this.bRe = z(plan.tSize); this.bIm = z(plan.tSize);
    this.tRe2 = z(plan.tSize); this.tIm2 = z(plan.tSize);
    this.bRe2 = z(plan.tSize); this.bIm2 = z(plan.tSize);
  }

  /** Channel b's H and state into the workspace, and the caches F, U, HF. */
  load(s: HybridStateF64, b: number): void {
    const nh = this.k * this.nr * this.nt;
    this.hRe.set(this.h.re.subarray(b * nh, (b + 1) * nh));
    this.hIm.set(this.h.im.subarray(b * nh, (b + 1) * nh));
    this.loadState(s, b);
    this.updateHf();
  }

  /** Channel b's state (not its H) and the caches F, U (not HF). */
  loadState(s: HybridStateF64, b: number): void {
    const { nt, rt, k, nr, rr, dk, d } = this;
    this.thF.set(s.thetaF.subarray(b * nt * rt, (b + 1) * nt * rt));
    this.vRe.set(s.v.re.subarray(b * rt * d, (b + 1) * rt * d));
    this.vIm.set(s.v.im.subarray(b * rt * d, (b + 1) * rt * d));
    this.thU.set(s.thetaU.subarray(b * k * rr * nr, (b + 1) * k * rr * nr));
    this.wRe.set(s.w.re.subarray(b * k * rr * dk, (b + 1) * k * rr * dk));
    this.wIm.set(s.w.im.subarray(b * k * rr * dk, (b + 1) * k * rr * dk));
    this.rho.set(this.rhoAll.subarray(b * d, (b + 1) * d));
    this.updateF(false);
    this.updateU();
    this.hfvOk = this.afvOk = this.wuOk = false;
  }

  store(s: HybridStateF64, b: number): void {
    const { nt, rt, k, nr, rr, dk, d } = this;
    s.thetaF.set(this.thF, b * nt * rt);
    s.v.re.set(this.vRe, b * rt * d);
    s.v.im.set(this.vIm, b * rt * d);
    s.thetaU.set(this.thU, b * k * rr * nr);
    s.w.re.set(this.wRe, b * k * rr * dk);
    s.w.im.set(this.wIm, b * k * rr * dk);
  }

  /** F = exp(jθ_F), Fᵀ and (unless `hf` is false) HF. */
  updateF(hf = true): void {
    const { nt, rt, thF, fRe, fIm, ftRe, ftIm } = this;
    for (let m = 0; m < nt; m++) {
      for (let r = 0; r < rt; r++) {
        const c = Math.cos(thF[m * rt + r]), s = Math.sin(thF[m * rt + r]);
        fRe[m * rt + r] = c;
        fIm[m * rt + r] = s;
        ftRe[r * nt + m] = c;
        ftIm[r * nt + m] = s;
      }
    }
    this.hfvOk = false;
    this.afvOk = false;
    if (hf) this.updateHf();
  }

  /** HF_k = H_k F: HF[row, r] = Σ_m H[row, m] Fᵀ[r, m], four columns r at a time. */
  updateHf(): void {
    const { nt, rt, k, nr, ftRe, ftIm, hRe, hIm, hfRe, hfIm } = this;
    for (let row = 0; row < k * nr; row++) {
      const ho = row * nt;
      let r = 0;
      for (; r + 4 <= rt; r += 4) {
        const f0 = r * nt, f1 = f0 + nt, f2 = f1 + nt, f3 = f2 + nt;
        let s0r = 0, s0i = 0, s1r = 0, s1i = 0, s2r = 0, s2i = 0, s3r = 0, s3i = 0;
        for (let m = 0; m < nt; m++) {
          const ar = hRe[ho + m], ai = hIm[ho + m];
          let br = ftRe[f0 + m], bi = ftIm[f0 + m];
          s0r += ar * br - ai * bi;
          s0i += ar * bi + ai * br;
          br = ftRe[f1 + m];
          bi = ftIm[f1 + m];
          s1r += ar * br - ai * bi;
          s1i += ar * bi + ai * br;
          br = ftRe[f2 + m];
          bi = ftIm[f2 + m];
          s2r += ar * br - ai * bi;
          s2i += ar * bi + ai * br;
          br = ftRe[f3 + m];
          bi = ftIm[f3 + m];
          s3r += ar * br - ai * bi;
          s3i += ar * bi + ai * br;
        }
        const o = row * rt + r;
        hfRe[o] = s0r; hfIm[o] = s0i;
        hfRe[o + 1] = s1r; hfIm[o + 1] = s1i;
        hfRe[o + 2] = s2r; hfIm[o + 2] = s2i;
        hfRe[o + 3] = s3r; hfIm[o + 3] = s3i;
      }
      for (; r < rt; r++) {
        const fo = r * nt;
        let sr = 0, si = 0;
        for (let m = 0; m < nt; m++) {
          const ar = hRe[ho + m], ai = hIm[ho + m], br = ftRe[fo + m], bi = ftIm[fo + m];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        hfRe[row * rt + r] = sr;
        hfIm[row * rt + r] = si;
      }
    }
    this.hfvOk = false;
    this.afvOk = false;
  }

  updateU(): void {
    const { thU, uRe, uIm } = this;
    for (let i = 0; i < thU.length; i++) {
      uRe[i] = Math.cos(thU[i]);
      uIm[i] = Math.sin(thU[i]);
    }
    this.afvOk = false;
    this.wuOk = false;
  }

  /** W_kᴴU_k [D, N_r]: row (k, i) = Σ_r conj(W_k[r, i]) U_k[r, :]. */
  ensureWu(): void {
    if (this.wuOk) return;
    const { k, nr, rr, dk, wRe, wIm, uRe, uIm, wuRe, wuIm } = this;
    wuRe.fill(0);
    wuIm.fill(0);
    for (let u = 0; u < k; u++) {
      for (let r = 0; r < rr; r++) {
        const uo = (u * rr + r) * nr;
        for (let i = 0; i < dk; i++) {
          const wi = (u * rr + r) * dk + i;
          const ar = wRe[wi], ai = -wIm[wi], oo = (u * dk + i) * nr;
          for (let n = 0; n < nr; n++) {
            const br = uRe[uo + n], bi = uIm[uo + n];
            wuRe[oo + n] += ar * br - ai * bi;
            wuIm[oo + n] += ar * bi + ai * br;
          }
        }
      }
    }
    this.wuOk = true;
  }

  /** Vᵀ [D, R_t] (plain transpose, no conjugate). */
  transposeV(): void {
    const { rt, d, vRe, vIm, vtRe, vtIm } = this;
    for (let r = 0; r < rt; r++) {
      for (let e = 0; e < d; e++) {
        vtRe[e * rt + r] = vRe[r * d + e];
        vtIm[e * rt + r] = vIm[r * d + e];
      }
    }
  }

  /** H_kFV = HF V [K·N_r, D]. */
  ensureHfv(): void {
    if (this.hfvOk) return;
    this.transposeV();
    const { k, nr, rt, d, hfRe, hfIm, vtRe, vtIm, hfvRe, hfvIm } = this;
    for (let row = 0; row < k * nr; row++) {
      const ao = row * rt;
      for (let e = 0; e < d; e++) {
        const vo = e * rt;
        let sr = 0, si = 0;
        for (let r = 0; r < rt; r++) {
          const ar = hfRe[ao + r], ai = hfIm[ao + r], br = vtRe[vo + r], bi = vtIm[vo + r];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        hfvRe[row * d + e] = sr;
        hfvIm[row * d + e] = si;
      }
    }
    this.hfvOk = true;
    this.afvOk = false;
  }

  /** U_kH_kFV = U_k (H_kFV) [K·R_r, D]. */
  ensureAfv(): void {
    this.ensureHfv();
    if (this.afvOk) return;
    const { k, nr, rr, d, uRe, uIm, hfvRe, hfvIm, afvRe, afvIm } = this;
    afvRe.fill(0);
    afvIm.fill(0);
    for (let u = 0; u < k; u++) {
      for (let r = 0; r < rr; r++) {
        const uo = (u * rr + r) * nr, oo = (u * rr + r) * d;
        for (let n = 0; n < nr; n++) {
          const ar = uRe[uo + n], ai = uIm[uo + n], ho = (u * nr + n) * d;
          for (let e = 0; e < d; e++) {
            const br = hfvRe[ho + e], bi = hfvIm[ho + e];
            afvRe[oo + e] += ar * br - ai * bi;
            afvIm[oo + e] += ar * bi + ai * br;
          }
        }
      }
    }
    this.afvOk = true;
  }

  /** M rows (k, i) = W_kᴴ (U_kH_kFV) [D, D]. */
  mFromAfv(): void {
    const { k, rr, dk, d, wRe, wIm, afvRe, afvIm, mRe, mIm } = this;
    mRe.fill(0);
    mIm.fill(0);
    for (let u = 0; u < k; u++) {
      for (let r = 0; r < rr; r++) {
        const ao = (u * rr + r) * d;
        for (let i = 0; i < dk; i++) {
          const wi = (u * rr + r) * dk + i, oo = (u * dk + i) * d;
          const ar = wRe[wi], ai = -wIm[wi];
          for (let e = 0; e < d; e++) {
            const br = afvRe[ao + e], bi = afvIm[ao + e];
            mRe[oo + e] += ar * br - ai * bi;
            mIm[oo + e] += ar * bi + ai * br;
          }
        }
      }
    }
  }

  /** M = stack_k (W_kᴴU_k)(H_kFV) at the current state. */
  effectiveMatrix(): void {
    this.ensureWu();
    this.ensureHfv();
    const { k, nr, dk, d, wuRe, wuIm, hfvRe, hfvIm, mRe, mIm } = this;
    mRe.fill(0);
    mIm.fill(0);
    for (let u = 0; u < k; u++) {
      for (let i = 0; i < dk; i++) {
        const ro = (u * dk + i) * nr, oo = (u * dk + i) * d;
        for (let n = 0; n < nr; n++) {
          const ar = wuRe[ro + n], ai = wuIm[ro + n], ho = (u * nr + n) * d;
          for (let e = 0; e < d; e++) {
            const br = hfvRe[ho + e], bi = hfvIm[ho + e];
            mRe[oo + e] += ar * br - ai * bi;
            mIm[oo + e] += ar * bi + ai * br;
          }
        }
      }
    }
  }

  /** The tables T_γ[t] = Σ_{e∈γ} M_row,e s_e(t) of one row of M, every group, into (tRe, tIm). */
  buildTables(row: number, tRe: Float64Array, tIm: Float64Array): void {
    const { d, mRe, mIm } = this;
    const { a, alphaRe, alphaIm, groups: G, groupStart, tOff } = this.plan;
    for (let q = 0; q < G; q++) {
      const base = tOff[q];
      tRe[base] = 0;
      tIm[base] = 0;
      let size = 1;
      for (let e = groupStart[q]; e < groupStart[q + 1]; e++) {
        const mr = mRe[row * d + e], mi = mIm[row * d + e];
        // entries c·size + t for c = A−1 … 0 (c = 0 last: it overwrites its sources in place)
        for (let c = a - 1; c >= 0; c--) {
          const pr = mr * alphaRe[c] - mi * alphaIm[c], pi = mr * alphaIm[c] + mi * alphaRe[c];
          const o = base + c * size;
          for (let t = 0; t < size; t++) {
            tRe[o + t] = tRe[base + t] + pr;
            tIm[o + t] = tIm[base + t] + pi;
          }
        }
        size *= a;
      }
    }
  }

  /**
   * E = g_M = Γ Sᴴ [D, D] from M: Γ_dj = −(φ(a_dj) Re S_dj + jφ(c_dj) Im S_dj)/(Jϱ_d) with a = Re Z ∘ Re S/ϱ,
   * c = Im Z ∘ Im S/ϱ, Z = MS, the exponent of φ floored at −80 (./gradients). Per row: the tables; one
   * pass over the columns (Z from one entry per group, Γ, Γ into one bin per group; group 0's entry and
   * bin are shared by a run of columns); then E's row from the bins (file header). QPSK with two groups
   * (the paper's system) takes two rows per pass.
   */
  kde(): void {
    const { d, tRe, tIm, bRe, bIm, tRe2, tIm2, bRe2, bIm2 } = this;
    const fast = this.plan.groups === 2 && this.plan.unitAxes;
    let row = 0;
    if (fast) {
      for (; row + 1 < d; row += 2) {
        this.buildTables(row, tRe, tIm);
        this.buildTables(row + 1, tRe2, tIm2);
        this.passTwoRows(row);
        this.rowFromBins(row, bRe, bIm);
        this.rowFromBins(row + 1, bRe2, bIm2);
      }
    }
    for (; row < d; row++) {
      this.buildTables(row, tRe, tIm);
      this.passOneRow(row);
      this.rowFromBins(row, bRe, bIm);
    }
  }

  /** The column pass of rows `row` and `row + 1` (QPSK, two groups: (Re S)² = 1), tables (t, t2) → bins (b, b2). */
  passTwoRows(row: number): void {
    const { tRe, tIm, bRe, bIm, tRe2, tIm2, bRe2, bIm2 } = this;
    const { j, runs, runT0, runEnd, idxRest, sRe, sIm } = this.plan;
    const rho = this.rho[row], kf = -INV_SQRT_2PI / (j * rho), c0 = -0.5 / (rho * rho);
    const rho2 = this.rho[row + 1], kf2 = -INV_SQRT_2PI / (j * rho2), c02 = -0.5 / (rho2 * rho2);
    const so = row * j, so2 = so + j;
    bRe.fill(0);
    bIm.fill(0);
    bRe2.fill(0);
    bIm2.fill(0);
    let c = 0;
    for (let run = 0; run < runs; run++) {
      const t0 = runT0[run], end = runEnd[run];
      const ur = tRe[t0], ui = tIm[t0], vr = tRe2[t0], vi = tIm2[t0];
      let accR = 0, accI = 0, acc2R = 0, acc2I = 0;
      for (; c < end; c++) {
        const t1 = idxRest[c];
        const zr = ur + tRe[t1], zi = ui + tIm[t1], wr = vr + tRe2[t1], wi = vi + tIm2[t1];
        const x = c0 * zr * zr, y = c0 * zi * zi, x2 = c02 * wr * wr, y2 = c02 * wi * wi;
        const gr = kf * (x > EXP_FLOOR ? expNeg(x) : E_FLOOR) * sRe[so + c];
        const gi = kf * (y > EXP_FLOOR ? expNeg(y) : E_FLOOR) * sIm[so + c];
        const hr = kf2 * (x2 > EXP_FLOOR ? expNeg(x2) : E_FLOOR) * sRe[so2 + c];
        const hi = kf2 * (y2 > EXP_FLOOR ? expNeg(y2) : E_FLOOR) * sIm[so2 + c];
        accR += gr;
        accI += gi;
        acc2R += hr;
        acc2I += hi;
        bRe[t1] += gr;
        bIm[t1] += gi;
        bRe2[t1] += hr;
        bIm2[t1] += hi;
      }
      bRe[t0] += accR;
      bIm[t0] += accI;
      bRe2[t0] += acc2R;
      bIm2[t0] += acc2I;
    }
  }

  /** The column pass of one row, any alphabet and groups: tables (tRe, tIm) → bins (bRe, bIm). */
  passOneRow(row: number): void {
    const { tRe, tIm, bRe, bIm } = this;
    const { j, groups: G, runs, runT0, runEnd, idxRest, sRe, sIm, sRe2, sIm2 } = this.plan;
    const rho = this.rho[row], kf = -INV_SQRT_2PI / (j * rho), c0 = -0.5 / (rho * rho);
    const so = row * j;
    bRe.fill(0);
    bIm.fill(0);
    let c = 0;
    for (let run = 0; run < runs; run++) {
      const t0 = runT0[run], end = runEnd[run];
      const ur = tRe[t0], ui = tIm[t0];
      let accR = 0, accI = 0;
      for (; c < end; c++) {
        let zr = ur, zi = ui;
        for (let q = 1; q < G; q++) {
          const t = idxRest[(q - 1) * j + c];
          zr += tRe[t];
          zi += tIm[t];
        }
        const x = c0 * zr * zr * sRe2[so + c], y = c0 * zi * zi * sIm2[so + c];
        const gr = kf * (x > EXP_FLOOR ? expNeg(x) : E_FLOOR) * sRe[so + c];
        const gi = kf * (y > EXP_FLOOR ? expNeg(y) : E_FLOOR) * sIm[so + c];
        accR += gr;
        accI += gi;
        for (let q = 1; q < G; q++) {
          const t = idxRest[(q - 1) * j + c];
          bRe[t] += gr;
          bIm[t] += gi;
        }
      }
      bRe[t0] += accR;
      bIm[t0] += accI;
    }
  }

  /**
   * Row `row` of E from its bins: E_row,e = Σ_t B_γ(e)[t] conj(s_e(t)) = Σ_s conj(α_s)·(the marginal of the
   * bins over stream e's symbol s); table entry t of a group holds its i-th stream's symbol in digit i of t (base A).
   */
  rowFromBins(row: number, bRe: Float64Array, bIm: Float64Array): void {
    const { d, eRe, eIm } = this;
    const { a, alphaRe, alphaIm, groups: G, groupStart, tOff } = this.plan;
    const eo = row * d;
    for (let q = 0; q < G; q++) {
      const n = groupStart[q + 1] - groupStart[q], base = tOff[q], size = tOff[q + 1] - base;
      let lo = 1;
      for (let i = 0; i < n; i++, lo *= a) {
        const span = lo * a;
        let er = 0, ei = 0;
        for (let s = 0; s < a; s++) {
          let mr = 0, mi = 0;
          for (let hi = 0; hi < size; hi += span) {
            const o = base + hi + s * lo;
            for (let l = 0; l < lo; l++) {
              mr += bRe[o + l];
              mi += bIm[o + l];
            }
          }
          er += mr * alphaRe[s] + mi * alphaIm[s]; // (mr + j mi)·conj(α_s)
          ei += mi * alphaRe[s] - mr * alphaIm[s];
        }
        eRe[eo + groupStart[q] + i] = er;
        eIm[eo + groupStart[q] + i] = ei;
      }
    }
  }

  /** P̃ = (1/J) Σ_{d,j} Q(a_dj) + Q(c_dj) at the current state (float64, `qfuncFast`). */
  objective(): number {
    this.effectiveMatrix();
    const { d, tRe, tIm } = this;
    const { j, groups: G, runs, runT0, runEnd, idxRest, sRe, sIm } = this.plan;
    let sum = 0;
    for (let row = 0; row < d; row++) {
      this.buildTables(row, tRe, tIm);
      const inv = 1 / this.rho[row], so = row * j;
      let c = 0;
      for (let run = 0; run < runs; run++) {
        const t0 = runT0[run], end = runEnd[run];
        for (; c < end; c++) {
          let zr = tRe[t0], zi = tIm[t0];
          for (let q = 1; q < G; q++) {
            const t = idxRest[(q - 1) * j + c];
            zr += tRe[t];
            zi += tIm[t];
          }
          sum += qfuncFast(zr * sRe[so + c] * inv) + qfuncFast(zi * sIm[so + c] * inv);
        }
      }
    }
    return sum / j;
  }

  /** (22): V ← V − μ g_V (`relative`: ./gd `normalisedSteps`), g_V = (GF)ᴴ g_M with GF = stack_k (W_kᴴU_k)(H_kF). */
  stepV(mu: number, relative: boolean): void {
    this.ensureWu();
    const { k, nr, rt, dk, d, wuRe, wuIm, hfRe, hfIm, vRe, vIm, mRe, mIm, eRe, eIm, xRe, xIm } = this;
    // GF [D, R_t] in x
    xRe.fill(0, 0, d * rt);
    xIm.fill(0, 0, d * rt);
    for (let u = 0; u < k; u++) {
      for (let i = 0; i < dk; i++) {
        const ro = (u * dk + i) * nr, oo = (u * dk + i) * rt;
        for (let n = 0; n < nr; n++) {
          const ar = wuRe[ro + n], ai = wuIm[ro + n], ho = (u * nr + n) * rt;
          for (let r = 0; r < rt; r++) {
            const br = hfRe[ho + r], bi = hfIm[ho + r];
            xRe[oo + r] += ar * br - ai * bi;
            xIm[oo + r] += ar * bi + ai * br;
          }
        }
      }
    }
    // M = GF V
    mRe.fill(0);
    mIm.fill(0);
    for (let row = 0; row < d; row++) {
      for (let r = 0; r < rt; r++) {
        const ar = xRe[row * rt + r], ai = xIm[row * rt + r];
        for (let e = 0; e < d; e++) {
          const br = vRe[r * d + e], bi = vIm[r * d + e];
          mRe[row * d + e] += ar * br - ai * bi;
          mIm[row * d + e] += ar * bi + ai * br;
        }
      }
    }
    this.kde();
    // g_V = (GF)ᴴ E [R_t, D]
    const { dRe, dIm } = this;
    for (let r = 0; r < rt; r++) {
      for (let e = 0; e < d; e++) {
        let sr = 0, si = 0;
        for (let row = 0; row < d; row++) {
          const ar = xRe[row * rt + r], ai = -xIm[row * rt + r], br = eRe[row * d + e], bi = eIm[row * d + e];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        dRe[r * d + e] = sr;
        dIm[r * d + e] = si;
      }
    }
    stepComplex(vRe, vIm, dRe, dIm, rt * d, mu, relative);
    this.hfvOk = false;
    this.afvOk = false;
  }

  /** (23): W_k ← W_k − μ g_{W_k} (`relative`: ./gd `normalisedSteps`), g_{W_k} = (U_kH_kFV)(g_M)_kᴴ. */
  stepW(mu: number, relative: boolean): void {
    this.ensureAfv();
    this.mFromAfv();
    this.kde();
    const { k, rr, dk, d, afvRe, afvIm, eRe, eIm, wRe, wIm, dRe, dIm } = this;
    for (let u = 0; u < k; u++) {
      for (let r = 0; r < rr; r++) {
        const ao = (u * rr + r) * d;
        for (let i = 0; i < dk; i++) {
          const eo = (u * dk + i) * d;
          let gr = 0, gi = 0;
          for (let e = 0; e < d; e++) {
            const ar = afvRe[ao + e], ai = afvIm[ao + e], br = eRe[eo + e], bi = -eIm[eo + e];
            gr += ar * br - ai * bi;
            gi += ar * bi + ai * br;
          }
          dRe[(u * rr + r) * dk + i] = gr;
          dIm[(u * rr + r) * dk + i] = gi;
        }
      }
    }
    stepComplex(wRe, wIm, dRe, dIm, k * rr * dk, mu, relative);
    this.wuOk = false;
  }

  /** (24): θ_U ← θ_U − μ Im(conj(U) ∘ g_U) (`relative`: ./gd `normalisedSteps`), g_{U_k} = W_k (g_M)_k (H_kFV)ᴴ. */
  stepThetaU(mu: number, relative: boolean): void {
    this.ensureAfv();
    this.mFromAfv();
    this.kde();
    const { k, nr, rr, dk, d, wRe, wIm, eRe, eIm, hfvRe, hfvIm, xRe, xIm, uRe, uIm, thU, dRe } = this;
    // X = W_k E_k [K·R_r, D]
    for (let u = 0; u < k; u++) {
      for (let r = 0; r < rr; r++) {
        const oo = (u * rr + r) * d;
        for (let e = 0; e < d; e++) {
          let sr = 0, si = 0;
          for (let i = 0; i < dk; i++) {
            const ar = wRe[(u * rr + r) * dk + i], ai = wIm[(u * rr + r) * dk + i], eo = (u * dk + i) * d;
            const br = eRe[eo + e], bi = eIm[eo + e];
            sr += ar * br - ai * bi;
            si += ar * bi + ai * br;
          }
          xRe[oo + e] = sr;
          xIm[oo + e] = si;
        }
      }
    }
    // g_U[k, r, n] = Σ_e X[k, r, e] conj(H_kFV[n, e]); ∂/∂θ_U = Re U Im g − Im U Re g
    for (let u = 0; u < k; u++) {
      for (let r = 0; r < rr; r++) {
        const xo = (u * rr + r) * d;
        for (let n = 0; n < nr; n++) {
          const ho = (u * nr + n) * d;
          let gr = 0, gi = 0;
          for (let e = 0; e < d; e++) {
            const ar = xRe[xo + e], ai = xIm[xo + e], br = hfvRe[ho + e], bi = -hfvIm[ho + e];
            gr += ar * br - ai * bi;
            gi += ar * bi + ai * br;
          }
          const o = (u * rr + r) * nr + n;
          dRe[o] = uRe[o] * gi - uIm[o] * gr;
        }
      }
    }
    stepReal(thU, dRe, k * rr * nr, mu, relative);
    this.updateU();
  }

  /** (25): θ_F ← θ_F − μ Im(conj(F) ∘ g_F) (`relative`: ./gd `normalisedSteps`), g_F = Gᴴ g_M Vᴴ, G = stack_k (W_kᴴU_k) H_k. */
  stepThetaF(mu: number, relative: boolean): void {
    this.effectiveMatrix();
    this.kde();
    const { k, nt, nr, rt, dk, d, eRe, eIm, vRe, vIm, wuRe, wuIm, hRe, hIm, xRe, xIm, gRe, gIm, fRe, fIm, thF, dRe } = this;
    // Xᵀ = (E Vᴴ)ᵀ [R_t, D]: Xᵀ[r, row] = Σ_e E[row, e] conj(V[r, e])
    for (let r = 0; r < rt; r++) {
      for (let row = 0; row < d; row++) {
        let sr = 0, si = 0;
        for (let e = 0; e < d; e++) {
          const ar = eRe[row * d + e], ai = eIm[row * d + e], br = vRe[r * d + e], bi = -vIm[r * d + e];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        xRe[r * d + row] = sr;
        xIm[r * d + row] = si;
      }
    }
    // G [D, N_t]: row (k, i) = Σ_n (W_kᴴU_k)[i, n] H_k[n, :]
    gRe.fill(0, 0, d * nt);
    gIm.fill(0, 0, d * nt);
    for (let u = 0; u < k; u++) {
      for (let i = 0; i < dk; i++) {
        const ro = (u * dk + i) * nr, go = (u * dk + i) * nt;
        for (let n = 0; n < nr; n++) {
          const ar = wuRe[ro + n], ai = wuIm[ro + n], ho = (u * nr + n) * nt;
          for (let m = 0; m < nt; m++) {
            const br = hRe[ho + m], bi = hIm[ho + m];
            gRe[go + m] += ar * br - ai * bi;
            gIm[go + m] += ar * bi + ai * br;
          }
        }
      }
    }
    // g_F[m, r] = Σ_row conj(G[row, m]) X[row, r]; ∂/∂θ_F = Re F Im g − Im F Re g
    for (let m = 0; m < nt; m++) {
      for (let r = 0; r < rt; r++) {
        const xo = r * d;
        let sr = 0, si = 0;
        for (let row = 0; row < d; row++) {
          const ar = gRe[row * nt + m], ai = -gIm[row * nt + m], br = xRe[xo + row], bi = xIm[xo + row];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        const o = m * rt + r;
        dRe[o] = fRe[o] * si - fIm[o] * sr;
      }
    }
    stepReal(thF, dRe, nt * rt, mu, relative);
    this.updateF();
  }

  /** (26) and (ours, unless `normalise` is false) w_{i,k} ← w_{i,k}/‖U_kᴴw_{i,k}‖. */
  project(normalise: boolean): void {
    this.transposeV();
    const { nt, rt, d, fRe, fIm, vRe, vIm, vtRe, vtIm } = this;
    // ‖FV‖²
    let p = 0;
    for (let m = 0; m < nt; m++) {
      const fo = m * rt;
      for (let e = 0; e < d; e++) {
        const vo = e * rt;
        let sr = 0, si = 0;
        for (let r = 0; r < rt; r++) {
          const ar = fRe[fo + r], ai = fIm[fo + r], br = vtRe[vo + r], bi = vtIm[vo + r];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        p += sr * sr + si * si;
      }
    }
    const f = Math.sqrt(this.pps / Math.max(p, 1e-30));
    for (let i = 0; i < rt * d; i++) {
      vRe[i] *= f;
      vIm[i] *= f;
    }
    this.hfvOk = false;
    this.afvOk = false;
    if (!normalise) return;
    const { k, nr, rr, dk, uRe, uIm, wRe, wIm } = this;
    for (let u = 0; u < k; u++) {
      for (let i = 0; i < dk; i++) {
        // ‖U_kᴴ w‖² = Σ_n |Σ_r conj(U_k[r, n]) w[r]|²
        let s = 0;
        for (let n = 0; n < nr; n++) {
          let sr = 0, si = 0;
          for (let r = 0; r < rr; r++) {
            const o = (u * rr + r) * nr + n, wi = (u * rr + r) * dk + i;
            const ar = uRe[o], ai = -uIm[o], br = wRe[wi], bi = wIm[wi];
            sr += ar * br - ai * bi;
            si += ar * bi + ai * br;
          }
          s += sr * sr + si * si;
        }
        const g = 1 / Math.max(Math.sqrt(s), 1e-30);
        for (let r = 0; r < rr; r++) {
          const wi = (u * rr + r) * dk + i;
          wRe[wi] *= g;
          wIm[wi] *= g;
        }
      }
    }
    this.wuOk = false;
    this.afvOk = false;
  }

  /**
   * One iteration of Algorithm 1 on the loaded channel (a block with μ = 0 is skipped, as ./gd does);
   * `relative`: ./gd's `normalisedSteps`.
   */
  iterate(steps: GdStepSizes, normalise: boolean, relative: boolean): void {
    if (steps.v !== 0) this.stepV(steps.v, relative);
    if (steps.w !== 0) this.stepW(steps.w, relative);
    if (steps.thetaU !== 0) this.stepThetaU(steps.thetaU, relative);
    if (steps.thetaF !== 0) this.stepThetaF(steps.thetaF, relative);
    this.project(normalise);
  }
}

// ---------------------------------------------------------------------------------------------
// public entry points
// ---------------------------------------------------------------------------------------------

export interface GdIterationF64Options {
  steps: GdStepSizes;
  /** ϱ: a number, a tfjs `KernelWidth`, or D or B·D float64 values (see the file header) */
  rho: KernelWidthF64 | KernelWidth;
  /** ours: normalise every combiner column after each iteration (default true) */
  normaliseCombiner?: boolean;
  /** ours: relative steps per channel, μ the move relative to the block's RMS (./gd `normalisedSteps`, `relativeFactor`; default false) */
  normalisedSteps?: boolean;
  /** iterations to run (default 1) */
  iterations?: number;
}

/** One workspace kept between calls (taken while in use, so concurrent `mserGdF64` runs never share one). */
let spare: Kernel | undefined;

/** Checks the inputs; a workspace for them (the spare one if it fits) bound to h and ϱ. Give it back with `release`. */
function prepare(fn: string, h: ChannelsF64, s: HybridStateF64, sym: SymbolBlockF64, sys: MserSystem, rho: KernelWidthF64 | KernelWidth, steps: GdStepSizes | undefined): { kernel: Kernel; b: number } {
  const b = checkInputs(fn, sys, h, s, sym);
  if (steps !== undefined) checkSteps(fn, steps);
  const rows = rhoRows(fn, rho, b, totalStreams(sys));
  const plan = planOf(fn, sym);
  const k = spare;
  if (k && k.plan === plan && k.nt === sys.txAntennas && k.rt === sys.txRf && k.k === sys.users && k.nr === sys.rxAntennas &&
    k.rr === sys.rxRf && k.dk === sys.streams && k.pps === sys.power / symbolEnergy(sys.modulation)) {
    spare = undefined;
    k.h = h;
    k.rhoAll = rows;
    return { kernel: k, b };
  }
  return { kernel: new Kernel(sys, plan, h, rows), b };
}

function release(k: Kernel): void {
  k.h = NO_CHANNELS;
  k.rhoAll = NO_VALUES;
  spare = k;
}

const NO_VALUES = new Float64Array(0);
const NO_CHANNELS: ChannelsF64 = { batch: 0, users: 0, rxAntennas: 0, txAntennas: 0, re: NO_VALUES, im: NO_VALUES };

/**
 * Iterations of Algorithm 1 (default one) on every channel of the batch: the same iteration as ./gd
 * `gdIteration`, in float64. Returns a new state; `s` is untouched.
 */
export function gdIterationF64(h: ChannelsF64, s: HybridStateF64, sym: SymbolBlockF64, sys: MserSystem, opts: GdIterationF64Options): HybridStateF64 {
  const fn = 'gdIterationF64';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}(opts): needs { steps, rho }`);
  const { kernel, b } = prepare(fn, h, s, sym, sys, opts.rho, opts.steps);
  const iters = checkPositiveInt(fn, 'opts.iterations', opts.iterations ?? 1);
  const normalise = opts.normaliseCombiner !== false, relative = opts.normalisedSteps === true;
  const out = cloneStateF64(s);
  try {
    for (let c = 0; c < b; c++) {
      kernel.load(out, c);
      for (let t = 0; t < iters; t++) kernel.iterate(opts.steps, normalise, relative);
      kernel.store(out, c);
    }
  } finally {
    release(kernel);
  }
  return out;
}

/** (26) and (ours) the combiner normalisation, as ./gd `projectState`; returns a new state. */
export function projectStateF64(s: HybridStateF64, sys: MserSystem, opts: { normaliseCombiner?: boolean } = {}): HybridStateF64 {
  const fn = 'projectStateF64';
  checkSystem(fn, sys);
  checkStateF64(fn, 's', s);
  const d = totalStreams(sys);
  const got = [s.dims.txAntennas, s.dims.txRf, s.dims.users, s.dims.rxAntennas, s.dims.rxRf, s.dims.streams];
  const want = [sys.txAntennas, sys.txRf, sys.users, sys.rxAntennas, sys.rxRf, sys.streams];
  if (got.some((v, i) => v !== want[i])) throw new Error(`${fn}(s.dims): needs the system's sizes [${want}]; got [${got}]`);
  const none: ChannelsF64 = { batch: s.batch, users: sys.users, rxAntennas: sys.rxAntennas, txAntennas: sys.txAntennas, re: new Float64Array(0), im: new Float64Array(0) };
  const kernel = new Kernel(sys, emptyPlan(d), none, new Float64Array(s.batch * d).fill(1));
  const out = cloneStateF64(s);
  for (let c = 0; c < s.batch; c++) {
    kernel.loadState(out, c);
    kernel.project(opts.normaliseCombiner !== false);
    kernel.store(out, c);
  }
  return out;
}

/** The MSER objective (15) of every channel [B] in float64 (QPSK; ./kde `mserObjective`). */
export function mserObjectiveF64(h: ChannelsF64, s: HybridStateF64, sym: SymbolBlockF64, sys: MserSystem, opts: { rho: KernelWidthF64 | KernelWidth }): Float64Array {
  const fn = 'mserObjectiveF64';
  if (sym?.modulation !== 'qpsk') throw new Error(`${fn}(sym): the QPSK objective (12)–(13); got ${String(sym?.modulation)}`);
  const { kernel, b } = prepare(fn, h, s, sym, sys, opts?.rho, undefined);
  const out = new Float64Array(b);
  try {
    for (let c = 0; c < b; c++) {
      kernel.load(s, c);
      out[c] = kernel.objective();
    }
  } finally {
    release(kernel);
  }
  return out;
}

export interface GdF64Options extends GdIterationF64Options {
  /** T, iterations */
  iterations: number;
  /** record the mean objective every this many iterations (default: every 10) */
  recordEvery?: number;
  /**
   * ours: return, per channel, the recorded iterate with the lowest objective (the start included; a
   * non-finite objective never replaces a finite best) rather than the last one (./gd `keepBest`; default false).
   * The objective here is float64: where tfjs's float32 one has rounded to 0 (Q of a margin above ≈ 5.4)
   * the two can keep different iterates.
   */
  keepBest?: boolean;
  progress?: Progress;
  phase?: string;
}

export interface GdResultF64 extends GdResult {
  /** the final state in float64 (`state` holds the same values rounded to float32) */
  stateF64: HybridStateF64;
}

const isTensorState = (s: HybridState | HybridStateF64): s is HybridState => s.thetaF instanceof tf.Tensor;
const isTensorChannels = (h: Complex | ChannelsF64): h is Complex => h.re instanceof tf.Tensor;
const isTensorSymbols = (s: SymbolBlock | SymbolBlockF64): s is SymbolBlock => 's' in s && s.s.re instanceof tf.Tensor;

/**
 * Algorithm 1 for T iterations from `init` (not disposed), as ./gd `mserGd`: the start is projected
 * first, the mean objective over the batch is recorded at 0, every `recordEvery` iterations and at T
 * (with `keepBest`, each channel's recorded iterate of lowest objective is returned).
 * In float64 JavaScript, channel by channel (each channel runs `recordEvery` iterations back to back),
 * yielding to the event loop between channels when 100 ms have passed. Inputs may be tfjs or float64
 * (h, init, sym); the result holds a tfjs state (the caller disposes it) and the same state in float64.
 */
export async function mserGdF64(h: Complex | ChannelsF64, init: HybridState | HybridStateF64, sym: SymbolBlock | SymbolBlockF64, sys: MserSystem, opts: GdF64Options): Promise<GdResultF64> {
  const fn = 'mserGdF64';
  if (h === null || typeof h !== 'object') throw new Error(`${fn}(h): needs channels [B, K, N_r, N_t] (Complex or ChannelsF64)`);
  if (init === null || typeof init !== 'object') throw new Error(`${fn}(init): needs a HybridState or HybridStateF64`);
  if (sym === null || typeof sym !== 'object') throw new Error(`${fn}(sym): needs a SymbolBlock or SymbolBlockF64`);
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}(opts): needs { steps, rho, iterations }`);
  const hf = isTensorChannels(h) ? channelsToF64(h) : h;
  const s0 = isTensorState(init) ? stateToF64(init) : init;
  const sf = isTensorSymbols(sym) ? symbolsToF64(sym) : sym;
  if (sf.modulation !== 'qpsk') throw new Error(`${fn}(sym): the QPSK objective (12)–(13); got ${String(sf.modulation)}`);
  const T = checkPositiveInt(fn, 'opts.iterations (T)', opts.iterations);
  const every = checkPositiveInt(fn, 'opts.recordEvery', opts.recordEvery ?? 10);
  const { kernel, b } = prepare(fn, hf, s0, sf, sys, opts.rho, opts.steps);
  try {
    return await descend(kernel, b, projectStateF64(s0, sys, opts), T, every, opts);
  } finally {
    release(kernel);
  }
}

/** mserGdF64's loop on a prepared workspace. */
async function descend(kernel: Kernel, b: number, s: HybridStateF64, T: number, every: number, opts: GdF64Options): Promise<GdResultF64> {
  const normalise = opts.normaliseCombiner !== false, relative = opts.normalisedSteps === true;
  const history = { iteration: [] as number[], objective: [] as number[] };
  const objectives = new Float64Array(b);
  // keepBest: the best recorded iterate per channel and its objective
  const best = opts.keepBest ? cloneStateF64(s) : undefined;
  const bestObj = new Float64Array(b);
  const keep = (c: number, first: boolean) => {
    if (!best) return;
    const o = objectives[c];
    if (!first && !(Number.isFinite(o) && o < bestObj[c])) return;
    bestObj[c] = o;
    kernel.store(best, c);
  };
  const record = (t: number) => {
    history.iteration.push(t);
    history.objective.push(objectives.reduce((x, y) => x + y, 0) / b);
  };
  for (let c = 0; c < b; c++) {
    kernel.load(s, c);
    objectives[c] = kernel.objective();
    keep(c, true);
  }
  record(0);
  const ticker = new Ticker(opts.progress ?? silentProgress, opts.phase ?? 'MSER GD (float64)', T);
  for (let t = 0; t < T;) {
    const next = Math.min(T, (Math.floor(t / every) + 1) * every);
    for (let c = 0; c < b; c++) {
      kernel.load(s, c);
      for (let i = t; i < next; i++) kernel.iterate(opts.steps, normalise, relative);
      objectives[c] = kernel.objective();
      kernel.store(s, c);
      keep(c, false);
      await yieldToEventLoop();
    }
    t = next;
    record(t);
    ticker.tick(t, { loss: history.objective[history.objective.length - 1] });
  }
  ticker.end({ loss: history.objective[history.objective.length - 1] });
  const out = best ?? s;
  return { state: stateFromF64(out), stateF64: out, history };
}
