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

/**
 * Each combiner column scaled by its MMSE scalar (ours, the start of the MMSE GD): w_{i} ← c_i·w_i with
 * c_i = E_s m_ii / (E_s Σ_j |m_ij|² + σ²‖U_kᴴw_i‖²) (m_ij the entries of M = GFV), the c minimising stream
 * i's MSE over the scale of its combiner. The designs we start from carry unit-norm combiners for the
 * MSER objective; with them the MSE is far from its minimum over the scale, which GD would spend its
 * iterations recovering. c_i also rotates stream i so that its gain m_ii is real and positive. Returns a
 * new state (only W differs).
 */
export function mmseScaledCombiners(h: Complex, s: HybridState, sys: MserSystem, noiseVar: number): HybridState {
  checkState('mmseScaledCombiners', sys, h, s);
  checkFinite('mmseScaledCombiners', 'noiseVar (σ²)', noiseVar, 0, false);
  const w = C.tidy(() => {
    const m = effectiveMatrix(h, s); // [B, D, D]
    const [b, d] = m.re.shape as [number, number, number];
    const es = symbolEnergy(sys.modulation);
    const diag = { re: tf.sum(tf.mul(m.re, tf.eye(d)), 2), im: tf.sum(tf.mul(m.im, tf.eye(d)), 2) }; // [B, D]
    const rowPower = tf.sum(tf.add(tf.square(m.re), tf.square(m.im)), 2);
    const g2 = tf.reshape(tf.square(combinerNoiseGain(s)), [b, d]);
    const a = tf.maximum(tf.add(tf.mul(rowPower, es), tf.mul(g2, noiseVar)), 1e-30);
    const shape = [b, sys.users, 1, sys.streams];
    const c = { re: tf.reshape(tf.div(tf.mul(diag.re, es), a), shape), im: tf.reshape(tf.div(tf.mul(diag.im, es), a), shape) };
    return C.mul(s.w, c);
  });
  return { thetaF: tf.clone(s.thetaF), v: { re: tf.clone(s.v.re), im: tf.clone(s.v.im) }, thetaU: tf.clone(s.thetaU), w };
}
