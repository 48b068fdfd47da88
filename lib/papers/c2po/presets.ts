/**
 * Parameter sets of the NNO-C2PO notebook. Every field gives the paper's value (§IV unless said)
 * beside ours. `paper` is the paper's configuration. `reproduce` keeps it for Fig. 3 (K = 500,
 * full batch, 100·t_max epochs, Adam 10⁻⁴) and adds a validation set; for the many networks of
 * Figs. 4–5 (t_max = 1…6 × LoS, NLoS, joint × two variants × two channel families) it trains
 * 15·t_max epochs at 10⁻³ instead: one full-batch step on 500 samples costs ≈ 0.05·t_max s here
 * (wasm, one thread), and the paper's schedule for all of them would take hours. Measured on
 * Rayleigh, t_max = 4, the same 500 training and 500 validation samples: the paper's schedule
 * (400 epochs at 10⁻⁴, 339 s) ends at validation MSE 0.234 (trained C2PO) and 0.073 (NNO-C2PO);
 * 60 epochs at 10⁻³ (63 s) at 0.235 and 0.060: as good for trained C2PO and better for NNO-C2PO,
 * whose 2·t_max parameters have not converged after 400 steps of 10⁻⁴. `quick` shrinks everything to
 * run inside `npm test`.
 */

export type C2poPresetName = 'quick' | 'reproduce' | 'paper';
export const C2PO_PRESET_NAMES: readonly C2poPresetName[] = ['quick', 'reproduce', 'paper'];

/** Figs. 4–5 (§IV-B): minimum t_max reaching a target BER vs normalised transmit power. */
export interface IterationsToTarget {
  /** t_max values trained and searched (paper: the axis of Figs. 4–5 runs over t_max ≈ 1…10; not listed) */
  iterations: number[];
  /** normalised transmit power P/N0 grid, dB (paper: the x-axis of Figs. 4–5) */
  snrDb: number[];
  /** target BER (paper: 1 %) */
  target: number;
  /** evaluation channels per condition (paper: K_eval = 1000; QuaDRiGa: at most what the eval file holds) */
  evalSamples: number;
  /** noise draws per channel and power point (ours) */
  noiseDraws: number;
  /** K training samples per condition (paper: 500; joint training uses both sets, 2K) */
  trainSamples: number;
  /** validation samples per condition (ours) */
  validationSamples: number;
  /** full-batch epochs per unit of t_max and Adam learning rate for these networks (paper: 100 and 10⁻⁴, as Fig. 3) */
  epochsPerIteration: number;
  learningRate: number;
  /** also train and evaluate on the geometric LoS/NLoS model (ours: the documented second comparison) */
  geometric: boolean;
}

export interface C2poPreset {
  name: C2poPresetName;
  /** B, BS antennas (paper: 128) */
  antennas: number;
  /** U, users (paper: 8) */
  users: number;
  /** symbol alphabet (paper: 16-QAM, unit average energy is our reading of the scale) */
  modulation: '16qam';
  /** P of ‖x‖² ≤ P, ξ = √(P/2B) (paper's text: P = 1) */
  power: number;
  /** t_max values of Fig. 3 (paper: 2, 4, 8) */
  iterations: number[];
  /** K, training samples per channel model (paper: 500) */
  trainSamples: number;
  /** full-batch epochs per unit of t_max (paper: 100, i.e. 100·t_max epochs) */
  epochsPerIteration: number;
  /** Adam learning rate λ (paper: 10⁻⁴) */
  learningRate: number;
  /** K_eval, evaluation samples distinct from training (paper: 1000; more here so BER ≈ 1e-3 counts ≥ 100 errors) */
  evalSamples: number;
  /** noise draws per evaluation channel and SNR point (ours; the paper does not say) */
  noiseDraws: number;
  /** validation samples, drawn apart from training and evaluation (ours; the paper has none) */
  validationSamples: number;
  /** Fig. 3 SNR grid, dB (paper: the x-axis of Fig. 3) */
  snrDb: number[];
  /** Figs. 4–5 */
  figs45: IterationsToTarget;
  /** original C2PO parameters, the initialisation of every network (paper §III-C: τ = 2⁻⁸, ρ = 1.25) */
  init: { tau: number; rho: number };
  /** the seed of every draw (ours) */
  seed: number;
}

const paperSystem = { antennas: 128, users: 8, modulation: '16qam' as const, power: 1, init: { tau: 2 ** -8, rho: 1.25 } };
const range = (a: number, b: number, step: number): number[] => Array.from({ length: Math.round((b - a) / step) + 1 }, (_, i) => a + i * step);

export const C2PO_PRESETS: Readonly<Record<C2poPresetName, C2poPreset>> = {
  quick: {
    name: 'quick', ...paperSystem, iterations: [2, 4], trainSamples: 200, epochsPerIteration: 15,
    learningRate: 1e-3, evalSamples: 300, noiseDraws: 1, validationSamples: 100, snrDb: range(0, 20, 5), seed: 1,
    figs45: { iterations: [1, 2, 4], snrDb: range(0, 20, 5), target: 0.01, evalSamples: 200, noiseDraws: 1, trainSamples: 100, validationSamples: 50, epochsPerIteration: 10, learningRate: 1e-3, geometric: false },
  },
  reproduce: {
    name: 'reproduce', ...paperSystem, iterations: [2, 4, 8], trainSamples: 500, epochsPerIteration: 100,
    learningRate: 1e-4, evalSamples: 4000, noiseDraws: 2, validationSamples: 500, snrDb: range(-4, 24, 2), seed: 1,
    figs45: { iterations: [1, 2, 3, 4, 5, 6], snrDb: range(-5, 25, 2.5), target: 0.01, evalSamples: 1000, noiseDraws: 2, trainSamples: 500, validationSamples: 250, epochsPerIteration: 15, learningRate: 1e-3, geometric: true },
  },
  paper: {
    name: 'paper', ...paperSystem, iterations: [2, 4, 8], trainSamples: 500, epochsPerIteration: 100,
    learningRate: 1e-4, evalSamples: 1000, noiseDraws: 1, validationSamples: 500, snrDb: range(-4, 24, 2), seed: 1,
    figs45: { iterations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], snrDb: range(-5, 25, 2.5), target: 0.01, evalSamples: 1000, noiseDraws: 1, trainSamples: 500, validationSamples: 250, epochsPerIteration: 100, learningRate: 1e-4, geometric: true },
  },
};

/** The preset called `name`; an unknown name is an error listing the allowed ones. */
export function c2poPreset(name: string): C2poPreset {
  if (!C2PO_PRESET_NAMES.includes(name as C2poPresetName)) {
    throw new Error(`c2poPreset(preset): must be one of ${C2PO_PRESET_NAMES.join(', ')}; got ${JSON.stringify(name)}`);
  }
  return C2PO_PRESETS[name as C2poPresetName];
}

/** Full-batch epochs (= Adam steps) for t_max iterations: epochsPerIteration·t_max (paper: 100·t_max). */
export function epochsFor(p: C2poPreset, iterations: number): number {
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`epochsFor(iterations): t_max must be a positive integer; got ${String(iterations)}`);
  return p.epochsPerIteration * iterations;
}
