/**
 * The low-resolution comparison (./lowRes) as a table, figures and generated sentences: what the
 * notebook shows, computed from a `LowResResult` only (no number typed in).
 */
import { pairedDiff, MeanSe } from '../kit/stats';
import type { FigureSpec, Series } from '../kit/figureSpec';
import * as c2po from '../papers/c2po';
import type { LowResCurve, LowResMethodId, LowResResult, LowResScenario } from './lowRes';

/** "Rayleigh, U = 2": the switcher value and row label of a scenario. */
export function scenarioLabel(s: Pick<LowResScenario, 'channel' | 'users'>): string {
  return `${s.channel === 'rayleigh' ? 'Rayleigh' : 'LoS'}, U = ${s.users}`;
}

export interface LowResRow {
  scenario: string;
  method: string;
  role: string;
  bits: number;
  /** SNR (dB) where the BER reaches the target, with the 95 % interval; undefined: not on the grid */
  snrAtTarget: c2po.SnrAt;
  /** the BER at the highest SNR of the grid (its error floor, if any) */
  berAtMax: number;
  /** sum rate at `rateSnrDb`, bit/s/Hz */
  sumRate: MeanSe;
  flopsPerVector: number;
  microsecondsPerVector: number;
}

export interface LowResTableOptions {
  /** target BER of the SNR column (default 10⁻², as the NNO-C2PO field row) */
  targetBer?: number;
  /** SNR of the sum-rate column; default the highest SNR of the grid */
  rateSnrDb?: number;
}

function snrIndex(r: LowResResult, snrDb: number | undefined): number {
  const grid = r.options.snrDb;
  if (snrDb === undefined) return grid.length - 1;
  const i = grid.indexOf(snrDb);
  if (i < 0) throw new Error(`lowResTable(opts.rateSnrDb): must be one of the run's SNRs {${grid.join(', ')}} dB; got ${snrDb}`);
  return i;
}

/** One row per scenario and method (absent methods are left out; `LowResScenario.absent` says why). */
export function lowResTable(r: LowResResult, opts: LowResTableOptions = {}): LowResRow[] {
  const target = opts.targetBer ?? 1e-2;
  const i = snrIndex(r, opts.rateSnrDb);
  return r.scenarios.flatMap((s) => s.curves.map((c) => ({
    scenario: scenarioLabel(s), method: c.method.label, role: c.method.role, bits: c.method.bits,
    snrAtTarget: c2po.snrAt(c.ber, target), berAtMax: c.ber.ber[c.ber.ber.length - 1], sumRate: c.sumRate[i],
    flopsPerVector: c.flopsPerVector, microsecondsPerVector: c.microsecondsPerVector,
  })));
}

/** Two figures (BER and sum rate vs SNR), every scenario's curves switched by a slider. */
export function lowResFigures(r: LowResResult): FigureSpec[] {
  const values = r.scenarios.map(scenarioLabel);
  const switcher = { label: 'scenario', values, initial: values.find((v) => v.startsWith('Rayleigh, U = 2')) ?? values[0] };
  const style = (c: LowResCurve): Pick<Series, 'dash' | 'mode'> => ({ dash: c.method.role === 'learned' ? 'solid' : c.method.role === 'reference' ? 'dot' : 'dash', mode: 'lines+markers' });
  const ber: Series[] = r.scenarios.flatMap((s) => s.curves.map((c) => {
    const keep = c.ber.ber.map((v, k) => (v > 0 ? k : -1)).filter((k) => k >= 0); // a log axis cannot show 0 errors
    return {
      name: c.method.label, group: scenarioLabel(s), ...style(c),
      x: keep.map((k) => c.ber.snrDb[k]), y: keep.map((k) => c.ber.ber[k]), yLow: keep.map((k) => c.ber.low[k]), yHigh: keep.map((k) => c.ber.high[k]),
    };
  }));
  const rate: Series[] = r.scenarios.flatMap((s) => s.curves.map((c) => ({
    name: c.method.label, group: scenarioLabel(s), ...style(c),
    x: [...r.options.snrDb], y: c.sumRate.map((v) => v.mean), yLow: c.sumRate.map((v) => v.mean - 2 * v.se), yHigh: c.sumRate.map((v) => v.mean + 2 * v.se),
  })));
  return [
    { title: 'BER, 16-QAM, β̂ receiver (points with no errors not drawn)', xLabel: 'SNR = P/N0 (dB)', yLabel: 'BER', logY: true, series: ber, switcher },
    { title: 'Sum rate from the Bussgang SNIDR (± 2 s.e.)', xLabel: 'SNR = P/N0 (dB)', yLabel: 'sum rate (bit/s/Hz)', series: rate, switcher },
  ];
}


function curveOf(s: LowResScenario, id: LowResMethodId): LowResCurve | undefined {
  return s.curves.find((c) => c.method.id === id);
}

function sameSignal(a: LowResCurve, b: LowResCurve): boolean {
  return a.ber.bitErrors.every((e, k) => e === b.ber.bitErrors[k]) && a.ratePerChannel.every((row, k) => row.every((v, j) => v === b.ratePerChannel[k][j]));
}

/** One method's BER at one SNR with its 95 % Wilson interval. */
interface At {
  c: LowResCurve;
  ber: number;
  low: number;
  high: number;
}

/** Whether two BERs are told apart: their 95 % intervals are disjoint. */
function apart(a: At, b: At): boolean {
  return a.high < b.low || b.high < a.low;
}

/** Methods ranked by BER, in tiers: a method joins the previous tier when its interval overlaps that tier's last. */
function tiers(xs: At[]): At[][] {
  const out: At[][] = [];
  for (const x of [...xs].sort((a, b) => a.ber - b.ber)) {
    const last = out[out.length - 1];
    if (last && !apart(last[last.length - 1], x)) last.push(x);
    else out.push([x]);
  }
  return out;
}

/**
 * Sentences generated from the result, at `rateSnrDb` (default the highest SNR): per scenario the 1-bit
 * methods in order of BER (tied where the 95 % intervals overlap), NNO-C2PO against trained C2PO (its
 * paper's baseline), the GNN against 1-bit ZF in sum rate (paired over channels) and in BER; where 1-bit ZF and
 * the C2PO family transmit identical signals; the cost per precode.
 */
export function lowResFindings(r: LowResResult, opts: LowResTableOptions = {}): string[] {
  const i = snrIndex(r, opts.rateSnrDb);
  const snr = r.options.snrDb[i];
  const out: string[] = [];
  const oneBit: LowResMethodId[] = ['zf-1bit', 'c2po', 'trained-c2po', 'nno-c2po', 'gnn'];
  for (const s of r.scenarios) {
    const parts: string[] = [];
    const zf1 = curveOf(s, 'zf-1bit'), nno = curveOf(s, 'nno-c2po'), tied = curveOf(s, 'trained-c2po'), g = curveOf(s, 'gnn');
    const family = (['c2po', 'trained-c2po', 'nno-c2po'] as const).map((id) => curveOf(s, id)).filter((x): x is LowResCurve => x !== undefined);
    const same = zf1 !== undefined && family.length > 0 && family.every((c) => sameSignal(zf1, c));
    if (same) {
      parts.push(`1-bit ZF and ${family.map((c) => c.method.label).join(', ')} transmit identical signals` +
        (s.users === 1 ? ' (with one user C2PO\'s projection leaves AᴴA = 0, so every iteration keeps the signs of x⁽⁰⁾ = Hᴴs, those of 1-bit ZF)' : ''));
    }
    const atSnr = (c: LowResCurve): At => ({ c, ber: c.ber.ber[i], low: c.ber.low[i], high: c.ber.high[i] });
    if (!same) {
      const ranked = tiers(oneBit.map((id) => curveOf(s, id)).filter((x): x is LowResCurve => x !== undefined).map(atSnr));
      parts.push(`BER at ${snr} dB, lowest first (≈: 95 % intervals overlap): ${ranked.map((tier) => tier.map((x) => `${x.c.method.label} ${x.ber.toExponential(1)}`).join(' ≈ ')).join('; then ')}`);
    }
    if (tied && nno && !same) {
      const a = atSnr(tied), b = atSnr(nno);
      parts.push(apart(a, b)
        ? `NNO-C2PO's per-iteration steps give a ${b.ber < a.ber ? 'lower' : 'higher'} BER than trained C2PO's one τ, ρ (its paper's baseline) at ${snr} dB`
        : `NNO-C2PO and trained C2PO (its paper's baseline) are not told apart at ${snr} dB (95 % intervals overlap)`);
    }
    if (g && zf1) {
      const d = pairedDiff(g.ratePerChannel[i], zf1.ratePerChannel[i]);
      const verdict = Math.abs(d.mean) <= 2 * d.se ? 'not told apart from' : d.mean > 0 ? 'above' : 'below';
      const gb = g.ber, zb = zf1.ber;
      const berVerdict = gb.high[i] < zb.low[i] ? 'lower' : gb.low[i] > zb.high[i] ? 'higher' : 'not told apart (95 % intervals overlap)';
      parts.push(`the GNN's sum rate at ${snr} dB is ${verdict} 1-bit ZF's (${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(2)} ± ${d.se.toFixed(2)} bit/s/Hz, paired over ${g.ratePerChannel[i].length} channels); its BER there is ${berVerdict} (${gb.ber[i].toExponential(1)} against ${zb.ber[i].toExponential(1)})`);
    } else if (s.absent.some((a) => a.method.id === 'gnn')) {
      parts.push(`no GNN here (${s.absent.find((a) => a.method.id === 'gnn')?.reason})`);
    }
    out.push(`**${scenarioLabel(s)}**: ${parts.join('; ')}.`);
  }
  const ratios = r.scenarios.map((s) => [curveOf(s, 'gnn'), curveOf(s, 'nno-c2po')] as const)
    .filter((p): p is readonly [LowResCurve, LowResCurve] => p[0] !== undefined && p[1] !== undefined)
    .map(([a, b]) => a.flopsPerVector / b.flopsPerVector);
  if (ratios.length > 0) {
    const lo = Math.min(...ratios), hi = Math.max(...ratios);
    out.push(`**Cost per precode**: the GNN's matmuls take ${lo === hi ? lo.toFixed(0) : `${lo.toFixed(0)}–${hi.toFixed(0)}`}× the FLOPs of NNO-C2PO's (${r.options.iterations} iterations) per symbol vector where both run; trained C2PO and NNO-C2PO cost exactly what C2PO costs.`);
  }
  return out;
}
