/**
 * Parameter sets of the GNN quantised-precoding notebook. Every field gives the paper's value (§VI-A
 * unless said) beside ours. `paper` is the paper's configuration (a GPU budget: 200 000 channels × 125
 * symbols × 20 epochs per network). `reproduce` keeps the system (M = 32, P_T = M, SNR 20 dB in
 * training, Lloyd-Max DACs, τ = 1, Adam 5·10⁻³ unless said) and shrinks what a 2-core CPU cannot
 * afford: the GNN (the paper's own small model of §VII-B, N_h = 8, d_h = 32, costs 2.8 MFLOP per
 * symbol vector, and one wasm training step on 512 symbol vectors takes ≈ 1 s here), the number of
 * steps, and the networks trained (Fig. 11 reuses the Fig. 7 networks; its multi-user, multi-bit
 * GNN points are the `paper` preset's). `quick` shrinks everything to run inside `npm test`.
 */
import type { GnnArchitecture } from './model';
import type { GnnChannel } from './training';

export type GnnPresetName = 'quick' | 'reproduce' | 'paper';
export const GNN_PRESET_NAMES: readonly GnnPresetName[] = ['quick', 'reproduce', 'paper'];

/**
 * The gradient estimator of a network: 'gumbel-st' (the paper, §IV-B: forward a Gumbel-max sample,
 * backward the Gumbel-softmax) or 'st-argmax' (ours, an ablation: forward the argmax used at
 * inference, backward the softmax; the paper reports it "empirically … poor").
 */
export type GnnEstimator = 'gumbel-st' | 'st-argmax';

/** One network to train: its system, channel model and training length. */
export interface GnnNetSpec {
  channel: GnnChannel;
  /** default 'gumbel-st' (the paper) */
  estimator?: GnnEstimator;
  antennas: number;
  users: number;
  bits: number;
  /** optimizer steps (paper: ≈ 31 250 = 20 epochs of 200 000 channels in batches of 128) */
  steps: number;
}

export interface GnnPreset {
  name: GnnPresetName;
  /** M of Figs. 7, 8, 11 and Table I (paper: 32) */
  antennas: number;
  /** GNN size: N_h, d_h (paper: 4, 128; the small model 8, 32 keeps K = 1, b = 1, §VII-B) */
  arch: Omit<GnnArchitecture, 'bits'>;
  /** the networks trained (paper: every (K, b) of Figs. 7 and 11, Fig. 8–10's LoS and M = 2 ones) */
  nets: GnnNetSpec[];
  /** channels per step (paper: 128) */
  batchChannels: number;
  /** N_s symbol vectors per channel in training (paper: 125) */
  trainSymbols: number;
  /** Adam learning rate (paper: 5·10⁻³) */
  learningRate: number;
  /** training SNR, dB (paper: 20) */
  trainSnrDb: number;
  /** Gumbel-softmax temperature (paper: 1) */
  tau: number;
  /** validation channels (paper: 1000) and steps between validations (ours) */
  validationChannels: number;
  validateEvery: number;
  /** test channels (paper: 10 000) and symbol vectors per test channel (paper: 125, as training) */
  testChannels: number;
  testSymbols: number;
  /** SNR grid of Fig. 7, dB (paper: the x-axis, −10…30) */
  snrDb: number[];
  /** bits of Fig. 7a, Table I, Fig. 11 (paper: 1…4) */
  bits: number[];
  /** users of Figs. 7b and 11 (paper: 1, 2, 4, 6) */
  users: number[];
  /** radiation patterns: angle grid step, degrees, and symbol vectors per pattern (ours) */
  patternStepDeg: number;
  patternSymbols: number;
  /** Fig. 9 antenna counts (paper: 8, 16, 32) */
  fig9Antennas: number[];
  /** the seed of every draw (ours) */
  seed: number;
}

const steps = (n: number, ...specs: Omit<GnnNetSpec, 'steps'>[]): GnnNetSpec[] => specs.map((s) => ({ ...s, steps: n }));
const ray = (users: number, bits: number, antennas = 32): Omit<GnnNetSpec, 'steps'> => ({ channel: 'rayleigh', antennas, users, bits });
const los = (antennas: number): Omit<GnnNetSpec, 'steps'> => ({ channel: 'los', antennas, users: 1, bits: 1 });
const range = (a: number, b: number, step: number): number[] => Array.from({ length: Math.round((b - a) / step) + 1 }, (_, i) => a + i * step);

const common = { antennas: 32, trainSnrDb: 20, tau: 1, bits: [1, 2, 3, 4], users: [1, 2, 4, 6], fig9Antennas: [8, 16, 32], seed: 2024 };

export const GNN_PRESETS: Readonly<Record<GnnPresetName, GnnPreset>> = {
  quick: {
    ...common, name: 'quick', arch: { hiddenLayers: 1, features: 16 },
    nets: [...steps(20, ray(1, 1), los(8), ray(1, 1, 2)), { ...ray(1, 1), estimator: 'st-argmax', steps: 10 }, ...steps(5, ray(2, 1))],
    batchChannels: 4, trainSymbols: 32, learningRate: 5e-3, validationChannels: 8, validateEvery: 10,
    testChannels: 20, testSymbols: 64, snrDb: [0, 20], bits: [1, 2], users: [1, 2], patternStepDeg: 6, patternSymbols: 256, fig9Antennas: [8],
  },
  reproduce: {
    ...common, name: 'reproduce', arch: { hiddenLayers: 2, features: 32 },
    nets: [
      ...steps(1500, ray(1, 1), { ...ray(1, 1), estimator: 'st-argmax' }),
      ...steps(600, ray(1, 2), ray(1, 3), ray(1, 4), los(8), los(16), los(32), ray(1, 1, 2)),
      ...steps(200, ray(2, 1), ray(4, 1), ray(6, 1)),
    ],
    batchChannels: 8, trainSymbols: 64, learningRate: 5e-3, validationChannels: 32, validateEvery: 100,
    testChannels: 300, testSymbols: 125, snrDb: range(-10, 30, 5), patternStepDeg: 1, patternSymbols: 2000,
  },
  paper: {
    ...common, name: 'paper', arch: { hiddenLayers: 4, features: 128 },
    nets: steps(31250, ...[1, 2, 4, 6].flatMap((k) => [1, 2, 3, 4].map((b) => ray(k, b))), los(8), los(16), los(32), ray(1, 1, 2)),
    batchChannels: 128, trainSymbols: 125, learningRate: 5e-3, validationChannels: 1000, validateEvery: 1563,
    testChannels: 10000, testSymbols: 125, snrDb: range(-10, 30, 5), patternStepDeg: 1, patternSymbols: 2000,
  },
};

export function gnnPreset(name: string): GnnPreset {
  if (!(GNN_PRESET_NAMES as readonly string[]).includes(name)) throw new Error(`preset must be one of ${GNN_PRESET_NAMES.join(', ')}; got ${JSON.stringify(name)}`);
  return GNN_PRESETS[name as GnnPresetName];
}

/** Key of a network: `rayleigh/M32/K1/b1` (and `…/st-argmax` for the ablation estimator). */
export function netKey(n: { channel: GnnChannel; antennas: number; users: number; bits: number; estimator?: GnnEstimator }): string {
  return `${n.channel}/M${n.antennas}/K${n.users}/b${n.bits}${n.estimator === 'st-argmax' ? '/st-argmax' : ''}`;
}
