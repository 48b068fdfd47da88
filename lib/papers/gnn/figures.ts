/**
 * The figures and tables with the trained GNN (gnn-quantized-precoding §VI), each beside its
 * baseline on the same test channels and symbols (paired), returning plain typed data:
 * - `gnnRates` — Fig. 7a (K = 1, b = 1…4, GNN vs MRT) and 7b (K = 2, 4, 6, b = 1, GNN vs ZF): mean sum
 *   rate ± s.e. vs SNR, with the paired GNN − baseline difference at every SNR; Fig. 11 reads its
 *   20 dB column (and the baseline rows of `linearRates` for every b);
 * - `gnnNmse` — Table I, GNN row;
 * - `gnnPatterns` — Figs. 8–9: radiation patterns of the LoS-trained GNN and of MRT, user at 110°;
 * - `scatter` — Fig. 10: Re ŝ vs Re s over one noiseless Rayleigh channel, M = 2 and M = 32.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { Rng } from '../../core/random';
import { losResponse, rayleigh } from '../../phy/channels';
import { radiationFromSignals, sdr, toDb as toDbTensor } from '../../phy/radiation';
import { bussgang } from '../../phy/metrics';
import { meanSe, MeanSe, pairedDiff } from '../../kit/stats';
import { BUSSGANG } from './loss';
import { baselineOf, gnnSignal, linearTransmit, LinearKind, nmseNoiseless, ratesPerChannel, toDb } from './evaluate';
import type { GnnNet, GnnNets } from './nets';
import { GnnEstimator, netKey, GnnPreset } from './presets';
import { gnnSystem } from './system';

export interface RateCurve {
  key: string;
  estimator: GnnEstimator;
  users: number;
  bits: number;
  baseline: LinearKind;
  snrDb: number[];
  gnn: MeanSe[];
  /** the baseline with the same b-bit DACs */
  linear: MeanSe[];
  /** the baseline with ideal DACs */
  ideal: MeanSe[];
  /** paired GNN − baseline at each SNR */
  gain: MeanSe[];
}

/** Test set of K users (shared by every curve with that K): h [n, K, M], s [n, K, T]. */
function testSet(p: GnnPreset, K: number, M = p.antennas): { h: Complex; s: Complex } {
  const rng = new Rng(p.seed).fork(`test/K${K}${M === p.antennas ? '' : `/M${M}`}`);
  return { h: rayleigh(rng.fork('h'), { batch: p.testChannels, users: K, antennas: M }), s: rng.fork('s').complexNormal([p.testChannels, K, p.testSymbols]) };
}

/** Figs. 7a/7b: every Rayleigh network with M = p.antennas. */
export function gnnRates(p: GnnPreset, nets: GnnNets): RateCurve[] {
  const out: RateCurve[] = [];
  const rayleighNets = [...nets.values()].filter((n) => n.spec.channel === 'rayleigh' && n.spec.antennas === p.antennas);
  for (const K of [...new Set(rayleighNets.map((n) => n.spec.users))].sort((a, b) => a - b)) {
    const { h, s } = testSet(p, K);
    try {
      const sys = gnnSystem({ antennas: p.antennas, users: K, bits: 1 });
      const kind = baselineOf(K);
      const yIdeal = linearTransmit(kind, sys, h, s, Infinity);
      const ideal = ratesPerChannel(sys, h, yIdeal, s, p.snrDb);
      C.dispose(yIdeal);
      for (const n of rayleighNets.filter((x) => x.spec.users === K).sort((a, b) => a.spec.bits - b.spec.bits)) {
        const yg = gnnSignal(n.model, n.sys, h, s);
        const yl = linearTransmit(kind, n.sys, h, s, n.spec.bits);
        const g = ratesPerChannel(n.sys, h, yg, s, p.snrDb), l = ratesPerChannel(n.sys, h, yl, s, p.snrDb);
        C.dispose(yg, yl);
        out.push({
          key: n.key, estimator: n.spec.estimator ?? 'gumbel-st', users: K, bits: n.spec.bits, baseline: kind, snrDb: p.snrDb.slice(),
          gnn: g.map(meanSe), linear: l.map(meanSe), ideal: ideal.map(meanSe), gain: g.map((x, i) => pairedDiff(x, l[i])),
        });
      }
    } finally {
      C.dispose(h, s);
    }
  }
  return out;
}

export interface GnnNmseRow {
  bits: number;
  estimator: GnnEstimator;
  key: string;
  /** GNN and MRT on the same noiseless test channels and symbols, dB */
  gnnDb: number;
  mrtDb: number;
}

/** Table I, GNN row: every Rayleigh K = 1 network with M = p.antennas. */
export function gnnNmse(p: GnnPreset, nets: GnnNets): GnnNmseRow[] {
  const ns = [...nets.values()].filter((n) => n.spec.channel === 'rayleigh' && n.spec.users === 1 && n.spec.antennas === p.antennas).sort((a, b) => a.spec.bits - b.spec.bits);
  if (ns.length === 0) return [];
  const { h, s } = testSet(p, 1);
  try {
    return ns.map((n) => {
      const yg = gnnSignal(n.model, n.sys, h, s);
      const yl = linearTransmit('mrt', n.sys, h, s, n.spec.bits);
      try {
        return { bits: n.spec.bits, estimator: n.spec.estimator ?? 'gumbel-st', key: n.key, gnnDb: toDb(nmseNoiseless(h, yg, s).total), mrtDb: toDb(nmseNoiseless(h, yl, s).total) };
      } finally {
        C.dispose(yg, yl);
      }
    });
  } finally {
    C.dispose(h, s);
  }
}

export interface PatternPair {
  key: string;
  antennas: number;
  userAngleDeg: number;
  anglesDeg: number[];
  gnn: { linDb: number[]; distDb: number[]; sdrDb: number[] };
  mrt: { linDb: number[]; distDb: number[]; sdrDb: number[] };
  /** SDR at the user angle, dB */
  gnnSdrAtUserDb: number;
  mrtSdrAtUserDb: number;
}

/** Figs. 8–9: LoS networks (K = 1, b = 1), the user at `userAngleDeg` (paper: 110°). */
export function gnnPatterns(p: GnnPreset, nets: GnnNets, userAngleDeg = 110): PatternPair[] {
  const ns = [...nets.values()].filter((n) => n.spec.channel === 'los').sort((a, b) => a.spec.antennas - b.spec.antennas);
  const anglesDeg = Array.from({ length: Math.floor(180 / p.patternStepDeg) + 1 }, (_, i) => i * p.patternStepDeg);
  const at = Math.round(userAngleDeg / p.patternStepDeg);
  return ns.map((n) => {
    const M = n.spec.antennas;
    const a = losResponse(anglesDeg, M);
    const h1 = losResponse([userAngleDeg], M);
    const h = C.reshape(h1, [1, 1, M]);
    const s = new Rng(p.seed).fork(`fig89/M${M}`).complexNormal([1, 1, p.patternSymbols]);
    const one = (y: Complex) => {
      const pat = radiationFromSignals(y, s, a, BUSSGANG);
      const [linDb, distDb, sdrDb] = tf.tidy(() => [toDbTensor(pat.lin), toDbTensor(pat.dist), toDbTensor(sdr(pat))].map((t) => Array.from(t.dataSync() as Float32Array)));
      tf.dispose([pat.lin, pat.dist]);
      return { linDb, distDb, sdrDb };
    };
    const yg = gnnSignal(n.model, n.sys, h, s);
    const yl = linearTransmit('mrt', n.sys, h, s, 1);
    try {
      const gnn = one(yg), mrt = one(yl);
      return { key: n.key, antennas: M, userAngleDeg, anglesDeg, gnn, mrt, gnnSdrAtUserDb: gnn.sdrDb[at], mrtSdrAtUserDb: mrt.sdrDb[at] };
    } finally {
      C.dispose(a, h1, h, s, yg, yl);
    }
  });
}

export interface Scatter {
  key: string;
  antennas: number;
  /** Re s and Re ŝ (ŝ = r/(h g), noiseless) of the first `points` symbols of one channel */
  s: number[];
  gnn: number[];
  mrt: number[];
  /** NMSE over that channel's symbols, dB */
  gnnNmseDb: number;
  mrtNmseDb: number;
}

/** Fig. 10: one noiseless Rayleigh channel, K = 1, b = 1, for each K = 1, b = 1 Rayleigh network (M = 2, M = 32). */
export function scatter(p: GnnPreset, nets: GnnNets, points = 300): Scatter[] {
  const ns = [...nets.values()].filter((n) => n.spec.channel === 'rayleigh' && n.spec.users === 1 && n.spec.bits === 1 && n.spec.estimator !== 'st-argmax').sort((a, b) => a.spec.antennas - b.spec.antennas);
  return ns.map((n: GnnNet) => {
    const M = n.spec.antennas;
    const rng = new Rng(p.seed).fork(`fig10/M${M}`);
    const h = rayleigh(rng.fork('h'), { batch: 1, users: 1, antennas: M });
    const s = rng.fork('s').complexNormal([1, 1, Math.max(points, p.testSymbols)]);
    const est = (y: Complex): number[] => {
      const v = tf.tidy(() => {
        const { g } = bussgang(y, s, BUSSGANG);
        const r = C.matmul(h, y);
        const hg = C.matmul(h, g); // [1, 1, 1]
        const den = C.abs2(hg);
        return tf.div(C.mulConj(r, hg).re, den); // Re(r conj(hg))/|hg|² = Re ŝ
      });
      const out = Array.from(v.dataSync() as Float32Array).slice(0, points);
      v.dispose();
      return out;
    };
    const yg = gnnSignal(n.model, n.sys, h, s);
    const yl = linearTransmit('mrt', n.sys, h, s, 1);
    try {
      return {
        key: n.key, antennas: M, s: Array.from(s.re.dataSync() as Float32Array).slice(0, points), gnn: est(yg), mrt: est(yl),
        gnnNmseDb: toDb(nmseNoiseless(h, yg, s).total), mrtNmseDb: toDb(nmseNoiseless(h, yl, s).total),
      };
    } finally {
      C.dispose(h, s, yg, yl);
    }
  });
}

/** The key of the headline network (K = 1, b = 1, Rayleigh, M = p.antennas). */
export function headlineKey(p: GnnPreset): string {
  return netKey({ channel: 'rayleigh', antennas: p.antennas, users: 1, bits: 1 });
}
