/**
 * Step sizes for the GD baselines and the unfolded network's start (ours: the paper gives no values
 * for μ_P, μ_W, μ_θU, μ_θF; "determined based on experience and experiments", §IV-A). `tuneSteps`
 * searches, on tuning channels apart from the test channels, first one common μ on a log grid and then
 * each block's own μ by factors around it, keeping whatever lowers `score` (e.g. the mean exact SER
 * after T iterations). Every evaluated setting is returned, so the notebook can show the search.
 */
import { checkFinite } from '../../core/validate';
import { GdStepSizes } from './gd';
import { MSER_BLOCKS } from './gradients';

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
