/**
 * Two side studies of the NNO-C2PO notebook, both on data only (no training):
 *
 * - `scaleConventions`: Algorithm 1 is not scale-invariant (x⁽⁰⁾ = Hᴴs is compared with the clip
 *   level ξ). Ours, the paper's text: P = 1, unit-energy 16-QAM, ξ = √(P/2B). The other common one,
 *   the authors' group's earlier 1-bit simulator: unnormalised 16-QAM (±1 ±3, E|s|² = 10) with clip
 *   level ξ = 1, i.e. P = 2B. Both are run literally (symbols scaled by √10, P = 2B) on the same
 *   channels, symbols and noise; BER is judged at the same SNR = P/N0.
 * - `channelStatistics`: how the channel sets differ: eigenvalue spread of H Hᴴ (λ_max/λ_min, the
 *   condition that decides how hard inversion is) and user correlation |h_iᴴ h_j|/(‖h_i‖‖h_j‖).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import { Rng } from '../../core/random';
import { toComplexBatchF64 } from '../../core/complexF64';
import { eighHermitian } from '../../core/linalg';
import { constellation } from '../../phy/constellation';
import { channelsOf, ChannelModel, quadrigaAvailable } from './channels';
import { berCurve, BerCurve, snrAt } from './evaluate';
import type { C2poPreset } from './presets';
import { c2po } from './c2po';
import { c2poSystem } from './system';
import { disposeData, makeC2poData } from './training';

export interface ConventionRow {
  convention: 'unit-energy, P = 1' | '±1 ±3, ξ = 1';
  iterations: number;
  /** ‖s‖ energy per symbol and P used */
  symbolEnergy: number;
  power: number;
  xi: number;
  /** fraction of real entries of x⁽ᵗᵐᵃˣ⁾ on the clip level ±ξ (|x| ≥ (1 − 10⁻⁶)ξ) */
  clipped: number;
  curve: BerCurve;
  /** SNR at BER 1e-2 (undefined: not reached on the grid) */
  snrAt1e2?: number;
}

/** C2PO (original τ, ρ) under both scale conventions (module comment), Rayleigh channels. */
export function scaleConventions(p: C2poPreset, opts: { samples?: number } = {}): ConventionRow[] {
  const rng = new Rng(p.seed).fork('conventions');
  const qam = constellation(p.modulation);
  const count = opts.samples ?? Math.min(p.evalSamples, 1000);
  const ours = c2poSystem({ users: p.users, antennas: p.antennas, power: p.power });
  const theirs = c2poSystem({ users: p.users, antennas: p.antennas, power: 2 * p.antennas }); // ξ = 1
  const data = makeC2poData(rng.fork('data'), ours, { count, constellation: qam });
  const e = { h: data.h, s: data.s, indices: data.indices as tf.Tensor };
  const unnormalised = C.scale(data.s, Math.sqrt(10)); // ±1 ±3
  const rows: ConventionRow[] = [];
  try {
    for (const t of p.iterations) {
      for (const [name, sys, s, energy] of [
        ['unit-energy, P = 1', ours, data.s, 1],
        ['±1 ±3, ξ = 1', theirs, unnormalised, 10],
      ] as const) {
        const { x, xq } = c2po(data.h, s, sys, { iterations: t, tau: p.init.tau, rho: p.init.rho });
        const clipped = tf.tidy(() => {
          const all = tf.concat([tf.reshape(x.re, [-1]), tf.reshape(x.im, [-1])]);
          return tf.mean(tf.cast(tf.greaterEqual(tf.abs(all), (1 - 1e-6) * sys.xi), 'float32'));
        });
        const frac = clipped.dataSync()[0];
        clipped.dispose();
        C.dispose(x);
        try {
          const curve = berCurve(e, xq, { snrDb: p.snrDb, noiseDraws: 1, rng: rng.fork('noise'), constellation: qam, power: sys.power });
          rows.push({ convention: name, iterations: t, symbolEnergy: energy, power: sys.power, xi: sys.xi, clipped: frac, curve, snrAt1e2: snrAt(curve, 1e-2).snrDb });
        } finally {
          C.dispose(xq);
        }
      }
    }
  } finally {
    C.dispose(unnormalised);
    disposeData(data);
  }
  return rows;
}

export interface ChannelStats {
  model: ChannelModel;
  samples: number;
  /** median and 90th percentile of 10 log10(λ_max/λ_min) of H Hᴴ, dB */
  spreadMedianDb: number;
  spread90Db: number;
  /** mean over samples and user pairs of |h_iᴴ h_j|/(‖h_i‖‖h_j‖) */
  userCorrelation: number;
  /** mean ‖h_u‖²/B (1 under every normalisation used here) */
  powerPerAntenna: number;
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** Statistics of `count` channels of each model (the evaluation split; QuaDRiGa only when its files are there). */
export function channelStatistics(p: C2poPreset, opts: { samples?: number; models?: ChannelModel[] } = {}): ChannelStats[] {
  const sys = c2poSystem({ users: p.users, antennas: p.antennas, power: p.power });
  const count = opts.samples ?? 500;
  const models = opts.models ?? (['rayleigh', 'geometric-los', 'geometric-nlos', ...(quadrigaAvailable() ? ['quadriga-los', 'quadriga-nlos'] : [])] as ChannelModel[]);
  const rng = new Rng(p.seed).fork('channel-stats');
  return models.map((model) => {
    const h = channelsOf(model, 'eval', rng.fork(model), count, sys);
    try {
      const gram = C.tidy(() => C.matmul(h, h, false, true)); // H Hᴴ: [N, U, U]
      const g = toComplexBatchF64(gram);
      C.dispose(gram);
      const eig = eighHermitian(g);
      const u = sys.users;
      const spreads: number[] = [];
      let corr = 0, pairs = 0, power = 0;
      for (let b = 0; b < count; b++) {
        const lmin = Math.max(eig.values[b * u], 1e-12 * eig.values[b * u + u - 1]);
        spreads.push(10 * Math.log10(eig.values[b * u + u - 1] / lmin));
        for (let i = 0; i < u; i++) {
          const gii = g.re[(b * u + i) * u + i];
          power += gii / sys.antennas;
          for (let j = i + 1; j < u; j++) {
            const k = (b * u + i) * u + j;
            corr += Math.hypot(g.re[k], g.im[k]) / Math.sqrt(gii * g.re[(b * u + j) * u + j]);
            pairs++;
          }
        }
      }
      spreads.sort((a, b) => a - b);
      return { model, samples: count, spreadMedianDb: quantile(spreads, 0.5), spread90Db: quantile(spreads, 0.9), userCorrelation: corr / pairs, powerPerAntenna: power / (count * u) };
    } finally {
      C.dispose(h);
    }
  });
}
