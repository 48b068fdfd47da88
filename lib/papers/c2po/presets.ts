/**
 * Parameter sets of the NNO-C2PO notebook. Every field gives the paper's value (§IV unless said)
 * beside ours. `paper` is the paper's configuration; `reproduce` keeps it (its training is small:
 * K = 500 samples, full batch, ≤ 800 Adam steps) and adds a validation set; `quick` shrinks
 * everything to run inside `npm test`.
 */

export type C2poPresetName = 'quick' | 'reproduce' | 'paper';
export const C2PO_PRESET_NAMES: readonly C2poPresetName[] = ['quick', 'reproduce', 'paper'];

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
  /** K_eval, evaluation samples distinct from the training ones (paper: 1000) */
  evalSamples: number;
  /** validation samples, drawn apart from training and evaluation (ours; the paper has none) */
  validationSamples: number;
  /** original C2PO parameters, the initialisation of every network (paper §III-C: τ = 2⁻⁸, ρ = 1.25) */
  init: { tau: number; rho: number };
}

const paperSystem = { antennas: 128, users: 8, modulation: '16qam' as const, power: 1, init: { tau: 2 ** -8, rho: 1.25 } };

export const C2PO_PRESETS: Readonly<Record<C2poPresetName, C2poPreset>> = {
  quick: {
    name: 'quick', ...paperSystem, iterations: [2, 4], trainSamples: 200, epochsPerIteration: 20,
    learningRate: 1e-3, evalSamples: 200, validationSamples: 200,
  },
  reproduce: {
    name: 'reproduce', ...paperSystem, iterations: [2, 4, 8], trainSamples: 500, epochsPerIteration: 100,
    learningRate: 1e-4, evalSamples: 1000, validationSamples: 1000,
  },
  paper: {
    name: 'paper', ...paperSystem, iterations: [2, 4, 8], trainSamples: 500, epochsPerIteration: 100,
    learningRate: 1e-4, evalSamples: 1000, validationSamples: 1000,
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
