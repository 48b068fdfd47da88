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
import { checkFinite, checkPositiveInt } from '../core/validate';
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

export interface PrecodedLinkOptions {
  rng: Rng;
  constellation: Constellation;
  /** channel draws [batch, K, M] */
  channel: (rng: Rng, batch: number) => Complex;
  transmit: Transmitter;
  /** channels per batch */
  batch: number;
  /** symbol vectors per channel (the block the receiver's gain is estimated over) */
  symbolsPerChannel: number;
  /** total transmit power P (SNR = P/σ²), default 1 */
  power?: number;
  /** receiver scaling: per-user LS gain (default) or none */
  receiver?: 'ls-gain' | 'none';
}

/** Per-user least-squares gain over the block: y: [batch, K, T], s: [batch, K, T] → ŝ = y/β. */
export function lsGainEqualize(y: Complex, s: Complex): Complex {
  return C.tidy(() => {
    const num = C.mulConj(y, s); // y s*
    const beta: Complex = { re: tf.sum(num.re, -1, true), im: tf.sum(num.im, -1, true) };
    const den = tf.sum(C.abs2(s), -1, true);
    const b = C.divReal(beta, den, 1e-30); // β_k: [batch, K, 1]
    // ŝ = y / β = y β* / |β|²
    return C.divReal(C.mulConj(y, b), C.abs2(b), 1e-30);
  });
}

/** An `ErrorRateRun` for `simulateErrorRate`: one batch of channels × symbols per call, one read. */
export function precodedLinkRun(o: PrecodedLinkOptions): ErrorRateRun {
  checkPositiveInt('precodedLinkRun', 'batch', o.batch);
  checkPositiveInt('precodedLinkRun', 'symbolsPerChannel', o.symbolsPerChannel);
  const power = checkFinite('precodedLinkRun', 'power', o.power ?? 1, 0, false);
  const receiver = o.receiver ?? 'ls-gain';
  return (snrDb: number, batchIndex: number): ErrorCounts => {
    checkFinite('precodedLinkRun', 'snrDb', snrDb);
    const r = batchRng(o.rng, snrDb, batchIndex);
    const noiseVar = power / 10 ** (snrDb / 10);
    const h = o.channel(r.fork('channel'), o.batch);
    const [b, k] = h.re.shape;
    if (b !== o.batch) throw new Error(`precodedLinkRun(channel): returned batch ${b}, expected ${o.batch}`);
    let counts: ErrorCounts | undefined;
    tf.tidy(() => {
      const { indices, symbols } = o.constellation.randomSymbols(r.fork('symbols'), [o.batch, k, o.symbolsPerChannel]);
      const x = o.transmit(h, symbols, noiseVar);
      const y = C.add(C.matmul(h, x), r.fork('noise').complexNormal([o.batch, k, o.symbolsPerChannel], noiseVar));
      const sHat = receiver === 'ls-gain' ? lsGainEqualize(y, symbols) : y;
      counts = o.constellation.countErrors(indices, o.constellation.hardDecision(sHat));
    });
    C.dispose(h);
    return counts as ErrorCounts;
  };
}
