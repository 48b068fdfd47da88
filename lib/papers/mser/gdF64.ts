/**
 * Algorithm 1 of the MSER paper (the gradient-descent hybrid beamforming design of ./gd) as a float64
 * plain-JavaScript kernel: the same iteration as `gdIteration`/`mserGd` (V, W, θ_U, θ_F in turn, each
 * step X ← X − μ_X g_X with the gradient of ./gradients at the blocks already updated, then (26) and the
 * combiner normalisation of `projectState`), computed channel by channel with no tensors.
 *
 * Why it is fast (one channel, paper system, J = 512: see the report in gdF64.test.ts's header):
 * - **Reuse.** What a block does not change is not recomputed (the 'reuse' form of
 *   bench/peers/mser_peer.py): HF_k = H_kF is formed once per iteration, after θ_F moves; the V block
 *   uses G F = stack_k (W_kᴴU_k)(H_kF), the W and θ_U blocks H_kFV = (H_kF)V and U_kH_kFV, the θ_F block
 *   M = stack_k (W_kᴴU_k)(H_kFV); exp(jθ) is re-evaluated only after a phase step.
 * - **The KDE products by table look-up.** Z = MS needs only Re Z ∘ Re S and Im Z ∘ Im S, and S holds
 *   symbols of a small alphabet (QPSK: 4 values). The D streams are split into groups of g (QPSK, J = 512:
 *   g = 3); for each row of M and each group, the 4^g partial sums Σ_{e∈group} M_de s_e over every symbol
 *   pattern are tabulated (84 complex additions), and Z_dj is the sum of one table entry per group
 *   (2 look-ups instead of 6 complex multiply–adds). E = Γ Sᴴ is the same trick backwards: Γ_dj is
 *   accumulated into the bin of each group's pattern of column j, and E_de = Σ_patterns bin·conj(s_e),
 *   by marginalising the bins (g·4^g additions per row and group).
 * - **Floored densities are zero.** φ(x) = e^{−x²/2}/√(2π) with the exponent floored at −80, as
 *   ./gradients does in float32; here a floored entry contributes 0 (tfjs: e^{−80}/√(2π)/(Jϱ) ≈ 1e−35
 *   per entry, far below float32's resolution of any gradient) and costs neither exp nor accumulation.
 * - Typed arrays, a per-channel workspace allocated once, and every channel's iterations run back to back
 *   (its data stay in cache); a batch is a loop over channels (the channels are independent).
 *
 * The objective (15) of `mserObjectiveF64` is P̃ = (1/J) Σ_{d,j} [Q(a_dj) + Q(c_dj)] per channel in float64
 * (core/special `qfunc`; tfjs's float32 erf rounds Q to 0 near 5.4), QPSK only, as ./kde `kdeSer`.
 *
 * Shapes (row-major Float64Array, as the tfjs state of ./transceiver): h [B, K, N_r, N_t]; θ_F [B, N_t, R_t];
 * V [B, R_t, D]; θ_U [B, K, R_r, N_r]; W [B, K, R_r, D_k]; S [D, J]; ϱ a number, or per row of M:
 * D values (shared by the batch) or B·D values (per channel and stream), as a tfjs `KernelWidth` that
 * broadcasts against [B, D, J] without varying along J (`kernelWidthToF64`).
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

/** Exponents −x²/2 at or below this give φ = 0 (./gradients floors them here). */
const EXP_FLOOR = -80;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** Q(x) for x above this underflows to 0 in float64 anyway (erfc(x/√2) < 1e−316). */
const Q_ZERO_ABOVE = 40;

// e^x for −80 < x ≤ 0 (the floored exponents of φ), ≈ 2× faster than Math.exp, relative error ≤ 5e−16:
// x = (k/32)·ln 2 + r with |r| ≤ ln 2/64, e^r by its Taylor polynomial of degree 6 (truncation < 4e−18),
// 2^{k/32} = 2^{−⌊−k/32⌋ …} from two tables (2^{−i}, i ≤ 127, and 2^{−i/32}, i < 32).
const EXP_N = 32;
const EXP_INV_STEP = EXP_N / Math.LN2;
/** ln 2/32 split so that k·LN2_HI_N is exact for |k| < 2^20 (fdlibm's ln2_hi has 32 significant bits) */
const LN2_HI_N = 6.93147180369123816490e-01 / EXP_N;
const LN2_LO_N = 1.90821492927058770002e-10 / EXP_N;
const POW2_NEG_INT = Float64Array.from({ length: 128 }, (_, i) => 2 ** -i);
const POW2_NEG_FRAC = Float64Array.from({ length: EXP_N }, (_, i) => Math.pow(2, -i / EXP_N));

/** e^x for −80 ≤ x ≤ 0 (only there: the tables stop at 2^{−127}). */
function expNeg(x: number): number {
  const kk = (0.5 - x * EXP_INV_STEP) | 0; // −k = round(−x·32/ln 2) ≥ 0
  const r = x + kk * LN2_HI_N + kk * LN2_LO_N;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  return POW2_NEG_INT[kk >> 5] * POW2_NEG_FRAC[kk & 31] * p;
}
/** e^{−80}: the density's value at and below the floor */
const E_FLOOR = expNeg(EXP_FLOOR);

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
  /** idx[γ·J + j]: the table entry (absolute) of column j's pattern in group γ */
  idx: Int32Array;
  /** digit[t·gMax + i]: the symbol (0…A−1) of the i-th stream of its group in the pattern of table entry t */
  digit: Int32Array;
  gMax: number;
  /** S [D, J] and its squares (Re S)², (Im S)² */
  sRe: Float64Array;
  sIm: Float64Array;
  sRe2: Float64Array;
  sIm2: Float64Array;
}

/** Group sizes for the look-up: the g minimising ⌈D/g⌉·(table build + J look-ups), A^g ≤ 4096. */
function groupSize(d: number, j: number, a: number): number {
  let best = 1, bestCost = Infinity;
  for (let g = 1; g <= d; g++) {
    const size = a ** g;
    if (size > 4096) break;
    const groups = Math.ceil(d / g);
    // build ≈ A^g·(1 + 1/A + …) complex adds, look-ups J per group, reduction g·A^g per group
    const cost = groups * (size * (1 + g) * 1.5 + 2 * j);
    if (cost < bestCost) {
      best = g;
      bestCost = cost;
    }
  }
  return best;
}

function makePlan(fn: string, sym: SymbolBlockF64): KdePlan {
  const d = sym.streams, j = sym.count;
  const lv = axisLevels(sym.modulation);
  const L = lv.length, a = L * L;
  const alphaRe = new Float64Array(a), alphaIm = new Float64Array(a);
  for (let r = 0; r < L; r++) for (let i = 0; i < L; i++) {
    alphaRe[r * L + i] = lv[r];
    alphaIm[r * L + i] = lv[i];
  }
  // symbol index of every entry of S
  const code = new Int32Array(d * j);
  for (let e = 0; e < d * j; e++) {
    const r = lv.indexOf(sym.re[e]), i = lv.indexOf(sym.im[e]);
    if (r < 0 || i < 0) throw new Error(`${fn}(sym): entry [${Math.floor(e / j)}, ${e % j}] = ${sym.re[e]} + ${sym.im[e]}j is not a ${sym.modulation} symbol (levels ${lv.join(', ')} per axis)`);
    code[e] = r * L + i;
  }
  const g = groupSize(d, j, a);
  const groups = Math.ceil(d / g);
  const groupStart = new Int32Array(groups + 1), tOff = new Int32Array(groups + 1);
  for (let q = 0; q < groups; q++) {
    groupStart[q + 1] = Math.min(d, (q + 1) * g);
    tOff[q + 1] = tOff[q] + a ** (groupStart[q + 1] - groupStart[q]);
  }
  const tSize = tOff[groups];
  const idx = new Int32Array(j * groups);
  for (let c = 0; c < j; c++) {
    for (let q = 0; q < groups; q++) {
      let t = 0, place = 1;
      for (let e = groupStart[q]; e < groupStart[q + 1]; e++, place *= a) t += code[e * j + c] * place;
      idx[q * j + c] = tOff[q] + t;
    }
  }
  const digit = new Int32Array(tSize * g);
  for (let q = 0; q < groups; q++) {
    const n = groupStart[q + 1] - groupStart[q];
    for (let t = 0; t < tOff[q + 1] - tOff[q]; t++) {
      let rest = t;
      for (let i = 0; i < n; i++, rest = Math.floor(rest / a)) digit[(tOff[q] + t) * g + i] = rest % a;
    }
  }
  return { d, j, a, alphaRe, alphaIm, groups, groupStart, tOff, tSize, idx, digit, gMax: g, sRe: sym.re, sIm: sym.im,
    sRe2: sym.re.map((v) => v * v), sIm2: sym.im.map((v) => v * v) };
}

// ---------------------------------------------------------------------------------------------
// the per-channel kernel
// ---------------------------------------------------------------------------------------------

interface Steps {
  v: number;
  w: number;
  thetaU: number;
  thetaF: number;
}

/**
 * One channel at a time: `load(b)` copies channel b's data and state into the workspace, `iterate()`
 * runs one iteration of Algorithm 1 in place, `store(b)` copies the state back. All scratch arrays are
 * allocated once.
 */
class Kernel {
  readonly nt: number; readonly rt: number; readonly k: number; readonly nr: number; readonly rr: number; readonly dk: number; readonly d: number;
  readonly pps: number;
  // channel and state of the current channel
  readonly hRe: Float64Array; readonly hIm: Float64Array;
  readonly thF: Float64Array; readonly vRe: Float64Array; readonly vIm: Float64Array;
  readonly thU: Float64Array; readonly wRe: Float64Array; readonly wIm: Float64Array;
  readonly rho: Float64Array;
  // caches: F = exp(jθ_F), U = exp(jθ_U), HF_k = H_k F [K, N_r, R_t]
  readonly fRe: Float64Array; readonly fIm: Float64Array;
  readonly uRe: Float64Array; readonly uIm: Float64Array;
  readonly hfRe: Float64Array; readonly hfIm: Float64Array;
  // H_kFV [K, N_r, D], U_kH_kFV [K, R_r, D], W_kᴴU_k [K·D_k, N_r] (valid flags below)
  readonly hfvRe: Float64Array; readonly hfvIm: Float64Array;
  readonly afvRe: Float64Array; readonly afvIm: Float64Array;
  readonly wuRe: Float64Array; readonly wuIm: Float64Array;
  hfvOk = false; afvOk = false; wuOk = false;
  // scratch
  readonly mRe: Float64Array; readonly mIm: Float64Array;
  readonly eRe: Float64Array; readonly eIm: Float64Array;
  readonly xRe: Float64Array; readonly xIm: Float64Array; // [D, max(R_t, N_t)] or [K·R_r, max(D, N_r)]
  readonly gRe: Float64Array; readonly gIm: Float64Array; // G [D, N_t] and gradients
  readonly tRe: Float64Array; readonly tIm: Float64Array; // KDE tables
  readonly bRe: Float64Array; readonly bIm: Float64Array; // KDE bins
  readonly margRe: Float64Array; readonly margIm: Float64Array;
  readonly plan: KdePlan;

  constructor(sys: MserSystem, plan: KdePlan, readonly h: ChannelsF64, readonly rhoAll: Float64Array) {
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
    this.fRe = z(nt * rt); this.fIm = z(nt * rt);
    this.uRe = z(k * rr * nr); this.uIm = z(k * rr * nr);
    this.hfRe = z(k * nr * rt); this.hfIm = z(k * nr * rt);
    this.hfvRe = z(k * nr * d); this.hfvIm = z(k * nr * d);
    this.afvRe = z(k * rr * d); this.afvIm = z(k * rr * d);
    this.wuRe = z(d * nr); this.wuIm = z(d * nr);
    this.mRe = z(d * d); this.mIm = z(d * d); this.eRe = z(d * d); this.eIm = z(d * d);
    const nx = Math.max(d * Math.max(rt, nt), k * rr * Math.max(d, nr));
    this.xRe = z(nx); this.xIm = z(nx);
    const ng = Math.max(d * nt, nt * rt, k * rr * nr, rt * d, k * rr * dk);
    this.gRe = z(ng); this.gIm = z(ng);
    this.tRe = z(plan.tSize); this.tIm = z(plan.tSize);
    this.bRe = z(plan.tSize); this.bIm = z(plan.tSize);
    this.margRe = z(plan.gMax * plan.a); this.margIm = z(plan.gMax * plan.a);
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

  /** F = exp(jθ_F) and (unless `hf` is false) HF_k = H_k F. */
  updateF(hf = true): void {
    const { nt, rt, thF, fRe, fIm } = this;
    for (let i = 0; i < nt * rt; i++) {
      fRe[i] = Math.cos(thF[i]);
      fIm[i] = Math.sin(thF[i]);
    }
    this.hfvOk = false;
    if (hf) this.updateHf();
  }

  /** HF_k = H_k F. */
  updateHf(): void {
    const { nt, rt, k, nr, fRe, fIm, hRe, hIm, hfRe, hfIm } = this;
    // HF [K·N_r, R_t] = H [K·N_r, N_t] · F [N_t, R_t]
    hfRe.fill(0);
    hfIm.fill(0);
    for (let row = 0; row < k * nr; row++) {
      const ho = row * nt, oo = row * rt;
      for (let m = 0; m < nt; m++) {
        const ar = hRe[ho + m], ai = hIm[ho + m], fo = m * rt;
        for (let r = 0; r < rt; r++) {
          const br = fRe[fo + r], bi = fIm[fo + r];
          hfRe[oo + r] += ar * br - ai * bi;
          hfIm[oo + r] += ar * bi + ai * br;
        }
      }
    }
    this.hfvOk = false;
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

  /** W_kᴴU_k [K·D_k, N_r]: row (k, i) = Σ_r conj(W_k[r, i]) U_k[r, :]. */
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

  /** H_kFV = HF_k V [K, N_r, D]. */
  ensureHfv(): void {
    if (this.hfvOk) return;
    const { k, nr, rt, d, hfRe, hfIm, vRe, vIm, hfvRe, hfvIm } = this;
    hfvRe.fill(0);
    hfvIm.fill(0);
    for (let row = 0; row < k * nr; row++) {
      const ao = row * rt, oo = row * d;
      for (let r = 0; r < rt; r++) {
        const ar = hfRe[ao + r], ai = hfIm[ao + r], vo = r * d;
        for (let e = 0; e < d; e++) {
          const br = vRe[vo + e], bi = vIm[vo + e];
          hfvRe[oo + e] += ar * br - ai * bi;
          hfvIm[oo + e] += ar * bi + ai * br;
        }
      }
    }
    this.hfvOk = true;
    this.afvOk = false;
  }

  /** U_kH_kFV = U_k (H_kFV) [K, R_r, D]. */
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

  /** M rows (k, i) = W_kᴴ (U_kH_kFV) [D, D] into m. */
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

  /**
   * E = g_M = Γ Sᴴ [D, D] from M (in mRe/mIm), Γ_dj = −(φ(a_dj) Re S_dj + jφ(c_dj) Im S_dj)/(Jϱ_d), a = Re Z ∘ Re S/ϱ,
   * c = Im Z ∘ Im S/ϱ, Z = MS: see the file header for the table look-ups.
   */
  kde(): void {
    const p = this.plan;
    const { d, mRe, mIm, eRe, eIm, tRe, tIm, bRe, bIm, margRe, margIm } = this;
    const { j, a, alphaRe, alphaIm, groups: G, groupStart, tOff, idx, digit, gMax, sRe, sIm, sRe2, sIm2 } = p;
    for (let row = 0; row < d; row++) {
      // tables T_γ[t] = Σ_{e∈γ} M_row,e s_e(t)
      for (let q = 0; q < G; q++) {
        const base = tOff[q];
        tRe[base] = 0;
        tIm[base] = 0;
        let size = 1;
        for (let e = groupStart[q]; e < groupStart[q + 1]; e++) {
          const mr = mRe[row * d + e], mi = mIm[row * d + e];
          // entries c·size + t for c = A−1 … 0 (c = 0 last: it overwrites the sources in place)
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
      // one pass over the columns: Z_row,j = Σ_γ T_γ[pattern of j in γ]; the exponents
      // x = −(Re Z·Re S/ϱ)²/2, y likewise; Γ = kf·(e^{max(x, −80)} Re S + j e^{max(y, −80)} Im S); and Γ into
      // the bins B_γ[pattern of j in γ] (exp only above the floor: a floored entry is E_FLOOR, as in ./gradients)
      const rho = this.rho[row], kf = -INV_SQRT_2PI / (j * rho), c0 = -0.5 / (rho * rho);
      const so = row * j;
      bRe.fill(0);
      bIm.fill(0);
      if (G === 2) {
        for (let c = 0; c < j; c++) {
          const t0 = idx[c], t1 = idx[j + c];
          const zr = tRe[t0] + tRe[t1], zi = tIm[t0] + tIm[t1];
          const x = c0 * zr * zr * sRe2[so + c], y = c0 * zi * zi * sIm2[so + c];
          const gr = kf * (x > EXP_FLOOR ? expNeg(x) : E_FLOOR) * sRe[so + c];
          const gi = kf * (y > EXP_FLOOR ? expNeg(y) : E_FLOOR) * sIm[so + c];
          bRe[t0] += gr;
          bIm[t0] += gi;
          bRe[t1] += gr;
          bIm[t1] += gi;
        }
      } else {
        for (let c = 0; c < j; c++) {
          let zr = 0, zi = 0;
          for (let q = 0; q < G; q++) {
            const t = idx[q * j + c];
            zr += tRe[t];
            zi += tIm[t];
          }
          const x = c0 * zr * zr * sRe2[so + c], y = c0 * zi * zi * sIm2[so + c];
          const gr = kf * (x > EXP_FLOOR ? expNeg(x) : E_FLOOR) * sRe[so + c];
          const gi = kf * (y > EXP_FLOOR ? expNeg(y) : E_FLOOR) * sIm[so + c];
          for (let q = 0; q < G; q++) {
            const t = idx[q * j + c];
            bRe[t] += gr;
            bIm[t] += gi;
          }
        }
      }
      const eo = row * d;
      // E_row,e = Σ_t B_γ(e)[t] conj(s_e(t)), by the marginals of the bins over each stream's symbol
      for (let q = 0; q < G; q++) {
        const n = groupStart[q + 1] - groupStart[q];
        margRe.fill(0);
        margIm.fill(0);
        for (let t = tOff[q]; t < tOff[q + 1]; t++) {
          const br = bRe[t], bi = bIm[t];
          if (br === 0 && bi === 0) continue;
          const dOff = t * gMax;
          for (let i = 0; i < n; i++) {
            const mIdx = i * a + digit[dOff + i];
            margRe[mIdx] += br;
            margIm[mIdx] += bi;
          }
        }
        for (let i = 0; i < n; i++) {
          let er = 0, ei = 0;
          for (let c = 0; c < a; c++) {
            const br = margRe[i * a + c], bi = margIm[i * a + c];
            // (br + j bi)·conj(α_c)
            er += br * alphaRe[c] + bi * alphaIm[c];
            ei += bi * alphaRe[c] - br * alphaIm[c];
          }
          eRe[eo + groupStart[q] + i] = er;
          eIm[eo + groupStart[q] + i] = ei;
        }
      }
    }
  }

  /** P̃ = (1/J) Σ_{d,j} Q(a_dj) + Q(c_dj) at M (in mRe/mIm), float64. */
  objectiveOfM(): number {
    const p = this.plan;
    const { d, mRe, mIm } = this;
    const { j, sRe, sIm } = p;
    let sum = 0;
    for (let row = 0; row < d; row++) {
      const inv = 1 / this.rho[row];
      for (let c = 0; c < j; c++) {
        let zr = 0, zi = 0;
        for (let e = 0; e < d; e++) {
          const mr = mRe[row * d + e], mi = mIm[row * d + e], s1 = sRe[e * j + c], s2 = sIm[e * j + c];
          zr += mr * s1 - mi * s2;
          zi += mr * s2 + mi * s1;
        }
        const x1 = zr * sRe[row * j + c] * inv, x2 = zi * sIm[row * j + c] * inv;
        if (x1 < Q_ZERO_ABOVE) sum += qfunc(x1);
        if (x2 < Q_ZERO_ABOVE) sum += qfunc(x2);
      }
    }
    return sum / j;
  }

  /** M = stack_k (W_kᴴU_k)(H_kFV) at the current state into mRe/mIm. */
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

  /** (22): V ← V − μ g_V, g_V = (GF)ᴴ g_M with GF = stack_k (W_kᴴU_k)(H_kF). */
  stepV(mu: number): void {
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
    // V −= μ (GF)ᴴ E
    for (let row = 0; row < d; row++) {
      for (let r = 0; r < rt; r++) {
        const ar = xRe[row * rt + r], ai = -xIm[row * rt + r];
        const sr = mu * ar, si = mu * ai;
        for (let e = 0; e < d; e++) {
          const br = eRe[row * d + e], bi = eIm[row * d + e];
          vRe[r * d + e] -= sr * br - si * bi;
          vIm[r * d + e] -= sr * bi + si * br;
        }
      }
    }
    this.hfvOk = false;
    this.afvOk = false;
  }

  /** (23): W_k ← W_k − μ g_{W_k}, g_{W_k} = (U_kH_kFV)(g_M)_kᴴ. */
  stepW(mu: number): void {
    this.ensureAfv();
    this.mFromAfv();
    this.kde();
    const { k, rr, dk, d, afvRe, afvIm, eRe, eIm, wRe, wIm } = this;
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
          wRe[(u * rr + r) * dk + i] -= mu * gr;
          wIm[(u * rr + r) * dk + i] -= mu * gi;
        }
      }
    }
    this.wuOk = false;
  }

  /** (24): θ_U ← θ_U − μ Im(conj(U) ∘ g_U), g_{U_k} = W_k (g_M)_k (H_kFV)ᴴ. */
  stepThetaU(mu: number): void {
    this.ensureAfv();
    this.mFromAfv();
    this.kde();
    const { k, nr, rr, dk, d, wRe, wIm, eRe, eIm, hfvRe, hfvIm, xRe, xIm, uRe, uIm, thU } = this;
    // X = W_k E_k [K·R_r, D]
    for (let u = 0; u < k; u++) {
      for (let r = 0; r < rr; r++) {
        const oo = (u * rr + r) * d;
        for (let e = 0; e < d; e++) { xRe[oo + e] = 0; xIm[oo + e] = 0; }
        for (let i = 0; i < dk; i++) {
          const ar = wRe[(u * rr + r) * dk + i], ai = wIm[(u * rr + r) * dk + i], eo = (u * dk + i) * d;
          for (let e = 0; e < d; e++) {
            const br = eRe[eo + e], bi = eIm[eo + e];
            xRe[oo + e] += ar * br - ai * bi;
            xIm[oo + e] += ar * bi + ai * br;
          }
        }
      }
    }
    // g_U[k, r, n] = Σ_e X[k, r, e] conj(HFV[k, n, e]); θ_U −= μ (Re U Im g − Im U Re g)
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
          thU[o] -= mu * (uRe[o] * gi - uIm[o] * gr);
        }
      }
    }
    this.updateU();
  }

  /** (25): θ_F ← θ_F − μ Im(conj(F) ∘ g_F), g_F = Gᴴ g_M Vᴴ, G = stack_k (W_kᴴU_k) H_k. */
  stepThetaF(mu: number): void {
    this.effectiveMatrix();
    this.kde();
    const { k, nt, nr, rt, dk, d, eRe, eIm, vRe, vIm, wuRe, wuIm, hRe, hIm, xRe, xIm, gRe, gIm, fRe, fIm, thF } = this;
    // X = E Vᴴ [D, R_t]
    for (let row = 0; row < d; row++) {
      for (let r = 0; r < rt; r++) {
        let sr = 0, si = 0;
        for (let e = 0; e < d; e++) {
          const ar = eRe[row * d + e], ai = eIm[row * d + e], br = vRe[r * d + e], bi = -vIm[r * d + e];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        xRe[row * rt + r] = sr;
        xIm[row * rt + r] = si;
      }
    }
    // G [D, N_t] = stack_k (W_kᴴU_k) H_k
    gRe.fill(0, 0, d * nt);
    gIm.fill(0, 0, d * nt);
    for (let u = 0; u < k; u++) {
      for (let i = 0; i < dk; i++) {
        const ro = (u * dk + i) * nr, oo = (u * dk + i) * nt;
        for (let n = 0; n < nr; n++) {
          const ar = wuRe[ro + n], ai = wuIm[ro + n], ho = (u * nr + n) * nt;
          for (let m = 0; m < nt; m++) {
            const br = hRe[ho + m], bi = hIm[ho + m];
            gRe[oo + m] += ar * br - ai * bi;
            gIm[oo + m] += ar * bi + ai * br;
          }
        }
      }
    }
    // g_F[m, r] = Σ_d conj(G[d, m]) X[d, r]; θ_F −= μ (Re F Im g − Im F Re g)
    for (let m = 0; m < nt; m++) {
      for (let r = 0; r < rt; r++) {
        let sr = 0, si = 0;
        for (let row = 0; row < d; row++) {
          const ar = gRe[row * nt + m], ai = -gIm[row * nt + m], br = xRe[row * rt + r], bi = xIm[row * rt + r];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        const o = m * rt + r;
        thF[o] -= mu * (fRe[o] * si - fIm[o] * sr);
      }
    }
    this.updateF();
  }

  /** (26) and (ours, unless `normalise` is false) w_{i,k} ← w_{i,k}/‖U_kᴴw_{i,k}‖. */
  project(normalise: boolean): void {
    const { nt, rt, d, fRe, fIm, vRe, vIm } = this;
    // ‖FV‖²
    let p = 0;
    for (let m = 0; m < nt; m++) {
      for (let e = 0; e < d; e++) {
        let sr = 0, si = 0;
        for (let r = 0; r < rt; r++) {
          const ar = fRe[m * rt + r], ai = fIm[m * rt + r], br = vRe[r * d + e], bi = vIm[r * d + e];
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
  }

  /** One iteration of Algorithm 1 on the loaded channel (a block with μ = 0 is skipped, as ./gd does). */
  iterate(steps: Steps, normalise: boolean): void {
    if (steps.v !== 0) this.stepV(steps.v);
    if (steps.w !== 0) this.stepW(steps.w);
    if (steps.thetaU !== 0) this.stepThetaU(steps.thetaU);
    if (steps.thetaF !== 0) this.stepThetaF(steps.thetaF);
    this.project(normalise);
  }

  /** P̃ of the loaded channel. */
  objective(): number {
    this.effectiveMatrix();
    return this.objectiveOfM();
  }
}

// ---------------------------------------------------------------------------------------------
// public entry points
// ---------------------------------------------------------------------------------------------

export interface GdIterationF64Options {
  steps: GdStepSizes;
  rho: KernelWidthF64 | KernelWidth;
  /** ours: normalise every combiner column after each iteration (default true) */
  normaliseCombiner?: boolean;
  /** iterations to run (default 1) */
  iterations?: number;
}

function prepare(fn: string, h: ChannelsF64, s: HybridStateF64, sym: SymbolBlockF64, sys: MserSystem, rho: KernelWidthF64 | KernelWidth, steps: GdStepSizes | undefined): { kernel: Kernel; b: number } {
  const b = checkInputs(fn, sys, h, s, sym);
  if (steps !== undefined) checkSteps(fn, steps);
  const rows = rhoRows(fn, rho, b, totalStreams(sys));
  return { kernel: new Kernel(sys, makePlan(fn, sym), h, rows), b };
}

/**
 * Iterations of Algorithm 1 on every channel of the batch (default one; the same iteration as ./gd
 * `gdIteration`, in float64). Returns a new state; `s` is untouched.
 */
export function gdIterationF64(h: ChannelsF64, s: HybridStateF64, sym: SymbolBlockF64, sys: MserSystem, opts: GdIterationF64Options): HybridStateF64 {
  const fn = 'gdIterationF64';
  const { kernel, b } = prepare(fn, h, s, sym, sys, opts?.rho, opts?.steps);
  const iters = checkPositiveInt(fn, 'opts.iterations', opts.iterations ?? 1);
  const normalise = opts.normaliseCombiner !== false;
  const out = cloneStateF64(s);
  for (let c = 0; c < b; c++) {
    kernel.load(out, c);
    for (let t = 0; t < iters; t++) kernel.iterate(opts.steps, normalise);
    kernel.store(out, c);
  }
  return out;
}

/** (26) and (ours) the combiner normalisation, as ./gd `projectState`; returns a new state. */
export function projectStateF64(s: HybridStateF64, sys: MserSystem, opts: { normaliseCombiner?: boolean } = {}): HybridStateF64 {
  const fn = 'projectStateF64';
  checkSystem(fn, sys);
  checkStateF64(fn, 's', s);
  const d = totalStreams(sys);
  const h: ChannelsF64 = { batch: s.batch, users: sys.users, rxAntennas: sys.rxAntennas, txAntennas: sys.txAntennas, re: new Float64Array(0), im: new Float64Array(0) };
  const kernel = new Kernel(sys, emptyPlan(d), h, new Float64Array(s.batch * d).fill(1));
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
  for (let c = 0; c < b; c++) {
    kernel.load(s, c);
    out[c] = kernel.objective();
  }
  return out;
}

export interface GdF64Options extends GdIterationF64Options {
  /** T, iterations */
  iterations: number;
  /** record the mean objective every this many iterations (default: every 10) */
  recordEvery?: number;
  progress?: Progress;
  phase?: string;
}

export interface GdResultF64 extends GdResult {
  /** the final state in float64 (the same values as `state`, before rounding to float32) */
  stateF64: HybridStateF64;
}

const isTensorState = (s: HybridState | HybridStateF64): s is HybridState => s.thetaF instanceof tf.Tensor;
const isTensorChannels = (h: Complex | ChannelsF64): h is Complex => h.re instanceof tf.Tensor;
const isTensorSymbols = (s: SymbolBlock | SymbolBlockF64): s is SymbolBlock => 's' in s && s.s.re instanceof tf.Tensor;

/**
 * Algorithm 1 for T iterations from `init` (not disposed), as ./gd `mserGd` (the start is projected
 * first; the mean objective over the batch recorded at 0 and every `recordEvery` iterations and at T),
 * in float64 JavaScript. Inputs may be tfjs or float64; the result holds a tfjs state (the caller
 * disposes it) and the same state in float64.
 */
export async function mserGdF64(h: Complex | ChannelsF64, init: HybridState | HybridStateF64, sym: SymbolBlock | SymbolBlockF64, sys: MserSystem, opts: GdF64Options): Promise<GdResultF64> {
  const fn = 'mserGdF64';
  if (h === null || typeof h !== 'object') throw new Error(`${fn}(h): needs channels [B, K, N_r, N_t] (Complex or ChannelsF64)`);
  if (init === null || typeof init !== 'object') throw new Error(`${fn}(init): needs a HybridState or HybridStateF64`);
  if (sym === null || typeof sym !== 'object') throw new Error(`${fn}(sym): needs a SymbolBlock or SymbolBlockF64`);
  const hf = isTensorChannels(h) ? channelsToF64(h) : h;
  const s0 = isTensorState(init) ? stateToF64(init) : init;
  const sf = isTensorSymbols(sym) ? symbolsToF64(sym) : sym;
  if (sf.modulation !== 'qpsk') throw new Error(`${fn}(sym): the QPSK objective (12)–(13); got ${String(sf.modulation)}`);
  const { kernel, b } = prepare(fn, hf, s0, sf, sys, opts?.rho, opts?.steps);
  const T = checkPositiveInt(fn, 'opts.iterations (T)', opts.iterations);
  const every = checkPositiveInt(fn, 'opts.recordEvery', opts.recordEvery ?? 10);
  const normalise = opts.normaliseCombiner !== false;
  const history = { iteration: [] as number[], objective: [] as number[] };
  const s = projectStateF64(s0, sys, opts);
  const ticker = new Ticker(opts.progress ?? silentProgress, opts.phase ?? 'MSER GD (float64)', T);
  const objectives = new Float64Array(b);
  const mean = () => objectives.reduce((x, y) => x + y, 0) / b;
  for (let c = 0; c < b; c++) {
    kernel.load(s, c);
    objectives[c] = kernel.objective();
  }
  history.iteration.push(0);
  history.objective.push(mean());
  let t = 0;
  while (t < T) {
    const next = Math.min(T, (Math.floor(t / every) + 1) * every);
    for (let c = 0; c < b; c++) {
      kernel.load(s, c);
      for (let i = t; i < next; i++) kernel.iterate(opts.steps, normalise);
      objectives[c] = kernel.objective();
      kernel.store(s, c);
      await yieldToEventLoop();
    }
    t = next;
    history.iteration.push(t);
    history.objective.push(mean());
    ticker.tick(t, { loss: history.objective[history.objective.length - 1] });
  }
  ticker.end({ loss: history.objective[history.objective.length - 1] });
  return { state: stateFromF64(s), stateF64: s, history };
}

function emptyPlan(d: number): KdePlan {
  const z = new Int32Array(1);
  return {
    d, j: 0, a: 1, alphaRe: new Float64Array(1), alphaIm: new Float64Array(1), groups: 0, groupStart: z, tOff: z, tSize: 0,
    idx: new Int32Array(0), digit: new Int32Array(0), gMax: 1, sRe: new Float64Array(0), sIm: new Float64Array(0),
    sRe2: new Float64Array(0), sIm2: new Float64Array(0),
  };
}
