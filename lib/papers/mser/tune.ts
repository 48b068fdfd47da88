/**
 * Step sizes for the GD baselines and the unfolded network's start (ours: the paper gives no values
 * for μ_P, μ_W, μ_θU, μ_θF; "determined based on experience and experiments", §IV-A). `tuneSteps`
 * searches, on tuning channels apart from the test channels, first one common μ on a log grid and then
 * each block's own μ by factors around it, keeping whatever lowers `score` (e.g. the mean exact SER
 * after T iterations). Every evaluated setting is returned, so the notebook can show the search.
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { checkFinite } from '../../core/validate';
import { GdStepSizes, GradientOf } from './gd';
import { blockGradient, MSER_BLOCKS } from './gradients';
import type { KernelWidth } from './kde';
import type { SymbolBlock } from './symbols';
import type { HybridState } from './transceiver';

export interface TuneResult {
  steps: GdStepSizes;
  score: number;
  /** every setting tried, in order, with its score */
  tried: { steps: GdStepSizes; score: number }[];
}

const uniform = (mu: number): GdStepSizes => ({ v: mu, w: mu, thetaU: mu, thetaF: mu });

/**
 * Coordinate search: the best common μ of `grid` (all blocks), then for each block in turn the best of
 * its μ times each of `factors` (the other blocks fixed). Non-finite scores never win.
 */
export async function tuneSteps(score: (steps: GdStepSizes) => Promise<number> | number, opts: { grid: number[]; factors?: number[] }): Promise<TuneResult> {
  const fn = 'tuneSteps';
  if (!Array.isArray(opts.grid) || opts.grid.length === 0) throw new Error(`${fn}(opts.grid): needs at least one step size > 0`);
  opts.grid.forEach((g, i) => checkFinite(fn, `opts.grid[${i}]`, g, 0, false));
  const factors = opts.factors ?? [0.3, 3];
  factors.forEach((f, i) => checkFinite(fn, `opts.factors[${i}]`, f, 0, false));
  const tried: { steps: GdStepSizes; score: number }[] = [];
  const evalAt = async (st: GdStepSizes) => {
    const v = await score(st);
    tried.push({ steps: { ...st }, score: v });
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = uniform(opts.grid[0]);
  let bestScore = await evalAt(best);
  for (const g of opts.grid.slice(1)) {
    const v = await evalAt(uniform(g));
    if (v < bestScore) [best, bestScore] = [uniform(g), v];
  }
  for (const b of MSER_BLOCKS) {
    const base = best[b];
    for (const f of factors) {
      const cand = { ...best, [b]: base * f };
      const v = await evalAt(cand);
      if (v < bestScore) [best, bestScore] = [cand, v];
    }
  }
  return { steps: best, score: bestScore, tried };
}

/**
 * Step sizes by relative move (ours): μ_X = η·rms(X)/rms(g_X) for V and W, and μ_θ = η/rms(g_θ) for the
 * phases (a move of η radians RMS), with the gradients (16)–(21) of every block at `state`, RMS over the
 * whole batch. One η then fits every SNR and start, where a common μ spans five decades between blocks
 * (measured: μ_θF/μ_V ≈ 10⁵ at 15 dB); `tuneSteps` can refine the result per block. `gradient` gives another
 * objective's block gradients (the MMSE GD's). `normalised`: the steps for ./gd `normalisedSteps`, which
 * scales every channel's step itself: μ = η for every block.
 */
export function relativeSteps(h: Complex, state: HybridState, sym: SymbolBlock, opts: { rho: KernelWidth; eta: number; gradient?: GradientOf; normalised?: boolean }): GdStepSizes {
  checkFinite('relativeSteps', 'opts.eta (η)', opts.eta, 0, false);
  const rms = (ts: tf.Tensor[]) => tf.tidy(() => Math.sqrt(ts.reduce((a, t) => a + tf.mean(tf.square(t)).dataSync()[0], 0)));
  const out = {} as GdStepSizes;
  // ./gd `normalisedSteps` scales each channel's step itself: μ = η for every block
  if (opts.normalised) return { v: opts.eta, w: opts.eta, thetaU: opts.eta, thetaF: opts.eta };
  for (const b of MSER_BLOCKS) {
    // another objective's gradients (./mmse) when given, else the MSER ones (16)–(21)
    const g = opts.gradient ? opts.gradient(state, b) : blockGradient(h, state, sym, { rho: opts.rho, block: b, objective: false });
    g.objective?.dispose();
    try {
      const gr = g.block === 'v' || g.block === 'w' ? rms([g.g.re, g.g.im]) : rms([g.g as tf.Tensor]);
      const xr = b === 'v' ? rms([state.v.re, state.v.im]) : b === 'w' ? rms([state.w.re, state.w.im]) : 1;
      out[b] = gr > 0 && Number.isFinite(gr) ? (opts.eta * xr) / gr : 0;
    } finally {
      if (g.block === 'v' || g.block === 'w') tf.dispose([g.g.re, g.g.im]);
      else (g.g as tf.Tensor).dispose();
    }
  }
  return out;
}
