/**
 * The SER a hybrid transceiver achieves, exactly (no Monte Carlo noise): the effective matrix
 * M = GFV of ./transceiver and the detector-input noise σ‖U_kᴴw_{i,k}‖/√2 per axis go to
 * `phy/conditionalSer` (eq. (11) of the MSER paper without its union bound, averaged over every
 * equiprobable symbol vector). The mean over streams is the SER of Figs. 5–11 and Tables I–III.
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { toComplexBatchF64 } from '../../core/complexF64';
import { Rng } from '../../core/random';
import { CONDITIONAL_SER_MAX_VECTORS, conditionalSer, ConditionalSerOptions } from '../../phy/conditionalSer';
import { MserSystem, totalStreams } from './system';
import { checkState, effectiveMatrix, HybridState, streamNoiseStd } from './transceiver';

/** Symbol vectors the average draws when order^D is too many to enumerate (16-QAM with D = 6: 16⁶). */
export const EXACT_SER_SAMPLED_VECTORS = 4096;

/** The symbol vectors `exactSer` (and ./baselines exactSerFd) average over for `sys`: all, or the fixed draw. */
export function serVectors(sys: MserSystem): ConditionalSerOptions['vectors'] {
  const order = sys.modulation === 'qpsk' ? 4 : 16;
  if (order ** totalStreams(sys) <= CONDITIONAL_SER_MAX_VECTORS) return 'all';
  return { sample: EXACT_SER_SAMPLED_VECTORS, rng: new Rng(0x5e7).fork(`exact-ser-vectors/${sys.modulation}/${totalStreams(sys)}`) };
}

/**
 * Exact SER of every channel [B] (float64), for the true channels h and noise variance σ². The noise is
 * integrated exactly; the average over symbol vectors enumerates all order^D of them when there are at most
 * `CONDITIONAL_SER_MAX_VECTORS` (QPSK up to D = 8), else takes `EXACT_SER_SAMPLED_VECTORS` uniformly drawn
 * vectors (unbiased), one fixed draw shared by every call, so designs and channels are compared on the same vectors.
 */
export function exactSer(h: Complex, s: HybridState, sys: MserSystem, noiseVar: number): Float64Array {
  checkState('exactSer', sys, h, s);
  const m = effectiveMatrix(h, s);
  const std = streamNoiseStd(s, noiseVar);
  try {
    const mf = toComplexBatchF64(m);
    return conditionalSer(mf, { constellation: sys.modulation, noiseStd: Float64Array.from(std.dataSync()), vectors: serVectors(sys) }).ser;
  } finally {
    tf.dispose([m.re, m.im, std]);
  }
}
