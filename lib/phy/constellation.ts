/**
 * Gray-labelled constellations (square M-QAM, M-PSK): mapping, hard decisions, bit labels, error
 * counting, and the closed-form uncoded AWGN error rates used to check simulations.
 *
 * Conventions (shared with Sionna where possible):
 * - A symbol is an int32 index i ∈ [0, M). Its bit label is the binary representation of i,
 *   most significant bit first; `points.re[i] + j·points.im[i]` is the point carrying that label.
 *   The *placement* of points makes the labelling Gray (nearest neighbours differ in one bit).
 * - Square M-QAM, L = √M levels per axis, bits INTERLEAVED as in Sionna's `qam` and 3GPP TS
 *   38.211 §5.1.4–5.1.6 (16/64/256-QAM): the I axis carries the even-indexed bits b₀, b₂, b₄, …,
 *   the Q axis the odd-indexed bits b₁, b₃, b₅, …. Each axis is a Gray PAM with Sionna's `pam_gray`
 *   rule a(c₀c₁…) = (1 − 2c₀)(2^{n−1} − a(c₁…)), a(c) = 1 − 2c: the first bit of each axis is the
 *   sign (0 ↦ +). E.g. 16-QAM (38.211 §5.1.4): s = [(1 − 2b₀)(2 − (1 − 2b₂)) + j(1 − 2b₁)(2 − (1 − 2b₃))]/√10.
 *   Unnormalised levels are the odd integers ±1, ±3, …, ±(L − 1), i.e. F_n = 2n − √M − 1 of the
 *   MSER paper (§II); E|s|² = 2(M − 1)/3.
 *   QPSK = 4-QAM: s = ((1 − 2b₀) + j(1 − 2b₁))/√2 (3GPP TS 38.211 §5.1.3).
 * - M-PSK: the point at angle φ₀ + 2πk/M carries the binary-reflected Gray label k ⊕ (k ≫ 1).
 *   4-PSK with φ₀ = π/4 has the same point set as 4-QAM; the labels differ by a swap of the two
 *   bits (both are Gray, so BER and SER agree).
 * - `normalise` (default true) scales to unit average energy Es = E|s|² = 1 (uniform symbols).
 *
 * Shapes: `map(indices: int32 [...]) → Complex [...]`, `hardDecision(y: Complex [...]) → int32 [...]`,
 * `bits(indices [...]) → int32 [..., bitsPerSymbol]` (the binary label of the index, so for QAM
 * bits[..., 0::2] are the I-axis bits and bits[..., 1::2] the Q-axis bits).
 */
import * as tf from '@tensorflow/tfjs';
import { Complex, tidy } from '../core/complex';
import type { Rng } from '../core/random';
import { qfunc } from '../core/special';
import type { ErrorCounts } from './errorRate';

export type ModulationKind = 'qam' | 'psk';
/** Square QAM orders supported. */
export const QAM_ORDERS: readonly number[] = [4, 16, 64, 256];
/** PSK orders supported (powers of two; nearest-neighbour decisions scale as M). */
export const PSK_ORDERS: readonly number[] = [2, 4, 8, 16, 32, 64, 128, 256];

export interface ConstellationOptions {
  /** scale to unit average energy (default true) */
  normalise?: boolean;
  /** PSK only: angle φ₀ of the point labelled 0, radians (default 0) */
  phaseOffset?: number;
}

export interface ConstellationSpec extends ConstellationOptions {
  kind: ModulationKind;
  order: number;
}

function gray(k: number): number {
  return k ^ (k >> 1);
}

function log2Int(m: number): number {
  return Math.round(Math.log2(m));
}

/** Sionna's `pam_gray`: amplitude of the Gray PAM label `label` with `nBits` bits (MSB first). */
function pamGray(label: number, nBits: number): number {
  const b0 = (label >> (nBits - 1)) & 1;
  if (nBits === 1) return 1 - 2 * b0;
  const rest = label & ((1 << (nBits - 1)) - 1);
  return (1 - 2 * b0) * (2 ** (nBits - 1) - pamGray(rest, nBits - 1));
}

/** Bits of `label` at positions 2p + offset (LSB = position 0), packed: bit 2p + offset ↦ bit p. */
function gatherBits(label: number, offset: number, nBits: number): number {
  let g = 0;
  for (let p = 0; p < nBits; p++) g |= ((label >> (2 * p + offset)) & 1) << p;
  return g;
}

/** Inverse of `gatherBits` with offset 0: bit p of g ↦ bit 2p. */
function spreadBits(g: number, nBits: number): number {
  let out = 0;
  for (let p = 0; p < nBits; p++) out |= ((g >> p) & 1) << (2 * p);
  return out;
}

function checkIndexTensor(t: tf.Tensor, name: string): void {
  if (t.dtype !== 'int32') throw new Error(`${name}: needs an int32 tensor of symbol indices; got dtype ${t.dtype}`);
}

export class Constellation {
  /** e.g. 'qpsk', '16qam', '8psk' */
  readonly name: string;
  readonly kind: ModulationKind;
  /** number of points M */
  readonly order: number;
  /** log2 M */
  readonly bitsPerSymbol: number;
  /** [M] point coordinates in label order (float64) */
  readonly points: { re: Float64Array; im: Float64Array };
  /** [M, bitsPerSymbol] row-major bit labels, MSB first: labels[i·k + j] = bit j of i */
  readonly labels: Uint8Array;
  /** E|s|² over uniform symbols (1 when normalised) */
  readonly averageEnergy: number;
  readonly normalised: boolean;
  /** PSK: φ₀ in radians; QAM: 0 */
  readonly phaseOffset: number;
  /** smallest distance between two points */
  readonly minDistance: number;
  /** QAM: points are `axisScale`·(odd integers) per axis; PSK: 0 */
  private readonly axisScale: number;
  /**
   * QAM: the index bits an axis level contributes, by level position p (levels ascending): the
   * Gray PAM label of that level spread onto every other bit (the Q axis's share; the I axis's is
   * this shifted left by one). PSK: empty.
   */
  private readonly levelBits: Int32Array;
  private hamming: Int32Array | undefined;

  private constructor(
    name: string, kind: ModulationKind, re: Float64Array, im: Float64Array,
    normalised: boolean, phaseOffset: number, axisScale: number, levelBits: Int32Array,
  ) {
    const m = re.length;
    const k = log2Int(m);
    this.name = name;
    this.kind = kind;
    this.order = m;
    this.bitsPerSymbol = k;
    this.points = { re, im };
    this.labels = new Uint8Array(m * k);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) this.labels[i * k + j] = (i >> (k - 1 - j)) & 1;
    let e = 0;
    for (let i = 0; i < m; i++) e += re[i] * re[i] + im[i] * im[i];
    this.averageEnergy = e / m;
    this.normalised = normalised;
    this.phaseOffset = phaseOffset;
    let dmin = Infinity;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) dmin = Math.min(dmin, Math.hypot(re[i] - re[j], im[i] - im[j]));
    this.minDistance = dmin;
    this.axisScale = axisScale;
    this.levelBits = levelBits;
  }

  /**
   * Square M-QAM with Gray labels, I axis on the even-indexed bits (b₀, b₂, …), Q axis on the odd
   * ones (b₁, b₃, …), as Sionna and 3GPP TS 38.211 §5.1. M ∈ {4, 16, 64, 256}.
   * Unnormalised points are odd integers per axis (±1 ± j for QPSK).
   */
  static qam(order: number, options: ConstellationOptions = {}): Constellation {
    if (!QAM_ORDERS.includes(order)) {
      throw new Error(`qam(order): order M must be one of ${QAM_ORDERS.join(', ')} (square QAM); got ${order}`);
    }
    if (options.phaseOffset !== undefined && options.phaseOffset !== 0) {
      throw new Error(`qam(options.phaseOffset): only PSK takes a phase offset; got ${options.phaseOffset}`);
    }
    const normalise = checkNormalise(options.normalise, 'qam');
    const l = Math.round(Math.sqrt(order));
    const b = log2Int(l);
    const scale = normalise ? 1 / Math.sqrt((2 * (order - 1)) / 3) : 1;
    const levelBits = new Int32Array(l);
    for (let g = 0; g < l; g++) levelBits[(pamGray(g, b) + l - 1) / 2] = spreadBits(g, b);
    const re = new Float64Array(order);
    const im = new Float64Array(order);
    for (let i = 0; i < order; i++) {
      // label MSB first b₀ b₁ … b_{2b−1}: b₀, b₂, … sit at the odd LSB positions, b₁, b₃, … at the even ones
      re[i] = scale * pamGray(gatherBits(i, 1, b), b);
      im[i] = scale * pamGray(gatherBits(i, 0, b), b);
    }
    const name = order === 4 ? '4qam' : `${order}qam`;
    return new Constellation(name, 'qam', re, im, normalise, 0, scale, levelBits);
  }

  /** QPSK = 4-QAM: ((1 − 2b₀) + j(1 − 2b₁))/√2. */
  static qpsk(options: ConstellationOptions = {}): Constellation {
    const c = Constellation.qam(4, options);
    return new Constellation('qpsk', 'qam', c.points.re, c.points.im, c.normalised, 0, c.axisScale, c.levelBits);
  }

  /**
   * M-PSK, M a power of two in [2, 256]: the point at angle φ₀ + 2πk/M carries Gray label k ⊕ (k ≫ 1).
   * Radius 1: already unit energy, so `normalise` has no effect (`normalised` is always true).
   */
  static psk(order: number, options: ConstellationOptions = {}): Constellation {
    if (!PSK_ORDERS.includes(order)) {
      throw new Error(`psk(order): order M must be one of ${PSK_ORDERS.join(', ')}; got ${order}`);
    }
    checkNormalise(options.normalise, 'psk');
    const phi0 = options.phaseOffset ?? 0;
    if (!Number.isFinite(phi0)) throw new Error(`psk(options.phaseOffset): must be a finite angle in radians; got ${phi0}`);
    const re = new Float64Array(order);
    const im = new Float64Array(order);
    for (let k = 0; k < order; k++) {
      const a = phi0 + (2 * Math.PI * k) / order;
      re[gray(k)] = Math.cos(a);
      im[gray(k)] = Math.sin(a);
    }
    const name = order === 2 ? 'bpsk' : `${order}psk`;
    return new Constellation(name, 'psk', re, im, true, phi0, 0, new Int32Array(0));
  }

  /** Bit label of symbol `index` (MSB first). */
  labelOf(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.order) {
      throw new Error(`labelOf(index): index must be an integer in [0, ${this.order - 1}]; got ${index}`);
    }
    return Array.from(this.labels.subarray(index * this.bitsPerSymbol, (index + 1) * this.bitsPerSymbol));
  }

  /**
   * Symbols of the given indices by table lookup (tf.gather). indices: int32 [...] → Complex [...].
   * Indices outside [0, M) are not checked (that would cost a data read).
   */
  map(indices: tf.Tensor): Complex {
    checkIndexTensor(indices, 'map(indices)');
    return tidy(() => ({
      re: tf.gather(tf.tensor1d(Float32Array.from(this.points.re)), indices),
      im: tf.gather(tf.tensor1d(Float32Array.from(this.points.im)), indices),
    }));
  }

  /** Uniform random symbols from `rng`: indices int32 `shape`, symbols Complex `shape`. */
  randomSymbols(rng: Rng, shape: number[]): { indices: tf.Tensor; symbols: Complex } {
    const indices = rng.integers(shape, this.order);
    return { indices, symbols: this.map(indices) };
  }

  /**
   * Maximum-likelihood (minimum-distance) hard decision. y: Complex [...] → int32 indices [...].
   * Square QAM: per-axis rounding to the nearest PAM level (separable, so equal to the nearest
   * neighbour); PSK: `nearestNeighbor`. Non-finite inputs give unspecified indices.
   */
  hardDecision(y: Complex): tf.Tensor {
    if (this.kind !== 'qam') return this.nearestNeighbor(y);
    return tf.tidy(() => {
      const l = this.levelBits.length;
      const table = tf.tensor1d(this.levelBits, 'int32');
      // position p of the nearest level s·(2p − (L − 1)), clipped to [0, L − 1]
      const axis = (v: tf.Tensor): tf.Tensor => {
        const p = tf.round(tf.mul(tf.add(tf.div(v, this.axisScale), l - 1), 0.5));
        return tf.gather(table, tf.cast(tf.clipByValue(p, 0, l - 1), 'int32'));
      };
      // interleaved label: I bits on the odd LSB positions (×2), Q bits on the even ones
      return tf.add(tf.mul(axis(y.re), tf.scalar(2, 'int32')), axis(y.im));
    });
  }

  /**
   * Brute-force nearest point over all M points, batched: argmin_i |p_i|² − 2 Re(y p_i*) as one
   * [N, 2]·[2, M] matmul. y: Complex [...] → int32 [...]. Memory N·M floats.
   */
  nearestNeighbor(y: Complex): tf.Tensor {
    return tf.tidy(() => {
      const shape = y.re.shape;
      const yy = tf.stack([tf.reshape(y.re, [-1]), tf.reshape(y.im, [-1])], 1); // [N, 2]
      const table = new Float32Array(2 * this.order);
      table.set(this.points.re);
      table.set(this.points.im, this.order);
      const p = tf.tensor2d(table, [2, this.order]);
      const energy = tf.sum(tf.square(p), 0); // [M]
      const score = tf.sub(energy, tf.mul(tf.matMul(yy, p), 2)); // [N, M]
      return tf.reshape(tf.argMin(score, 1), shape);
    });
  }

  /** Bit labels of symbols, MSB first. indices: int32 [...] → int32 [..., bitsPerSymbol]. */
  bits(indices: tf.Tensor): tf.Tensor {
    checkIndexTensor(indices, 'bits(indices)');
    return tf.tidy(() => tf.gather(tf.tensor2d(Int32Array.from(this.labels), [this.order, this.bitsPerSymbol], 'int32'), indices));
  }

  /** Inverse of `bits`: int32 [..., bitsPerSymbol] of 0/1 → int32 [...]. */
  fromBits(bits: tf.Tensor): tf.Tensor {
    checkIndexTensor(bits, 'fromBits(bits)');
    const k = this.bitsPerSymbol;
    if (bits.rank < 1 || bits.shape[bits.rank - 1] !== k) {
      throw new Error(`fromBits(bits): needs shape [..., ${k}] for ${this.name}; got [${bits.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const w = tf.tensor1d(Int32Array.from({ length: k }, (_, j) => 2 ** (k - 1 - j)), 'int32');
      return tf.sum(tf.mul(bits, w), -1);
    });
  }

  /** [M·M] Hamming distances between labels, built once: table[i·M + j] = popcount(i ⊕ j). */
  private hammingTable(): Int32Array {
    if (!this.hamming) {
      const m = this.order;
      const t = new Int32Array(m * m);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          let x = i ^ j;
          let c = 0;
          while (x) { c += x & 1; x >>= 1; }
          t[i * m + j] = c;
        }
      }
      this.hamming = t;
    }
    return this.hamming;
  }

  /**
   * Symbol and bit errors between sent `idx` and detected `idxHat` (int32, same shape), with one
   * data read: bit errors = Σ hamming[idx·M + idxHat] (exact int32 sums).
   */
  countErrors(idx: tf.Tensor, idxHat: tf.Tensor): ErrorCounts {
    checkIndexTensor(idx, 'countErrors(idx)');
    checkIndexTensor(idxHat, 'countErrors(idxHat)');
    if (idx.shape.length !== idxHat.shape.length || idx.shape.some((d, i) => d !== idxHat.shape[i])) {
      throw new Error(`countErrors(idxHat): needs the shape of idx [${idx.shape.join(', ')}]; got [${idxHat.shape.join(', ')}]`);
    }
    const m = this.order;
    const counts = tf.tidy(() => {
      const table = tf.tensor1d(this.hammingTable(), 'int32');
      const flat = tf.add(tf.mul(tf.reshape(idx, [-1]), tf.scalar(m, 'int32')), tf.reshape(idxHat, [-1]));
      const bitErr = tf.sum(tf.gather(table, flat));
      const symErr = tf.sum(tf.cast(tf.notEqual(idx, idxHat), 'int32'));
      return tf.stack([bitErr, symErr]);
    });
    const [bitErrors, symbolErrors] = Array.from(counts.dataSync());
    counts.dispose();
    return { bitErrors, bits: idx.size * this.bitsPerSymbol, symbolErrors, symbols: idx.size };
  }
}

function checkNormalise(v: boolean | undefined, fn: string): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'boolean') throw new Error(`${fn}(options.normalise): must be true or false; got ${String(v)}`);
  return v;
}

export const qam = Constellation.qam;
export const psk = Constellation.psk;
export const qpsk = Constellation.qpsk;

/** Names accepted by `constellation(name)`. */
export const CONSTELLATION_NAMES: readonly string[] = [
  'bpsk', 'qpsk',
  ...QAM_ORDERS.map((m) => `${m}qam`),
  ...PSK_ORDERS.map((m) => `${m}psk`),
];

/**
 * Parse a constellation: a name ('qpsk', 'bpsk', '16qam', '16-QAM', '8psk', …; case-insensitive)
 * or `{ kind: 'qam' | 'psk', order, normalise?, phaseOffset? }`.
 */
export function constellation(spec: string | ConstellationSpec, options: ConstellationOptions = {}): Constellation {
  if (typeof spec === 'string') {
    const s = spec.trim().toLowerCase().replace(/[-_ ]/g, '');
    if (s === 'qpsk') return Constellation.qpsk(options);
    if (s === 'bpsk') return Constellation.psk(2, options);
    const m = /^(\d+)(qam|psk)$/.exec(s);
    const order = m ? Number(m[1]) : NaN;
    if (m && m[2] === 'qam' && QAM_ORDERS.includes(order)) return Constellation.qam(order, options);
    if (m && m[2] === 'psk' && PSK_ORDERS.includes(order)) return Constellation.psk(order, options);
    throw new Error(
      `constellation(name): unknown modulation "${spec}"; allowed: ${CONSTELLATION_NAMES.join(', ')} ` +
        `(or { kind: 'qam' | 'psk', order })`,
    );
  }
  if (spec === null || typeof spec !== 'object') {
    throw new Error(`constellation(spec): needs a name or { kind: 'qam' | 'psk', order }; got ${String(spec)}`);
  }
  const merged: ConstellationOptions = { normalise: spec.normalise, phaseOffset: spec.phaseOffset, ...stripUndefined(options) };
  if (spec.kind === 'qam') return Constellation.qam(spec.order, merged);
  if (spec.kind === 'psk') return Constellation.psk(spec.order, merged);
  throw new Error(`constellation(spec.kind): modulation kind must be 'qam' or 'psk'; got "${String(spec.kind)}"`);
}

function stripUndefined(o: ConstellationOptions): ConstellationOptions {
  const out: ConstellationOptions = {};
  if (o.normalise !== undefined) out.normalise = o.normalise;
  if (o.phaseOffset !== undefined) out.phaseOffset = o.phaseOffset;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Closed-form uncoded error rates over AWGN, ML detection, uniform symbols. Es/N0 in dB is the
// ratio of the average symbol energy to the noise power spectral density (noise CN(0, N0)).
// Reference: J. G. Proakis, M. Salehi, Digital Communications, 5th ed., §4.3.
// ---------------------------------------------------------------------------------------------

function esN0Linear(esN0Db: number, fn: string): number {
  if (!Number.isFinite(esN0Db)) throw new Error(`${fn}(esN0Db): must be a finite SNR in dB; got ${esN0Db}`);
  return 10 ** (esN0Db / 10);
}

function checkOrder(order: number, allowed: readonly number[], fn: string): void {
  if (!allowed.includes(order)) throw new Error(`${fn}(order): M must be one of ${allowed.join(', ')}; got ${order}`);
}

/** QPSK with Gray labels, exact: BER = Q(√(2Eb/N0)) = Q(√(Es/N0)) since Eb = Es/2. */
export function qpskBerAwgn(esN0Db: number): number {
  return qfunc(Math.sqrt(esN0Linear(esN0Db, 'qpskBerAwgn')));
}

/** QPSK, exact: SER = 1 − (1 − p)² = 2p − p², p = Q(√(Es/N0)). */
export function qpskSerAwgn(esN0Db: number): number {
  const p = qfunc(Math.sqrt(esN0Linear(esN0Db, 'qpskSerAwgn')));
  return p * (2 - p);
}

/** Square M-QAM, exact: SER = 1 − (1 − 2(1 − 1/√M) Q(√(3Es/((M − 1)N0))))². */
export function qamSerAwgn(order: number, esN0Db: number): number {
  checkOrder(order, QAM_ORDERS, 'qamSerAwgn');
  const g = esN0Linear(esN0Db, 'qamSerAwgn');
  const pAxis = 2 * (1 - 1 / Math.sqrt(order)) * qfunc(Math.sqrt((3 * g) / (order - 1)));
  return pAxis * (2 - pAxis);
}

/**
 * Square M-QAM with Gray labels, APPROXIMATION: BER ≈ SER / log2 M (one wrong bit per symbol
 * error; tight at high SNR, optimistic at low SNR). For M = 4 use `qpskBerAwgn` (exact).
 */
export function qamBerAwgnApprox(order: number, esN0Db: number): number {
  return qamSerAwgn(order, esN0Db) / Math.log2(order);
}

/**
 * M-PSK SER: exact for M = 2 (Q(√(2Es/N0))) and M = 4 (2p − p², p = Q(√(Es/N0)));
 * for M ≥ 8 the nearest-neighbour APPROXIMATION 2Q(√(2Es/N0)·sin(π/M)) (an upper bound, tight at high SNR).
 */
export function pskSerAwgn(order: number, esN0Db: number): number {
  checkOrder(order, PSK_ORDERS, 'pskSerAwgn');
  const g = esN0Linear(esN0Db, 'pskSerAwgn');
  if (order === 2) return qfunc(Math.sqrt(2 * g));
  if (order === 4) {
    const p = qfunc(Math.sqrt(g));
    return p * (2 - p);
  }
  return Math.min(1, 2 * qfunc(Math.sqrt(2 * g) * Math.sin(Math.PI / order)));
}

/** M-PSK with Gray labels, BER ≈ SER / log2 M (exact for M = 2; APPROXIMATION otherwise). */
export function pskBerAwgnApprox(order: number, esN0Db: number): number {
  if (order === 4) return qpskBerAwgn(esN0Db);
  return pskSerAwgn(order, esN0Db) / Math.log2(order);
}

export interface TheoreticalErrorRate {
  ser: number;
  ber: number;
  /** false where the value is an approximation (see the functions above) */
  serExact: boolean;
  berExact: boolean;
}

/** Closed-form uncoded AWGN SER/BER of a constellation at Es/N0 (dB), flagging approximations. */
export function awgnErrorRate(c: Constellation, esN0Db: number): TheoreticalErrorRate {
  if (c.kind === 'qam') {
    if (c.order === 4) return { ser: qpskSerAwgn(esN0Db), ber: qpskBerAwgn(esN0Db), serExact: true, berExact: true };
    return { ser: qamSerAwgn(c.order, esN0Db), ber: qamBerAwgnApprox(c.order, esN0Db), serExact: true, berExact: false };
  }
  return {
    ser: pskSerAwgn(c.order, esN0Db),
    ber: pskBerAwgnApprox(c.order, esN0Db),
    serExact: c.order <= 4,
    berExact: c.order <= 4,
  };
}
