/**
 * "One table for the whole field" (issue 21, part 1): one row per paper, the learned method beside the
 * classic method it unfolds or replaces, at one operating point of the paper's own setup, read from the
 * committed `reproduce` runs (data/<paper>/reproduce.json). Every number is a `Traced` (./trace): the
 * file and JSON path it was read from; nothing is typed in.
 *
 * Gains are signed so that > 0 means the learned method is better (higher rate, lower BER/SER/power or
 * a lower SNR at the target BER), in the metric's unit, paired on the same test channels where the run
 * stores the paired difference.
 *
 * Equal cost: where the learned method runs the classic one's operations with other constants (NNO-C2PO,
 * the MSER network) equal iterations are equal FLOPs and time; unfolded WMMSE replaces a step by PGD
 * steps, so its gain at equal FLOPs and at equal measured time is read off WMMSE's curve (./wmmse
 * `equalComplexity`); the GNN and SLP-DNet have no equal-cost counterpart (said in the row).
 *
 * Throughput against the numpy peers: ./throughput (from the committed bench record).
 */
import { above } from '../kit/stats';
import * as mser from '../papers/mser';
import * as slp from '../papers/slp';
import * as wmmse from '../papers/wmmse';
import { savedParamCount, SavedParam } from '../train/checkpoint';
import { at, CommittedRun, committedRuns, CommittedRuns, netIndex, PaperId } from './runs';
import { indexWhere, Traced, valueAt } from './trace';

export interface FieldRow {
  paper: PaperId;
  /** the notebook that shows the whole comparison */
  notebook: string;
  learned: string;
  classic: string;
  metric: string;
  unit: string;
  better: 'higher' | 'lower';
  /** the operating point, in words (SNR, size, depth) */
  point: string;
  /** what is held equal between the two */
  equal: string;
  learnedValue: Traced;
  classicValue: Traced;
  /** learned over classic, > 0 = learned better; `paired`: the run's paired difference on the same channels */
  gain: Traced & { paired: boolean };
  /** the gain at equal FLOPs and at equal measured time per channel, or why there is none */
  equalCost: { flops: EqualCostCell; time: EqualCostCell };
  /** unpaired comparisons (NNO-C2PO's SNR at a BER): each value's 95 % interval, as the run stores it */
  intervals?: { learned: [Traced, Traced]; classic: [Traced, Traced] };
  /** the headline network's trained parameters (saved state such as batch-norm statistics not counted) */
  trainedParams: { value: number; file: string; path: string };
  /** the training examples the network saw (channels or problem instances) */
  trainingSamples: Traced & { what: string };
  /** training wall time: of this network, or only of the whole run where the run keeps no per-network time */
  trainingSeconds: Traced & { scope: 'network' | 'whole run' };
}

/** A gain at equal cost: its value in the row's unit (> 0 = learned better), or null with the reason. */
export interface EqualCostCell {
  gain: number | null;
  how: string;
  /** the JSON paths it is computed from */
  from: string[];
}

/** Equal iterations with the same operations: the equal-cost gains are the row's gain. */
function sameOps(gain: Traced, why: string): FieldRow['equalCost'] {
  const cell = { gain: gain.value, how: why, from: [gain.path] };
  return { flops: cell, time: cell };
}

const noComparison = (why: string): FieldRow['equalCost'] => ({ flops: { gain: null, how: why, from: [] }, time: { gain: null, how: why, from: [] } });

/** The operating points (defaults: the figures each notebook leads with). */
export interface FieldPoints {
  /** unfolded WMMSE: Fig. 2 (10 dB) at L layers = L WMMSE iterations */
  wmmseLayers: number;
  /** NNO-C2PO: t_max iterations, the SNR at BER 1e-2 (Fig. 3, i.i.d. Rayleigh) */
  c2poIterations: number;
  /** GNN: M = 32, K = 1, b = 1 on Rayleigh channels (Fig. 7a), at this SNR */
  gnnSnrDb: number;
  /** SLP-DNet: Fig. 5's SINR target */
  slpSinrDb: number;
  /** MSER: Table I's SNR */
  mserSnrDb: number;
}

export const FIELD_POINTS: Readonly<FieldPoints> = { wmmseLayers: 4, c2poIterations: 8, gnnSnrDb: 15, slpSinrDb: 30, mserSnrDb: 15 };

function params(r: CommittedRun, netPath: string): FieldRow['trainedParams'] {
  const ckpt = valueAt(r.json, netPath) as { params: Record<string, SavedParam> };
  return { value: savedParamCount(ckpt).trained, file: r.file, path: `${netPath}.params` };
}

function wmmseRow(runs: CommittedRuns, pt: FieldPoints): FieldRow {
  const r = runs['unfolded-wmmse'];
  const i = indexWhere<number>(r.json, 'results.fig2.L', (L) => L === pt.wmmseLayers, `L = ${pt.wmmseLayers}`);
  const snr = valueAt(r.json, 'results.fig2.snrDb') as number;
  const n = netIndex(r, { snrDb: snr, layers: pt.wmmseLayers, sameGamma: false }, ['trainingSeed']);
  const eq = wmmse.equalComplexity(valueAt(r.json, 'results.fig2') as wmmse.WsrVsLayers, valueAt(r.json, 'results.complexity') as wmmse.ComplexityRow[]).gains.find((g) => g.L === pt.wmmseLayers);
  const from = ['results.fig2.L', 'results.fig2.wmmse', 'results.fig2.unfolded', 'results.complexity'];
  const outside = 'its cost is outside the range of WMMSE\'s iteration counts';
  return {
    paper: 'unfolded-wmmse', notebook: 'notebooks/unfolded-wmmse.ipynb',
    learned: 'unfolded WMMSE (learned PGD steps γ)', classic: 'WMMSE', metric: 'sum rate', unit: 'bit/s/Hz', better: 'higher',
    point: `${snr} dB, L = ${pt.wmmseLayers}`, equal: `${pt.wmmseLayers} layers = ${pt.wmmseLayers} WMMSE iterations`,
    learnedValue: { ...at(r, `results.fig2.unfolded[${i}]`), ...optSe(r, `results.fig2.se.unfolded[${i}]`) },
    classicValue: { ...at(r, `results.fig2.wmmse[${i}]`), ...optSe(r, `results.fig2.se.wmmse[${i}]`) },
    gain: { ...at(r, `results.fig2.unfoldedMinusWmmse[${i}]`), paired: true },
    equalCost: {
      flops: { gain: eq?.atFlops ?? null, how: eq?.atFlops == null ? outside : 'WMMSE\'s rate at the same FLOPs per channel, interpolated linearly between its iteration counts', from },
      time: { gain: eq?.atTime ?? null, how: eq?.atTime == null ? outside : 'WMMSE\'s rate at the same measured time per channel, interpolated linearly between its iteration counts', from },
    },
    trainedParams: params(r, `nets[${n}]`),
    trainingSamples: { ...at(r, `nets[${n}].meta.trainingChannels`), what: 'channels (with the shallower network it was warm-started from)' },
    trainingSeconds: { ...at(r, 'seconds'), scope: 'whole run' },
  };
}

/** `{ se }` from a path when it holds a number (some runs keep standard errors in a parallel tree). */
function optSe(r: CommittedRun, p: string): { se?: number } {
  try {
    const v = valueAt(r.json, p);
    return typeof v === 'number' ? { se: v } : {};
  } catch {
    return {};
  }
}

function c2poRow(runs: CommittedRuns, pt: FieldPoints): FieldRow {
  const r = runs['nno-c2po'];
  const T = pt.c2poIterations;
  const nno = at(r, `results.fig3.at1e2["nno/t${T}"].snrDb`), classic = at(r, `results.fig3.at1e2["tied/t${T}"].snrDb`);
  const n = netIndex(r, { trainedOn: 'rayleigh', variant: 'nno', iterations: T });
  return {
    paper: 'nno-c2po', notebook: 'notebooks/nno-c2po.ipynb',
    learned: 'NNO-C2PO (learned per-iteration τ, ρ)', classic: 'trained C2PO (one τ, ρ learned for all iterations: the paper\'s baseline, §IV)', metric: 'SNR at BER 1e-2 (1-bit DACs)', unit: 'dB', better: 'lower',
    point: `trained and tested on ${valueAt(r.json, `nets[${n}].meta.trainedOn`) as string} channels, t_max = ${T}`, equal: `${T} iterations each`,
    learnedValue: nno, classicValue: classic,
    gain: { value: classic.value - nno.value, file: r.file, path: `${classic.path} − ${nno.path}`, paired: false },
    equalCost: sameOps({ value: classic.value - nno.value, file: r.file, path: `${classic.path} − ${nno.path}` }, 'NNO-C2PO runs trained C2PO\'s operations with per-iteration constants τ⁽ᵗ⁾, ρ⁽ᵗ⁾: equal iterations are equal FLOPs and time'),
    intervals: {
      learned: [at(r, `results.fig3.at1e2["nno/t${T}"].low`), at(r, `results.fig3.at1e2["nno/t${T}"].high`)],
      classic: [at(r, `results.fig3.at1e2["tied/t${T}"].low`), at(r, `results.fig3.at1e2["tied/t${T}"].high`)],
    },
    trainedParams: params(r, `nets[${n}]`),
    trainingSamples: { ...at(r, `nets[${n}].meta.trainingBudget.channels`), what: 'channels' },
    trainingSeconds: { ...at(r, 'seconds'), scope: 'whole run' },
  };
}

function gnnRow(runs: CommittedRuns, pt: FieldPoints): FieldRow {
  const r = runs['gnn-quantized-precoding'];
  const key = 'rayleigh/M32/K1/b1';
  const k = indexWhere<{ key: string; estimator?: string }>(r.json, 'results.rates', (x) => x.key === key && (x.estimator ?? 'gumbel-st') === 'gumbel-st', key);
  const i = indexWhere<number>(r.json, `results.rates[${k}].snrDb`, (s) => s === pt.gnnSnrDb, `${pt.gnnSnrDb} dB`);
  const n = netIndex(r, { channel: 'rayleigh', antennas: 32, users: 1, bits: 1 }, ['estimator']);
  const s = indexWhere<{ key: string }>(r.json, 'results.nets', (x) => x.key === key, key);
  const baseline = valueAt(r.json, `results.rates[${k}].baseline`) as string;
  return {
    paper: 'gnn-quantized-precoding', notebook: 'notebooks/gnn-quantized-precoding.ipynb',
    learned: 'GNN precoder (straight-through Gumbel-softmax)', classic: `${baseline.toUpperCase()} with 1-bit DACs`, metric: 'sum rate (Bussgang SNIDR)', unit: 'bit/s/Hz', better: 'higher',
    point: `M = ${valueAt(r.json, `nets[${n}].meta.antennas`)}, K = ${valueAt(r.json, `nets[${n}].meta.users`)}, b = ${valueAt(r.json, `nets[${n}].meta.bits`)}, ${pt.gnnSnrDb} dB`, equal: 'one forward pass against the closed form (no iterations)',
    learnedValue: at(r, `results.rates[${k}].gnn[${i}]`), classicValue: at(r, `results.rates[${k}].linear[${i}]`),
    gain: { ...at(r, `results.rates[${k}].gain[${i}]`), paired: true },
    equalCost: noComparison('no iteration axis: one GNN forward pass against a closed form, so no equal-cost point'),
    trainedParams: params(r, `nets[${n}]`),
    trainingSamples: { ...at(r, `nets[${n}].meta.trainingBudget.channels`), what: 'channels' },
    trainingSeconds: { ...at(r, `results.nets[${s}].seconds`), scope: 'network' },
  };
}

function slpRow(runs: CommittedRuns, pt: FieldPoints): FieldRow {
  const r = runs['slp-quantized-nn-weights'];
  const rowOf = (key: string) => indexWhere<{ key: string; x: number }>(r.json, 'results.fig5', (x) => x.key === key && x.x === pt.slpSinrDb, `${key} at ${pt.slpSinrDb} dB`);
  const dnet = rowOf('full'), opt = rowOf('slp-opt');
  const minus = at(r, `results.fig5[${dnet}].minusOptimum`);
  const n = netIndex(r, { variant: 'full' });
  const s = indexWhere<{ key: string }>(r.json, 'results.nets', (x) => x.key === 'full', 'full');
  const layers = valueAt(r.json, `nets[${n}].meta.layers`) as number;
  const sp = slp.slpPreset(valueAt(r.json, 'preset') as string);
  return {
    paper: 'slp-quantized-nn-weights', notebook: 'notebooks/slp-quantized-nn-weights.ipynb',
    learned: `SLP-DNet (${layers} unfolded barrier layers)`, classic: 'SLP optimisation (interior point to convergence)', metric: 'transmit power', unit: 'linear power', better: 'lower',
    point: `M = ${sp.antennas}, K = ${sp.users}, ${sp.pskOrder}-PSK, SINR ${pt.slpSinrDb} dB`, equal: `not equal: ${layers} layers against the solver run to convergence`,
    learnedValue: at(r, `results.fig5[${dnet}].power`), classicValue: at(r, `results.fig5[${opt}].power`),
    gain: { ...minus, value: -minus.value, path: `−${minus.path}`, paired: true },
    equalCost: noComparison('the solver is run to convergence (its cost varies per instance), as in the paper: no equal-cost point'),
    trainedParams: params(r, `nets[${n}]`),
    trainingSamples: { ...at(r, `nets[${n}].meta.trainingBudget.channels`), what: 'problem instances' },
    trainingSeconds: { ...at(r, `results.nets[${s}].seconds`), scope: 'network' },
  };
}

function mserRow(runs: CommittedRuns, pt: FieldPoints): FieldRow {
  const r = runs['mser-hybrid-beamforming'];
  const key = `unfolded@${pt.mserSnrDb}`;
  const g = indexWhere<{ key: string }>(r.json, 'results.trainingGain', (x) => x.key === key, key);
  const untrained = at(r, `results.trainingGain[${g}].untrained`);
  const gain = at(r, `results.trainingGain[${g}].gain`);
  const n = netIndex(r, { spec: { kind: 'unfolded', snrDb: pt.mserSnrDb } });
  const s = indexWhere<{ key: string }>(r.json, 'results.nets', (x) => x.key === key, key);
  const layers = valueAt(r.json, `nets[${n}].meta.layers`) as number;
  const sys = mser.mserPreset(valueAt(r.json, 'preset') as string).sys;
  return {
    paper: 'mser-hybrid-beamforming', notebook: 'notebooks/mser-hybrid-beamforming.ipynb',
    learned: `deep-unfolded MSER GD (L = ${layers})`, classic: 'MSER hybrid GD (Algorithm 1)', metric: 'SER', unit: 'SER', better: 'lower',
    point: `N_t = ${sys.txAntennas}, R_t = ${sys.txRf}, K = ${sys.users}, N_r = ${sys.rxAntennas}, R_r = ${sys.rxRf}, ${sys.modulation.toUpperCase()}, ${pt.mserSnrDb} dB`, equal: `${layers} layers = ${layers} GD iterations from the same MO-AltMin start`,
    learnedValue: at(r, `results.trainingGain[${g}].trained`), classicValue: untrained,
    gain: { ...gain, paired: true },
    equalCost: sameOps(gain, 'the trained network runs Algorithm 1\'s operations with learned step factors, offsets and widths: equal layers are equal FLOPs and time'),
    trainedParams: params(r, `nets[${n}]`),
    trainingSamples: { ...at(r, `nets[${n}].meta.trainingBudget.channels`), what: 'channels' },
    trainingSeconds: { ...at(r, `results.nets[${s}].seconds`), scope: 'network' },
  };
}

/** The field table, one row per paper, from the committed `reproduce` runs. */
export function fieldTable(points: Partial<FieldPoints> = {}, runs: CommittedRuns = committedRuns()): FieldRow[] {
  const pt = { ...FIELD_POINTS, ...points };
  return [wmmseRow(runs, pt), c2poRow(runs, pt), gnnRow(runs, pt), slpRow(runs, pt), mserRow(runs, pt)];
}

/** What a row shows: 'better' / 'worse' (learned vs classic, beyond 2 s.e. or with disjoint intervals) or 'even'. */
export type FieldVerdict = 'better' | 'worse' | 'even';

export function fieldVerdict(r: FieldRow): FieldVerdict {
  if (r.gain.se !== undefined) {
    const d = { mean: r.gain.value, se: r.gain.se };
    return above(d) ? 'better' : above({ mean: -d.mean, se: d.se }) ? 'worse' : 'even';
  }
  if (r.intervals) {
    const [ll, lh] = r.intervals.learned.map((x) => x.value), [cl, ch] = r.intervals.classic.map((x) => x.value);
    const learnedLow = r.better === 'lower' ? lh < cl : ll > ch; // learned's interval wholly on the better side
    const learnedHigh = r.better === 'lower' ? ll > ch : lh < cl;
    return learnedLow ? 'better' : learnedHigh ? 'worse' : 'even';
  }
  return 'even';
}

const num = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : Number(x.toPrecision(4)).toString());

/** One generated sentence per row: what the learned method buys over its classic counterpart here. */
export function fieldFindings(rows: readonly FieldRow[]): string[] {
  return rows.map((r) => {
    const v = fieldVerdict(r);
    const gain = `${num(r.gain.value)}${r.gain.se !== undefined ? ` ± ${num(r.gain.se)}` : ''} ${r.unit}`;
    const how = r.gain.se !== undefined ? (r.gain.paired ? 'paired on the same test channels, 2 s.e.' : '2 s.e.') : r.intervals ? 'the two 95 % intervals' : 'no uncertainty stored';
    const verdict = v === 'better' ? `is better than ${r.classic}` : v === 'worse' ? `is worse than ${r.classic}` : `is not distinguishable from ${r.classic}`;
    const f = r.equalCost.flops.gain, t = r.equalCost.time.gain;
    const cost = f !== null && t !== null && (f !== r.gain.value || t !== r.gain.value) ? `; at equal FLOPs the gain is ${num(f)} ${r.unit}, at equal measured time ${num(t)} ${r.unit}` : '';
    return `**${r.paper}** (${r.point}; ${r.equal}): ${r.learned} ${verdict} in ${r.metric} (gain ${gain}, ${how}${cost}), after ${Math.round(r.trainingSamples.value)} training ${r.trainingSamples.what.split(' (')[0]} and ${num(r.trainingSeconds.value / 60)} min of training${r.trainingSeconds.scope === 'whole run' ? ' (the whole run; no per-network time is stored)' : ''}, with ${r.trainedParams.value} trained parameters.`;
  });
}
