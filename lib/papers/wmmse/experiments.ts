/**
 * One function per figure/table of the WMMSE paper, returning plain data. The notebook renders them;
 * tests call them with the quick preset. Every WSR is a mean over the same held-out test set of
 * i.i.d. CN(0, I) channels, with its standard error and the standard error of paired differences.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../../core/backend';
import { trainedOrSaved as savedOr } from '../../kit/savedRun';
import { MeanSe, meanSe, pairedDiff } from '../../kit/stats';
import { Rng } from '../../core/random';
import type { Progress } from '../../train/progress';
import { trainingFor, WmmsePreset } from './presets';
import { systemAtSnr, WmmseSystem } from './system';
import { disposeTestSet, evaluateUnfolded, makeTestSet, TestSet, trainUnfolded } from './training';
import { extendGamma, unfoldedFlops, unfoldedForward, UnfoldedShape } from './unfolded';
import { classicFlops, classicWmmse } from './wmmse';

/** A trained network: enough to rebuild and evaluate it. */
export interface TrainedNet {
  snrDb: number;
  layers: number;
  pgdSteps: number;
  sameGamma: boolean;
  gamma: number[][];
  trainingChannels: number;
  /** training loss per step (kept for Fig. 3 only) */
  loss?: number[];
}

export type { MeanSe } from '../../kit/stats';

/** How experiments get their networks: reuse `saved` ones (by SNR, L, K, variant), train the rest unless `trainMissing` is false. */
export interface TrainOptions {
  progress?: Progress;
  saved?: TrainedNet[];
  /** default true; false makes a missing saved network an error naming it (loading saved results never trains) */
  trainMissing?: boolean;
  /** where the saved networks come from, for error messages (e.g. the file) */
  savedFrom?: string;
}

/** A network's identity in a run: SNR, L, K and variant, e.g. "snr20/L3/K5". */
export function netKey(n: Pick<TrainedNet, 'snrDb' | 'layers' | 'pgdSteps' | 'sameGamma'>): string {
  return `snr${n.snrDb}/L${n.layers}/K${n.pgdSteps}${n.sameGamma ? '/same' : ''}`;
}

/** The shared held-out test set of an experiment seed. */
export function testSetFor(p: WmmsePreset, seed: number | string): TestSet {
  return makeTestSet(new Rng(seed).fork('test'), { count: p.testChannels, users: p.users, antennas: p.antennas });
}

async function trainedOrSaved(
  p: WmmsePreset,
  seed: number | string,
  sys: WmmseSystem,
  shape: UnfoldedShape & { snrDb: number },
  opts: TrainOptions & { init?: number[][]; steps?: number; keepLoss?: boolean; baseChannels?: number },
): Promise<TrainedNet> {
  const key = netKey({ ...shape });
  // the first network given under a key wins (a notebook may pass a saved run's and this run's)
  const saved = opts.saved ? new Map(opts.saved.map((n): [string, TrainedNet] => [netKey(n), n]).reverse()) : undefined;
  return savedOr(key, saved, () => trainNet(p, seed, sys, shape, key, opts), { trainMissing: opts.trainMissing, where: opts.savedFrom });
}

async function trainNet(
  p: WmmsePreset,
  seed: number | string,
  sys: WmmseSystem,
  shape: UnfoldedShape & { snrDb: number },
  key: string,
  opts: TrainOptions & { init?: number[][]; steps?: number; keepLoss?: boolean; baseChannels?: number },
): Promise<TrainedNet> {
  const t = trainingFor(p, { snrDb: shape.snrDb, steps: opts.steps });
  const trained = await trainUnfolded(
    shape,
    sys,
    { steps: t.steps, batch: p.train.batch, learningRate: t.learningRate },
    new Rng(seed).fork(`train/${key}`),
    { progress: opts.progress, init: opts.init, phase: `train ${key}` },
  );
  return {
    snrDb: shape.snrDb,
    layers: shape.layers,
    pgdSteps: shape.pgdSteps,
    sameGamma: shape.sameGamma,
    gamma: trained.gamma,
    trainingChannels: trained.trainingChannels + (opts.baseChannels ?? 0),
    loss: opts.keepLoss ? trained.history.loss : undefined,
  };
}

/** The unfolded networks' last-layer WSR per test channel. */
function lastLayerWsr(net: TrainedNet, sys: WmmseSystem, test: TestSet): Float64Array {
  const per = evaluateUnfolded(net.gamma, { layers: net.layers, pgdSteps: net.pgdSteps, sameGamma: net.sameGamma }, sys, test.h);
  return per[per.length - 1];
}

export interface WsrVsLayers {
  snrDb: number;
  L: number[];
  /** classic WMMSE truncated at L iterations */
  wmmse: number[];
  unfolded: number[];
  sameGamma: number[];
  /** WMMSE at convergence (WSR gain ≤ 1e-4) */
  converged: number;
  convergedIterations: number;
  /** standard errors of the means above */
  se: { wmmse: number[]; unfolded: number[]; sameGamma: number[]; converged: number };
  /** paired differences over the test channels (mean ± standard error) */
  unfoldedMinusWmmse: MeanSe[];
  unfoldedMinusSameGamma: MeanSe[];
  sameGammaMinusWmmse: MeanSe[];
  testChannels: number;
  nets: TrainedNet[];
}

/** Figs. 2 and 4: WSR vs L at one SNR, K = 4: truncated WMMSE, unfolded, 'same γ', WMMSE at convergence. */
export async function wsrVsLayers(
  p: WmmsePreset,
  at: { snrDb: number; seed: number | string },
  opts: TrainOptions = {},
): Promise<WsrVsLayers> {
  const { snrDb, seed } = at;
  const sys = systemAtSnr({ snrDb: snrDb, users: p.users, antennas: p.antennas });
  const test = testSetFor(p, seed);
  try {
    const maxL = Math.max(...p.layers);
    const truncated = classicWmmse(test.f64, sys, { maxIter: maxL, tol: 0 });
    const conv = classicWmmse(test.f64, sys, { maxIter: p.convergedMaxIter });
    const convWsr = meanSe(conv.wsrTrace[conv.wsrTrace.length - 1]);
    const fig3L = Math.max(...p.layers.filter((l) => l <= 3));
    const res: WsrVsLayers = {
      snrDb, L: [], wmmse: [], unfolded: [], sameGamma: [], converged: convWsr.mean,
      convergedIterations: meanSe(conv.iterations).mean,
      se: { wmmse: [], unfolded: [], sameGamma: [], converged: convWsr.se },
      unfoldedMinusWmmse: [], unfoldedMinusSameGamma: [], sameGammaMinusWmmse: [], testChannels: p.testChannels, nets: [],
    };
    for (const L of p.layers) {
      const shape = { snrDb, layers: L, pgdSteps: p.pgdSteps };
      const net = await trainedOrSaved(p, seed, sys, { ...shape, sameGamma: false }, { ...opts, keepLoss: L === fig3L });
      const same = await trainedOrSaved(p, seed, sys, { ...shape, sameGamma: true }, opts);
      const u = lastLayerWsr(net, sys, test);
      const s = lastLayerWsr(same, sys, test);
      const w = truncated.wsrTrace[L];
      res.L.push(L);
      for (const [k, x] of [['wmmse', w], ['unfolded', u], ['sameGamma', s]] as const) {
        const ms = meanSe(x);
        res[k].push(ms.mean);
        res.se[k].push(ms.se);
      }
      res.unfoldedMinusWmmse.push(pairedDiff(u, w));
      res.unfoldedMinusSameGamma.push(pairedDiff(u, s));
      res.sameGammaMinusWmmse.push(pairedDiff(s, w));
      res.nets.push(net, same);
    }
    return res;
  } finally {
    disposeTestSet(test);
  }
}

export interface LossCurve {
  snrDb: number;
  layers: number;
  step: number[];
  loss: number[];
}

/** Fig. 3: the training loss (14) per step of the Fig. 2 network with L = 3 (or the largest L ≤ 3 run). */
export function trainingLossCurve(fig2: WsrVsLayers): LossCurve | undefined {
  const net = fig2.nets.find((n) => n.loss && !n.sameGamma);
  if (!net?.loss) return undefined;
  return { snrDb: net.snrDb, layers: net.layers, step: net.loss.map((_, i) => i + 1), loss: net.loss };
}

export interface Progressive {
  snrDb: number;
  L: number[];
  wmmse: number[];
  converged: number;
  /** unfolded WSR after extending to K steps, K = pgdSteps … maxSteps: byK[K][i] for L[i] */
  byK: Record<number, number[]>;
  se: Record<number, number[]>;
  /** final (K = maxSteps) minus truncated WMMSE, paired */
  finalMinusWmmse: MeanSe[];
  nets: TrainedNet[];
}

/**
 * Fig. 5: starting from the trained K = 4 networks at 20 dB, add one PGD step at a time (new step
 * initialised to 1, trained steps kept), retraining all steps jointly, up to `maxSteps`.
 */
export async function progressiveExtension(
  p: WmmsePreset,
  seed: number | string,
  fig4: WsrVsLayers,
  opts: TrainOptions = {},
): Promise<Progressive> {
  const snrDb = fig4.snrDb;
  const sys = systemAtSnr({ snrDb: snrDb, users: p.users, antennas: p.antennas });
  const test = testSetFor(p, seed);
  try {
    const truncated = classicWmmse(test.f64, sys, { maxIter: Math.max(...p.progressive.layers), tol: 0 });
    const res: Progressive = { snrDb, L: [], wmmse: [], converged: fig4.converged, byK: {}, se: {}, finalMinusWmmse: [], nets: [] };
    for (const L of p.progressive.layers) {
      let net = fig4.nets.find((n) => n.layers === L && !n.sameGamma && n.pgdSteps === p.pgdSteps);
      if (!net) throw new Error(`progressiveExtension: the Fig. 4 results have no K=${p.pgdSteps} network with L=${L}`);
      res.L.push(L);
      res.wmmse.push(meanSe(truncated.wsrTrace[L]).mean);
      for (let k = p.pgdSteps; k <= p.progressive.maxSteps; k++) {
        if (k > p.pgdSteps) {
          const base: TrainedNet = net!;
          const init = tf.tidy(() => extendGamma(tf.tensor2d(base.gamma)).arraySync() as number[][]);
          net = await trainedOrSaved(p, seed, sys, { snrDb, layers: L, pgdSteps: k, sameGamma: false }, {
            ...opts, init, steps: p.progressive.stepsPerExtension, baseChannels: base.trainingChannels,
          });
          res.nets.push(net);
        }
        const wsrK = lastLayerWsr(net, sys, test);
        const ms = meanSe(wsrK);
        (res.byK[k] ??= []).push(ms.mean);
        (res.se[k] ??= []).push(ms.se);
        if (k === p.progressive.maxSteps) res.finalMinusWmmse.push(pairedDiff(wsrK, truncated.wsrTrace[L]));
      }
    }
    return res;
  } finally {
    disposeTestSet(test);
  }
}

export interface WsrVsSnr {
  snrDb: number[];
  layers: number;
  wmmse: number[];
  unfolded: number[];
  sameGamma: number[];
  converged: number[];
  unfoldedMinusWmmse: MeanSe[];
  sameGammaMinusWmmse: MeanSe[];
  nets: TrainedNet[];
}

/** Fig. 6: WSR vs SNR with L = 1, K = 4. */
export async function wsrVsSnr(p: WmmsePreset, seed: number | string, opts: TrainOptions = {}): Promise<WsrVsSnr> {
  const test = testSetFor(p, seed);
  try {
    const res: WsrVsSnr = { snrDb: [], layers: 1, wmmse: [], unfolded: [], sameGamma: [], converged: [], unfoldedMinusWmmse: [], sameGammaMinusWmmse: [], nets: [] };
    for (const snrDb of p.snrFig6) {
      const sys = systemAtSnr({ snrDb: snrDb, users: p.users, antennas: p.antennas });
      const shape = { snrDb, layers: 1, pgdSteps: p.pgdSteps };
      const net = await trainedOrSaved(p, seed, sys, { ...shape, sameGamma: false }, opts);
      const same = await trainedOrSaved(p, seed, sys, { ...shape, sameGamma: true }, opts);
      const w = classicWmmse(test.f64, sys, { maxIter: 1, tol: 0 }).wsrTrace[1];
      const conv = classicWmmse(test.f64, sys, { maxIter: p.convergedMaxIter });
      const u = lastLayerWsr(net, sys, test);
      const sg = lastLayerWsr(same, sys, test);
      res.snrDb.push(snrDb);
      res.wmmse.push(meanSe(w).mean);
      res.unfolded.push(meanSe(u).mean);
      res.sameGamma.push(meanSe(sg).mean);
      res.sameGammaMinusWmmse.push(pairedDiff(sg, w));
      res.converged.push(meanSe(conv.wsrTrace[conv.wsrTrace.length - 1]).mean);
      res.unfoldedMinusWmmse.push(pairedDiff(u, w));
      res.nets.push(net, same);
    }
    return res;
  } finally {
    disposeTestSet(test);
  }
}

export interface ComplexityRow {
  L: number;
  /** real flops per channel: unfolded O(L K M²N), classic O(L M³) (plus its eigensolver's sweeps) */
  unfoldedFlops: number;
  classicFlops: number;
  /** measured time per channel, ms: unfolded forward (tfjs, batched) vs classic truncated at L (float64 JS) */
  unfoldedMs: number;
  classicMs: number;
  backend: string;
}

/** Complexity table: operation counts and measured time per channel of both algorithms. */
export function complexity(p: WmmsePreset, opts: { seed: number | string; snrDb?: number }): ComplexityRow[] {
  const { seed, snrDb = p.snrFig2 } = opts;
  const sys = systemAtSnr({ snrDb: snrDb, users: p.users, antennas: p.antennas });
  const test = makeTestSet(new Rng(seed).fork('timing'), { count: p.timingChannels, users: p.users, antennas: p.antennas });
  const rows: ComplexityRow[] = [];
  try {
    for (const L of p.layers) {
      const gamma = tf.ones([L, p.pgdSteps]);
      const run = () => {
        const out = unfoldedForward(test.h, gamma, sys, p.pgdSteps);
        out.perLayer[L - 1].re.dataSync();
        out.perLayer.forEach((v) => tf.dispose([v.re, v.im]));
      };
      run(); // warm-up (kernel compilation, memory)
      let t0 = performance.now();
      run();
      const unfoldedMs = (performance.now() - t0) / p.timingChannels;
      t0 = performance.now();
      classicWmmse(test.f64, sys, { maxIter: L, tol: 0, trace: false });
      const classicMs = (performance.now() - t0) / p.timingChannels;
      gamma.dispose();
      rows.push({
        L,
        unfoldedFlops: unfoldedFlops({ antennas: p.antennas, users: p.users, layers: L, pgdSteps: p.pgdSteps }),
        classicFlops: L * classicFlops({ antennas: p.antennas, users: p.users }),
        unfoldedMs,
        classicMs,
        backend: backendInfo().name,
      });
    }
    return rows;
  } finally {
    disposeTestSet(test);
  }
}

/** Every trained network of a run, once each (the first copy wins), for saving. */
export function collectNets(...groups: { nets: TrainedNet[] }[]): TrainedNet[] {
  const seen = new Map<string, TrainedNet>();
  for (const g of groups) for (const n of g.nets) if (!seen.has(netKey(n))) seen.set(netKey(n), n);
  return [...seen.values()];
}

export interface WmmseResults {
  fig2: WsrVsLayers;
  fig4: WsrVsLayers;
  fig5: Progressive;
  fig6: WsrVsSnr;
  complexity: ComplexityRow[];
}
