/**
 * Link-level Monte Carlo of a precoded multi-user downlink, as an `ErrorRateRun` for
 * `simulateErrorRate`: draw channels and symbols, transmit, add noise, scale, decide, count.
 *
 *   y = H x + n,  H: [batch, K, M],  x: [batch, M, T],  n ~ CN(0, σ²),  SNR = P/σ²
 *
 * The receiver of user k scales by a per-block least-squares gain β_k = Σ_t y_kt s*_kt / Σ_t |s_kt|²
 * (the genie-aided gain the 1-bit precoding literature uses to separate precoder quality from gain
 * estimation; "none" skips it), then makes a hard decision.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { Rng } from '../core/random';
import { checkFinite, checkMatrixBatch, checkPositiveInt } from '../core/validate';
import { safeDiv } from '../core/safe';
import { Constellation } from './constellation';
import { batchRng, ErrorCounts, ErrorRateRun } from './errorRate';
import { precode, quantizedPrecode, QuantizedPrecodeOptions } from './precoders';
import type { ScalarQuantizer } from './quantizer';

/** Transmit signal for symbols s: [batch, K, T] over channels h: [batch, K, M] → x: [batch, M, T]. */
export type Transmitter = (h: Complex, s: Complex, noiseVar: number) => Complex;

/** A linear precoder w = f(h, σ²) followed by an optional DAC (quantised, per GNN §II-B). */
export function linearTransmitter(
  precoder: (h: Complex, noiseVar: number) => Complex,
  dac?: ScalarQuantizer,
  dacOptions: QuantizedPrecodeOptions = {},
): Transmitter {
  return (h, s, noiseVar) =>
    C.tidy(() => {
      const w = precoder(h, noiseVar);
      return dac ? quantizedPrecode(w, s, dac, dacOptions) : precode(w, s);
    });
}

/** Receiver scaling of `precodedLinkRun`. */
export type LinkReceiver = 'ls-gain' | 'none';

export interface PrecodedLinkOptions {
  rng: Rng;
  constellation: Constellation;
  /**
   * Channel draws h: [batch, K, M]. Ownership: tensors the callback CREATES during the call are
   * freed by the run after the batch; a tensor created elsewhere and returned as is (e.g. one fixed
   * channel for every batch) is left alone and stays usable.
   */
  channel: (rng: Rng, batch: number) => Complex;
  transmit: Transmitter;
  /** channels per batch */
  batch: number;
  /** symbol vectors per channel (the block the receiver's gain is estimated over) */
  symbolsPerChannel: number;
  /** total transmit power P (SNR = P/σ²), default 1 */
  power?: number;
  /** receiver scaling: per-user LS gain (default) or none */
  receiver?: LinkReceiver;
}

/**
 * Per-user least-squares gain over the block, β_k = Σ_t y_kt s*_kt / Σ_t |s_kt|², then ŝ = y/β
 * (β ≈ 0 gives ŝ = 0, not NaN; divisions guarded so values and gradients stay finite at 0).
 * y, s: [..., K, T] complex (same shape) → ŝ: [..., K, T].
 */
export function lsGainEqualize(y: Complex, s: Complex): Complex {
  const ys = checkMatrixBatch('lsGainEqualize(y)', y, '[..., K, T]');
  const ss = checkMatrixBatch('lsGainEqualize(s)', s, '[..., K, T]');
  if (ss.length !== ys.length || ss.some((d, i) => d !== ys[i])) {
    throw new Error(`lsGainEqualize(s): must be [${ys}] like y; got [${ss}]`);
  }
  return C.tidy(() => {
    const num = C.mulConj(y, s); // y s*
    const beta: Complex = { re: tf.sum(num.re, -1, true), im: tf.sum(num.im, -1, true) };
    const b = C.scale(beta, safeDiv(1, tf.sum(C.abs2(s), -1, true))); // β_k: [..., K, 1]
    // ŝ = y / β = y β* / |β|²
    return C.scale(C.mulConj(y, b), safeDiv(1, C.abs2(b)));
  });
}

/** An `ErrorRateRun` for `simulateErrorRate`: one batch of channels × symbols per call, one read. */
export function precodedLinkRun(o: PrecodedLinkOptions): ErrorRateRun {
  const fn = 'precodedLinkRun';
  checkPositiveInt(fn, 'batch', o.batch);
  checkPositiveInt(fn, 'symbolsPerChannel', o.symbolsPerChannel);
  const power = checkFinite(fn, 'power', o.power ?? 1, 0, false);
  const receiver = o.receiver ?? 'ls-gain';
  if (receiver !== 'ls-gain' && receiver !== 'none') {
    throw new Error(`${fn}: receiver must be 'ls-gain' or 'none'; got ${String(receiver)}`);
  }
  return (snrDb: number, batchIndex: number): ErrorCounts => {
    checkFinite(fn, 'snrDb', snrDb);
    const r = batchRng(o.rng, snrDb, batchIndex);
    const noiseVar = power / 10 ** (snrDb / 10);
    // tensors the callback creates die with this tidy; the run keeps (and later frees) its own
    // copies, so a channel tensor the caller owns is never disposed here
    const h = C.tidy(() => {
      const c = o.channel(r.fork('channel'), o.batch);
      return { re: tf.clone(c.re), im: tf.clone(c.im) };
    });
    let counts: ErrorCounts | undefined;
    try {
      const [b, k] = h.re.shape;
      if (h.re.rank !== 3 || b !== o.batch || h.im.shape.some((d, i) => d !== h.re.shape[i])) {
        throw new Error(`${fn}(channel): must return [${o.batch}, K, M] complex; got re [${h.re.shape}], im [${h.im.shape}]`);
      }
      tf.tidy(() => {
        const { indices, symbols } = o.constellation.randomSymbols(r.fork('symbols'), [o.batch, k, o.symbolsPerChannel]);
        const x = o.transmit(h, symbols, noiseVar);
        const y = C.add(C.matmul(h, x), r.fork('noise').complexNormal([o.batch, k, o.symbolsPerChannel], noiseVar));
        const sHat = receiver === 'ls-gain' ? lsGainEqualize(y, symbols) : y;
        counts = o.constellation.countErrors(indices, o.constellation.hardDecision(sHat));
      });
    } finally {
      C.dispose(h);
    }
    return counts as ErrorCounts;
  };
}
