/**
 * One function per figure or table of the MSER paper, each returning plain typed data measured on the
 * same test channels (one seed; the same channels at every SNR), so every scheme is compared paired:
 * per channel the exact conditional SER (phy/conditionalSer: every symbol vector, no Monte Carlo noise),
 * means with their standard errors over channels, medians beside them (a few channels carry the mean).
 *
 * SNRs are the paper's; each runs at SNR + δ on our channel (`channel.snrOffsetDb`, ./presets).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { meanSe, MeanSe } from '../../kit/stats';
import { clusteredChannel, ClusteredChannel, rayleigh } from '../../phy/channels';
import type { TrainHistory } from '../../train/loop';
import { Progress, silentProgress } from '../../train/progress';
import { exactSerFd, fdAsHybrid, fdMmseDesign, fullyDigitalSystem, ompDesign } from './baselines';
import { fitSnrOffset, OffsetFit, SerPoint } from './calibration';
import { buildCnn, cnnDesign, cnnPreset, CnnNet, trainCnn } from './cnn';
import { exactSer } from './evaluate';
import { GdStepSizes, mserGd } from './gd';
import { mserGdF64 } from './gdF64';
import { mmseGd, mmseScaledCombiners } from './mmse';
import { paperGdPoints, PAPER_TABLE1 } from './paperTables';
import { checkPreset, MserPreset } from './presets';
import { designStart, MserStart } from './starts';
import { disposeSymbols, sampleSymbols, SymbolBlock } from './symbols';
import { MserSystem, noiseVarOf, totalStreams } from './system';
import { disposeState, HybridState } from './transceiver';
import { buildUnfolded, UnfoldedNet } from './unfolded';
import { TrainedUnfolded, trainUnfolded, unfoldedDesign } from './training';

/** 'train#r': replicate r's own training channels */
export type ChannelPurpose = 'test' | 'train' | 'val' | 'tune' | 'cnn-train' | `train#${number}`;

/** The paper's clustered mmWave channel (3), or i.i.d. Rayleigh CN(0, 1) entries (Fig. 10's "Gaussian channel model"). */
export type MserChannelKind = 'clustered' | 'rayleigh';

/**
 * The preset's channels for one purpose (one stream per purpose and kind: adding channels to one never shifts
 * another): clustered (3) with its ray angles, or Rayleigh [count, K, N_r, N_t] (no angles: OMP cannot run on it).
 */
export function channelSet(p: MserPreset, purpose: ChannelPurpose, count: number, opts: { clusters?: number; sys?: MserSystem; kind?: MserChannelKind } = {}): ClusteredChannel {
  const sys = opts.sys ?? p.sys;
  const c = p.channel;
  if (opts.kind === 'rayleigh') {
    const h = rayleigh(new Rng(p.seed).fork(`rayleigh/${purpose}/${sys.users}x${sys.rxAntennas}x${sys.txAntennas}`), { batchShape: [count, sys.users], users: sys.rxAntennas, antennas: sys.txAntennas });
    const none = new Float64Array(0);
    return { h, aodDeg: none, aoaDeg: none, clusterAodDeg: none, clusterAoaDeg: none };
  }
  return clusteredChannel(new Rng(p.seed).fork(`channels/${purpose}/${sys.users}x${sys.rxAntennas}x${sys.txAntennas}`), {
    batch: count, users: sys.users, txAntennas: sys.txAntennas, rxAntennas: sys.rxAntennas,
    clusters: opts.clusters ?? c.clusters, raysPerCluster: c.raysPerCluster, angularSpreadDeg: c.angularSpreadDeg,
  });
}

/** Our SNR for one of the paper's: SNR + δ. */
export function ourSnrDb(p: MserPreset, paperSnrDb: number): number {
  return paperSnrDb + p.channel.snrOffsetDb;
}

/** The first n channels of a set with their ray angles (new tensors). */
export function firstChannels(c: ClusteredChannel, n: number): ClusteredChannel {
  const B = c.h.re.shape[0] as number;
  if (!(Number.isInteger(n) && n >= 1 && n <= B)) throw new Error(`firstChannels(n): an integer in [1, ${B}]; got ${n}`);
  const cut = (a: Float64Array) => a.slice(0, (a.length / B) * n);
  return {
    h: { re: tf.slice(c.h.re, [0], [n]), im: tf.slice(c.h.im, [0], [n]) },
    aodDeg: cut(c.aodDeg), aoaDeg: cut(c.aoaDeg), clusterAodDeg: cut(c.clusterAodDeg), clusterAoaDeg: cut(c.clusterAoaDeg),
  };
}

export const disposeChannel = (c: { h: Complex }): void => tf.dispose([c.h.re, c.h.im]);
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / Math.max(1, a.length);
function median(a: ArrayLike<number>): number {
  const s = Float64Array.from(a).sort();
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Per channel the smaller SER of each array (best of several designs, chosen by exact SER). */
export function bestOf(sers: Float64Array[]): Float64Array {
  return sers.slice(1).reduce((acc, s) => acc.map((x, i) => Math.min(x, s[i])), Float64Array.from(sers[0]));
}

/** The scheme keys of Fig. 8 and Table I, in legend order. */
export type MserScheme = 'mser-gd' | 'mser-gd-r1' | 'mser-fd-gd' | 'mmse-gd' | 'fd-mmse' | 'mo' | 'omp' | 'unfolded' | 'cnn-mser' | 'cnn-mmse';
export const SCHEME_LABELS: Readonly<Record<MserScheme, string>> = {
  'mser-gd': 'MSER hybrid GD (best of starts)',
  'mser-gd-r1': 'MSER hybrid GD (MO start only)',
  'mser-fd-gd': 'MSER fully digital GD',
  'mmse-gd': 'MMSE hybrid GD',
  'fd-mmse': 'MMSE fully digital',
  mo: 'MO-AltMin (hybrid MMSE)',
  omp: 'OMP (hybrid MMSE)',
  unfolded: 'Deep-unfolded (ours trained)',
  'cnn-mser': 'CNN, MSER loss',
  'cnn-mmse': 'CNN, MSE loss',
};

export interface SchemeSer {
  scheme: MserScheme;
  /** exact SER per test channel */
  ser: Float64Array;
  /** wall time of the design over all test channels, s */
  seconds: number;
  /** GD: the chosen η and the tuning scores */
  eta?: number;
  tuned?: { eta: number; ser: number }[];
}

/** The relative step η of `etaGrid` with the lowest mean exact SER of `run` on the tuning channels. */
export async function tuneEta(etaGrid: number[], run: (eta: number) => Promise<Float64Array>): Promise<{ eta: number; tried: { eta: number; ser: number }[] }> {
  const tried: { eta: number; ser: number }[] = [];
  for (const eta of etaGrid) {
    const s = mean(await run(eta));
    tried.push({ eta, ser: Number.isFinite(s) ? s : Infinity });
  }
  return { eta: tried.reduce((a, b) => (b.ser < a.ser ? b : a)).eta, tried };
}

export interface GdRun {
  noiseVar: number;
  /** the channels the SER is measured on (default: the design's own; Fig. 9: the true channels of an estimate) */
  evalH?: Complex;
  steps: GdStepSizes;
  iterations: number;
  recordEvery: number;
  progress?: Progress;
  phase?: string;
}

/**
 * MSER GD (Algorithm 1, keepBest) from `init` with fixed steps; → the exact SER per channel (each channel on
 * its own). QPSK runs the float64 kernel (./gdF64, the same iteration 4–30× faster than tfjs here); 16-QAM tfjs.
 */
export async function runMserGd(h: Complex, init: HybridState, sym: SymbolBlock, sys: MserSystem, o: GdRun): Promise<Float64Array> {
  const run = sys.modulation === 'qpsk' ? mserGdF64 : mserGd;
  const r = await run(h, init, sym, sys, { steps: o.steps, rho: Math.sqrt(o.noiseVar / 2), iterations: o.iterations, recordEvery: o.recordEvery, keepBest: true, normalisedSteps: true, progress: o.progress, phase: o.phase });
  try {
    return exactSer(o.evalH ?? h, r.state, sys, o.noiseVar);
  } finally {
    disposeState(r.state);
  }
}

export async function runMmseGd(h: Complex, init0: HybridState, sys: MserSystem, o: GdRun): Promise<Float64Array> {
  // from the start with its combiners at their MMSE scale (./mmse mmseScaledCombiners)
  const init = mmseScaledCombiners(h, init0, sys, o.noiseVar);
  let r: Awaited<ReturnType<typeof mmseGd>>;
  try {
    r = await mmseGd(h, init, sys, { steps: o.steps, noiseVar: o.noiseVar, iterations: o.iterations, recordEvery: o.recordEvery, keepBest: true, normalisedSteps: true, progress: o.progress, phase: o.phase });
  } finally {
    disposeState(init);
  }
  try {
    return exactSer(o.evalH ?? h, r.state, sys, o.noiseVar);
  } finally {
    disposeState(r.state);
  }
}

export interface BaselinePoint {
  /** the paper's SNR and ours (SNR + δ) */
  snrDb: number;
  ourSnrDb: number;
  schemes: SchemeSer[];
}

/**
 * The non-learned schemes of Fig. 8 at one SNR on the test channels: the fully digital MMSE design, OMP
 * and MO-AltMin (its hybrid approximations), MMSE hybrid GD and MSER hybrid GD from the MO design, MSER
 * hybrid GD best of the preset's starts, MSER fully digital GD from the fully digital MMSE design.
 * Every GD takes relative steps per channel (./gd `normalisedSteps`, ours) of size η, the η of `etaGrid`
 * with the best mean exact SER on the tuning channels, so each test channel's design depends on that
 * channel alone: `channels` may be the first n test channels and gives the same numbers for them
 * (with `tuned`, a run's chosen η, the tuning is skipped).
 */
export async function baselinesAt(p: MserPreset, snrDb: number, opts: { progress?: Progress; channels?: ClusteredChannel; sys?: MserSystem; tuned?: { mser: number; mmse: number } } = {}): Promise<BaselinePoint> {
  checkPreset('baselinesAt', p);
  checkFinite('baselinesAt', 'snrDb', snrDb);
  if (opts.tuned) {
    checkFinite('baselinesAt', 'opts.tuned.mser', opts.tuned.mser, 0, false);
    checkFinite('baselinesAt', 'opts.tuned.mmse', opts.tuned.mmse, 0, false);
  }
  const sys = opts.sys ?? p.sys;
  const progress = opts.progress ?? silentProgress;
  const our = ourSnrDb(p, snrDb), nv = noiseVarOf(sys, our);
  const rng = new Rng(p.seed).fork(`baselines/${snrDb}`);
  const test = opts.channels ?? channelSet(p, 'test', p.testChannels, { sys });
  const tune = channelSet(p, 'tune', p.tuneChannels, { sys });
  const sym = sampleSymbols(rng.fork('symbols'), { streams: totalStreams(sys), count: p.gd.symbols, modulation: sys.modulation });
  const schemes: SchemeSer[] = [];
  const timed = async (scheme: MserScheme, f: () => Promise<Float64Array> | Float64Array, extra: Partial<SchemeSer> = {}) => {
    const t0 = Date.now();
    const ser = await f();
    schemes.push({ scheme, ser, seconds: (Date.now() - t0) / 1000, ...extra });
    return ser;
  };
  const owned: HybridState[] = [];
  const own = (s: HybridState) => (owned.push(s), s);
  try {
    const startOf = (c: ClusteredChannel, s: MserStart, label: string) => own(designStart(c.h, sys, { start: s, noiseVar: nv, rng: rng.fork(`${label}/${s}`) }));
    const base = { noiseVar: nv, iterations: p.gd.iterations, recordEvery: p.gd.recordEvery, progress };
    // tuning: η of MSER GD and of MMSE GD from the MO start of the tuning channels
    const tuneMo = startOf(tune, 'mo', 'tune');
    // relative steps per channel (./gd normalisedSteps): μ = η for every block
    const mserSteps = (_st: HybridState, eta: number): GdStepSizes => ({ v: eta, w: eta, thetaU: eta, thetaF: eta });
    const mmseSteps = (eta: number) => mserSteps(tuneMo, eta);
    // `tuned`: a run's chosen η (re-checking a saved run), else tune now
    const given = (eta: number) => Promise.resolve({ eta, tried: [] as { eta: number; ser: number }[] });
    const mserEta = opts.tuned ? await given(opts.tuned.mser) : await tuneEta(p.gd.etaGrid, (eta) => runMserGd(tune.h, tuneMo, sym, sys, { ...base, steps: mserSteps(tuneMo, eta), phase: `tune MSER GD η=${eta} (${snrDb} dB)` }));
    const mmseEta = opts.tuned ? await given(opts.tuned.mmse) : await tuneEta(p.mmseGd.etaGrid, (eta) => runMmseGd(tune.h, tuneMo, sys, { ...base, iterations: p.mmseGd.iterations, steps: mmseSteps(eta), phase: `tune MMSE GD η=${eta} (${snrDb} dB)` }));

    const fd = fdMmseDesign(test.h, sys, nv);
    await timed('fd-mmse', () => exactSerFd(test.h, fd, sys, nv));
    await timed('omp', () => exactSer(test.h, own(ompDesign(test.h, test, sys, nv, fd)), sys, nv));
    const mo = startOf(test, 'mo', 'test');
    await timed('mo', () => exactSer(test.h, mo, sys, nv));
    await timed('mmse-gd', () => runMmseGd(test.h, mo, sys, { ...base, iterations: p.mmseGd.iterations, steps: mmseSteps(mmseEta.eta), phase: `MMSE GD (${snrDb} dB)` }), { eta: mmseEta.eta, tuned: mmseEta.tried });
    const perStart: Float64Array[] = [];
    const t0 = Date.now();
    for (const s of p.gd.starts) {
      const init = s === 'mo' ? mo : startOf(test, s, 'test');
      const steps = mserSteps(init, mserEta.eta);
      perStart.push(await runMserGd(test.h, init, sym, sys, { ...base, steps, phase: `MSER GD from ${s} (${snrDb} dB)` }));
    }
    const seconds = (Date.now() - t0) / 1000;
    if (p.gd.starts[0] === 'mo') schemes.push({ scheme: 'mser-gd-r1', ser: perStart[0], seconds: seconds / p.gd.starts.length, eta: mserEta.eta, tuned: mserEta.tried });
    schemes.push({ scheme: 'mser-gd', ser: bestOf(perStart), seconds, eta: mserEta.eta, tuned: mserEta.tried });
    const fds = fullyDigitalSystem(sys);
    await timed('mser-fd-gd', () => {
      const steps = { ...mserSteps(mo, mserEta.eta), thetaU: 0, thetaF: 0 };
      return runMserGd(test.h, own(fdAsHybrid(fd, sys)), sym, fds, { ...base, steps, phase: `MSER FD GD (${snrDb} dB)` });
    }, { eta: mserEta.eta });
    return { snrDb, ourSnrDb: our, schemes };
  } finally {
    owned.forEach(disposeState);
    disposeSymbols(sym);
    disposeChannel(tune);
    if (!opts.channels) disposeChannel(test);
  }
}

// ---------------------------------------------------------------------------------------------------
// Learned schemes

/**
 * Starts of the networks' channel sets, computed once per process (MO costs ≈ 0.1 s a channel, and
 * every network at one SNR starts from the same channels): kept tensors, freed by `clearStartCache`.
 */
const startCache = new Map<string, HybridState>();

export function clearStartCache(): void {
  for (const s of startCache.values()) disposeState(s);
  startCache.clear();
}

/** The start of a channel set (cached; do not dispose it). */
function cachedStart(key: string, make: () => HybridState): HybridState {
  let s = startCache.get(key);
  if (!s) {
    s = make();
    startCache.set(key, s);
  }
  return s;
}

export interface UnfoldedRun {
  net: UnfoldedNet;
  trained: TrainedUnfolded;
  /** η of the steps μ the network starts from */
  eta: number;
  seconds: number;
}

/** Overrides of one training run (Figs. 5–7 vary them; `replicate` r ≥ 1 retrains from other draws). */
export interface UnfoldedVariant {
  /** Fig. 10: train on this channel model (default clustered) */
  channelKind?: MserChannelKind;
  layers?: number;
  batchChannels?: number;
  learningRate?: number;
  steps?: number;
  trainChannels?: number;
  replicate?: number;
}

/**
 * Train the unfolded network (27)–(31) at one SNR (paper's dB): the preset's training and validation
 * channels, every channel starting from `unfolded.start`, steps μ of relative size η (./tune
 * relativeSteps on the training channels' starts) with η given or, by default, the η of `gd.etaGrid`
 * whose untrained network (L iterations of Algorithm 1) has the lowest validation SER; then Algorithm 2
 * with the preset's settings and the variant's overrides.
 */
export async function trainUnfoldedAt(p: MserPreset, snrDb: number, o: { eta?: number; variant?: UnfoldedVariant; progress?: Progress; sys?: MserSystem; transfer?: { from: UnfoldedNet; frozenLayers: number } } = {}): Promise<UnfoldedRun> {
  const fn = 'trainUnfoldedAt';
  checkPreset(fn, p);
  checkFinite(fn, 'snrDb', snrDb);
  if (o.eta !== undefined) checkFinite(fn, 'o.eta (η)', o.eta, 0, false);
  const v = o.variant ?? {};
  for (const k of ['layers', 'batchChannels', 'steps', 'trainChannels'] as const) if (v[k] !== undefined) checkPositiveInt(fn, `o.variant.${k}`, v[k] as number);
  if (v.learningRate !== undefined) checkFinite(fn, 'o.variant.learningRate', v.learningRate, 0, false);
  if (v.replicate !== undefined && !(Number.isInteger(v.replicate) && v.replicate >= 0)) throw new Error(`${fn}(o.variant.replicate): an integer ≥ 0; got ${v.replicate}`);
  const sys = o.sys ?? p.sys;
  const kind = v.channelKind ?? 'clustered';
  if (o.transfer) {
    const L = o.transfer.from.config.layers;
    if (!(Number.isInteger(o.transfer.frozenLayers) && o.transfer.frozenLayers >= 0 && o.transfer.frozenLayers < L)) throw new Error(`${fn}(o.transfer.frozenLayers): an integer in [0, ${L - 1}]; got ${o.transfer.frozenLayers}`);
    if (JSON.stringify(o.transfer.from.config.sys) !== JSON.stringify(sys)) throw new Error(`${fn}(o.transfer.from): its system ${JSON.stringify(o.transfer.from.config.sys)} is not the one trained here, ${JSON.stringify(sys)}`);
    if (o.eta !== undefined || v.layers !== undefined) throw new Error(`${fn}(o.transfer): the source fixes η and L; do not pass o.eta or o.variant.layers`);
  }
  const nv = noiseVarOf(sys, ourSnrDb(p, snrDb));
  const rng = new Rng(p.seed).fork(`unfolded/${snrDb}${v.replicate ? `#${v.replicate}` : ''}${kind === 'clustered' ? '' : `/${kind}`}`);
  const train = channelSet(p, v.replicate ? `train#${v.replicate}` : 'train', v.trainChannels ?? p.trainChannels, { sys, kind });
  const val = channelSet(p, 'val', p.valChannels, { sys, kind });
  const t0 = Date.now();
  const base = `${p.seed}/${JSON.stringify(sys)}/${kind === 'clustered' ? JSON.stringify(p.channel) : kind}/${p.unfolded.start}/${ourSnrDb(p, snrDb)}`;
  const startRng = new Rng(p.seed).fork(`unfolded-starts/${snrDb}`);
  const trainKey = `${base}/train${v.replicate ? `#${v.replicate}` : ''}/${v.trainChannels ?? p.trainChannels}`;
  const rho = Math.sqrt(nv / 2);
  const layers = v.layers ?? p.unfolded.layers;
  try {
    const trainInit = cachedStart(trainKey, () => designStart(train.h, sys, { start: p.unfolded.start, noiseVar: nv, rng: startRng.fork(trainKey) }));
    const valInit = cachedStart(`${base}/val/${p.valChannels}`, () => designStart(val.h, sys, { start: p.unfolded.start, noiseVar: nv, rng: startRng.fork('val') }));
    const netAt = (eta: number) => buildUnfolded(rng.fork('net'), { sys, layers, steps: { v: eta, w: eta, thetaU: eta, thetaF: eta }, rho, normalisedSteps: true });
    if (o.transfer) return await transferUnfolded(o.transfer.from, o.transfer.frozenLayers, trainInit, valInit);
    let eta = o.eta;
    if (eta === undefined) {
      const tried = p.gd.etaGrid.map((e) => {
        const net = netAt(e);
        const d = unfoldedDesign(net, val.h, { rng: rng.fork('eta-symbols'), count: p.unfolded.train.symbols }, { init: valInit });
        const ser = mean(exactSer(val.h, d, sys, nv));
        disposeState(d);
        net.dispose();
        return { e, ser: Number.isFinite(ser) ? ser : Infinity };
      });
      eta = tried.reduce((a, b) => (b.ser < a.ser ? b : a)).e;
    }
    const net = netAt(eta);
    const settings = { ...p.unfolded.train, snrDb: ourSnrDb(p, snrDb), batchChannels: v.batchChannels ?? p.unfolded.train.batchChannels, learningRate: v.learningRate ?? p.unfolded.train.learningRate, steps: v.steps ?? p.unfolded.train.steps };
    try {
      const trained = await trainUnfolded(net, { trainH: train.h, valH: val.h, trainInit, valInit }, settings, rng.fork('train'), { progress: o.progress, phase: `unfolded L=${layers} ${snrDb} dB` });
      return { net, trained, eta, seconds: (Date.now() - t0) / 1000 };
    } catch (e) {
      net.dispose();
      throw e;
    }
  } finally {
    disposeChannel(train);
    disposeChannel(val);
  }

  /** Fig. 10: a copy of `from` (its μ, ϱ₀ and parameters) retrained here with its first `frozen` layers fixed */
  async function transferUnfolded(from: UnfoldedNet, frozen: number, trainInit: HybridState, valInit: HybridState): Promise<UnfoldedRun> {
    const net = buildUnfolded(rng.fork('net'), from.config);
    try {
      for (const name of from.params.names()) net.params.get(name).assign(from.params.get(name));
      const free = net.params.names().filter((n) => Number(/^l(\d+)\//.exec(n)?.[1]) >= frozen).map((n) => net.params.get(n));
      const settings = { ...p.unfolded.train, snrDb: ourSnrDb(p, snrDb), batchChannels: v.batchChannels ?? p.unfolded.train.batchChannels, learningRate: v.learningRate ?? p.unfolded.train.learningRate, steps: v.steps ?? p.unfolded.train.steps };
      const trained = await trainUnfolded(net, { trainH: train.h, valH: val.h, trainInit, valInit }, settings, rng.fork('train'), { progress: o.progress, phase: `transfer L=${from.config.layers} (first ${frozen} fixed) ${snrDb} dB`, variables: free });
      return { net, trained, eta: from.config.steps.v, seconds: (Date.now() - t0) / 1000 };
    } catch (e) {
      net.dispose();
      throw e;
    }
  }
}

/** The exact SER per test channel of a trained unfolded network (every channel from its start). */
export function unfoldedTestSer(p: MserPreset, net: UnfoldedNet, snrDb: number, opts: { channels?: ClusteredChannel } = {}): { ser: Float64Array; seconds: number } {
  const sys = net.config.sys;
  const nv = noiseVarOf(sys, ourSnrDb(p, snrDb));
  const test = opts.channels ?? channelSet(p, 'test', p.testChannels, { sys });
  const rng = new Rng(p.seed).fork(`unfolded-test/${snrDb}`);
  const t0 = Date.now();
  // the test channels' starts: cached for the preset's own test set (every network at this SNR shares them)
  const make = () => designStart(test.h, sys, { start: p.unfolded.start, noiseVar: nv, rng: rng.fork('starts') });
  const init = opts.channels ? make() : cachedStart(`${p.seed}/${JSON.stringify(sys)}/${JSON.stringify(p.channel)}/${p.unfolded.start}/${ourSnrDb(p, snrDb)}/test/${p.testChannels}`, make);
  const d = unfoldedDesign(net, test.h, { rng: rng.fork('symbols'), count: p.unfolded.train.symbols }, { init });
  try {
    const ser = exactSer(test.h, d, sys, nv);
    return { ser, seconds: (Date.now() - t0) / 1000 };
  } finally {
    if (opts.channels) disposeState(init);
    disposeState(d);
    if (!opts.channels) disposeChannel(test);
  }
}

/** `unfoldedTestSer` of one preset, computed once per network and SNR (one results pass asks several times). */
export type TestSerOf = (net: UnfoldedNet, snrDb: number) => { ser: Float64Array; seconds: number };

/** A `TestSerOf` that remembers: the tables that share a network (Table II and its training gain) reuse its SERs. */
export function testSerMemo(p: MserPreset): TestSerOf {
  const seen = new Map<UnfoldedNet, Map<number, { ser: Float64Array; seconds: number }>>();
  return (net, snrDb) => {
    const bySnr = seen.get(net) ?? new Map<number, { ser: Float64Array; seconds: number }>();
    seen.set(net, bySnr);
    let r = bySnr.get(snrDb);
    if (!r) {
      r = unfoldedTestSer(p, net, snrDb);
      bySnr.set(snrDb, r);
    }
    return r;
  };
}

export interface CnnRun {
  net: CnnNet;
  validation: { start: number; end: number };
  history: TrainHistory;
  seconds: number;
}

/** Train the black-box CNN (§V-B) at one SNR on the MSER or the MSE loss. */
export async function trainCnnAt(p: MserPreset, snrDb: number, objective: 'mser' | 'mse', o: { progress?: Progress; sys?: MserSystem } = {}): Promise<CnnRun> {
  checkPreset('trainCnnAt', p);
  checkFinite('trainCnnAt', 'snrDb', snrDb);
  const sys = o.sys ?? p.sys;
  const rng = new Rng(p.seed).fork(`cnn-${objective}/${snrDb}`);
  const train = channelSet(p, 'cnn-train', p.cnn.trainChannels, { sys });
  const val = channelSet(p, 'val', p.cnn.valChannels, { sys });
  const t0 = Date.now();
  try {
    const net = buildCnn(rng.fork('net'), cnnPreset(p.cnn.size, sys));
    try {
      const r = await trainCnn(net, { trainH: train.h, valH: val.h }, { ...p.cnn.train, objective, snrDb: ourSnrDb(p, snrDb) }, rng.fork('train'), { progress: o.progress, phase: `CNN-${objective === 'mser' ? 'MSER' : 'MMSE'} ${snrDb} dB` });
      return { net, validation: r.validation, history: r.history, seconds: (Date.now() - t0) / 1000 };
    } catch (e) {
      net.dispose();
      throw e;
    }
  } finally {
    disposeChannel(train);
    disposeChannel(val);
  }
}

export function cnnTestSer(p: MserPreset, net: CnnNet, snrDb: number, opts: { channels?: ClusteredChannel } = {}): { ser: Float64Array; seconds: number } {
  const sys = net.config.sys;
  const nv = noiseVarOf(sys, ourSnrDb(p, snrDb));
  const test = opts.channels ?? channelSet(p, 'test', p.testChannels, { sys });
  const t0 = Date.now();
  const d = cnnDesign(net, test.h);
  try {
    return { ser: exactSer(test.h, d, sys, nv), seconds: (Date.now() - t0) / 1000 };
  } finally {
    disposeState(d);
    if (!opts.channels) disposeChannel(test);
  }
}

// ---------------------------------------------------------------------------------------------------
// Tables

export interface SerRow {
  scheme: MserScheme;
  label: string;
  snrDb: number;
  ser: MeanSe;
  median: number;
  /** Table I's value for this scheme and SNR, when it has one */
  paper?: number;
}

/** Fig. 8 / Table I rows from every point's schemes. */
export function serRows(points: readonly BaselinePoint[]): SerRow[] {
  const paperOf = (s: MserScheme, snr: number) => {
    const r = PAPER_TABLE1.find((x) => x.snrDb === snr);
    if (!r) return undefined;
    return s === 'mser-gd' ? r.gd : s === 'unfolded' ? r.unfolded : s === 'cnn-mser' ? r.cnn : undefined;
  };
  return points.flatMap((pt) => pt.schemes.map((s) => ({ scheme: s.scheme, label: SCHEME_LABELS[s.scheme], snrDb: pt.snrDb, ser: meanSe(s.ser), median: median(s.ser), paper: paperOf(s.scheme, pt.snrDb) })));
}

// ---------------------------------------------------------------------------------------------------
// Calibration (issue 20: N_C and δ against Table I's GD column)

export interface CalibrationCurve {
  clusters: number;
  /** mean exact SER of MSER GD (MO start, keepBest) on the calibration channels, at our SNRs */
  curve: SerPoint[];
  /** the median per SNR */
  medians: number[];
  fit: OffsetFit | undefined;
}

export interface Calibration {
  curves: CalibrationCurve[];
  /** the N_C with the smallest residual and its δ */
  chosen: { clusters: number; snrOffsetDb: number; residual: number };
  paper: SerPoint[];
}

/**
 * For each N_C of `calibration.clusters`: MSER hybrid GD (T = calibration.iterations, MO start, keepBest,
 * η the middle of `gd.etaGrid`) on `calibration.channels` channels over `calibration.snrDb` (ours), then the
 * δ minimising the RMS log10 error against the paper's GD points (Table I and Table II's (2, 4)).
 */
export async function calibrateChannel(p: MserPreset, opts: { progress?: Progress } = {}): Promise<Calibration> {
  checkPreset('calibrateChannel', p);
  const sys = p.sys, cal = p.calibration;
  const eta = p.gd.etaGrid[Math.floor(p.gd.etaGrid.length / 2)];
  const paper = paperGdPoints();
  const curves: CalibrationCurve[] = [];
  for (const nc of cal.clusters) {
    const ch = channelSet(p, 'tune', cal.channels, { clusters: nc });
    const rng = new Rng(p.seed).fork(`calibration/${nc}`);
    const sym = sampleSymbols(rng.fork('symbols'), { streams: totalStreams(sys), count: p.gd.symbols, modulation: sys.modulation });
    const curve: SerPoint[] = [], medians: number[] = [];
    try {
      for (const snr of cal.snrDb) {
        const nv = noiseVarOf(sys, snr);
        const st = designStart(ch.h, sys, { start: 'mo', noiseVar: nv, rng: rng.fork(`mo/${snr}`) });
        try {
          const steps = { v: eta, w: eta, thetaU: eta, thetaF: eta };
          const ser = await runMserGd(ch.h, st, sym, sys, { noiseVar: nv, steps, iterations: cal.iterations, recordEvery: p.gd.recordEvery, progress: opts.progress, phase: `calibration N_C=${nc} ${snr} dB` });
          curve.push({ snrDb: snr, ser: mean(ser) });
          medians.push(median(ser));
        } finally {
          disposeState(st);
        }
      }
    } finally {
      disposeSymbols(sym);
      disposeChannel(ch);
    }
    curves.push({ clusters: nc, curve, medians, fit: fitSnrOffset(curve, paper, cal.offsets) });
  }
  const fitted = curves.filter((c) => c.fit);
  if (fitted.length === 0) throw new Error(`calibrateChannel: no N_C of ${cal.clusters} covers the paper's GD points within the offsets tried; widen calibration.snrDb`);
  const best = fitted.reduce((a, b) => ((b.fit as OffsetFit).residual < (a.fit as OffsetFit).residual ? b : a));
  const f = best.fit as OffsetFit;
  return { curves, chosen: { clusters: best.clusters, snrOffsetDb: f.offsetDb, residual: f.residual }, paper };
}
