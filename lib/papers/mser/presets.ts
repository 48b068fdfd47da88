/**
 * Parameter sets of the MSER hybrid-beamforming notebook. Every field gives the paper's value (§VI-A and
 * §VI-B unless said) beside ours. `paper` is the paper's configuration (days of compute here);
 * `reproduce` keeps the paper's system and network size and shrinks the channel counts, iterations and
 * training steps to fit about an hour on two cores; `quick` shrinks everything to run inside `npm test`.
 *
 * SNR axes are the paper's; our channel runs at SNR + `channel.snrOffsetDb` (δ, from the calibration
 * experiment `calibrateChannel`: the paper states neither its cluster count N_C nor its SNR definition).
 */
import { checkFinite, checkPositiveInt } from '../../core/validate';
import type { CnnPresetName, CnnTrainSettings } from './cnn';
import { checkStart, MserStart } from './starts';
import { checkSystem, MserSystem, PAPER_SYSTEM } from './system';
import type { UnfoldedTrainSettings } from './training';

export type MserPresetName = 'quick' | 'reproduce' | 'paper';
export const MSER_PRESET_NAMES: readonly MserPresetName[] = ['quick', 'reproduce', 'paper'];

export interface MserChannel {
  /** N_C, clusters (paper: not given; ours from the calibration) */
  clusters: number;
  /** N_R, rays per cluster (paper: not given; ours 10) */
  raysPerCluster: number;
  /** angular spread per cluster, degrees (paper: not given; ours 7.5°, Laplacian) */
  angularSpreadDeg: number;
  /** δ: our SNR = the paper's + δ (calibrated against Table I's GD column) */
  snrOffsetDb: number;
}

export interface MserGdSettings {
  /** T, iterations (paper: 500) */
  iterations: number;
  /** J, sampled transmit vectors (paper: not given; the 512) */
  symbols: number;
  /** starts, best of them per channel by exact SER (paper: 50 random starts; ours the MO design and the alignment start) */
  starts: MserStart[];
  /** candidate relative steps η (./gd normalisedSteps: each channel's block moves by η of its RMS, phases by η rad), the best on the tuning channels kept per SNR (paper: plain steps μ, not given) */
  etaGrid: number[];
  /** record (and keep the best iterate) every this many iterations */
  recordEvery: number;
}

export interface MserUnfoldedSettings {
  /** L (paper: 15) */
  layers: number;
  /** the start of every channel (paper: channel alignment; ours the MO design, see ./starts) */
  start: MserStart;
  /** training (Algorithm 2) without the SNR, which is each point's */
  train: Omit<UnfoldedTrainSettings, 'snrDb'>;
}

export interface MserCnnSettings {
  /** ./cnn cnnPreset: 'paper' (17 layers per sub-network, ≈ 1.1 M parameters; sizes ours, the paper gives none), 'compact' (the same 17 layers, ≈ 0.13 M) or 'small' (tests) */
  size: CnnPresetName;
  train: Omit<CnnTrainSettings, 'snrDb' | 'objective'>;
  /** training channels (paper: 10 000, inferred from Tables II–III) */
  trainChannels: number;
  /** validation channels of the CNN (ours; fewer than the unfolded network's: a CNN validation costs ≈ 20 unfolded ones) */
  valChannels: number;
}

/** Tables II–III and Figs. 9–10, all at one SNR (the paper: 20 dB) */
export interface MserStudySettings {
  /** the paper's SNR, dB (paper: 20) */
  snrDb: number;
  /** Table II: (K, R_r) per configuration, D_k = min(D_k, R_r) (ours: the paper keeps D_k = 3, which R_r = 2 cannot carry) */
  configs: { users: number; rxRf: number }[];
  /** Table III: training channels of the unfolded network (paper: 100 … 800) */
  trainChannels: number[];
  /** Fig. 9: σ_h², the variance of the CSI error H − H̄ per entry (channel entries have unit mean power; the paper's values are not in the text) */
  csiErrorVar: number[];
  /** Fig. 11 / Table VI: the SNRs (paper's dB) of the 16-QAM system (the preset's otherwise; paper: Table VI at 25 dB) */
  qamSnrDb: number[];
  /**
   * Fig. 10: the SNR (one of `snrDb`: the source is that SNR's mmWave network unfolded@snr; ours 5 dB, where
   * i.i.d. Rayleigh channels still err: at 20 dB every scheme's SER there is below 1e-10), the first layers kept
   * fixed when it is retrained on Rayleigh channels (paper: 10), and the retraining steps (ours)
   */
  transfer: { snrDb: number; frozenLayers: number; steps: number };
}

export interface MserPreset {
  name: MserPresetName;
  sys: MserSystem;
  channel: MserChannel;
  /** Fig. 8 SNR grid, paper's dB (paper: Table I at 5, 15, 25; Fig. 8's axis not in the text) */
  snrDb: number[];
  /** the SNR of Table I's 90 % claim, Figs. 5–7's training curves (paper: 20 dB for Figs. 5–7, Tables II–III) */
  headlineSnrDb: number;
  /** SNRs the CNNs are trained at (each its own network; ours fewer than the grid in reproduce: the CNN costs ≈ 2 s a step) */
  cnnSnrDb: number[];
  /** test channels (paper: 5000) */
  testChannels: number;
  /** channels the GD step sizes are tuned on (ours) */
  tuneChannels: number;
  /** training / validation channels of the unfolded network (paper: 500 / not given; ours ≥ 200 in reproduce: the
   *  mean SER is carried by a few hard channels, and selection on 40 of them kept parameters that were worse on test) */
  trainChannels: number;
  valChannels: number;
  gd: MserGdSettings;
  /** MMSE-based GD (the same engine on the MSE): iterations and η grid */
  mmseGd: { iterations: number; etaGrid: number[] };
  unfolded: MserUnfoldedSettings;
  cnn: MserCnnSettings;
  /** Figs. 5–7 at the headline SNR: batch sizes N, initial learning rates η₀, layer counts L (paper: not listed except L = 6…18) */
  curves: { batchSizes: number[]; learningRates: number[]; layers: number[]; steps: number };
  /** calibration: cluster counts tried, channels, GD iterations (ours) */
  calibration: { clusters: number[]; channels: number; iterations: number; snrDb: number[]; offsets: number[] };
  /** training seeds of the headline unfolded network (the 90 % claim is decided over them) */
  replicates: number;
  studies: MserStudySettings;
  seed: number;
}

const sys = PAPER_SYSTEM;
const channel: MserChannel = { clusters: 2, raysPerCluster: 10, angularSpreadDeg: 7.5, snrOffsetDb: 0 };
const trainPaper: Omit<UnfoldedTrainSettings, 'snrDb'> = {
  steps: 100, // paper: not given (the learning rate has fallen 2⁻¹⁰ by then)
  batchChannels: 20,
  symbols: 128, // J of the loss, ours
  learningRate: 0.02,
  halveEvery: 10,
  optimizer: 'sgd',
  validateEvery: 5,
};
const offsets = Array.from({ length: 41 }, (_, i) => -20 + i * 0.5);

export const MSER_PRESETS: Readonly<Record<MserPresetName, MserPreset>> = {
  quick: {
    name: 'quick', sys: { ...sys, txAntennas: 16, txRf: 4, rxAntennas: 4, rxRf: 2, streams: 2 }, channel,
    snrDb: [5, 15, 25], headlineSnrDb: 15, cnnSnrDb: [15], testChannels: 16, tuneChannels: 8, trainChannels: 40, valChannels: 12,
    gd: { iterations: 30, symbols: 64, starts: ['mo'], etaGrid: [0.01, 0.03], recordEvery: 5 },
    mmseGd: { iterations: 30, etaGrid: [0.01, 0.03] },
    unfolded: { layers: 3, start: 'mo', train: { ...trainPaper, steps: 8, batchChannels: 8, symbols: 32, optimizer: 'adam', learningRate: 0.01, validateEvery: 4 } },
    cnn: { size: 'small', trainChannels: 40, valChannels: 12, train: { steps: 8, batchChannels: 8, learningRate: 1e-3, symbols: 32, validateEvery: 4, optimizer: 'adam' } },
    curves: { batchSizes: [4, 8], learningRates: [0.005, 0.02], layers: [2, 3], steps: 6 },
    calibration: { clusters: [1, 2], channels: 6, iterations: 20, snrDb: [0, 10, 20], offsets },
    replicates: 1, seed: 20,
    studies: { snrDb: 15, configs: [{ users: 1, rxRf: 2 }, { users: 2, rxRf: 2 }], trainChannels: [16, 40], csiErrorVar: [0, 0.1], transfer: { snrDb: 5, frozenLayers: 2, steps: 4 }, qamSnrDb: [25] },
  },
  reproduce: {
    name: 'reproduce', sys, channel,
    snrDb: [5, 15, 25], headlineSnrDb: 15, cnnSnrDb: [5, 15, 25], testChannels: 100, tuneChannels: 20, trainChannels: 500, valChannels: 200,
    gd: { iterations: 200, symbols: 512, starts: ['mo', 'alignment'], etaGrid: [0.003, 0.01, 0.03], recordEvery: 10 },
    mmseGd: { iterations: 200, etaGrid: [0.003, 0.01, 0.03] },
    unfolded: { layers: 15, start: 'mo', train: { ...trainPaper, steps: 40, optimizer: 'adam', learningRate: 0.01 } },
    cnn: { size: 'compact', trainChannels: 2000, valChannels: 40, train: { steps: 200, batchChannels: 20, learningRate: 1e-3, symbols: 128, validateEvery: 25, optimizer: 'adam' } },
    curves: { batchSizes: [5, 10, 20, 50], learningRates: [0.005, 0.01, 0.02, 0.05], layers: [6, 9, 12, 15, 18], steps: 30 },
    calibration: { clusters: [1, 2, 3], channels: 30, iterations: 100, snrDb: [-10, -5, 0, 5, 10, 15, 20, 25], offsets },
    replicates: 3, seed: 20,
    studies: { snrDb: 20, configs: [{ users: 1, rxRf: 4 }, { users: 2, rxRf: 4 }, { users: 3, rxRf: 2 }, { users: 4, rxRf: 2 }], trainChannels: [100, 200, 500, 800], csiErrorVar: [0, 0.01, 0.03, 0.1], transfer: { snrDb: 5, frozenLayers: 10, steps: 20 }, qamSnrDb: [15, 25] },
  },
  paper: {
    name: 'paper', sys, channel,
    snrDb: [0, 5, 10, 15, 20, 25, 30], headlineSnrDb: 15, cnnSnrDb: [0, 5, 10, 15, 20, 25, 30], testChannels: 5000, tuneChannels: 60, trainChannels: 500, valChannels: 300,
    gd: { iterations: 500, symbols: 512, starts: ['mo', 'alignment'], etaGrid: [0.003, 0.01, 0.03], recordEvery: 10 },
    mmseGd: { iterations: 500, etaGrid: [0.003, 0.01, 0.03] },
    unfolded: { layers: 15, start: 'mo', train: trainPaper },
    cnn: { size: 'paper', trainChannels: 10_000, valChannels: 100, train: { steps: 3000, batchChannels: 20, learningRate: 1e-3, symbols: 128, validateEvery: 100, optimizer: 'adam' } },
    curves: { batchSizes: [5, 10, 20, 50], learningRates: [0.005, 0.01, 0.02, 0.05], layers: [6, 9, 12, 15, 18], steps: 100 },
    calibration: { clusters: [1, 2, 3, 4, 5], channels: 60, iterations: 200, snrDb: [-10, -5, 0, 5, 10, 15, 20, 25, 30], offsets },
    replicates: 3, seed: 20,
    studies: { snrDb: 20, configs: [{ users: 1, rxRf: 4 }, { users: 2, rxRf: 4 }, { users: 3, rxRf: 2 }, { users: 4, rxRf: 2 }], trainChannels: [100, 200, 300, 400, 500, 600, 700, 800], csiErrorVar: [0, 0.01, 0.03, 0.1, 0.3], transfer: { snrDb: 5, frozenLayers: 10, steps: 100 }, qamSnrDb: [0, 5, 10, 15, 20, 25, 30] },
  },
};

/** A deep copy of the named preset (editing it never changes the others). */
export function mserPreset(name: string): MserPreset {
  const p = MSER_PRESETS[name as MserPresetName];
  if (!p) throw new Error(`mserPreset(name): must be one of ${MSER_PRESET_NAMES.join(', ')}; got ${JSON.stringify(name)}`);
  return structuredClone(p);
}

/**
 * Throws unless `p` is usable (a notebook's edited parameters): the system, positive counts, a non-empty
 * η grid of positive numbers, at least one GD start, the headline and CNN SNRs on the SNR grid, QPSK for the
 * preset system (its float64 GD kernel and the CNN's MSER loss are QPSK; 16-QAM runs as the studies' Fig. 11,
 * `studies.qamSnrDb`), and the studies' settings.
 */
export function checkPreset(fn: string, p: MserPreset): MserPreset {
  if (p === null || typeof p !== 'object') throw new Error(`${fn}(p): needs a preset (mserPreset('quick' | 'reproduce' | 'paper'))`);
  checkSystem(fn, p.sys);
  if (p.sys.modulation !== 'qpsk') throw new Error(`${fn}(p.sys.modulation): the preset system is QPSK (16-QAM runs as the studies' Fig. 11: p.studies.qamSnrDb); got ${p.sys.modulation}`);
  for (const k of ['testChannels', 'tuneChannels', 'trainChannels', 'valChannels', 'replicates'] as const) checkPositiveInt(fn, `p.${k}`, p[k]);
  checkPositiveInt(fn, 'p.cnn.valChannels', p.cnn?.valChannels);
  checkPositiveInt(fn, 'p.channel.clusters (N_C)', p.channel.clusters);
  checkFinite(fn, 'p.channel.snrOffsetDb (δ)', p.channel.snrOffsetDb);
  for (const [what, grid] of [['p.gd.etaGrid', p.gd.etaGrid], ['p.mmseGd.etaGrid', p.mmseGd.etaGrid]] as const) {
    if (!Array.isArray(grid) || grid.length === 0) throw new Error(`${fn}(${what}): needs at least one relative step η > 0`);
    grid.forEach((x, i) => checkFinite(fn, `${what}[${i}]`, x, 0, false));
  }
  if (!Array.isArray(p.gd.starts) || p.gd.starts.length === 0) throw new Error(`${fn}(p.gd.starts): needs at least one of 'mo', 'alignment'`);
  p.gd.starts.forEach((s, i) => checkStart(fn, `p.gd.starts[${i}]`, s));
  checkStart(fn, 'p.unfolded.start', p.unfolded.start);
  if (!Array.isArray(p.snrDb) || p.snrDb.length === 0) throw new Error(`${fn}(p.snrDb): needs at least one SNR`);
  p.snrDb.forEach((x, i) => checkFinite(fn, `p.snrDb[${i}]`, x));
  if (new Set(p.snrDb).size !== p.snrDb.length) throw new Error(`${fn}(p.snrDb): each SNR once; got ${p.snrDb.join(', ')}`);
  if (!p.snrDb.includes(p.headlineSnrDb)) throw new Error(`${fn}(p.headlineSnrDb): must be one of p.snrDb (${p.snrDb.join(', ')}); got ${p.headlineSnrDb}`);
  const st = p.studies;
  if (st === null || typeof st !== 'object') throw new Error(`${fn}(p.studies): needs { snrDb, configs, trainChannels, csiErrorVar, transfer, qamSnrDb }`);
  checkFinite(fn, 'p.studies.snrDb', st.snrDb);
  if (!Array.isArray(st.configs) || st.configs.length === 0) throw new Error(`${fn}(p.studies.configs): needs at least one { users, rxRf }`);
  st.configs.forEach((c, i) => checkSystem(`${fn}(p.studies.configs[${i}])`, studySystem(p.sys, c)));
  if (!Array.isArray(st.trainChannels) || st.trainChannels.length === 0) throw new Error(`${fn}(p.studies.trainChannels): needs at least one count`);
  st.trainChannels.forEach((n, i) => { checkPositiveInt(fn, `p.studies.trainChannels[${i}]`, n); if (n < p.unfolded.train.batchChannels) throw new Error(`${fn}(p.studies.trainChannels[${i}]): at least the batch N = ${p.unfolded.train.batchChannels}; got ${n}`); });
  if (!Array.isArray(st.csiErrorVar) || st.csiErrorVar.length === 0) throw new Error(`${fn}(p.studies.csiErrorVar): needs at least one σ_h² ≥ 0`);
  st.csiErrorVar.forEach((x, i) => checkFinite(fn, `p.studies.csiErrorVar[${i}] (σ_h²)`, x, 0));
  checkPositiveInt(fn, 'p.studies.transfer.steps', st.transfer?.steps);
  if (!Array.isArray(st.qamSnrDb)) throw new Error(`${fn}(p.studies.qamSnrDb): a list of SNRs (may be empty)`);
  st.qamSnrDb.forEach((x, i) => checkFinite(fn, `p.studies.qamSnrDb[${i}]`, x));
  const once = (what: string, xs: unknown[]) => { if (new Set(xs.map((x) => JSON.stringify(x))).size !== xs.length) throw new Error(`${fn}(p.studies.${what}): each entry once; got ${JSON.stringify(xs)}`); };
  once('configs', st.configs.map((c) => [c.users, c.rxRf]));
  once('trainChannels', st.trainChannels);
  once('csiErrorVar', st.csiErrorVar);
  once('qamSnrDb', st.qamSnrDb);
  if (!p.snrDb.includes(st.transfer.snrDb)) throw new Error(`${fn}(p.studies.transfer.snrDb): one of p.snrDb (${p.snrDb.join(', ')}: its unfolded network is the source); got ${st.transfer.snrDb}`);
  const fl = st.transfer.frozenLayers;
  if (!(Number.isInteger(fl) && fl >= 0 && fl < p.unfolded.layers)) throw new Error(`${fn}(p.studies.transfer.frozenLayers): an integer in [0, ${p.unfolded.layers - 1}] (L = ${p.unfolded.layers}); got ${fl}`);
  p.cnnSnrDb.forEach((x, i) => { if (!p.snrDb.includes(x)) throw new Error(`${fn}(p.cnnSnrDb[${i}]): must be one of p.snrDb (${p.snrDb.join(', ')}); got ${x}`); });
  return p;
}

/** A preset with the calibrated channel (N_C, δ) in place of the preset's. */
export function withChannel(p: MserPreset, c: Pick<MserChannel, 'clusters' | 'snrOffsetDb'>): MserPreset {
  checkPositiveInt('withChannel', 'c.clusters (N_C)', c.clusters);
  checkFinite('withChannel', 'c.snrOffsetDb (δ)', c.snrOffsetDb);
  return { ...p, channel: { ...p.channel, clusters: c.clusters, snrOffsetDb: c.snrOffsetDb } };
}

/** Table II's system for (K, R_r): D_k = min(D_k, R_r) streams per user, the rest of `sys` unchanged. */
export function studySystem(sys: MserSystem, c: { users: number; rxRf: number }): MserSystem {
  return { ...sys, users: c.users, rxRf: c.rxRf, streams: Math.min(sys.streams, c.rxRf) };
}

/** Fig. 11's system: the preset's with 16-QAM (the KDE objective (47)–(48), ./kde qamKdeSer). */
export function qamSystem(sys: MserSystem): MserSystem {
  return { ...sys, modulation: '16qam' };
}
