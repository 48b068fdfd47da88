/**
 * The notebook's runs, fresh or from a saved run: the calibration (N_C and δ), then the non-learned
 * schemes at every SNR of the preset. With a saved run nothing is recomputed here (its test recomputes).
 */
import type { Progress } from '../../train/progress';
import { BaselinePoint, baselinesAt, Calibration, calibrateChannel } from './experiments';
import { MserPreset, withChannel } from './presets';
import { baselinesOfResults, MserSavedRun } from './saved';

/** The calibration of `p` (run now, or the saved run's) and the preset with its chosen channel. */
export async function calibrated(p: MserPreset, opts: { saved?: MserSavedRun; progress?: Progress } = {}): Promise<{ calibration: Calibration; preset: MserPreset }> {
  const stored = opts.saved?.results.calibration;
  const calibration = stored ?? (await calibrateChannel(p, { progress: opts.progress }));
  return { calibration, preset: withChannel(p, calibration.chosen) };
}

/** The non-learned schemes at every SNR of `p.snrDb` (run now, or the saved run's). */
export async function baselinesFor(p: MserPreset, opts: { saved?: MserSavedRun; progress?: Progress } = {}): Promise<BaselinePoint[]> {
  if (opts.saved) return baselinesOfResults(opts.saved.results, p);
  const out: BaselinePoint[] = [];
  for (const s of p.snrDb) out.push(await baselinesAt(p, s, { progress: opts.progress }));
  return out;
}
