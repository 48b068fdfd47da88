/**
 * The J sampled transmit symbol vectors of the KDE (§III-A, after (9)): s^{q_j}, j = 1…J, drawn
 * uniformly from the alphabet X of (7) (QPSK ±1 ± j; 16-QAM {±1, ±3} + j{±1, ±3}). One block is
 * shared by every channel of a batch (ours: the J-sized products become one large matmul; each
 * channel still sees a valid uniform sample). S and Sᴴ are both kept (matmuls with transpose flags are
 * slow on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkPositiveInt } from '../../core/validate';
import { MSER_MODULATIONS, MserModulation } from './system';

export interface SymbolBlock {
  /** S [D, J] complex */
  s: Complex;
  /** Sᴴ [J, D] complex */
  sH: Complex;
  streams: number;
  count: number;
  modulation: MserModulation;
}

/** Per-axis levels of the unnormalised alphabet: QPSK {−1, 1}, 16-QAM {−3, −1, 1, 3}. */
export function axisLevels(mod: MserModulation): number[] {
  if (mod === 'qpsk') return [-1, 1];
  if (mod === '16qam') return [-3, -1, 1, 3];
  throw new Error(`axisLevels(mod): one of ${MSER_MODULATIONS.join(', ')}; got ${String(mod)}`);
}

/** A block of `count` (J) uniform symbol vectors of `streams` (D) entries. */
export function sampleSymbols(rng: Rng, opts: { streams: number; count: number; modulation: MserModulation }): SymbolBlock {
  const d = checkPositiveInt('sampleSymbols', 'opts.streams (D)', opts.streams);
  const j = checkPositiveInt('sampleSymbols', 'opts.count (J)', opts.count);
  const lv = axisLevels(opts.modulation);
  const ri = rng.fork('re').intArray(d * j, lv.length), ii = rng.fork('im').intArray(d * j, lv.length);
  const re = Float32Array.from(ri, (v) => lv[v]), im = Float32Array.from(ii, (v) => lv[v]);
  const reT = new Float32Array(d * j), imT = new Float32Array(d * j);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < j; b++) {
      reT[b * d + a] = re[a * j + b];
      imT[b * d + a] = -im[a * j + b];
    }
  }
  return {
    s: { re: tf.tensor2d(re, [d, j]), im: tf.tensor2d(im, [d, j]) },
    sH: { re: tf.tensor2d(reT, [j, d]), im: tf.tensor2d(imT, [j, d]) },
    streams: d, count: j, modulation: opts.modulation,
  };
}

export function disposeSymbols(s: SymbolBlock | undefined): void {
  if (s) tf.dispose([s.s.re, s.s.im, s.sH.re, s.sH.im]);
}
