/**
 * Tables II–III and Figs. 9–10 of the MSER paper (§VI-B), all at one SNR (the paper: 20 dB; ours + δ):
 *   Table II: other systems (K, R_r): MSER hybrid GD against the unfolded network of that system;
 *   Table III: the unfolded network trained on fewer or more channels;
 *   Fig. 9: imperfect CSI H = H̄ + σ_h Δ (phy/channels csiError): every design made on H̄, its SER on H;
 *   Fig. 10: transfer to i.i.d. Rayleigh channels (the paper's "Gaussian channel model"): the mmWave
 *   network as it is, and retrained with its first layers fixed, against GD on the Rayleigh channels;
 *   Fig. 11 / Table VI: the preset system with 16-QAM (the objective (47)–(48)) at `studies.qamSnrDb`.
 * The paper's CNN columns are not repeated here: our CNN does not beat guessing in the reproduce budget
 * (Fig. 8), so its ratios would say nothing. `studyBaselines` computes the non-learned schemes (stored in a
 * saved run); `studyResults` adds the networks (recomputed from their parameters).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/random';
import { MeanSe, meanSe, pairedDiff, pairedRatio, RatioSe } from '../../kit/stats';
import { imperfectCsi } from '../../phy/channels';
import { Progress, silentProgress } from '../../train/progress';
import { exactSer } from './evaluate';
import type { ClusteredChannel } from '../../phy/channels';
import { BaselinePoint, baselinesAt, channelSet, disposeChannel, firstChannels, MserScheme, ourSnrDb, runMmseGd, runMserGd, TestSerOf, testSerMemo, tuneEta } from './experiments';
import { GdStepSizes } from './gd';
import { baseConfig, MserNets, MserTrainedNet, netKey } from './nets';
import { PAPER_TABLE2, PAPER_TABLE3, PAPER_TABLE6 } from './paperTables';
import { checkPreset, MserPreset, qamSystem, studySystem } from './presets';
import { designStart } from './starts';
import { disposeSymbols, sampleSymbols } from './symbols';
import { MserSystem, noiseVarOf, totalStreams } from './system';
import { unfoldedDesign } from './training';
import { disposeState, HybridState } from './transceiver';
import type { UnfoldedNet } from './unfolded';

/** Per-channel SERs of one scheme. */
export interface StudySer {
  scheme: MserScheme;
  ser: number[];
  eta?: number;
}

/** The non-learned schemes of the studies (what a saved run stores). */
export interface StudyBaselines {
  snrDb: number;
  /** Table II: Fig. 8's non-learned schemes for every (K, R_r) */
  table2: { users: number; rxRf: number; streams: number; schemes: StudySer[] }[];
  /** Fig. 9: MO, MMSE GD, MSER GD (MO start) designed on H̄, SER on H, per σ_h² */
  fig9: { csiErrorVar: number; schemes: StudySer[] }[];
  /** Fig. 10: the same schemes on Rayleigh channels at `studies.transfer.snrDb` (perfect CSI, η tuned on Rayleigh tuning channels) */
  fig10: { snrDb?: number; schemes: StudySer[] };
  /** Fig. 11: Fig. 8's non-learned schemes with 16-QAM, per SNR (paper's dB) */
  fig11?: { snrDb: number; schemes: StudySer[] }[];
}

export type StudyPart = 'table2' | 'fig9' | 'fig10' | 'fig11';
export const STUDY_PARTS: readonly StudyPart[] = ['table2', 'fig9', 'fig10', 'fig11'];

const step = (eta: number): GdStepSizes => ({ v: eta, w: eta, thetaU: eta, thetaF: eta });

/**
 * MO, MMSE GD and MSER GD from the MO design of `design` channels, their SER on `truth`, with the given
 * relative steps η (./gd normalisedSteps). The draws (MO's phases, GD's symbols) are `baselinesAt`'s at this
 * SNR, so with design = truth these are Fig. 8's (and Table II's) numbers for the same channels (tested).
 */
async function gdSchemes(p: MserPreset, snrDb: number, design: { re: tf.Tensor; im: tf.Tensor }, truth: { re: tf.Tensor; im: tf.Tensor }, eta: { mser: number; mmse: number }, progress: Progress, label: string): Promise<StudySer[]> {
  const sys = p.sys, nv = noiseVarOf(sys, ourSnrDb(p, snrDb));
  const rng = new Rng(p.seed).fork(`baselines/${snrDb}`);
  const mo = designStart(design, sys, { start: 'mo', noiseVar: nv, rng: rng.fork('test/mo') });
  let sym: ReturnType<typeof sampleSymbols> | undefined;
  try {
    sym = sampleSymbols(rng.fork('symbols'), { streams: totalStreams(sys), count: p.gd.symbols, modulation: sys.modulation });
    const base = { noiseVar: nv, iterations: p.gd.iterations, recordEvery: p.gd.recordEvery, progress, evalH: truth };
    return [
      { scheme: 'mo', ser: Array.from(exactSer(truth, mo, sys, nv)) },
      { scheme: 'mmse-gd', eta: eta.mmse, ser: Array.from(await runMmseGd(design, mo, sys, { ...base, iterations: p.mmseGd.iterations, steps: step(eta.mmse), phase: `MMSE GD (${label})` })) },
      { scheme: 'mser-gd-r1', eta: eta.mser, ser: Array.from(await runMserGd(design, mo, sym, sys, { ...base, steps: step(eta.mser), phase: `MSER GD (${label})` })) },
    ];
  } finally {
    disposeState(mo);
    if (sym) disposeSymbols(sym);
  }
}

const serOfPoint = (b: BaselinePoint): StudySer[] => b.schemes.map((s) => ({ scheme: s.scheme, ser: Array.from(s.ser), ...(s.eta !== undefined ? { eta: s.eta } : {}) }));

/**
 * The non-learned schemes of Tables II–III and Figs. 9–11 (minutes of GD at reproduce). `parts`: only these
 * (worker processes split them; `mergeStudyBaselines` joins them), the others left empty.
 */
export async function studyBaselines(p: MserPreset, opts: { progress?: Progress; parts?: readonly StudyPart[] } = {}): Promise<StudyBaselines> {
  checkPreset('studyBaselines', p);
  const parts = opts.parts ?? STUDY_PARTS;
  parts.forEach((x, i) => { if (!STUDY_PARTS.includes(x)) throw new Error(`studyBaselines(opts.parts[${i}]): one of ${STUDY_PARTS.join(', ')}; got ${String(x)}`); });
  const want = (x: StudyPart) => parts.includes(x);
  const progress = opts.progress ?? silentProgress;
  const st = p.studies, snrDb = st.snrDb;
  const rng = new Rng(p.seed).fork(`studies/${snrDb}`);
  const table2: StudyBaselines['table2'] = [];
  const fig11: NonNullable<StudyBaselines['fig11']> = [];
  if (want('fig11')) {
    for (const s of st.qamSnrDb) fig11.push({ snrDb: s, schemes: serOfPoint(await baselinesAt(p, s, { sys: qamSystem(p.sys), progress })) });
  }
  if (want('table2')) for (const c of st.configs) {
    const sys = studySystem(p.sys, c);
    const b = await baselinesAt(p, snrDb, { sys, progress });
    table2.push({ users: sys.users, rxRf: sys.rxRf, streams: sys.streams, schemes: serOfPoint(b) });
  }
  // Fig. 9: η of the preset system's Table II row when it has one, else tuned now
  const base = baseConfig(p);
  const baseRow = base && table2.find((r) => r.users === base.users && r.rxRf === base.rxRf);
  const fig9: StudyBaselines['fig9'] = [];
  const fig10 = async () => (want('fig10') ? { snrDb: st.transfer.snrDb, schemes: await fig10Schemes(p, progress) } : { schemes: [] });
  if (!want('fig9')) return { snrDb, table2, fig9, fig10: await fig10(), fig11 };
  let eta: { mser: number; mmse: number };
  if (baseRow) {
    eta = { mser: baseRow.schemes.find((s) => s.scheme === 'mser-gd')?.eta as number, mmse: baseRow.schemes.find((s) => s.scheme === 'mmse-gd')?.eta as number };
  } else {
    const b = await baselinesAt(p, snrDb, { progress });
    eta = { mser: b.schemes.find((s) => s.scheme === 'mser-gd')?.eta as number, mmse: b.schemes.find((s) => s.scheme === 'mmse-gd')?.eta as number };
  }
  const test = channelSet(p, 'test', p.testChannels);
  try {
    for (const v of st.csiErrorVar) {
      const csi = imperfectCsi(rng.fork(`csi/${v}`), test.h, Math.sqrt(v));
      try {
        fig9.push({ csiErrorVar: v, schemes: await gdSchemes(p, snrDb, csi.hEst, csi.hTrue, eta, progress, `σ_h² = ${v}`) });
      } finally {
        tf.dispose([csi.hEst.re, csi.hEst.im, csi.hTrue.re, csi.hTrue.im]);
      }
    }
  } finally {
    disposeChannel(test);
  }
  return { snrDb, table2, fig9, fig10: await fig10(), fig11 };
}

/** Fig. 10: η tuned on Rayleigh tuning channels (MO start), then the GD schemes on the Rayleigh test channels. */
async function fig10Schemes(p: MserPreset, progress: Progress): Promise<StudySer[]> {
  const snrDb = p.studies.transfer.snrDb, nv = noiseVarOf(p.sys, ourSnrDb(p, snrDb));
  const rng = new Rng(p.seed).fork(`studies/${snrDb}`);
  const rt = channelSet(p, 'test', p.testChannels, { kind: 'rayleigh' });
  const tune = channelSet(p, 'tune', p.tuneChannels, { kind: 'rayleigh' });
  try {
    const tuneMo = designStart(tune.h, p.sys, { start: 'mo', noiseVar: nv, rng: rng.fork('rayleigh-tune') });
    const sym = sampleSymbols(rng.fork('rayleigh-symbols'), { streams: totalStreams(p.sys), count: p.gd.symbols, modulation: p.sys.modulation });
    let rEta: { mser: number; mmse: number };
    try {
      const gd = { noiseVar: nv, iterations: p.gd.iterations, recordEvery: p.gd.recordEvery, progress };
      const mser = await tuneEta(p.gd.etaGrid, (e) => runMserGd(tune.h, tuneMo, sym, p.sys, { ...gd, steps: step(e), phase: `tune MSER GD η=${e} (Rayleigh)` }));
      const mmse = await tuneEta(p.mmseGd.etaGrid, (e) => runMmseGd(tune.h, tuneMo, p.sys, { ...gd, iterations: p.mmseGd.iterations, steps: step(e), phase: `tune MMSE GD η=${e} (Rayleigh)` }));
      rEta = { mser: mser.eta, mmse: mmse.eta };
    } finally {
      disposeState(tuneMo);
      disposeSymbols(sym);
    }
    return await gdSchemes(p, snrDb, rt.h, rt.h, rEta, progress, 'Rayleigh');
  } finally {
    disposeChannel(rt);
    disposeChannel(tune);
  }
}

/** The first `n` channels of a set (new tensors). */
function firstOf(h: { re: tf.Tensor; im: tf.Tensor }, n: number): { re: tf.Tensor; im: tf.Tensor } {
  return { re: tf.slice(h.re, [0], [n]), im: tf.slice(h.im, [0], [n]) };
}

/**
 * The stored non-learned schemes of every part recomputed on the first `channels` test channels with the stored
 * η (each channel's design depends on that channel alone): Table II and Fig. 11 by `baselinesAt`, Fig. 9 on the
 * same CSI draw, Fig. 10 on the same Rayleigh channels. → per part and scheme, the recomputed and stored SERs.
 */
export async function recomputeStudies(p: MserPreset, sb: StudyBaselines, channels: number, opts: { progress?: Progress } = {}): Promise<{ part: string; scheme: MserScheme; recomputed: number[]; stored: number[] }[]> {
  checkStudyBaselines('recomputeStudies', p, sb);
  const out: { part: string; scheme: MserScheme; recomputed: number[]; stored: number[] }[] = [];
  const etaOf = (xs: StudySer[], s: MserScheme, where: string) => {
    const e = xs.find((x) => x.scheme === s)?.eta;
    if (e === undefined) throw new Error(`recomputeStudies(${where}): no stored η of ${s}`);
    return e;
  };
  const compare = (part: string, stored: StudySer[], got: { scheme: MserScheme; ser: ArrayLike<number> }[]) => {
    for (const s of stored) {
      const q = got.find((x) => x.scheme === s.scheme);
      if (q) out.push({ part, scheme: s.scheme, recomputed: Array.from(q.ser), stored: s.ser.slice(0, channels) });
    }
  };
  const points: { part: string; sys: MserSystem; snrDb: number; schemes: StudySer[] }[] = [
    ...sb.table2.map((r) => ({ part: `Table II (${r.users}, ${r.rxRf})`, sys: studySystem(p.sys, r), snrDb: sb.snrDb, schemes: r.schemes })),
    ...(sb.fig11 ?? []).map((r) => ({ part: `Fig. 11 (${r.snrDb} dB)`, sys: qamSystem(p.sys), snrDb: r.snrDb, schemes: r.schemes })),
  ];
  for (const pt of points) {
    const all = channelSet(p, 'test', p.testChannels, { sys: pt.sys });
    let some: ClusteredChannel;
    try {
      some = firstChannels(all, channels);
    } finally {
      disposeChannel(all);
    }
    try {
      const r = await baselinesAt(p, pt.snrDb, { sys: pt.sys, channels: some, tuned: { mser: etaOf(pt.schemes, 'mser-gd', pt.part), mmse: etaOf(pt.schemes, 'mmse-gd', pt.part) }, progress: opts.progress });
      compare(pt.part, pt.schemes, r.schemes);
    } finally {
      disposeChannel(some);
    }
  }
  const test = channelSet(p, 'test', p.testChannels);
  try {
    for (const x of sb.fig9) {
      const csi = imperfectCsi(new Rng(p.seed).fork(`studies/${sb.snrDb}`).fork(`csi/${x.csiErrorVar}`), test.h, Math.sqrt(x.csiErrorVar));
      const est = firstOf(csi.hEst, channels), tru = firstOf(csi.hTrue, channels);
      tf.dispose([csi.hEst.re, csi.hEst.im, csi.hTrue.re, csi.hTrue.im]);
      try {
        const eta = { mser: etaOf(x.schemes, 'mser-gd-r1', 'fig9'), mmse: etaOf(x.schemes, 'mmse-gd', 'fig9') };
        compare(`Fig. 9 (σ_h² = ${x.csiErrorVar})`, x.schemes, await gdSchemes(p, sb.snrDb, est, tru, eta, opts.progress ?? silentProgress, 'recompute'));
      } finally {
        tf.dispose([est.re, est.im, tru.re, tru.im]);
      }
    }
  } finally {
    disposeChannel(test);
  }
  if (sb.fig10.schemes.length) {
    const rt = channelSet(p, 'test', p.testChannels, { kind: 'rayleigh' });
    const h = firstOf(rt.h, channels);
    disposeChannel(rt);
    try {
      const eta = { mser: etaOf(sb.fig10.schemes, 'mser-gd-r1', 'fig10'), mmse: etaOf(sb.fig10.schemes, 'mmse-gd', 'fig10') };
      compare('Fig. 10 (Rayleigh)', sb.fig10.schemes, await gdSchemes(p, p.studies.transfer.snrDb, h, h, eta, opts.progress ?? silentProgress, 'recompute'));
    } finally {
      tf.dispose([h.re, h.im]);
    }
  }
  return out;
}

/** Two workers' parts of the studies' baselines joined (a part computed in both is an error naming `where`). */
export function mergeStudyBaselines(a: StudyBaselines, b: StudyBaselines, where: string): StudyBaselines {
  if (a.snrDb !== b.snrDb) throw new Error(`${where}: the studies ran at ${b.snrDb} dB, an earlier file at ${a.snrDb} dB`);
  const one = <T>(name: string, x: T[], y: T[]): T[] => {
    if (x.length && y.length) throw new Error(`${where}: the studies' ${name} is also in an earlier file`);
    return x.length ? x : y;
  };
  return {
    snrDb: a.snrDb, table2: one('table2', a.table2, b.table2), fig9: one('fig9', a.fig9, b.fig9),
    fig10: one('fig10', a.fig10.schemes.length ? [a.fig10] : [], b.fig10.schemes.length ? [b.fig10] : [])[0] ?? { schemes: [] }, fig11: one('fig11', a.fig11 ?? [], b.fig11 ?? []),
  };
}

export interface StudyRow {
  label: string;
  ser: MeanSe;
}

export interface StudyResults {
  snrDb: number;
  /** Table II: per (K, R_r): GD, MMSE GD and the unfolded network, SER_GD/SER_unfolded, the paper's beside */
  table2: { users: number; rxRf: number; streams: number; gd: MeanSe; mmseGd: MeanSe | null; unfolded: MeanSe | null; ratio: RatioSe | null; paperGd?: number; paperRatio?: number }[];
  /** Table III: SER_GD/SER_unfolded per training-channel count (the preset system), the paper's beside */
  table3: { trainChannels: number; unfolded: MeanSe; ratio: RatioSe | null; paperRatio?: number }[];
  /** Table III: SER(fewest channels) − SER(most channels), paired over the test channels (> 0: more data helps) */
  table3Gain: MeanSe | null;
  /** Fig. 9: mean SER on the true channels per σ_h² and scheme (the unfolded network designs on H̄ too) */
  fig9: { csiErrorVar: number; scheme: string; ser: MeanSe }[];
  /** Fig. 9's paired gaps per σ_h²: SER_MSER-GD − SER_unfolded and SER_MMSE-GD − SER_MSER-GD (> 0: the second is better) */
  fig9Gaps: { csiErrorVar: number; gdMinusUnfolded: MeanSe | null; mmseMinusMser: MeanSe | null }[];
  /** Fig. 10 on Rayleigh channels at `fig10SnrDb`: GD schemes, the mmWave network as it is and retrained (first layers fixed) */
  fig10: { scheme: string; ser: MeanSe }[];
  fig10SnrDb: number;
  /** the transferred network against the mmWave network it starts from, on the Rayleigh test channels (paired) */
  transferGain: MeanSe | null;
  /** Fig. 11 (16-QAM): mean SER per SNR and scheme, the unfolded network included */
  fig11: { snrDb: number; scheme: MserScheme; ser: MeanSe }[];
  /** Table VI (16-QAM) per SNR: GD, the unfolded network, SER_GD/SER_unfolded, SER_MMSE-GD − SER_MSER-GD (paired, from the MO start), the paper's at 25 dB */
  table6: { snrDb: number; gd: MeanSe; unfolded: MeanSe | null; ratio: RatioSe | null; mmseMinusMser: MeanSe | null; paperGd?: number; paperUnfolded?: number }[];
}

/** SER_a/SER_b paired over the same channels; null only when a network or scheme is absent (a length mismatch throws). */
const ratioOf = (a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): RatioSe | null => (a && b ? pairedRatio(a, b) : null);

/** Throws unless the stored baselines `sb` belong to preset `p` (SNR, configurations, σ_h², 16-QAM SNRs, channel counts). */
export function checkStudyBaselines(fn: string, p: MserPreset, sb: StudyBaselines): void {
  if (sb === null || typeof sb !== 'object') throw new Error(`${fn}(studyBaselines): needs { snrDb, table2, fig9, fig10, fig11? }`);
  const st = p.studies, n = p.testChannels;
  if (sb.snrDb !== st.snrDb) throw new Error(`${fn}(studyBaselines.snrDb): the preset's studies run at ${st.snrDb} dB; got ${sb.snrDb}`);
  const lengths = (where: string, xs: StudySer[]) => xs.forEach((x, i) => { if (!Array.isArray(x.ser) || x.ser.length !== n) throw new Error(`${fn}(studyBaselines.${where}[${i}] ${x.scheme}): needs ${n} per-channel SERs (the preset's test channels); got ${Array.isArray(x.ser) ? x.ser.length : typeof x.ser}`); });
  if (sb.table2.length) {
    const want = st.configs.map((c) => `${c.users},${c.rxRf}`).join(' '), got = sb.table2.map((r) => `${r.users},${r.rxRf}`).join(' ');
    if (want !== got) throw new Error(`${fn}(studyBaselines.table2): the preset's (K, R_r) are ${want}; got ${got}`);
  }
  sb.table2.forEach((r) => lengths(`table2 (${r.users}, ${r.rxRf}).schemes`, r.schemes));
  if (sb.fig9.length && sb.fig9.map((x) => x.csiErrorVar).join() !== st.csiErrorVar.join()) throw new Error(`${fn}(studyBaselines.fig9): the preset's σ_h² are ${st.csiErrorVar.join(', ')}; got ${sb.fig9.map((x) => x.csiErrorVar).join(', ')}`);
  sb.fig9.forEach((x) => lengths(`fig9 (σ_h² = ${x.csiErrorVar}).schemes`, x.schemes));
  lengths('fig10.schemes', sb.fig10?.schemes ?? []);
  if (sb.fig10?.schemes.length && sb.fig10.snrDb !== st.transfer.snrDb) throw new Error(`${fn}(studyBaselines.fig10.snrDb): the preset's Fig. 10 runs at ${st.transfer.snrDb} dB; got ${sb.fig10.snrDb}`);
  const q = sb.fig11 ?? [];
  if (q.length && q.map((x) => x.snrDb).join() !== st.qamSnrDb.join()) throw new Error(`${fn}(studyBaselines.fig11): the preset's 16-QAM SNRs are ${st.qamSnrDb.join(', ')}; got ${q.map((x) => x.snrDb).join(', ')}`);
  q.forEach((x) => lengths(`fig11 (${x.snrDb} dB).schemes`, x.schemes));
}

/**
 * The unfolded network's design on `design` channels (its MO starts there), SER on `truth`; the draws are
 * `unfoldedTestSer`'s, so with design = truth = the test channels this is its Table I / Table II number (tested).
 */
function unfoldedSerOn(p: MserPreset, net: UnfoldedNet, snrDb: number, design: { re: tf.Tensor; im: tf.Tensor }, truth: { re: tf.Tensor; im: tf.Tensor }, given?: HybridState): number[] {
  const sys = net.config.sys, nv = noiseVarOf(sys, ourSnrDb(p, snrDb));
  const rng = new Rng(p.seed).fork(`unfolded-test/${snrDb}`);
  const init: HybridState = given ?? designStart(design, sys, { start: p.unfolded.start, noiseVar: nv, rng: rng.fork('starts') });
  try {
    const d = unfoldedDesign(net, design, { rng: rng.fork('symbols'), count: p.unfolded.train.symbols }, { init });
    try {
      return Array.from(exactSer(truth, d, sys, nv));
    } finally {
      disposeState(d);
    }
  } finally {
    if (!given) disposeState(init);
  }
}

const unfoldedOf = (n: MserTrainedNet | undefined): UnfoldedNet | undefined => (n && 'unfolded' in n.net ? n.net.unfolded : undefined);

/** Tables II–III and Figs. 9–10 from the stored non-learned schemes and the networks (inference only). */
export function studyResults(p: MserPreset, sb: StudyBaselines, nets: MserNets, testSer: TestSerOf = testSerMemo(p)): StudyResults {
  checkStudyBaselines('studyResults', p, sb);
  const st = p.studies, snrDb = sb.snrDb;
  const ser = (xs: StudySer[], s: MserScheme) => xs.find((x) => x.scheme === s)?.ser;
  const table2: StudyResults['table2'] = sb.table2.map((r) => {
    const n = unfoldedOf(nets.get(netKey({ kind: 'config', snrDb, config: { users: r.users, rxRf: r.rxRf } })));
    const u = n ? testSer(n, snrDb).ser : undefined;
    const gd = ser(r.schemes, 'mser-gd') as number[];
    const mm = ser(r.schemes, 'mmse-gd');
    const paper = PAPER_TABLE2.find((x) => x.users === r.users && x.rxRf === r.rxRf);
    return { users: r.users, rxRf: r.rxRf, streams: r.streams, gd: meanSe(gd), mmseGd: mm ? meanSe(mm) : null, unfolded: u ? meanSe(u) : null, ratio: ratioOf(gd, u), ...(paper && snrDb === 20 ? { paperGd: paper.gd, paperRatio: paper.unfoldedRatio } : {}) };
  });
  const base = baseConfig(p);
  const baseRow = base && sb.table2.find((r) => r.users === base.users && r.rxRf === base.rxRf);
  const gdBase = baseRow ? ser(baseRow.schemes, 'mser-gd') : undefined;
  const table3: StudyResults['table3'] = [];
  const t3ser: { count: number; u: Float64Array }[] = [];
  for (const count of st.trainChannels) {
    const key = base && count === p.trainChannels ? netKey({ kind: 'config', snrDb, config: base }) : netKey({ kind: 'samples', snrDb, variant: { trainChannels: count } });
    const n = unfoldedOf(nets.get(key));
    if (!n) continue;
    const u = testSer(n, snrDb).ser;
    t3ser.push({ count, u });
    const paper = PAPER_TABLE3.unfolded.find((x) => x.samples === count);
    table3.push({ trainChannels: count, unfolded: meanSe(u), ratio: ratioOf(gdBase, u), ...(paper && snrDb === 20 ? { paperRatio: paper.ratio } : {}) });
  }
  t3ser.sort((a, b) => a.count - b.count);
  const table3Gain = t3ser.length >= 2 ? pairedDiff(t3ser[0].u, t3ser[t3ser.length - 1].u) : null;
  const label = (s: MserScheme) => (s === 'mser-gd-r1' ? 'MSER hybrid GD (MO start)' : s === 'mmse-gd' ? 'MMSE hybrid GD' : s === 'mo' ? 'MO-AltMin' : s);
  const baseNet = base ? unfoldedOf(nets.get(netKey({ kind: 'config', snrDb, config: base }))) : undefined;
  const fig9: StudyResults['fig9'] = [];
  const fig9Gaps: StudyResults['fig9Gaps'] = [];
  const test = channelSet(p, 'test', p.testChannels);
  try {
    for (const pt of sb.fig9) {
      for (const s of pt.schemes) fig9.push({ csiErrorVar: pt.csiErrorVar, scheme: label(s.scheme), ser: meanSe(s.ser) });
      const gd = ser(pt.schemes, 'mser-gd-r1'), mm = ser(pt.schemes, 'mmse-gd');
      const gap = { csiErrorVar: pt.csiErrorVar, gdMinusUnfolded: null as MeanSe | null, mmseMinusMser: gd && mm ? pairedDiff(mm, gd) : null };
      fig9Gaps.push(gap);
      if (!baseNet) continue;
      if (pt.csiErrorVar === 0) {
        // H̄ = H bit for bit: Table II's number of the same network on the same channels and draws
        const u = testSer(baseNet, snrDb).ser;
        fig9.push({ csiErrorVar: 0, scheme: 'unfolded (trained on perfect CSI)', ser: meanSe(u) });
        if (gd) gap.gdMinusUnfolded = pairedDiff(gd, u);
        continue;
      }
      // the same H̄ as the stored schemes (the same draw of Δ)
      const csi = imperfectCsi(new Rng(p.seed).fork(`studies/${snrDb}`).fork(`csi/${pt.csiErrorVar}`), test.h, Math.sqrt(pt.csiErrorVar));
      try {
        const u = unfoldedSerOn(p, baseNet, snrDb, csi.hEst, csi.hTrue);
        fig9.push({ csiErrorVar: pt.csiErrorVar, scheme: 'unfolded (trained on perfect CSI)', ser: meanSe(u) });
        if (gd) gap.gdMinusUnfolded = pairedDiff(gd, u);
      } finally {
        tf.dispose([csi.hEst.re, csi.hEst.im, csi.hTrue.re, csi.hTrue.im]);
      }
    }
  } finally {
    disposeChannel(test);
  }
  const fig10: StudyResults['fig10'] = sb.fig10.schemes.map((s) => ({ scheme: label(s.scheme), ser: meanSe(s.ser) }));
  let transferGain: MeanSe | null = null;
  const tSnr = st.transfer.snrDb;
  const transferred = unfoldedOf(nets.get(netKey({ kind: 'transfer', snrDb: tSnr })));
  const source = unfoldedOf(nets.get(netKey({ kind: 'unfolded', snrDb: tSnr })));
  if (source) {
    const rt = channelSet(p, 'test', p.testChannels, { kind: 'rayleigh' });
    // both networks start from the same MO designs of the Rayleigh test channels (computed once)
    const init = designStart(rt.h, source.config.sys, { start: p.unfolded.start, noiseVar: noiseVarOf(source.config.sys, ourSnrDb(p, tSnr)), rng: new Rng(p.seed).fork(`unfolded-test/${tSnr}`).fork('starts') });
    try {
      const asIs = unfoldedSerOn(p, source, tSnr, rt.h, rt.h, init);
      fig10.push({ scheme: 'unfolded, mmWave-trained (no retraining)', ser: meanSe(asIs) });
      if (transferred) {
        const tr = unfoldedSerOn(p, transferred, tSnr, rt.h, rt.h, init);
        fig10.push({ scheme: `unfolded, retrained on Rayleigh (first ${st.transfer.frozenLayers} layers fixed)`, ser: meanSe(tr) });
        transferGain = pairedDiff(asIs, tr);
      }
    } finally {
      disposeState(init);
      disposeChannel(rt);
    }
  }
  const fig11: StudyResults['fig11'] = [];
  const table6: StudyResults['table6'] = [];
  for (const pt of sb.fig11 ?? []) {
    for (const s of pt.schemes) fig11.push({ snrDb: pt.snrDb, scheme: s.scheme, ser: meanSe(s.ser) });
    const n = unfoldedOf(nets.get(netKey({ kind: 'qam', snrDb: pt.snrDb })));
    const u = n ? testSer(n, pt.snrDb).ser : undefined;
    if (u) fig11.push({ snrDb: pt.snrDb, scheme: 'unfolded', ser: meanSe(u) });
    const gd = ser(pt.schemes, 'mser-gd'), r1 = ser(pt.schemes, 'mser-gd-r1'), mm = ser(pt.schemes, 'mmse-gd');
    if (!gd) continue;
    table6.push({ snrDb: pt.snrDb, gd: meanSe(gd), unfolded: u ? meanSe(u) : null, ratio: ratioOf(gd, u), mmseMinusMser: r1 && mm ? pairedDiff(mm, r1) : null, ...(pt.snrDb === PAPER_TABLE6.snrDb ? { paperGd: PAPER_TABLE6.gd, paperUnfolded: PAPER_TABLE6.unfolded } : {}) });
  }
  return { snrDb, table2, table3, table3Gain, fig9, fig9Gaps, fig10, fig10SnrDb: tSnr, transferGain, fig11, table6 };
}
