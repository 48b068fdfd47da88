/**
 * Every result of an MSER run as plain JSON data (`results/mser-hybrid-beamforming.json` and the saved
 * run): the calibration, Fig. 8 / Table I (every scheme per SNR: mean exact SER with its s.e., the median,
 * the per-channel SERs of the non-learned schemes, the paper's value beside ours), Table I's ratios
 * GD/network with their paired s.e., the seeds of the headline network, Figs. 5–7's training curves,
 * the chosen step sizes, Table IV's measured times, and each network's validation.
 */
import { MeanSe, meanSe, pairedDiff, pairedRatio, RatioSe } from '../../kit/stats';
import { Rng } from '../../core/random';
import { buildUnfolded } from './unfolded';
import { BaselinePoint, Calibration, cnnTestSer, MserScheme, SCHEME_LABELS, SchemeSer, serRows, SerRow, TestSerOf, testSerMemo, unfoldedTestSer } from './experiments';
import { MserNets, MserTrainedNet } from './nets';
import { PAPER_TABLE1 } from './paperTables';
import { MserPreset } from './presets';
import { StudyBaselines, studyResults, StudyResults } from './studies';

export interface Table1Row {
  snrDb: number;
  /** SER_GD / SER_NN (ratio of means over the same channels) with its paired s.e. */
  unfolded: RatioSe | null;
  cnn: RatioSe | null;
  /** the paper's ratios implied by Table I */
  paperUnfolded?: number;
  paperCnn?: number;
}

export interface CurveResult {
  key: string;
  /** 'N' (Fig. 5), 'lr' (Fig. 6), 'L' (Fig. 7) */
  group: 'N' | 'lr' | 'L';
  value: number;
  loss: number[];
  valSteps: number[];
  valSer: number[];
}

export interface NetSummary {
  key: string;
  validationStart: number;
  validationEnd: number;
  seconds: number;
  eta: number | null;
}

/** A trained unfolded network against its untrained self (L iterations of Algorithm 1, same start and η) on the test channels. */
export interface TrainingGain {
  key: string;
  snrDb: number;
  trained: MeanSe;
  untrained: MeanSe;
  /** paired SER_untrained − SER_trained over the test channels */
  gain: MeanSe;
}

export interface MserResults {
  calibration: Calibration | null;
  /** Fig. 8 / Table I: every scheme per SNR */
  fig8: SerRow[];
  /** the per-channel SERs of every scheme per SNR (the paired statistics' raw data) */
  perChannel: { snrDb: number; scheme: MserScheme; ser: number[] }[];
  table1: Table1Row[];
  /** SER_GD / SER_unfolded at the headline SNR for every training seed (replicate 0 first) */
  seeds: { key: string; ratio: RatioSe }[];
  curves: CurveResult[];
  /** the relative step η chosen per SNR and GD scheme, and the tuning scores */
  steps: { snrDb: number; scheme: MserScheme; eta: number; tuned: { eta: number; ser: number }[] }[];
  /** every unfolded network of Fig. 8 / Table I against its untrained self, on the test channels */
  trainingGain: TrainingGain[];
  /** Table IV (ours, this machine): training time, s, and test (design) time per channel, ms */
  timing: { scheme: string; snrDb: number; trainSeconds: number | null; testMsPerChannel: number }[];
  nets: NetSummary[];
  /** Tables II–III, Figs. 9–10: the stored non-learned schemes and the tables with the networks (null: not run) */
  studyBaselines: StudyBaselines | null;
  studies: StudyResults | null;
}

function netAt(nets: MserNets, key: string): MserTrainedNet | undefined {
  return nets.get(key);
}

/** The test SER of a network (design and exact SER on the test channels) with its timing. */
export function netTestSer(p: MserPreset, n: MserTrainedNet, testSer: TestSerOf = (net, snrDb) => unfoldedTestSer(p, net, snrDb)): { ser: Float64Array; seconds: number } {
  return 'unfolded' in n.net ? testSer(n.net.unfolded, n.spec.snrDb) : cnnTestSer(p, n.net.cnn, n.spec.snrDb);
}

/**
 * Results of preset `p` from its baselines (one point per SNR of `p.snrDb`), its networks and, when run,
 * the calibration.
 */
export function mserResults(p: MserPreset, baselines: readonly BaselinePoint[], nets: MserNets, calibration: Calibration | null, studyBaselines: StudyBaselines | null = null): MserResults {
  const points: BaselinePoint[] = [];
  const timing: MserResults['timing'] = [];
  const testCount = p.testChannels;
  const testSer = testSerMemo(p);
  for (const b of baselines) {
    const schemes: SchemeSer[] = [...b.schemes];
    for (const [scheme, key] of [['unfolded', `unfolded@${b.snrDb}`], ['cnn-mser', `cnn-mser@${b.snrDb}`], ['cnn-mmse', `cnn-mmse@${b.snrDb}`]] as [MserScheme, string][]) {
      const n = netAt(nets, key);
      if (!n) continue;
      const t = netTestSer(p, n, testSer);
      schemes.push({ scheme, ser: t.ser, seconds: t.seconds });
      timing.push({ scheme: SCHEME_LABELS[scheme], snrDb: b.snrDb, trainSeconds: n.seconds, testMsPerChannel: (1000 * t.seconds) / testCount });
    }
    for (const s of b.schemes) if (s.scheme === 'mser-gd' || s.scheme === 'mmse-gd') timing.push({ scheme: SCHEME_LABELS[s.scheme], snrDb: b.snrDb, trainSeconds: null, testMsPerChannel: (1000 * s.seconds) / testCount });
    points.push({ ...b, schemes });
  }
  const serOf = (pt: BaselinePoint, s: MserScheme) => pt.schemes.find((x) => x.scheme === s)?.ser;
  const ratio = (a: Float64Array | undefined, b: Float64Array | undefined): RatioSe | null => {
    if (!a || !b) return null;
    try {
      return pairedRatio(a, b);
    } catch {
      return null;
    }
  };
  const table1 = points.map((pt) => {
    const paper = PAPER_TABLE1.find((r) => r.snrDb === pt.snrDb);
    const gd = serOf(pt, 'mser-gd');
    return { snrDb: pt.snrDb, unfolded: ratio(gd, serOf(pt, 'unfolded')), cnn: ratio(gd, serOf(pt, 'cnn-mser')), ...(paper ? { paperUnfolded: paper.gd / paper.unfolded, paperCnn: paper.gd / paper.cnn } : {}) };
  });
  const head = points.find((pt) => pt.snrDb === p.headlineSnrDb);
  const seeds: MserResults['seeds'] = [];
  if (head) {
    const gd = serOf(head, 'mser-gd');
    for (let r = 0; r < p.replicates; r++) {
      const key = `unfolded@${p.headlineSnrDb}${r ? `#${r}` : ''}`;
      const n = netAt(nets, key);
      if (!n || !gd) continue;
      const ser = r === 0 ? serOf(head, 'unfolded') : netTestSer(p, n, testSer).ser;
      const q = ratio(gd, ser);
      if (q) seeds.push({ key, ratio: q });
    }
  }
  // the untrained network of each unfolded one: constant initial parameters, the same steps, widths and start
  const trainingGain: TrainingGain[] = [];
  for (const n of nets.values()) {
    if (!(n.spec.kind === 'unfolded' || n.spec.kind === 'config' || n.spec.kind === 'samples') || !('unfolded' in n.net)) continue;
    const pt = points.find((x) => x.snrDb === n.spec.snrDb);
    const trained = n.spec.kind === 'unfolded' && !n.spec.replicate ? pt && serOf(pt, 'unfolded') : netTestSer(p, n, testSer).ser;
    if (!trained) continue;
    const bare = buildUnfolded(new Rng(0), n.net.unfolded.config);
    try {
      const untrained = unfoldedTestSer(p, bare, n.spec.snrDb).ser;
      trainingGain.push({ key: n.key, snrDb: n.spec.snrDb, trained: meanSe(trained), untrained: meanSe(untrained), gain: pairedDiff(untrained, trained) });
    } finally {
      bare.dispose();
    }
  }
  const curves = curveResults(p, nets);
  return {
    calibration,
    fig8: serRows(points),
    perChannel: points.flatMap((pt) => pt.schemes.map((s) => ({ snrDb: pt.snrDb, scheme: s.scheme, ser: Array.from(s.ser) }))),
    table1,
    seeds,
    trainingGain,
    curves,
    steps: baselines.flatMap((b) => b.schemes.filter((s) => s.eta !== undefined && s.tuned).map((s) => ({ snrDb: b.snrDb, scheme: s.scheme, eta: s.eta as number, tuned: s.tuned ?? [] }))),
    timing,
    nets: [...nets.values()].map((n) => ({ key: n.key, validationStart: n.validation.start, validationEnd: n.validation.end, seconds: n.seconds, eta: n.eta ?? null })),
    studyBaselines,
    studies: studyBaselines ? studyResults(p, studyBaselines, nets, testSer) : null,
  };
}

/**
 * Figs. 5–7's training curves, grouped: 'N' (Fig. 5), 'lr' (Fig. 6), 'L' (Fig. 7). The run at the preset's own
 * N, η₀ and L is trained once (./nets presetNets) and appears in every group that tries its value.
 */
export function curveResults(p: MserPreset, nets: MserNets): CurveResult[] {
  const curves: CurveResult[] = [];
  for (const n of nets.values()) {
    if (n.spec.kind !== 'curve') continue;
    const v = n.spec.variant ?? {};
    const [group, value] = v.batchChannels !== undefined ? (['N', v.batchChannels] as const) : v.learningRate !== undefined ? (['lr', v.learningRate] as const) : (['L', v.layers as number] as const);
    curves.push({ key: n.key, group, value, loss: n.loss, valSteps: n.valSteps, valSer: n.valSer });
    // the run at the preset's own N, η₀ and L is also the η₀ and L groups' member at those values (./nets presetNets)
    if (group === 'N' && value === p.unfolded.train.batchChannels) {
      if (p.curves.learningRates.includes(p.unfolded.train.learningRate)) curves.push({ key: n.key, group: 'lr', value: p.unfolded.train.learningRate, loss: n.loss, valSteps: n.valSteps, valSer: n.valSer });
      if (p.curves.layers.includes(p.unfolded.layers)) curves.push({ key: n.key, group: 'L', value: p.unfolded.layers, loss: n.loss, valSteps: n.valSteps, valSer: n.valSer });
    }
  }
  return curves;
}
