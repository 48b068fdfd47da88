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
import { checkPositiveInt } from '../../core/validate';
import type { Progress } from '../../train/progress';
import { trainingFor, WmmsePreset } from './presets';
import { systemAtSnr, WmmseSystem } from './system';
import { disposeTestSet, evaluateUnfolded, makeTestSet, TestSet, trainUnfolded, WarmStart, withNoOpLayer, withNoOpStep } from './training';
import { unfoldedFlops, unfoldedForward, UnfoldedShape } from './unfolded';
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
  /** which independently trained copy (1 = the main network; 2, 3, … for the seed spread) */
  trainingSeed?: number;
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
export function netKey(n: Pick<TrainedNet, 'snrDb' | 'layers' | 'pgdSteps' | 'sameGamma' | 'trainingSeed'>): string {
  const seed = n.trainingSeed !== undefined && n.trainingSeed > 1 ? `/seed${n.trainingSeed}` : '';
  return `snr${n.snrDb}/L${n.layers}/K${n.pgdSteps}${n.sameGamma ? '/same' : ''}${seed}`;
}

/** The shared held-out test set of an experiment seed. */
export function testSetFor(p: WmmsePreset, seed: number | string): TestSet {
  return makeTestSet(new Rng(seed).fork('test'), { count: p.testChannels, users: p.users, antennas: p.antennas });
}

type NetShape = UnfoldedShape & { snrDb: number; trainingSeed?: number };
type NetOptions = TrainOptions & { warm?: WarmStart; steps?: number; keepLoss?: boolean; baseChannels?: number };

async function trainedOrSaved(p: WmmsePreset, seed: number | string, sys: WmmseSystem, shape: NetShape, opts: NetOptions): Promise<TrainedNet> {
  const key = netKey({ ...shape });
  // the first network given under a key wins (a notebook may pass a saved run's and this run's)
  const saved = opts.saved ? new Map(opts.saved.map((n): [string, TrainedNet] => [netKey(n), n]).reverse()) : undefined;
  return savedOr(key, saved, () => trainNet(p, seed, sys, shape, key, opts), { trainMissing: opts.trainMissing, where: opts.savedFrom });
}

async function trainNet(p: WmmsePreset, seed: number | string, sys: WmmseSystem, shape: NetShape, key: string, opts: NetOptions): Promise<TrainedNet> {
  const t = trainingFor(p, { snrDb: shape.snrDb, steps: opts.steps, warm: opts.warm !== undefined });
  const trained = await trainUnfolded(
    shape,
    sys,
    { steps: t.steps, batch: p.train.batch, learningRate: t.learningRate },
    new Rng(seed).fork(`train/${key}`),
    { progress: opts.progress, warm: opts.warm, phase: `train ${key}` },
  );
  return {
    snrDb: shape.snrDb,
    layers: shape.layers,
    pgdSteps: shape.pgdSteps,
    sameGamma: shape.sameGamma,
    gamma: trained.gamma,
    trainingChannels: trained.trainingChannels + (opts.baseChannels ?? 0),
    loss: opts.keepLoss ? trained.history.loss : undefined,
    ...(shape.trainingSeed !== undefined && shape.trainingSeed > 1 ? { trainingSeed: shape.trainingSeed } : {}),
  };
}

/**
 * The networks of one variant for every L in `layers` (ascending), each warm-started from the
 * previous one plus no-op layers (the first from scratch, γ = 1): the chain of Figs. 2 and 4.
 */
async function layerChain(
  p: WmmsePreset, seed: number | string, sys: WmmseSystem,
  shape: { snrDb: number; pgdSteps: number; sameGamma: boolean; trainingSeed?: number }, layers: number[], opts: NetOptions,
): Promise<Map<number, TrainedNet>> {
  const out = new Map<number, TrainedNet>();
  let prev: TrainedNet | undefined;
  for (const L of [...layers].sort((a, b) => a - b)) {
    let warm: WarmStart | undefined;
    if (prev) {
      warm = { gamma: prev.gamma };
      for (let l = prev.layers; l < L; l++) warm = withNoOpLayer(warm.gamma);
    }
    const net = await trainedOrSaved(p, seed, sys, { ...shape, layers: L }, {
      ...opts, warm, baseChannels: prev?.trainingChannels, keepLoss: opts.keepLoss && L === Math.max(...layers.filter((x) => x <= 3)),
    });
    out.set(L, net);
    prev = net;
  }
  return out;
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
  /** the same at selected L over independently trained networks (absent when the preset has none) */
  seedSpread?: SeedSpread;
  nets: TrainedNet[];
}

/** Unfolded − WMMSE over `seeds` independently trained networks at each of `L`. */
export interface SeedSpread {
  seeds: number;
  L: number[];
  /** unfolded WSR per L per training seed (seed 1 = the main network) */
  unfolded: number[][];
  /** per L: the mean over seeds of the paired difference, s.e. from test set and seeds (`combineSeeds`) */
  unfoldedMinusWmmse: MeanSe[];
}

/**
 * Combine per-seed paired differences (means `d`, test-set standard errors `se`): the mean over
 * seeds, with s.e. √(se_test² + sd_seeds²/n) where se_test is the mean test-set s.e. (the seeds share
 * the test channels, so their test-set errors are not independent) and sd_seeds the spread of the
 * seed means. Both the test set and the training seed are sources of error in a claim.
 */
export function combineSeeds(d: number[], se: number[]): MeanSe {
  const n = d.length;
  if (n === 0 || se.length !== n) throw new Error(`combineSeeds: needs one s.e. per seed mean; got ${n} means, ${se.length} s.e.`);
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const seTest = se.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, se: Math.sqrt(seTest ** 2 + (sd * sd) / n) };
}

/** The preset's seed spread for the figure at `snrDb` (Fig. 2 or Fig. 4; none elsewhere). */
export function seedSpreadFor(p: WmmsePreset, snrDb: number): { seeds: number; layers: number[] } {
  const layers = snrDb === p.snrFig2 ? p.seedSpread.fig2 : snrDb === p.snrFig4 ? p.seedSpread.fig4 : [];
  return { seeds: layers.length ? p.seedSpread.seeds : 1, layers };
}

/** Figs. 2 and 4: WSR vs L at one SNR, K = 4: truncated WMMSE, unfolded, 'same γ', WMMSE at convergence. */
export async function wsrVsLayers(
  p: WmmsePreset,
  at: { snrDb: number; seed: number | string; seedSpread?: { seeds: number; layers: number[] } },
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
    const res: WsrVsLayers = {
      snrDb, L: [], wmmse: [], unfolded: [], sameGamma: [], converged: convWsr.mean,
      convergedIterations: meanSe(conv.iterations).mean,
      se: { wmmse: [], unfolded: [], sameGamma: [], converged: convWsr.se },
      unfoldedMinusWmmse: [], unfoldedMinusSameGamma: [], sameGammaMinusWmmse: [], testChannels: p.testChannels, nets: [],
    };
    const chain = await layerChain(p, seed, sys, { snrDb, pgdSteps: p.pgdSteps, sameGamma: false }, p.layers, { ...opts, keepLoss: true });
    const sameChain = await layerChain(p, seed, sys, { snrDb, pgdSteps: p.pgdSteps, sameGamma: true }, p.layers, opts);
    for (const L of p.layers) {
      const net = chain.get(L)!;
      const same = sameChain.get(L)!;
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
    // independently trained copies (their own warm-start chains) where the claims are decided by small margins
    const spread = at.seedSpread ?? seedSpreadFor(p, snrDb);
    if (spread.seeds > 1 && spread.layers.length > 0) {
      const layers = spread.layers.filter((L) => p.layers.includes(L));
      const upTo = p.layers.filter((L) => L <= Math.max(...layers));
      const perSeed: number[][] = layers.map((L) => [res.unfoldedMinusWmmse[res.L.indexOf(L)].mean]);
      const perSeedSe: number[][] = layers.map((L) => [res.unfoldedMinusWmmse[res.L.indexOf(L)].se]);
      const unfolded: number[][] = layers.map((L) => [res.unfolded[res.L.indexOf(L)]]);
      for (let j = 2; j <= spread.seeds; j++) {
        const c = await layerChain(p, seed, sys, { snrDb, pgdSteps: p.pgdSteps, sameGamma: false, trainingSeed: j }, upTo, opts);
        layers.forEach((L, i) => {
          const u = lastLayerWsr(c.get(L)!, sys, test);
          const d = pairedDiff(u, truncated.wsrTrace[L]);
          perSeed[i].push(d.mean);
          perSeedSe[i].push(d.se);
          unfolded[i].push(meanSe(u).mean);
        });
        for (const L of upTo) res.nets.push(c.get(L)!);
      }
      res.seedSpread = { seeds: spread.seeds, L: layers, unfolded, unfoldedMinusWmmse: perSeed.map((d, i) => combineSeeds(d, perSeedSe[i])) };
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
          // the parent plus a no-op step (γ = 0): training starts exactly at the parent, which stays a candidate
          net = await trainedOrSaved(p, seed, sys, { snrDb, layers: L, pgdSteps: k, sameGamma: false }, {
            ...opts, warm: withNoOpStep(base.gamma), steps: p.progressive.stepsPerExtension, baseChannels: base.trainingChannels,
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

/** The fastest of `n` timed runs of `fn` (ms), after one untimed warm-up run. */
function bestOf(n: number, fn: () => void): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * Complexity table: operation counts (`unfoldedFlops`, `classicFlops`, eigendecomposition included)
 * and the time per channel of both algorithms, each the best of `repeats` runs after a warm-up.
 */
export function complexity(p: WmmsePreset, opts: { seed: number | string; snrDb?: number; repeats?: number }): ComplexityRow[] {
  const { seed, snrDb = p.snrFig2, repeats = 5 } = opts;
  checkPositiveInt('complexity', 'repeats', repeats);
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
      const classic = () => classicWmmse(test.f64, sys, { maxIter: L, tol: 0, trace: false });
      // best of `repeats` timed runs after one warm-up run each (kernel compilation, JIT, memory)
      const unfoldedMs = bestOf(repeats, run) / p.timingChannels;
      const classicMs = bestOf(repeats, classic) / p.timingChannels;
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
