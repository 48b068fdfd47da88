/**
 * BER evaluation of the NNO-C2PO notebook (§IV), with noise at the UEs:
 *
 *   y = H x + n,  n ~ CN(0, N0 I_U),  SNR = P/N0 (with ‖h_u‖² ≈ B, the per-user receive SNR)
 *   ŝ_u = β̂ y_u with β̂ = ‖s‖²/(sᴴ H x) per symbol vector (eq. (7), the reciprocal of α̂ in (OPP*):
 *   the scalar the network is trained with; the UEs estimate it, [8]), then hard 16-QAM decisions.
 *
 * Transmit signals compared (paired: the same channels, symbols and noise for every one of them):
 * - 'zf': infinite-precision ZF, x = W s with W = c Hᴴ(HHᴴ)⁻¹, Tr(WWᴴ) = P (phy/precoders `zf`);
 * - 'zf-1bit': the same x quantised by the 1-bit DACs, Q(x; ξ) of (5)–(6) (the scale of W does
 *   not matter: only the signs are kept);
 * - C2PO / trained C2PO / NNO-C2PO: x_Q of Algorithm 1 with the given τ⁽ᵗ⁾, ρ⁽ᵗ⁾.
 * Shapes: h: [N, U, B] complex, s: [N, U] complex, indices: [N, U] int32, x: [N, B] complex.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkComplex, checkFinite, checkPositiveInt } from '../../core/validate';
import type { Constellation } from '../../phy/constellation';
import { wilsonInterval } from '../../phy/errorRate';
import { oppScale } from '../../phy/metrics';
import { zf } from '../../phy/precoders';
import { snrAtTarget } from '../../kit/stats';
import { c2po, quantizeOneBit } from './c2po';
import type { C2poSystem } from './system';

/** Channels, symbols and their indices of an evaluation set: h [N, U, B], s [N, U], indices [N, U]. */
export interface EvalData {
  h: Complex;
  s: Complex;
  indices: tf.Tensor;
}

/** One BER curve over an SNR grid, with 95 % Wilson intervals and the error counts behind them. */
export interface BerCurve {
  snrDb: number[];
  ber: number[];
  low: number[];
  high: number[];
  bitErrors: number[];
  /** bits counted per SNR point (N·U·log2 M·noiseDraws) */
  bits: number;
}

export interface BerOptions {
  /** SNR = P/N0 grid, dB (strictly increasing) */
  snrDb: number[];
  /** independent noise draws per channel and SNR point (≥ 1): more bits where BER is low */
  noiseDraws: number;
  /** the noise stream; the same rng gives the same noise to every method (paired comparison) */
  rng: Rng;
  constellation: Constellation;
  /** P; N0 = P/10^(SNR/10) */
  power: number;
}

function checkBerOptions(fn: string, o: BerOptions): void {
  if (o === null || typeof o !== 'object') throw new Error(`${fn}(opts): needs { snrDb, noiseDraws, rng, constellation, power }`);
  if (!Array.isArray(o.snrDb) || o.snrDb.length === 0) throw new Error(`${fn}(opts.snrDb): needs a non-empty list of SNRs in dB`);
  o.snrDb.forEach((v, i) => {
    checkFinite(fn, `opts.snrDb[${i}]`, v);
    if (i > 0 && !(v > o.snrDb[i - 1])) throw new Error(`${fn}(opts.snrDb): must be strictly increasing; got ${o.snrDb[i - 1]} then ${v}`);
  });
  checkPositiveInt(fn, 'opts.noiseDraws', o.noiseDraws);
  checkFinite(fn, 'opts.power (P)', o.power, 0, false);
}

function checkData(fn: string, d: EvalData, x: Complex): void {
  checkComplex(`${fn}(data.h)`, d.h, 3);
  const [n, u, b] = d.h.re.shape;
  checkComplex(`${fn}(data.s)`, d.s, 2);
  if (d.s.re.shape[0] !== n || d.s.re.shape[1] !== u) throw new Error(`${fn}(data.s): must be [N, U] = [${n}, ${u}]; got [${d.s.re.shape}]`);
  if (!(d.indices instanceof tf.Tensor) || d.indices.shape.join() !== `${n},${u}`) throw new Error(`${fn}(data.indices): must be int32 [N, U] = [${n}, ${u}]`);
  checkComplex(`${fn}(x)`, x, 2);
  if (x.re.shape[0] !== n || x.re.shape[1] !== b) throw new Error(`${fn}(x): must be [N, B] = [${n}, ${b}] complex; got [${x.re.shape}]`);
}

/**
 * BER vs SNR of one transmit signal x: [N, B] on `data` (module comment). Reads one pair of counts
 * per SNR point and noise draw.
 */
export function berCurve(data: EvalData, x: Complex, opts: BerOptions): BerCurve {
  const fn = 'berCurve';
  checkBerOptions(fn, opts);
  checkData(fn, data, x);
  const [rRe, rIm, bRe, bIm, idx] = tf.tidy(() => {
    const r = C.matmul(data.h, C.expandDims(x, -1)); // H x: [N, U, 1]
    const beta = oppScale(r, C.expandDims(data.s, -1)); // (7): [N, 1, 1]
    return [r.re, r.im, beta.re, beta.im, tf.expandDims(data.indices, -1)];
  });
  try {
    return berOfReceived({ re: rRe, im: rIm }, { re: bRe, im: bIm }, idx, opts);
  } finally {
    tf.dispose([rRe, rIm, bRe, bIm, idx]);
  }
}

/**
 * The BER curve of noiseless received samples r (any shape [...]) when the receiver scales r + n by
 * `scale` (broadcast against r) and decides: n ~ CN(0, N0) of r's shape from `opts.rng` forked
 * `noise/<snr index>/<draw>`, N0 = P/10^(SNR/10); `indices` the sent symbols, r's shape. Counts read
 * once per SNR point and draw; Wilson intervals. `berCurve` (β̂ per symbol vector) and the side-by-side
 * notebook's block receiver both end here.
 */
export function berOfReceived(r: Complex, scale: Complex, indices: tf.Tensor, opts: BerOptions): BerCurve {
  checkBerOptions('berOfReceived', opts);
  if (indices.shape.join() !== r.re.shape.join()) throw new Error(`berOfReceived(indices): must have the shape of r [${r.re.shape}]; got [${indices.shape}]`);
  const c = opts.constellation;
  const bits = r.re.size * c.bitsPerSymbol * opts.noiseDraws;
  const out: BerCurve = { snrDb: [...opts.snrDb], ber: [], low: [], high: [], bitErrors: [], bits };
  opts.snrDb.forEach((snr, i) => {
    const n0 = opts.power / 10 ** (snr / 10);
    let errors = 0;
    for (let d = 0; d < opts.noiseDraws; d++) {
      const noise = opts.rng.fork(`noise/${i}/${d}`).complexNormal(r.re.shape, n0);
      try {
        const decided = tf.tidy(() => c.hardDecision(C.mul(scale, C.add(r, noise))));
        errors += c.countErrors(indices, decided).bitErrors;
        decided.dispose();
      } finally {
        C.dispose(noise);
      }
    }
    const w = wilsonInterval(errors, bits);
    out.ber.push(errors / bits);
    out.low.push(w.low);
    out.high.push(w.high);
    out.bitErrors.push(errors);
  });
  return out;
}

/** The SNR (dB) at which a curve reaches `target` BER, with the interval its Wilson bounds give. */
export interface SnrAt {
  target: number;
  /** undefined when the curve does not reach the target on the grid */
  snrDb?: number;
  low?: number;
  high?: number;
}

export function snrAt(curve: BerCurve, target: number): SnrAt {
  const x = snrAtTarget({ snrDb: curve.snrDb, rate: curve.ber, low: curve.low, high: curve.high }, target);
  // the lower BER bound reaches the target first (lower SNR), the upper one last
  return x ? { target, snrDb: x.snrDb, low: x.low, high: x.high } : { target };
}

/** What is transmitted: ZF, 1-bit ZF, or C2PO with given τ⁽ᵗ⁾, ρ⁽ᵗ⁾ (one value each = constant). */
export type Transmit =
  | { kind: 'zf' }
  | { kind: 'zf-1bit' }
  | { kind: 'c2po'; iterations: number; tau: number[]; rho: number[] };

/** The transmit signal of a method for every sample: x: [N, B] complex (module comment). */
export function transmitSignal(data: EvalData, sys: C2poSystem, t: Transmit): Complex {
  if (t === null || typeof t !== 'object') throw new Error(`transmitSignal(t): needs { kind: 'zf' | 'zf-1bit' | 'c2po', ... }`);
  if (t.kind === 'c2po') {
    const one = (v: number[]) => (v.length === 1 ? v[0] : v);
    const { x, xq } = c2po(data.h, data.s, sys, { iterations: t.iterations, tau: one(t.tau), rho: one(t.rho) });
    C.dispose(x);
    return xq;
  }
  if (t.kind !== 'zf' && t.kind !== 'zf-1bit') throw new Error(`transmitSignal(t.kind): must be 'zf', 'zf-1bit' or 'c2po'; got ${JSON.stringify((t as { kind: unknown }).kind)}`);
  const w = zf(data.h, { power: sys.power, checkConditioning: false }); // [N, B, U]
  try {
    return C.tidy(() => {
      const x = C.reshape(C.matmul(w, C.expandDims(data.s, -1)), [data.s.re.shape[0], sys.antennas]);
      if (t.kind === 'zf') return x;
      const q = (v: tf.Tensor) => quantizeOneBit(v, sys.xi);
      return { re: q(x.re), im: q(x.im) };
    });
  } finally {
    C.dispose(w);
  }
}

/** BER curve of a method: its transmit signal, then `berCurve`. */
export function berOf(data: EvalData, sys: C2poSystem, t: Transmit, opts: BerOptions): BerCurve {
  const x = transmitSignal(data, sys, t);
  try {
    return berCurve(data, x, opts);
  } finally {
    C.dispose(x);
  }
}
