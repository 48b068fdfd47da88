/**
 * Transmit signals of the compared precoders and the paper's metrics on them
 * (gnn-quantized-precoding §II, §VI):
 * - 'mrt' / 'zf': linear precoding W s (MRT for K = 1, ZF for K > 1, α_norm so Tr(WWᴴ) = P_T), each
 *   antenna's DAC input normalised to CN(0, 1) (§II-B3), b-bit Lloyd-Max DACs per real dimension (1),
 *   and the mean power over the N_s symbol vectors rescaled to P_T (as (15) does for the GNN);
 *   b = ∞ gives the unquantised W s (the "ideal DAC" reference);
 * - 'gnn': the trained network at inference (argmax, eq. 18, with (15)).
 * All on the same channels and symbols (paired). Metrics: sum rate (9) from the Bussgang SNIDR (8)
 * with the exact least-squares G of (5) (see loss.ts `BUSSGANG`), and the noiseless NMSE of Table I,
 * E|s − ŝ|²/E|s|² with ŝ_k = r_k/(h_k g_k) (the receiver scales by the Bussgang gain).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { safeDiv } from '../../core/safe';
import { bussgang, BussgangOptions } from '../../phy/metrics';
import { mrt, quantizedPrecode, zf } from '../../phy/precoders';
import { BUSSGANG, gnnPrecode } from './loss';
import type { GnnModel } from './model';
import { dacOf, GnnSystem, noiseVarOf } from './system';

export type LinearKind = 'mrt' | 'zf';

/** The paper's baseline for K users: MRT for one user, ZF otherwise (§II-A). */
export function baselineOf(users: number): LinearKind {
  return users === 1 ? 'mrt' : 'zf';
}

/** Quantised (or, with bits = Infinity, ideal) linear precoding: h [n, K, M], s [n, K, T] → y [n, M, T]. */
export function linearTransmit(kind: LinearKind, sys: GnnSystem, h: Complex, s: Complex, bits: number = sys.bits): Complex {
  if (kind !== 'mrt' && kind !== 'zf') throw new Error(`linearTransmit(kind): 'mrt' or 'zf'; got ${String(kind)}`);
  return C.tidy(() => {
    const w = kind === 'mrt' ? mrt(h, { power: sys.power }) : zf(h, { power: sys.power });
    return Number.isFinite(bits) ? quantizedPrecode(w, s, dacOf(bits)) : C.matmul(w, s);
  });
}

/** Edge features per evaluation chunk (≈ 8 MB per [.., K, M, d] tensor at d = 32): bounds wasm memory. */
const EDGES_PER_CHUNK = 2 ** 16;

/**
 * The GNN's transmit signal at inference, computed over chunks of channels (each channel is
 * independent, (15) included), so a large test set does not hold every layer's edge tensors at once.
 */
export function gnnSignal(model: GnnModel, sys: GnnSystem, h: Complex, s: Complex): Complex {
  const [n, K, M] = h.re.shape as [number, number, number];
  const T = s.re.shape[s.re.rank - 1] as number;
  const chunk = Math.max(1, Math.floor(EDGES_PER_CHUNK / Math.max(1, T * K * M)));
  if (n <= chunk) return gnnPrecode(model, sys, h, s);
  const parts: Complex[] = [];
  try {
    for (let a = 0; a < n; a += chunk) {
      const size = Math.min(chunk, n - a);
      const hc = C.slice(h, [a, 0, 0], [size, K, M]);
      const sc = C.slice(s, [a, 0, 0], [size, K, T]);
      try {
        parts.push(gnnPrecode(model, sys, hc, sc));
      } finally {
        C.dispose(hc, sc);
      }
    }
    return { re: tf.concat(parts.map((x) => x.re), 0), im: tf.concat(parts.map((x) => x.im), 0) };
  } finally {
    parts.forEach((x) => C.dispose(x));
  }
}

/**
 * The noise-free terms of the SNIDR (8) per channel and user, from one Bussgang fit: signal
 * |h_k g_k|², interference Σ_{k'≠k} |h_k g_k'|², distortion (1/T) Σ_t |(h q)_{k,t}|². → [n][K] each.
 */
export function snidrTerms(h: Complex, y: Complex, s: Complex): { signal: number[][]; interference: number[][]; distortion: number[][] } {
  const [n, K] = h.re.shape as [number, number, number];
  const [sig, inter, dist] = tf.tidy(() => {
    const { g, q } = bussgang(y, s, BUSSGANG);
    const p = C.abs2(C.matmul(h, g)); // [n, K, K]: |h_k g_k'|²
    const signal = tf.sum(tf.mul(p, tf.eye(K)), -1);
    const hq = C.matmul(h, q); // [n, K, T]
    return [signal, tf.sub(tf.sum(p, -1), signal), tf.mean(C.abs2(hq), -1)];
  });
  const rows = (t: tf.Tensor) => {
    const a = Array.from(t.dataSync() as Float32Array);
    return Array.from({ length: n }, (_, i) => a.slice(i * K, (i + 1) * K));
  };
  try {
    return { signal: rows(sig), interference: rows(inter), distortion: rows(dist) };
  } finally {
    tf.dispose([sig, inter, dist]);
  }
}

/** Per-channel sum rates (9) at each SNR: → [snr][channel], bit/s/Hz. One Bussgang fit for all SNRs. */
export function ratesPerChannel(sys: GnnSystem, h: Complex, y: Complex, s: Complex, snrDb: readonly number[]): number[][] {
  const t = snidrTerms(h, y, s);
  return snrDb.map((snr) => {
    const nv = noiseVarOf(sys, snr);
    return t.signal.map((sig, c) => sig.reduce((acc, v, k) => acc + Math.log2(1 + v / Math.max(t.interference[c][k] + t.distortion[c][k] + nv, 1e-30)), 0));
  });
}

/**
 * Noiseless NMSE of Table I, linear: Σ|ŝ − s|² / Σ|s|² with ŝ_k = r_k/(h_k g_k). Also per channel.
 * `opts.estimator` picks how G is estimated (default the exact least squares, `BUSSGANG`).
 */
export function nmseNoiseless(h: Complex, y: Complex, s: Complex, opts: BussgangOptions = BUSSGANG): { total: number; perChannel: number[] } {
  const [tot, per] = tf.tidy(() => {
    const { g } = bussgang(y, s, opts);
    const r = C.matmul(h, y); // [n, K, T]
    const hg = C.diagPart(C.matmul(h, g)); // h_k g_k: [n, K]
    const gain = C.expandDims(hg, -1);
    const sHat = C.scale(C.mulConj(r, gain), safeDiv(1, C.abs2(gain), 1e-30)); // r conj(hg)/|hg|²
    const err = tf.sum(C.abs2(C.sub(sHat, s)), [1, 2]);
    const pow = tf.sum(C.abs2(s), [1, 2]);
    return [tf.div(tf.sum(err), tf.sum(pow)), tf.div(err, pow)];
  });
  const total = tot.dataSync()[0];
  const perChannel = Array.from(per.dataSync() as Float32Array);
  tf.dispose([tot, per]);
  return { total, perChannel };
}

export const toDb = (x: number): number => 10 * Math.log10(Math.max(x, 1e-30));
