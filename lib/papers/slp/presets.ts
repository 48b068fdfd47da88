/**
 * Parameter sets of the SLP-SQ notebook. Every field gives the paper's value (Table II and §V unless
 * said) beside ours. `paper` is the paper's configuration; `reproduce` trains every network for
 * 4 epochs of 100 steps on 20 000 instances (the paper: 50 000 instances, epochs not given) so the nine
 * networks of Figs. 5, 7 and 9 train in about 20 minutes in two worker processes (one step of 200
 * instances ≈ 0.3 s on wasm); `quick` shrinks everything to run inside `npm test`.
 */
import type { SlpTrainSettings } from './training';
import { SlpVariant } from './network';

export type SlpPresetName = 'quick' | 'reproduce' | 'paper';
export const SLP_PRESET_NAMES: readonly SlpPresetName[] = ['quick', 'reproduce', 'paper'];

/** One trained network: a variant, for the SQ variants its QR, and which training seed. */
export interface SlpNetSpec {
  variant: SlpVariant;
  /** QR (SQ variants only) */
  quantRatio?: number;
  /** training replicate r ≥ 1: the same network trained again from other draws (0 or absent: the main one) */
  replicate?: number;
}

/** 'full', 'binary', 'ternary', 'sq-binary@0.5', …; replicate r ≥ 1 appends '#r' ('binary#2'). */
export function netKey(s: SlpNetSpec): string {
  const base = s.variant.startsWith('sq-') ? `${s.variant}@${s.quantRatio ?? 0.5}` : s.variant;
  return s.replicate ? `${base}#${s.replicate}` : base;
}

export interface SlpPreset {
  name: SlpPresetName;
  /** M, BS antennas (paper: 4) */
  antennas: number;
  /** K, users (paper: 4) */
  users: number;
  /** 𝓜-PSK order (paper: QPSK) */
  pskOrder: number;
  /** n₀ (paper: not given; ours 1, so Γ is the transmit SNR scale) */
  noiseVar: number;
  /** L, unfolded interior-point layers (ours; the paper's B_l = 2 PUM blocks with 20 training iterations each) */
  layers: number;
  /** training (Table II) */
  train: SlpTrainSettings;
  /** test instances per SINR point (paper: 2000) */
  testSamples: number;
  /** Figs. 5 and 6a SINR grid, dB (paper: 0–35 dB) */
  sinrDb: number[];
  /** the SINR of Figs. 6b, 7, 9 and the headline numbers (paper: 30 dB) */
  headlineSinrDb: number;
  /** QR of the SQ networks in Figs. 5, 6, 10 (paper: 0.5) */
  quantRatio: number;
  /** QR axis of Figs. 7 and 9 (paper: 0 … 1; its ticks are not listed) */
  quantRatios: number[];
  /** ζ² of Fig. 6a (paper: 10⁻⁴ in the text, 2·10⁻⁴ in the caption; ours the text's) */
  errorBound2: number;
  /** ζ² axis of Fig. 6b (paper: ≈ 10⁻⁵ … 10⁻² on a log axis) */
  errorBounds2: number[];
  /** test instances the conservative robust BLP runs on (ours: all of them; ≈ 1–2 ms each) */
  robustBlpSamples: number;
  /** users axis of Fig. 8 (paper: K = 1 … 10 at M = 4) */
  usersAxis: number[];
  /**
   * training seeds of each Fig. 5 network (ours; the paper reports one run): replicates r = 1 … R−1
   * retrain it from other parameter, partition and training-data draws, so that the comparisons decided
   * by a few per cent (SQ vs fully quantised) come with their seed-to-seed spread
   */
  replicates: number;
  /** the seed of every draw (ours) */
  seed: number;
}

const system = { antennas: 4, users: 4, pskOrder: 4, noiseVar: 1 };
const paperTrain: SlpTrainSettings = {
  steps: 2500, // paper: not given (50 000 / 200 = 250 steps per epoch; ours 10 epochs)
  batchSize: 200,
  learningRate: 1e-3,
  decay: 0.65,
  trainSamples: 50_000,
  validationSamples: 1000,
  trainSinrDb: [0, 45],
  validationSinrDb: 30,
  weightDecay: 1e-6,
  clipNorm: 1,
};

export const SLP_PRESETS: Readonly<Record<SlpPresetName, SlpPreset>> = {
  quick: {
    name: 'quick', ...system, layers: 4,
    train: { ...paperTrain, steps: 20, trainSamples: 600, validationSamples: 100 },
    testSamples: 100, sinrDb: [0, 15, 30], headlineSinrDb: 30, quantRatio: 0.5, quantRatios: [0, 0.5, 1],
    errorBound2: 1e-4, errorBounds2: [1e-4, 1e-3], robustBlpSamples: 100, usersAxis: [1, 2, 4, 6, 8, 10], replicates: 1, seed: 19,
  },
  reproduce: {
    name: 'reproduce', ...system, layers: 4,
    train: { ...paperTrain, steps: 400, trainSamples: 20_000, validationSamples: 500 },
    testSamples: 2000, sinrDb: [0, 5, 10, 15, 20, 25, 30, 35], headlineSinrDb: 30, quantRatio: 0.5, quantRatios: [0, 0.25, 0.5, 0.75, 1],
    errorBound2: 1e-4, errorBounds2: [1e-5, 1e-4, 5e-4, 1e-3, 2e-3, 5e-3], robustBlpSamples: 2000, usersAxis: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], replicates: 3, seed: 19,
  },
  paper: {
    name: 'paper', ...system, layers: 4, train: paperTrain,
    testSamples: 2000, sinrDb: [0, 5, 10, 15, 20, 25, 30, 35], headlineSinrDb: 30, quantRatio: 0.5, quantRatios: [0, 0.25, 0.5, 0.75, 1],
    errorBound2: 1e-4, errorBounds2: [1e-5, 1e-4, 5e-4, 1e-3, 2e-3, 5e-3], robustBlpSamples: 2000, usersAxis: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], replicates: 3, seed: 19,
  },
};

/** The five networks of Fig. 5 (QR = the preset's). */
export function fig5Specs(p: SlpPreset): SlpNetSpec[] {
  return [{ variant: 'full' }, { variant: 'binary' }, { variant: 'ternary' }, { variant: 'sq-binary', quantRatio: p.quantRatio }, { variant: 'sq-ternary', quantRatio: p.quantRatio }];
}

/**
 * The networks a preset trains: the five of Fig. 5, the SQ networks of the QR axis, then replicates
 * 1 … R−1 of the five of Fig. 5.
 */
export function presetNets(p: SlpPreset): SlpNetSpec[] {
  const out: SlpNetSpec[] = [{ variant: 'full' }, { variant: 'binary' }, { variant: 'ternary' }];
  const qrs = [...new Set([p.quantRatio, ...p.quantRatios.filter((q) => q > 0 && q < 1)])].sort((a, b) => a - b);
  for (const v of ['sq-binary', 'sq-ternary'] as const) for (const q of qrs) out.push({ variant: v, quantRatio: q });
  for (let r = 1; r < p.replicates; r++) for (const s of fig5Specs(p)) out.push({ ...s, replicate: r });
  return out;
}

export function slpPreset(name: string): SlpPreset {
  const p = SLP_PRESETS[name as SlpPresetName];
  if (!p) throw new Error(`slpPreset(name): must be one of ${SLP_PRESET_NAMES.join(', ')}; got ${JSON.stringify(name)}`);
  return p;
}
