/**
 * Parameter sets of the unfolded-WMMSE notebook. `paper` is §VI-A of the WMMSE paper; `reproduce`
 * keeps its system (M = N = 4, α_i = 1, i.i.d. CN(0, I) channels, matched-filter init, K = 4 PGD steps,
 * batches of 100, γ initialised to 1) and shrinks training to fit ~25 minutes on 2 cores; `quick`
 * runs the whole notebook in well under 3 minutes for tests.
 */

export type WmmsePresetName = 'quick' | 'reproduce' | 'paper';

export interface WmmsePreset {
  name: WmmsePresetName;
  /** N users (§VI-A: 4) */
  users: number;
  /** M transmit antennas (§VI-A: 4) */
  antennas: number;
  /** K PGD steps per layer (Figs. 2, 4, 6: 4) */
  pgdSteps: number;
  /** L values of Figs. 2 and 4 (paper: 1..6) */
  layers: number[];
  /** SNR of Fig. 2 (10 dB) and Fig. 4 (20 dB) */
  snrFig2: number;
  snrFig4: number;
  /** SNR grid of Fig. 6 (paper: 7 points from 5 to 20 dB), L = 1 */
  snrFig6: number[];
  /** held-out test channels (paper: 10⁵; ≥ 10⁴ in any preset that makes a claim) */
  testChannels: number;
  train: {
    /** Adam steps per network below 15 dB */
    steps: number;
    /** Adam steps per network at ≥ 15 dB, where the learned steps grow large (see notebook) */
    highSnrSteps: number;
    /** channels per batch (§VI-A: 100) */
    batch: number;
    /**
     * Adam learning rate at 0 dB; it is scaled by P/σ² = 10^(SNR/10), floored at `lrFloor`, and
     * decays linearly to 10 % (paper: 10⁻³ fixed, with 2–8·10⁶ training channels).
     */
    lrAt0dB: number;
    lrFloor: number;
    /** true: the paper's fixed 10⁻³ regardless of SNR */
    paperLearningRate: boolean;
  };
  /**
   * Warm starts (our addition, issue 16): the L-layer network starts from the trained (L − 1)-layer one
   * plus a no-op layer (γ = 0), each Fig. 5 extension from its parent plus a no-op step; γ is trained
   * as s·θ with s the start's scale, at this relative learning rate (decaying linearly to 10 %), for
   * `stepsFraction` of the from-scratch step budget.
   */
  warmStart: { stepsFraction: number; learningRate: number };
  /**
   * Training-seed spread for the claims decided by small margins: `seeds` independently trained
   * networks (each its own warm-start chain) at these L of Figs. 2 and 4.
   */
  seedSpread: { seeds: number; fig2: number[]; fig4: number[] };
  /** Fig. 5: progressive extension of the K = 4 networks at 20 dB, one PGD step at a time */
  progressive: { layers: number[]; maxSteps: number; stepsPerExtension: number };
  /** iteration cap of "WMMSE at convergence" (it stops earlier by the 1e-4 rule) */
  convergedMaxIter: number;
  /** channels timed per algorithm for the complexity table */
  timingChannels: number;
}

const system = { users: 4, antennas: 4, pgdSteps: 4, snrFig2: 10, snrFig4: 20 };
const fig6 = [5, 7.5, 10, 12.5, 15, 17.5, 20];

export const WMMSE_PRESETS: Record<WmmsePresetName, WmmsePreset> = {
  quick: {
    name: 'quick', ...system, layers: [1, 2], snrFig6: [5, 12.5, 20], testChannels: 1000,
    train: { steps: 150, highSnrSteps: 200, batch: 100, lrAt0dB: 1e-3, lrFloor: 1e-2, paperLearningRate: false },
    progressive: { layers: [1], maxSteps: 6, stepsPerExtension: 40 },
    warmStart: { stepsFraction: 0.5, learningRate: 0.02 }, seedSpread: { seeds: 2, fig2: [2], fig4: [] },
    convergedMaxIter: 500, timingChannels: 500,
  },
  reproduce: {
    name: 'reproduce', ...system, layers: [1, 2, 3, 4, 5, 6], snrFig6: fig6, testChannels: 10000,
    train: { steps: 1500, highSnrSteps: 2500, batch: 100, lrAt0dB: 1e-3, lrFloor: 1e-2, paperLearningRate: false },
    progressive: { layers: [1, 2, 3, 4, 5, 6], maxSteps: 8, stepsPerExtension: 300 },
    warmStart: { stepsFraction: 0.5, learningRate: 0.02 }, seedSpread: { seeds: 3, fig2: [3, 4, 5, 6], fig4: [2] },
    convergedMaxIter: 500, timingChannels: 5000,
  },
  paper: {
    name: 'paper', ...system, layers: [1, 2, 3, 4, 5, 6], snrFig6: fig6, testChannels: 100000,
    train: { steps: 20000, highSnrSteps: 80000, batch: 100, lrAt0dB: 1e-3, lrFloor: 1e-3, paperLearningRate: true },
    progressive: { layers: [1, 2, 3, 4, 5, 6], maxSteps: 8, stepsPerExtension: 20000 },
    warmStart: { stepsFraction: 0.5, learningRate: 0.02 }, seedSpread: { seeds: 3, fig2: [3, 4, 5, 6], fig4: [2] },
    convergedMaxIter: 1000, timingChannels: 10000,
  },
};

export function wmmsePreset(name: string): WmmsePreset {
  const p = WMMSE_PRESETS[name as WmmsePresetName];
  if (!p) throw new Error(`wmmsePreset(preset): must be one of ${Object.keys(WMMSE_PRESETS).join(', ')}; got "${name}"`);
  return p;
}

/**
 * Adam steps and learning-rate schedule for one network. Both variants (free and 'same γ') get the same
 * budget, so a comparison between them is not biased by training length. `steps` overrides the count
 * (progressive extensions); the schedule always decays over the steps actually run.
 */
export function trainingFor(p: WmmsePreset, opts: { snrDb: number; steps?: number; warm?: boolean }): { steps: number; learningRate: (step: number) => number } {
  const { snrDb, steps } = opts;
  if (opts.warm) {
    const n = steps ?? Math.max(1, Math.round(p.warmStart.stepsFraction * (snrDb >= 15 ? p.train.highSnrSteps : p.train.steps)));
    const lr = p.warmStart.learningRate;
    return { steps: n, learningRate: (s) => lr * Math.max(0.1, 1 - s / n) };
  }
  const n = steps ?? (snrDb >= 15 ? p.train.highSnrSteps : p.train.steps);
  if (p.train.paperLearningRate) return { steps: n, learningRate: () => 1e-3 };
  const lr0 = Math.max(p.train.lrFloor, p.train.lrAt0dB * 10 ** (snrDb / 10));
  return { steps: n, learningRate: (s) => lr0 * Math.max(0.1, 1 - s / n) };
}
