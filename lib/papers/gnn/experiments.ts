/**
 * Figures and tables of the GNN quantised-precoding paper that need no trained network, each a
 * function returning plain typed data (the notebook renders it, tests call it):
 * - `mrtNmseTable` — Table I's MRT row (noiseless NMSE, M = 32, K = 1, b = 1…4), beside the paper's;
 * - `linearPatterns` — Figs. 3–4: radiation patterns (11)–(12) and the SDR of 1-bit MRT (K = 1) and
 *   ZF (K = 2, 6) on pure LoS channels (10), M = 32;
 * - `linearRates` — the MRT/ZF curves of Figs. 7 and 11 (rate vs SNR, rate vs bits).
 * The GNN columns of these figures are added by the trained-network experiments (issue 18, in
 * progress).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import { Rng } from '../../core/random';
import { losResponse, rayleigh } from '../../phy/channels';
import { radiationFromSignals, sdr, toDb as toDbTensor } from '../../phy/radiation';
import { meanSe, MeanSe } from '../../kit/stats';
import { BUSSGANG } from './loss';
import { baselineOf, linearTransmit, LinearKind, nmseNoiseless, ratesPerChannel, toDb } from './evaluate';
import type { GnnPreset } from './presets';
import { gnnSystem } from './system';

/** Table I of the paper (M = 32, K = 1, noiseless test set), dB. */
export const PAPER_TABLE1 = {
  bits: [1, 2, 3, 4],
  mrt: [-5.38, -13.02, -20.31, -27.7],
  gnn: [-22.99, -29.43, -29.87, -32.52],
} as const;

export interface NmseRow {
  bits: number;
  /** ours, dB, over all test channels and symbols */
  mrtDb: number;
  /** the paper's Table I, dB */
  paperMrtDb: number;
  paperGnnDb: number;
}

/** Table I, MRT row: `p.testChannels` Rayleigh channels × `p.testSymbols` symbol vectors, M = p.antennas, K = 1. */
export function mrtNmseTable(p: GnnPreset): NmseRow[] {
  const rng = new Rng(p.seed).fork('table1');
  const sys = gnnSystem({ antennas: p.antennas, users: 1, bits: 1 });
  const h = rayleigh(rng.fork('h'), { batch: p.testChannels, users: 1, antennas: p.antennas });
  const s = rng.fork('s').complexNormal([p.testChannels, 1, p.testSymbols]);
  try {
    return PAPER_TABLE1.bits.map((b, i) => {
      const y = linearTransmit('mrt', sys, h, s, b);
      try {
        return { bits: b, mrtDb: toDb(nmseNoiseless(h, y, s).total), paperMrtDb: PAPER_TABLE1.mrt[i], paperGnnDb: PAPER_TABLE1.gnn[i] };
      } finally {
        C.dispose(y);
      }
    });
  } finally {
    C.dispose(h, s);
  }
}

export interface PatternCase {
  label: string;
  precoder: LinearKind;
  /** user angles φ_k, degrees (eq. 10) */
  userAnglesDeg: number[];
  bits: number;
}

/** The cases of Figs. 3 (MRT, K = 1: a pathological angle and a typical one) and 4 (ZF, K = 2 and 6). */
export const PATTERN_CASES: readonly PatternCase[] = [
  { label: 'Fig. 3a: MRT, K = 1, φ = 90° (pathological)', precoder: 'mrt', userAnglesDeg: [90], bits: 1 },
  { label: 'Fig. 3b: MRT, K = 1, φ = 110°', precoder: 'mrt', userAnglesDeg: [110], bits: 1 },
  { label: 'Fig. 4a: ZF, K = 2', precoder: 'zf', userAnglesDeg: [55, 110], bits: 1 },
  { label: 'Fig. 4b: ZF, K = 6', precoder: 'zf', userAnglesDeg: [25, 55, 85, 110, 135, 155], bits: 1 },
];

export interface Pattern {
  label: string;
  userAnglesDeg: number[];
  anglesDeg: number[];
  /** P_lin, P_dist, SDR in dB over `anglesDeg` (11)–(12) */
  linDb: number[];
  distDb: number[];
  sdrDb: number[];
  /** SDR at each user angle, dB */
  sdrAtUsersDb: number[];
  /** spread of the distortion: max − median of P_dist over angles, dB (large = beamformed, small = spread) */
  distPeakOverMedianDb: number;
}

/** Radiation patterns of quantised linear precoding on a pure LoS channel (Figs. 3–4). */
export function linearPatterns(p: GnnPreset, cases: readonly PatternCase[] = PATTERN_CASES): Pattern[] {
  const anglesDeg = Array.from({ length: Math.floor(180 / p.patternStepDeg) + 1 }, (_, i) => i * p.patternStepDeg);
  const a = losResponse(anglesDeg, p.antennas);
  try {
    return cases.map((c, ci) => {
      const K = c.userAnglesDeg.length;
      const sys = gnnSystem({ antennas: p.antennas, users: K, bits: c.bits });
      const h1 = losResponse(c.userAnglesDeg, p.antennas);
      const h = C.reshape(h1, [1, K, p.antennas]);
      const s = new Rng(p.seed).fork(`pattern${ci}`).complexNormal([1, K, p.patternSymbols]);
      const y = linearTransmit(c.precoder, sys, h, s, c.bits);
      const pat = radiationFromSignals(y, s, a, BUSSGANG);
      try {
        const [lin, dist, ratio] = tf.tidy(() => [toDbTensor(pat.lin), toDbTensor(pat.dist), toDbTensor(sdr(pat))].map((t) => Array.from(t.dataSync() as Float32Array)));
        const atUsers = c.userAnglesDeg.map((u) => ratio[Math.round(u / p.patternStepDeg)] ?? NaN);
        const sorted = [...dist].sort((x, y2) => x - y2);
        return {
          label: c.label, userAnglesDeg: c.userAnglesDeg, anglesDeg, linDb: lin, distDb: dist, sdrDb: ratio,
          sdrAtUsersDb: atUsers, distPeakOverMedianDb: Math.max(...dist) - sorted[Math.floor(sorted.length / 2)],
        };
      } finally {
        C.dispose(h1, h, s, y);
        tf.dispose([pat.lin, pat.dist]);
      }
    });
  } finally {
    C.dispose(a);
  }
}

export interface LinearRateRow {
  precoder: LinearKind;
  users: number;
  /** DAC bits; 0 = ideal DACs (unquantised W s) */
  bits: number;
  snrDb: number;
  /** mean sum rate over the test channels, bit/s/Hz, with its standard error */
  rate: MeanSe;
}

/** Baseline sum rates (MRT for K = 1, ZF otherwise) vs SNR for every K of `p.users` and b of `p.bits` (and ∞). */
export function linearRates(p: GnnPreset): LinearRateRow[] {
  const rows: LinearRateRow[] = [];
  for (const K of p.users) {
    const rng = new Rng(p.seed).fork(`test/K${K}`); // the same test set as figures.ts (paired with the GNN)
    const sys = gnnSystem({ antennas: p.antennas, users: K, bits: 1 });
    const h = rayleigh(rng.fork('h'), { batch: p.testChannels, users: K, antennas: p.antennas });
    const s = rng.fork('s').complexNormal([p.testChannels, K, p.testSymbols]);
    try {
      for (const b of [...p.bits, Infinity]) {
        const kind = baselineOf(K);
        const y = linearTransmit(kind, sys, h, s, b);
        try {
          ratesPerChannel(sys, h, y, s, p.snrDb).forEach((r, i) => rows.push({ precoder: kind, users: K, bits: Number.isFinite(b) ? b : 0, snrDb: p.snrDb[i], rate: meanSe(r) }));
        } finally {
          C.dispose(y);
        }
      }
    } finally {
      C.dispose(h, s);
    }
  }
  return rows;
}
