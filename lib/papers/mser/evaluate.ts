/**
 * The SER a hybrid transceiver achieves, exactly (no Monte Carlo noise): the effective matrix
 * M = GFV of ./transceiver and the detector-input noise σ‖U_kᴴw_{i,k}‖/√2 per axis go to
 * `phy/conditionalSer` (eq. (11) of the MSER paper without its union bound, averaged over every
 * equiprobable symbol vector). The mean over streams is the SER of Figs. 5–11 and Tables I–III.
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { toComplexBatchF64 } from '../../core/complexF64';
import { conditionalSer } from '../../phy/conditionalSer';
import { MserSystem } from './system';
import { checkState, effectiveMatrix, HybridState, streamNoiseStd } from './transceiver';

/** Exact SER of every channel [B] (float64), for the true channels h and noise variance σ². */
export function exactSer(h: Complex, s: HybridState, sys: MserSystem, noiseVar: number): Float64Array {
  checkState('exactSer', sys, h, s);
  const m = effectiveMatrix(h, s);
  const std = streamNoiseStd(s, noiseVar);
  try {
    const mf = toComplexBatchF64(m);
    return conditionalSer(mf, { constellation: sys.modulation, noiseStd: Float64Array.from(std.dataSync()) }).ser;
  } finally {
    tf.dispose([m.re, m.im, std]);
  }
}
