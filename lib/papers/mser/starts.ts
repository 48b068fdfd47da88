/**
 * Where Algorithm 1 and the unfolded network start (ours; the paper starts GD from 50 random points and
 * the network from a "channel alignment" design, [6], without details).
 *
 * - `'alignment'`: ./init's channel alignment (thin SVD of every H_k).
 * - `'mo'`: the hybrid MMSE design, MO-AltMin (Yu et al.) approximating the fully digital sum-MSE
 *   transceiver (./baselines), i.e. the MO baseline itself. Measured here (paper system, two clusters):
 *   MSER GD from the alignment start stalls above the MO baseline's SER, while from the MO design it
 *   lowers it at every SNR, so the MSER designs refine the MMSE one — the paper's comparison, made
 *   directly.
 *
 * Both are then projected (26) with unit combiner columns (./gd `projectState`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { altMinDesign } from './baselines';
import { projectState } from './gd';
import { alignmentInit } from './init';
import { MserSystem } from './system';
import { disposeState, HybridState } from './transceiver';
import { checkFinite } from '../../core/validate';

export type MserStart = 'alignment' | 'mo';
export const MSER_STARTS: readonly MserStart[] = ['alignment', 'mo'];

export function checkStart(fn: string, what: string, s: unknown): asserts s is MserStart {
  if (!MSER_STARTS.includes(s as MserStart)) throw new Error(`${fn}(${what}): one of ${MSER_STARTS.map((x) => `'${x}'`).join(', ')}; got ${String(s)}`);
}

/** The states' channels one after the other [ΣB, …] (new tensors). */
export function concatStates(states: readonly HybridState[]): HybridState {
  const c = (f: (s: HybridState) => tf.Tensor) => tf.concat(states.map(f), 0);
  return { thetaF: c((s) => s.thetaF), v: { re: c((s) => s.v.re), im: c((s) => s.v.im) }, thetaU: c((s) => s.thetaU), w: { re: c((s) => s.w.re), im: c((s) => s.w.im) } };
}

/**
 * The start of channels h [B, K, N_r, N_t] complex, projected: → a state the caller disposes.
 * `noiseVar` (σ²) and `rng` are used by `'mo'` only (the MMSE target and MO's random phases): channel i
 * draws from `rng.fork('ch<i>')`, so the start of a channel does not depend on the others in the batch
 * (the first n channels of a set get the same starts alone as in the whole set).
 */
export function designStart(h: Complex, sys: MserSystem, opts: { start: MserStart; noiseVar: number; rng: Rng }): HybridState {
  checkStart('designStart', 'opts.start', opts.start);
  const hs = h?.re?.shape ?? [];
  const want = [hs[0], sys.users, sys.rxAntennas, sys.txAntennas];
  if (hs.length !== 4 || want.some((d, i) => d !== hs[i]) || !h.im || h.im.shape.join() !== hs.join()) {
    throw new Error(`designStart(h): needs [B, K = ${sys.users}, N_r = ${sys.rxAntennas}, N_t = ${sys.txAntennas}] complex; got [${hs.join(', ')}]`);
  }
  if (opts.start === 'mo') checkFinite('designStart', 'opts.noiseVar (σ²)', opts.noiseVar, 0, false);
  const raw = opts.start === 'alignment' ? alignmentInit(h, sys) : moPerChannel(h, sys, opts.noiseVar, opts.rng);
  try {
    return projectState(raw, sys);
  } finally {
    disposeState(raw);
  }
}

function moPerChannel(h: Complex, sys: MserSystem, noiseVar: number, rng: Rng): HybridState {
  const B = h.re.shape[0] as number;
  const parts: HybridState[] = [];
  try {
    for (let i = 0; i < B; i++) {
      const hi = { re: tf.slice(h.re, [i], [1]), im: tf.slice(h.im, [i], [1]) };
      try {
        parts.push(altMinDesign(hi, sys, noiseVar, rng.fork(`ch${i}`)));
      } finally {
        tf.dispose([hi.re, hi.im]);
      }
    }
    return concatStates(parts);
  } finally {
    parts.forEach(disposeState);
  }
}
