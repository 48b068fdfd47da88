/**
 * The notebook's runs, fresh or from a saved run: the calibration (N_C and δ), then the non-learned
 * schemes at every SNR of the preset. With a saved run nothing is recomputed here (its test recomputes).
 */
import type { Progress } from '../../train/progress';
import { BaselinePoint, baselinesAt, Calibration, calibrateChannel } from './experiments';
import { MserPreset, withChannel } from './presets';
import { baselinesOfResults, MserSavedRun, presetOfRun } from './saved';
import { StudyBaselines, studyBaselines } from './studies';

/**
 * The calibration of `p` (run now, or the saved run's) and the preset with its chosen channel. With a
 * saved run the preset is the run's own (its seed included: its stored baselines and networks are paired
 * on its test channels), whatever `p` says; `seedNote` says so when the seeds differ.
 */
export async function calibrated(p: MserPreset, opts: { saved?: MserSavedRun; progress?: Progress } = {}): Promise<{ calibration: Calibration; preset: MserPreset; seedNote?: string }> {
  if (opts.saved) {
    const stored = opts.saved.results.calibration;
    if (!stored) throw new Error(`saved run ${opts.saved.preset}: has no calibration`);
    const preset = presetOfRun(opts.saved);
    const seedNote = preset.seed !== p.seed ? `the saved run was made with seed ${preset.seed}; its channels and networks are used (seed ${p.seed} is ignored with useSaved)` : undefined;
    return { calibration: stored, preset, seedNote };
  }
  const calibration = await calibrateChannel(p, { progress: opts.progress });
  return { calibration, preset: withChannel(p, calibration.chosen) };
}

/** The non-learned schemes at every SNR of `p.snrDb` (run now, or the saved run's). */
export async function baselinesFor(p: MserPreset, opts: { saved?: MserSavedRun; progress?: Progress } = {}): Promise<BaselinePoint[]> {
  if (opts.saved) return baselinesOfResults(opts.saved.results, p);
  const out: BaselinePoint[] = [];
  for (const s of p.snrDb) out.push(await baselinesAt(p, s, { progress: opts.progress }));
  return out;
}

/** Tables II–III and Figs. 9–10's non-learned schemes (run now, or the saved run's; null when the saved run has none). */
export async function studyBaselinesFor(p: MserPreset, opts: { saved?: MserSavedRun; progress?: Progress } = {}): Promise<StudyBaselines | null> {
  if (opts.saved) return opts.saved.results.studyBaselines ?? null;
  return studyBaselines(p, { progress: opts.progress });
}
