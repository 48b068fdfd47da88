/**
 * The MSER saved run (`data/mser-hybrid-beamforming/<preset>.json`): every result of a preset run and
 * every trained network (`train/checkpoint` @2), in the kit's saved-run format.
 *
 * What a check recomputes (`recomputeResults` and the saved-run test): every network's test SER, ratio,
 * seed and curve from its parameters, and the non-learned schemes' per-channel SERs on the first test
 * channels of every SNR (each channel's design depends on that channel alone, with the run's tuned η), and
 * the studies' (Table II, Figs. 9–11) on their first channels (`recomputeStudyBaselines`); an edited number
 * fails there. Not recomputed (minutes of GD): the remaining channels of the GD schemes, the step tuning
 * scores and the calibration, which are what the run measured.
 */
import { backendInfo } from '../../core/backend';
import { dataFile } from '../../kit/paths';
import { checkpointsByKey, checkpointSchema, readSavedRun, readSavedRunIfPresent, SAVED_RUN_FORMAT, SavedRun, savedRunSchema, writeSavedRun } from '../../kit/savedRun';
import { checkJsonData, Schema } from '../../kit/schema';
import type { Checkpoint } from '../../train/checkpoint';
import type { Progress } from '../../train/progress';
import { mserClaims } from './claims';
import { BaselinePoint, baselinesAt, Calibration, channelSet, disposeChannel, firstChannels, MserScheme, ourSnrDb, SchemeSer } from './experiments';
import { disposeNets, mserNets, MserNets, netKey, netToCheckpoint, PAPER, specOfMeta } from './nets';
import { mserPreset, MserPreset, withChannel } from './presets';
import { mserResults, MserResults } from './results';
import { recomputeStudies, StudyBaselines } from './studies';

export { PAPER };

const SECTIONS: readonly (keyof MserResults)[] = ['fig8', 'perChannel', 'table1', 'seeds', 'trainingGain', 'curves', 'steps', 'timing', 'nets'];

const resultsSchema: Schema<MserResults> = {
  describe: 'the results of an MSER run',
  check: (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${p} must be an object`);
    for (const k of SECTIONS) if (!Array.isArray((v as Record<string, unknown>)[k])) throw new Error(`${p}.${k} must be a list`);
    checkJsonData(v, p, { nulls: true });
    return v as MserResults;
  },
};

export const mserSavedRunSchema = savedRunSchema(PAPER, resultsSchema, checkpointSchema);
export type MserSavedRun = SavedRun<MserResults, Checkpoint>;

export function savedCheckpoints(run: { nets: Checkpoint[] }, where = 'saved run'): Map<string, Checkpoint> {
  return checkpointsByKey(run.nets, (c, w) => netKey(specOfMeta(c.meta as Record<string, unknown>, w)), where);
}

export function savedRunFile(preset: string): string {
  return dataFile(PAPER, preset);
}

export function readMserRun(file: string): MserSavedRun {
  const run = readSavedRun(file, mserSavedRunSchema);
  savedCheckpoints(run, file);
  return run;
}

export function savedRunFor(preset: string): MserSavedRun | undefined {
  const run = readSavedRunIfPresent(savedRunFile(preset), mserSavedRunSchema);
  if (run) savedCheckpoints(run, savedRunFile(preset));
  return run;
}

const NET_SCHEMES: readonly MserScheme[] = ['unfolded', 'cnn-mser', 'cnn-mmse'];

/** The non-learned schemes of a run's results as baseline points (per-channel SERs, η, the stored design times). */
export function baselinesOfResults(r: MserResults, p: MserPreset): BaselinePoint[] {
  const snrs = [...new Set(r.perChannel.map((x) => x.snrDb))].sort((a, b) => a - b);
  return snrs.map((snrDb) => ({
    snrDb, ourSnrDb: ourSnrDb(p, snrDb),
    schemes: r.perChannel.filter((x) => x.snrDb === snrDb && !NET_SCHEMES.includes(x.scheme)).map((x): SchemeSer => {
      const st = r.steps.find((s) => s.snrDb === snrDb && s.scheme === x.scheme);
      return { scheme: x.scheme, ser: Float64Array.from(x.ser), seconds: 0, ...(st ? { eta: st.eta, tuned: st.tuned } : {}) };
    }),
  }));
}

/** The preset of a saved run, with the run's calibrated channel when it has one. */
export function presetOfRun(run: MserSavedRun): MserPreset {
  const base = { ...mserPreset(run.preset), seed: typeof run.seed === 'number' ? run.seed : Number.parseInt(run.seed, 10) };
  const c = run.results.calibration?.chosen;
  return c ? withChannel(base, c) : base;
}

export function toSavedRun(p: MserPreset, seconds: number, r: MserResults, nets: MserNets): MserSavedRun {
  return {
    format: SAVED_RUN_FORMAT, paper: PAPER, preset: p.name, seed: p.seed, backend: backendInfo().name, seconds,
    results: r, nets: [...nets.values()].map((n) => netToCheckpoint(n, p)),
  };
}

export function writeMserRun(file: string, run: MserSavedRun): string {
  savedCheckpoints(run, file);
  return writeSavedRun(file, run, mserSavedRunSchema);
}

/** Every network-derived result of a saved run recomputed from its networks and stored baselines (never training). */
export async function recomputeResults(run: MserSavedRun, opts: { progress?: Progress; preset?: MserPreset } = {}): Promise<MserResults> {
  // `preset`: the run's preset when it is not a named one (tests shrink presets)
  const p = opts.preset ?? presetOfRun(run);
  const nets = await mserNets(p, { saved: savedCheckpoints(run), trainMissing: false, savedFrom: `saved run ${run.preset}`, progress: opts.progress });
  try {
    const r = mserResults(p, baselinesOfResults(run.results, p), nets, run.results.calibration, run.results.studyBaselines ?? null);
    // design and training wall times are what the run measured
    return { ...r, timing: run.results.timing, nets: r.nets.map((n) => ({ ...n, seconds: run.results.nets.find((m) => m.key === n.key)?.seconds ?? n.seconds })) };
  } finally {
    disposeNets(nets);
  }
}

/**
 * The non-learned schemes recomputed on the first `channels` test channels at every SNR with the run's
 * tuned η: → per SNR and scheme, the recomputed and the stored per-channel SERs.
 */
export async function recomputeBaselines(run: MserSavedRun, channels: number, opts: { progress?: Progress } = {}): Promise<{ snrDb: number; scheme: MserScheme; recomputed: number[]; stored: number[] }[]> {
  const p = presetOfRun(run);
  const all = channelSet(p, 'test', p.testChannels);
  let some: ReturnType<typeof firstChannels>;
  try {
    some = firstChannels(all, channels);
  } finally {
    disposeChannel(all);
  }
  const out: { snrDb: number; scheme: MserScheme; recomputed: number[]; stored: number[] }[] = [];
  try {
    for (const b of baselinesOfResults(run.results, p)) {
      const eta = (s: MserScheme) => b.schemes.find((x) => x.scheme === s)?.eta;
      const mser = eta('mser-gd'), mmse = eta('mmse-gd');
      if (mser === undefined || mmse === undefined) throw new Error(`saved run ${run.preset}: no tuned η of MSER GD and MMSE GD at ${b.snrDb} dB`);
      const r = await baselinesAt(p, b.snrDb, { channels: some, tuned: { mser, mmse }, progress: opts.progress });
      for (const s of b.schemes) {
        const q = r.schemes.find((x) => x.scheme === s.scheme);
        if (q) out.push({ snrDb: b.snrDb, scheme: s.scheme, recomputed: Array.from(q.ser), stored: Array.from(s.ser.slice(0, channels)) });
      }
    }
    return out;
  } finally {
    disposeChannel(some);
  }
}

/**
 * The studies' stored non-learned schemes (./studies: Tables II and Figs. 9–11) recomputed on the first
 * `channels` test channels with the run's stored η: → per part and scheme, the recomputed and stored SERs.
 */
export async function recomputeStudyBaselines(run: MserSavedRun, channels: number, opts: { progress?: Progress } = {}): Promise<{ part: string; scheme: MserScheme; recomputed: number[]; stored: number[] }[]> {
  const sb = run.results.studyBaselines;
  if (!sb) throw new Error(`saved run ${run.preset}: has no studies (Tables II–III, Figs. 9–11)`);
  return recomputeStudies(presetOfRun(run), sb, channels, opts);
}

/** tools/mserRun.ts merge: networks, baselines and calibration together → the saved run. */
export async function mergeRun(p: MserPreset, parts: { saved: Map<string, Checkpoint>; baselines: BaselinePoint[]; calibration: Calibration | null; studies?: StudyBaselines | null; seconds: number }, from: string[]): Promise<string> {
  const t0 = Date.now();
  const nets = await mserNets(p, { saved: parts.saved, trainMissing: false, savedFrom: from.join(', ') });
  try {
    const results = mserResults(p, parts.baselines, nets, parts.calibration, parts.studies ?? null);
    const seconds = parts.seconds + (Date.now() - t0) / 1000;
    const file = writeMserRun(savedRunFile(p.name), toSavedRun(p, seconds, results, nets));
    console.log(`wrote ${file}: ${nets.size} networks, ${(seconds / 60).toFixed(1)} min in all (summed over processes)`);
    for (const c of mserClaims(results, { headlineSnrDb: p.headlineSnrDb })) console.log(`${c.holds ? 'holds ' : 'FAILS '} ${c.id}: ${c.measured}`);
    return file;
  } finally {
    disposeNets(nets);
  }
}
