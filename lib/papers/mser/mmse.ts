/**
 * The MMSE-based baselines of the MSER paper (Figs. 8–11: "MMSE-based hybrid GD" and "fully digital
 * GD"): the same block-coordinate descent as Algorithm 1 (./gd) on the mean squared error
 *   MSE = E‖b̃ − b‖² = E_s‖M − I‖²_F + σ² Σ_{k,i} ‖U_kᴴw_{i,k}‖²      (E[bbᴴ] = E_s I, M = GFV)
 * of each channel, with gradients by tfjs autodiff and without the combiner normalisation (the scale
 * of W is part of the MMSE solution). Our reading: the paper names the baseline without its equations.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import type { Progress } from '../../train/progress';
import { blockDescent, checkSteps, GdResult, GdStepSizes } from './gd';
import { BlockGradient, MSER_BLOCKS, MserBlock } from './gradients';
import { MserSystem, symbolEnergy } from './system';
import { checkState, combinerNoiseGain, effectiveMatrix, HybridState } from './transceiver';

/** MSE of every channel [B] (see above). */
export function mseObjective(h: Complex, s: HybridState, sys: MserSystem, noiseVar: number): tf.Tensor {
  return tf.tidy(() => {
    const m = effectiveMatrix(h, s);
    const d = m.re.shape[1] as number;
    const e = C.sub(m, { re: tf.eye(d), im: tf.zeros([d, d]) });
    const signal = tf.mul(C.frobNorm2(e), symbolEnergy(sys.modulation));
    const noise = tf.mul(tf.sum(tf.square(combinerNoiseGain(s)), [1, 2, 3]), noiseVar);
    return tf.add(signal, noise);
  });
}

/** ∂MSE/∂(block) (g = ∂/∂Re + j∂/∂Im for V, W) by autodiff, and the MSE [B]. */
export function mseBlockGradient(h: Complex, s: HybridState, sys: MserSystem, noiseVar: number, block: MserBlock): BlockGradient {
  if (!MSER_BLOCKS.includes(block)) throw new Error(`mseBlockGradient(block): one of ${MSER_BLOCKS.join(', ')}; got ${String(block)}`);
  const objective = mseObjective(h, s, sys, noiseVar);
  if (block === 'v' || block === 'w') {
    const x = s[block];
    const [gRe, gIm] = tf.grads((re: tf.Tensor, im: tf.Tensor) => tf.sum(mseObjective(h, { ...s, [block]: { re, im } }, sys, noiseVar)))([x.re, x.im]);
    return { block, g: { re: gRe, im: gIm }, objective };
  }
  const [g] = tf.grads((t: tf.Tensor) => tf.sum(mseObjective(h, { ...s, [block]: t }, sys, noiseVar)))([s[block]]);
  return { block, g, objective };
}

export interface MmseGdOptions {
  steps: GdStepSizes;
  iterations: number;
  noiseVar: number;
  recordEvery?: number;
  /** per channel the recorded iterate of lowest MSE (./gd `GdOptions.keepBest`) */
  keepBest?: boolean;
  /** ./gd `GdOptions.normalisedSteps` */
  normalisedSteps?: boolean;
  progress?: Progress;
  phase?: string;
}

/** MMSE-based block-coordinate GD from `init` (not disposed): (22)–(26) on the MSE, no combiner normalisation. */
export async function mmseGd(h: Complex, init: HybridState, sys: MserSystem, opts: MmseGdOptions): Promise<GdResult> {
  const fn = 'mmseGd';
  checkState(fn, sys, h, init);
  checkSteps(fn, opts.steps);
  checkPositiveInt(fn, 'opts.iterations (T)', opts.iterations);
  checkFinite(fn, 'opts.noiseVar (σ²)', opts.noiseVar, 0, false);
  return blockDescent(init, sys, {
    steps: opts.steps, iterations: opts.iterations, recordEvery: opts.recordEvery, keepBest: opts.keepBest, normalisedSteps: opts.normalisedSteps, progress: opts.progress,
    normaliseCombiner: false,
    gradient: (st, block) => mseBlockGradient(h, st, sys, opts.noiseVar, block),
    objective: (st) => mseObjective(h, st, sys, opts.noiseVar),
    phase: opts.phase ?? 'MMSE GD',
  });
}
