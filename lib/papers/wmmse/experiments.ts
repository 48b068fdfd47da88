/**
 * One function per figure/table of the WMMSE paper, returning plain data. The notebook renders them;
 * tests call them with the quick preset. Every WSR is a mean over the same held-out test set of
 * i.i.d. CN(0, I) channels, with its standard error and the standard error of paired differences.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../../core/backend';
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

export interface MeanSe {
  mean: number;
  se: number;
}

/** How experiments get their networks: reuse `saved` ones (by SNR, L, K, variant), train the rest unless `trainMissing` is false. */
export interface TrainOptions {
  progress?: Progress;
  saved?: TrainedNet[];
  /** default true; false makes a missing saved network an error (tests of committed results) */
  trainMissing?: boolean;
}

function meanSe(x: ArrayLike<number>): MeanSe {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return { mean: m, se: Math.sqrt(v / Math.max(1, n - 1) / n) };
}

function diff(a: ArrayLike<number>, b: ArrayLike<number>): MeanSe {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i] - b[i];
  return meanSe(d);
}

function netKey(n: Pick<TrainedNet, 'snrDb' | 'layers' | 'pgdSteps' | 'sameGamma'>): string {
  return `snr${n.snrDb}/L${n.layers}/K${n.pgdSteps}${n.sameGamma ? '/same' : ''}`;
}

/** The shared held-out test set of an experiment seed. */
export function testSetFor(p: WmmsePreset, seed: number | string): TestSet {
  return makeTestSet(new Rng(seed).fork('test'), p.testChannels, p.users, p.antennas);
}

async function trainedOrSaved(
  p: WmmsePreset,
  seed: number | string,
  sys: WmmseSystem,
  shape: UnfoldedShape & { snrDb: number },
  opts: TrainOptions & { init?: number[][]; steps?: number; keepLoss?: boolean; baseChannels?: number },
): Promise<TrainedNet> {
  const key = netKey({ ...shape });
  const found = opts.saved?.find((n) => netKey(n) === key);
  if (found) return found;
  if (opts.trainMissing === false) throw new Error(`saved networks: none for ${key}, and trainMissing is false`);
  const t = trainingFor(p, shape.snrDb, opts.steps);
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
  snrDb: number,
  seed: number | string,
  opts: TrainOptions = {},
): Promise<WsrVsLayers> {
  const sys = systemAtSnr(snrDb, p.users, p.antennas);
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
      res.unfoldedMinusWmmse.push(diff(u, w));
      res.unfoldedMinusSameGamma.push(diff(u, s));
      res.sameGammaMinusWmmse.push(diff(s, w));
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
  const sys = systemAtSnr(snrDb, p.users, p.antennas);
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
        if (k === p.progressive.maxSteps) res.finalMinusWmmse.push(diff(wsrK, truncated.wsrTrace[L]));
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
      const sys = systemAtSnr(snrDb, p.users, p.antennas);
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
      res.sameGammaMinusWmmse.push(diff(sg, w));
      res.converged.push(meanSe(conv.wsrTrace[conv.wsrTrace.length - 1]).mean);
      res.unfoldedMinusWmmse.push(diff(u, w));
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
export function complexity(p: WmmsePreset, seed: number | string, snrDb = p.snrFig2): ComplexityRow[] {
  const sys = systemAtSnr(snrDb, p.users, p.antennas);
  const test = makeTestSet(new Rng(seed).fork('timing'), p.timingChannels, p.users, p.antennas);
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
        unfoldedFlops: unfoldedFlops(p.antennas, p.users, L, p.pgdSteps),
        classicFlops: L * classicFlops(p.antennas, p.users),
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

/** The paper's claims, each checked against our measurements (paired differences with standard errors). */
export interface ClaimRow {
  figure: string;
  /** the paper's statement (§VI-B), paraphrased closely */
  paper: string;
  /** what we measured */
  measured: string;
  holds: boolean;
}

const fmt = (d: MeanSe) => `${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(3)} ± ${d.se.toFixed(3)}`;
/** "a > b": the paired mean difference is more than two standard errors above zero. */
const above = (d: MeanSe) => d.mean > 2 * d.se;
/** "a ≥ b" / "a not below b": not more than two standard errors below zero. */
const notBelow = (d: MeanSe) => d.mean > -2 * d.se;
/** "a equals b": within 1 % of the WSR, or within two standard errors. */
const equal = (d: MeanSe, wsr: number) => Math.abs(d.mean) <= Math.max(2 * d.se, 0.01 * wsr);
const neg = (d: MeanSe): MeanSe => ({ mean: -d.mean, se: d.se });

/**
 * Check the paper's statements about Figs. 2, 4, 5, 6 (§VI-B) against a set of results. "Above" needs a
 * paired difference more than 2 s.e. above zero, "≥" needs it no more than 2 s.e. below zero, "equal"
 * needs it within max(2 s.e., 1 % of the WSR).
 */
export function paperClaims(r: Pick<WmmseResults, 'fig2' | 'fig4' | 'fig5' | 'fig6'>): ClaimRow[] {
  const rows: ClaimRow[] = [];
  const at = (f: { L: number[] }, Ls: number[]) => Ls.filter((L) => f.L.includes(L)).map((L) => ({ L, i: f.L.indexOf(L) }));
  const list = (xs: { L: number; d: MeanSe }[]) => xs.map(({ L, d }) => `L=${L}: ${fmt(d)}`).join('; ');
  const f2 = r.fig2;
  const early = at(f2, [1, 2, 3]).map(({ L, i }) => ({ L, d: f2.unfoldedMinusWmmse[i] }));
  rows.push({
    figure: `Fig. 2 (${f2.snrDb} dB)`,
    paper: 'unfolded WMMSE ≥ WMMSE truncated at the same L, for L = 1, 2, 3',
    measured: list(early),
    holds: early.length > 0 && early.every(({ d }) => notBelow(d)),
  });
  const l4 = at(f2, [4]).map(({ L, i }) => ({ L, d: f2.unfoldedMinusWmmse[i] }));
  if (l4.length) {
    rows.push({ figure: `Fig. 2 (${f2.snrDb} dB)`, paper: 'the unfolded WMMSE surpasses WMMSE also at L = 4', measured: list(l4), holds: above(l4[0].d) });
  }
  const late = at(f2, [5, 6]).map(({ L, i }) => ({ L, d: f2.unfoldedMinusWmmse[i], wsr: f2.wmmse[i] }));
  if (late.length) {
    rows.push({
      figure: `Fig. 2 (${f2.snrDb} dB)`,
      paper: 'the unfolded WMMSE performs equally to WMMSE for L = 5 and L = 6 (within 1 %)',
      measured: list(late),
      holds: late.every(({ d, wsr }) => equal(d, wsr)),
    });
  }
  rows.push({
    figure: `Fig. 2 (${f2.snrDb} dB)`,
    paper: "'same γ' is below the unfolded WMMSE for every L",
    measured: list(f2.L.map((L, i) => ({ L, d: neg(f2.unfoldedMinusSameGamma[i]) }))),
    holds: f2.unfoldedMinusSameGamma.every(above),
  });
  rows.push({
    figure: `Fig. 2 (${f2.snrDb} dB)`,
    paper: "'same γ' fails to surpass WMMSE (or to perform comparably)",
    measured: list(f2.L.map((L, i) => ({ L, d: f2.sameGammaMinusWmmse[i] }))),
    holds: f2.sameGammaMinusWmmse.every((d) => above(neg(d))),
  });
  const top = Math.max(...f2.unfolded, ...f2.wmmse, ...f2.sameGamma);
  rows.push({
    figure: `Fig. 2 (${f2.snrDb} dB)`,
    paper: 'WMMSE at convergence is above all (an upper bound)',
    measured: `converged ${f2.converged.toFixed(3)} ± ${f2.se.converged.toFixed(3)} vs best curve ${top.toFixed(3)}`,
    holds: f2.converged - top > 2 * f2.se.converged,
  });
  const l6 = f2.L.indexOf(6);
  if (l6 >= 0) {
    rows.push({
      figure: `Fig. 2 (${f2.snrDb} dB)`,
      paper: 'at L = 6 both WMMSE and the unfolded WMMSE attain 98 % of the WSR at convergence (≥ 97.5 %, i.e. 98 % rounded)',
      measured: `WMMSE ${((100 * f2.wmmse[l6]) / f2.converged).toFixed(1)} %, unfolded ${((100 * f2.unfolded[l6]) / f2.converged).toFixed(1)} %`,
      holds: f2.wmmse[l6] >= 0.975 * f2.converged && f2.unfolded[l6] >= 0.975 * f2.converged,
    });
  }
  const f4 = r.fig4;
  const hi = at(f4, [1, 2]).map(({ L, i }) => ({ L, d: f4.unfoldedMinusWmmse[i] }));
  rows.push({
    figure: `Fig. 4 (${f4.snrDb} dB)`,
    paper: 'unfolded WMMSE > WMMSE for L = 1 and L = 2',
    measured: list(hi),
    holds: hi.length > 0 && hi.every(({ d }) => above(d)),
  });
  const maxL = Math.max(...f4.L);
  if (maxL >= 3) {
    const d = f4.unfoldedMinusWmmse[f4.L.indexOf(maxL)];
    rows.push({
      figure: `Fig. 4 (${f4.snrDb} dB)`,
      paper: 'as the number of iterations grows, WMMSE surpasses the unfolded WMMSE',
      measured: `L=${maxL}: ${fmt(d)}`,
      holds: above(neg(d)),
    });
  }
  rows.push({
    figure: `Fig. 4 (${f4.snrDb} dB)`,
    paper: "'same γ' is outperformed by WMMSE for every L",
    measured: list(f4.L.map((L, i) => ({ L, d: f4.sameGammaMinusWmmse[i] }))),
    holds: f4.sameGammaMinusWmmse.every((d) => above(neg(d))),
  });
  const f5 = r.fig5;
  const k = Math.max(...Object.keys(f5.byK).map(Number));
  const f5all = f5.L.map((L, i) => ({ L, d: f5.finalMinusWmmse[i], wsr: f5.wmmse[i] }));
  const f5early = f5all.filter(({ L }) => L <= 3);
  rows.push({
    figure: `Fig. 5 (${f5.snrDb} dB)`,
    paper: `progressively extended to K = ${k} PGD steps, the unfolded WMMSE surpasses WMMSE up to L = 3`,
    measured: list(f5early),
    holds: f5early.length > 0 && f5early.every(({ d }) => above(d)),
  });
  const f5late = f5all.filter(({ L }) => L > 3);
  if (f5late.length) {
    rows.push({
      figure: `Fig. 5 (${f5.snrDb} dB)`,
      paper: 'for L > 3 it reaches an almost comparable WSR (within 2 %)',
      measured: list(f5late),
      holds: f5late.every(({ d, wsr }) => d.mean >= -0.02 * wsr),
    });
  }
  const f6 = r.fig6;
  rows.push({
    figure: 'Fig. 6 (L = 1)',
    paper: "'same γ' is outperformed by WMMSE at every SNR",
    measured: f6.snrDb.map((s, i) => `${s} dB: ${fmt(f6.sameGammaMinusWmmse[i])}`).join('; '),
    holds: f6.sameGammaMinusWmmse.every((d) => above(neg(d))),
  });
  const gaps = f6.unfoldedMinusWmmse;
  const rising = gaps.every((d, i) => i === 0 || d.mean - gaps[i - 1].mean > -2 * Math.hypot(d.se, gaps[i - 1].se));
  rows.push({
    figure: 'Fig. 6 (L = 1)',
    paper: 'the unfolded WMMSE surpasses WMMSE at every SNR, with a gap that grows with the SNR',
    measured: f6.snrDb.map((s, i) => `${s} dB: ${fmt(gaps[i])}`).join('; '),
    holds: gaps.every(above) && rising && gaps[gaps.length - 1].mean > gaps[0].mean,
  });
  return rows;
}

export const SAVED_FORMAT = 'precoding-workbook/unfolded-wmmse@1';

/** What the notebook commits under data/unfolded-wmmse/<preset>.json: results without nets, and the nets once. */
export interface SavedRun {
  format: typeof SAVED_FORMAT;
  preset: string;
  seed: number | string;
  backend: string;
  seconds: number;
  results: WmmseResults;
  nets: TrainedNet[];
}

export function toSavedRun(preset: string, seed: number | string, seconds: number, r: WmmseResults): SavedRun {
  const strip = <T extends { nets: TrainedNet[] }>(x: T): T => ({ ...x, nets: [] });
  return {
    format: SAVED_FORMAT,
    preset,
    seed,
    backend: backendInfo().name,
    seconds,
    results: { fig2: strip(r.fig2), fig4: strip(r.fig4), fig5: strip(r.fig5), fig6: strip(r.fig6), complexity: r.complexity },
    nets: collectNets(r.fig2, r.fig4, r.fig5, r.fig6),
  };
}

/** Validate a saved run read from JSON. */
export function checkSavedRun(x: unknown, where: string): SavedRun {
  const s = x as Partial<SavedRun>;
  if (!s || s.format !== SAVED_FORMAT || !Array.isArray(s.nets) || !s.results) {
    throw new Error(`${where}: not a saved unfolded-WMMSE run (expected format "${SAVED_FORMAT}" with results and nets)`);
  }
  for (const n of s.nets) {
    const width = n.sameGamma ? 1 : n.pgdSteps;
    if (!Array.isArray(n.gamma) || n.gamma.length !== n.layers || !n.gamma.every((r) => r.length === width && r.every(Number.isFinite))) {
      throw new Error(`${where}: network snr ${n.snrDb} L=${n.layers} K=${n.pgdSteps} has malformed step sizes`);
    }
  }
  return s as SavedRun;
}
