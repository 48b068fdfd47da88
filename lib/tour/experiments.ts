/**
 * Experiments of the getting-started notebook (00-getting-started.ipynb): a tour of channels,
 * constellations, MRT/ZF with DAC quantisation, rates and a BER-vs-SNR curve. Each function
 * returns plain typed rows; the notebook renders them, tests call them with the quick preset.
 */
import { snrAtTarget } from '../kit/stats';
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { Rng } from '../core/random';
import { rayleigh, losChannel, geometricChannel } from '../phy/channels';
import { constellation } from '../phy/constellation';
import { simulateErrorRate, ErrorRateRow } from '../phy/errorRate';
import { linearTransmitter, precodedLinkRun } from '../phy/link';
import { sumRate, sumRateSnidr } from '../phy/metrics';
import { mrt, zf, quantizedPrecode } from '../phy/precoders';
import { lloydMax } from '../phy/quantizer';
import type { Progress } from '../train/progress';
import { Ticker, silentProgress } from '../train/progress';

export interface TourPreset {
  name: 'quick' | 'reproduce';
  users: number;
  antennas: number;
  snrDb: number[];
  /** DAC resolutions compared (bits per real dimension); Infinity = ideal DAC */
  bits: number[];
  /** channels per rate point */
  channels: number;
  /** symbol vectors per channel (Bussgang/SNIDR estimation block) */
  symbols: number;
  /** error-rate simulation */
  ber: { maxBatches: number; batch: number; targetBitErrors: number };
}

export const TOUR_PRESETS: Record<TourPreset['name'], TourPreset> = {
  quick: { name: 'quick', users: 4, antennas: 32, snrDb: [-10, -5, 0, 5, 10, 15], bits: [1, 2, Infinity], channels: 20, symbols: 200, ber: { maxBatches: 6, batch: 10, targetBitErrors: 500 } },
  reproduce: { name: 'reproduce', users: 8, antennas: 64, snrDb: [-10, -7.5, -5, -2.5, 0, 2.5, 5, 7.5, 10, 12.5, 15], bits: [1, 2, 3, Infinity], channels: 200, symbols: 1000, ber: { maxBatches: 200, batch: 20, targetBitErrors: 2000 } },
};

export function tourPreset(name: string): TourPreset {
  const p = TOUR_PRESETS[name as TourPreset['name']];
  if (!p) throw new Error(`preset must be one of ${Object.keys(TOUR_PRESETS).join(', ')}; got "${name}"`);
  return p;
}

export interface ChannelStatsRow {
  model: string;
  /** mean |h_km|² */
  meanEntryPower: number;
  /** mean ‖h_k‖² / M */
  meanUserGainPerAntenna: number;
  /** mean of λ_max/Σλ of H Hᴴ: near 1/K for well-spread users, near 1 when users share one direction */
  dominantEigenShare: number;
}

function stats(model: string, h: Complex): ChannelStatsRow {
  const [, k, m] = h.re.shape;
  const [p, g] = tf.tidy(() => {
    const a2 = C.abs2(h);
    return [tf.mean(a2), tf.div(tf.mean(tf.sum(a2, -1)), m)];
  });
  // λ_max of the K×K Gram matrix H Hᴴ by power iteration (50 steps, batched), over its trace
  const share = tf.tidy(() => {
    const gram = C.matmul(h, h, false, true); // [b, K, K]
    let v: Complex = { re: tf.ones([h.re.shape[0], k, 1]), im: tf.zeros([h.re.shape[0], k, 1]) };
    for (let i = 0; i < 50; i++) {
      const u = C.matmul(gram, v);
      v = C.scale(u, tf.rsqrt(tf.maximum(C.frobNorm2(u, [-2, -1], true), 1e-30)));
    }
    const lam = C.frobNorm2(C.matmul(gram, v), [-2, -1]).sqrt(); // ‖G v‖ with ‖v‖ = 1
    return tf.mean(tf.div(lam, tf.maximum(C.traceRe(gram), 1e-30)));
  });
  const row = { model, meanEntryPower: p.dataSync()[0], meanUserGainPerAntenna: g.dataSync()[0], dominantEigenShare: share.dataSync()[0] };
  tf.dispose([p, g, share]);
  return row;
}

/** Average power and spatial structure of each channel model the library ships. */
export function channelSummary(preset: TourPreset, seed: number | string): ChannelStatsRow[] {
  const rng = new Rng(seed).fork('channels');
  const { users: K, antennas: M, channels: n } = preset;
  const rows: ChannelStatsRow[] = [];
  const ray = rayleigh(rng.fork('rayleigh'), { batch: n, users: K, antennas: M });
  rows.push(stats('i.i.d. Rayleigh CN(0,1)', ray));
  const los = losChannel(rng.fork('los'), { batch: n, users: K, antennas: M });
  rows.push(stats('pure LoS ULA (GNN eq. 10)', los.h));
  for (const cond of ['los', 'nlos'] as const) {
    const g = geometricChannel(rng.fork(cond), n, { condition: cond, users: K, antennas: M });
    rows.push(stats(`geometric UMa-like ${cond.toUpperCase()}`, g.h));
    C.dispose(g.h);
  }
  C.dispose(ray, los.h);
  return rows;
}

export interface RateRow {
  precoder: 'MRT' | 'ZF';
  bits: number;
  snrDb: number;
  /** mean sum rate over channels, bit/s/Hz: SINR-based for ideal DACs, SNIDR (GNN eq. 8–9) otherwise */
  sumRate: number;
}

/** Sum rate vs SNR of MRT and ZF with b-bit Lloyd-Max DACs (per-antenna normalised) on Rayleigh channels. */
export function rateVsSnr(preset: TourPreset, seed: number | string, progress: Progress = silentProgress): RateRow[] {
  const rng = new Rng(seed).fork('rates');
  const { users: K, antennas: M, channels: n, symbols: T } = preset;
  const power = M; // P_T = M as in the GNN paper §VI-A: unit average power per antenna
  const h = rayleigh(rng.fork('h'), { batch: n, users: K, antennas: M });
  const s = rng.fork('s').complexNormal([n, K, T]); // Gaussian signalling (GNN §II-A)
  const rows: RateRow[] = [];
  const ticker = new Ticker(progress, 'rates', 2 * preset.bits.length);
  let done = 0;
  for (const [name, pre] of [['MRT', mrt], ['ZF', zf]] as const) {
    const w = pre(h, { power });
    for (const b of preset.bits) {
      const y = Number.isFinite(b) ? quantizedPrecode(w, s, lloydMax(b, 0.5)) : undefined;
      for (const snr of preset.snrDb) {
        const noiseVar = power / 10 ** (snr / 10);
        const r = tf.tidy(() => tf.mean(y ? sumRateSnidr(h, y, s, noiseVar) : sumRate(h, w, noiseVar)));
        rows.push({ precoder: name, bits: b, snrDb: snr, sumRate: r.dataSync()[0] });
        r.dispose();
      }
      if (y) C.dispose(y);
      ticker.tick(++done);
    }
    C.dispose(w);
  }
  ticker.end();
  C.dispose(h, s);
  return rows;
}

export interface BerCurve {
  label: string;
  rows: ErrorRateRow[];
}

/** Uncoded QPSK BER vs SNR through ZF and MRT with ideal and 1-bit DACs over Rayleigh channels. */
export async function berVsSnr(preset: TourPreset, seed: number | string, progress: Progress = silentProgress): Promise<BerCurve[]> {
  const rng = new Rng(seed).fork('ber');
  const { users: K, antennas: M } = preset;
  const qpsk = constellation('qpsk');
  const curves: BerCurve[] = [];
  const cases = [
    { label: 'ZF, ideal DAC', pre: zf, bits: Infinity },
    { label: 'ZF, 1-bit DAC', pre: zf, bits: 1 },
    { label: 'MRT, 1-bit DAC', pre: mrt, bits: 1 },
  ];
  const ticker = new Ticker(progress, 'BER', cases.length * preset.snrDb.length);
  let done = 0;
  for (const c of cases) {
    const run = precodedLinkRun({
      rng: rng.fork(c.label),
      constellation: qpsk,
      channel: (r, batch) => rayleigh(r, { batch, users: K, antennas: M }),
      transmit: linearTransmitter((h) => c.pre(h, { power: 1 }), Number.isFinite(c.bits) ? lloydMax(c.bits, 0.5) : undefined),
      batch: preset.ber.batch,
      symbolsPerChannel: 100,
      power: 1,
    });
    const rows = await simulateErrorRate({
      snrDb: preset.snrDb,
      run,
      maxBatches: preset.ber.maxBatches,
      targetBitErrors: preset.ber.targetBitErrors,
      progress: (p) => {
        if (p.done) ticker.tick(++done, { message: `${c.label} @ ${p.row.snrDb} dB`, values: { BER: p.row.ber } });
      },
    });
    curves.push({ label: c.label, rows });
  }
  ticker.end();
  return curves;
}

export interface SnrAtBerRow {
  link: string;
  targetBer: number;
  /** interpolated SNR [dB] where the BER curve reaches the target; undefined when it does not on the grid */
  snrDb?: number;
  /** where the 95 % lower / upper BER bounds reach it */
  snrLow?: number;
  snrHigh?: number;
}

/** The SNR at which each BER curve reaches each target (e.g. 1e-2, 1e-3), with the interval its confidence bounds give. */
export function snrAtBer(curves: BerCurve[], targets: number[]): SnrAtBerRow[] {
  return curves.flatMap((c) =>
    targets.map((t) => {
      const x = snrAtTarget({ snrDb: c.rows.map((r) => r.snrDb), rate: c.rows.map((r) => r.ber), low: c.rows.map((r) => r.berLow), high: c.rows.map((r) => r.berHigh) }, t);
      // the upper BER bound reaches the target at a higher SNR than the lower bound
      return { link: c.label, targetBer: t, snrDb: x?.snrDb, snrLow: x?.low, snrHigh: x?.high };
    }),
  );
}
