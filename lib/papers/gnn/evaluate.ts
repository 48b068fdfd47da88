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
import { bussgang, snidr } from '../../phy/metrics';
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

/** The GNN's transmit signal at inference. */
export function gnnSignal(model: GnnModel, sys: GnnSystem, h: Complex, s: Complex): Complex {
  return gnnPrecode(model, sys, h, s);
}

/** Per-channel sum rates (9) at each SNR: → [snr][channel], bit/s/Hz. One Bussgang fit, reused. */
export function ratesPerChannel(sys: GnnSystem, h: Complex, y: Complex, s: Complex, snrDb: readonly number[]): number[][] {
  return snrDb.map((snr) => {
    const r = tf.tidy(() => tf.div(tf.sum(tf.log1p(snidr(h, y, s, noiseVarOf(sys, snr), BUSSGANG)), -1), Math.LN2));
    const v = Array.from(r.dataSync());
    r.dispose();
    return v;
  });
}

/** Noiseless NMSE of Table I, linear: Σ|ŝ − s|² / Σ|s|² with ŝ_k = r_k/(h_k g_k). Also per channel. */
export function nmseNoiseless(h: Complex, y: Complex, s: Complex): { total: number; perChannel: number[] } {
  const [tot, per] = tf.tidy(() => {
    const { g } = bussgang(y, s, BUSSGANG);
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
