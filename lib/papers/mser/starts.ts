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
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { altMinDesign } from './baselines';
import { projectState } from './gd';
import { alignmentInit } from './init';
import { MserSystem } from './system';
import { disposeState, HybridState } from './transceiver';

export type MserStart = 'alignment' | 'mo';
export const MSER_STARTS: readonly MserStart[] = ['alignment', 'mo'];

export function checkStart(fn: string, what: string, s: unknown): asserts s is MserStart {
  if (!MSER_STARTS.includes(s as MserStart)) throw new Error(`${fn}(${what}): one of ${MSER_STARTS.map((x) => `'${x}'`).join(', ')}; got ${String(s)}`);
}

/**
 * The start of channels h [B, K, N_r, N_t] complex, projected: → a state the caller disposes.
 * `noiseVar` (σ²) and `rng` are used by `'mo'` only (the MMSE target and MO's random phases).
 */
export function designStart(h: Complex, sys: MserSystem, opts: { start: MserStart; noiseVar: number; rng: Rng }): HybridState {
  checkStart('designStart', 'opts.start', opts.start);
  const raw = opts.start === 'alignment' ? alignmentInit(h, sys) : altMinDesign(h, sys, opts.noiseVar, opts.rng);
  try {
    return projectState(raw, sys);
  } finally {
    disposeState(raw);
  }
}
