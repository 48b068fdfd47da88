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

const fmtSnr = (x: c2po.SnrAt): string => (x.snrDb === undefined ? 'not reached' : `${x.snrDb.toFixed(1)} dB`);

function curveOf(s: LowResScenario, id: LowResMethodId): LowResCurve | undefined {
  return s.curves.find((c) => c.method.id === id);
}

function sameSignal(a: LowResCurve, b: LowResCurve): boolean {
  return a.ber.bitErrors.every((e, k) => e === b.ber.bitErrors[k]) && a.ratePerChannel.every((row, k) => row.every((v, j) => v === b.ratePerChannel[k][j]));
}

/**
 * Sentences generated from the result: per scenario the best 1-bit method at the target BER, NNO-C2PO
 * against C2PO, the GNN against 1-bit ZF in sum rate (paired over channels) and, where they disagree,
 * the two metrics; where 1-bit ZF, C2PO and NNO-C2PO coincide exactly; the cost per precode.
 */
export function lowResFindings(r: LowResResult, opts: LowResTableOptions = {}): string[] {
  const target = opts.targetBer ?? 1e-2;
  const i = snrIndex(r, opts.rateSnrDb);
  const snr = r.options.snrDb[i];
  const out: string[] = [];
  const oneBit: LowResMethodId[] = ['zf-1bit', 'c2po', 'nno-c2po', 'gnn'];
  for (const s of r.scenarios) {
    const label = scenarioLabel(s);
    const parts: string[] = [];
    const zf1 = curveOf(s, 'zf-1bit'), c = curveOf(s, 'c2po'), nno = curveOf(s, 'nno-c2po'), g = curveOf(s, 'gnn');
    if (zf1 && c && nno && sameSignal(zf1, c) && sameSignal(zf1, nno)) {
      parts.push('1-bit ZF, C2PO and NNO-C2PO transmit identical signals (with one user C2PO\'s projection leaves AᴴA = 0, so every iteration keeps the signs of x⁽⁰⁾ = Hᴴs, which are those of 1-bit ZF)');
    } else {
      const ranked = oneBit.map((id) => curveOf(s, id)).filter((x): x is LowResCurve => x !== undefined)
        .map((x) => ({ x, at: c2po.snrAt(x.ber, target) }))
        .sort((a, b) => (a.at.snrDb ?? Infinity) - (b.at.snrDb ?? Infinity));
      const best = ranked[0];
      if (best.at.snrDb === undefined) parts.push(`no 1-bit method reaches BER ${target} on the grid (highest SNR ${r.options.snrDb[r.options.snrDb.length - 1]} dB)`);
      else parts.push(`the 1-bit method reaching BER ${target} first is ${best.x.method.label} (${fmtSnr(best.at)}; then ${ranked.slice(1).map((y) => `${y.x.method.label} ${fmtSnr(y.at)}`).join(', ')})`);
      if (c && nno) {
        const a = c2po.snrAt(c.ber, target), b = c2po.snrAt(nno.ber, target);
        const last = c.ber.ber.length - 1;
        parts.push(a.snrDb !== undefined && b.snrDb !== undefined
          ? `NNO-C2PO's learned steps ${b.snrDb < a.snrDb ? 'save' : 'cost'} ${Math.abs(a.snrDb - b.snrDb).toFixed(1)} dB against C2PO's constants at BER ${target}`
          : `at ${r.options.snrDb[last]} dB NNO-C2PO's BER is ${nno.ber.ber[last].toExponential(1)} against C2PO's ${c.ber.ber[last].toExponential(1)}`);
      }
    }
    if (g && zf1) {
      const d = pairedDiff(g.ratePerChannel[i], zf1.ratePerChannel[i]);
      const verdict = Math.abs(d.mean) <= 2 * d.se ? 'the same as' : d.mean > 0 ? 'above' : 'below';
      let text = `the GNN's sum rate at ${snr} dB is ${verdict} 1-bit ZF's (${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(2)} ± ${d.se.toFixed(2)} bit/s/Hz, paired over ${g.ratePerChannel[i].length} channels)`;
      const gb = g.ber.ber[i], zb = zf1.ber.ber[i];
      if (verdict === 'above' && gb > zb) text += `, yet its BER there is higher (${gb.toExponential(1)} against ${zb.toExponential(1)}): the two metrics assume different receivers, the rate one that knows the block's Bussgang gain and treats the distortion as Gaussian noise, the BER one that scales each symbol vector by its own β̂`;
      parts.push(text);
    } else if (s.absent.some((a) => a.method.id === 'gnn')) {
      parts.push(`no GNN here (${s.absent.find((a) => a.method.id === 'gnn')?.reason})`);
    }
    out.push(`**${label}**: ${parts.join('; ')}.`);
  }
  const flops = (id: LowResMethodId) => r.scenarios.map((s) => curveOf(s, id)?.flopsPerVector).filter((x): x is number => x !== undefined);
  const [gf, cf] = [flops('gnn'), flops('nno-c2po')];
  if (gf.length > 0 && cf.length > 0) {
    const ratios = r.scenarios.map((s) => [curveOf(s, 'gnn'), curveOf(s, 'nno-c2po')] as const)
      .filter((p): p is readonly [LowResCurve, LowResCurve] => p[0] !== undefined && p[1] !== undefined)
      .map(([a, b]) => a.flopsPerVector / b.flopsPerVector);
    out.push(`**Cost per precode**: the GNN's matmuls take ${Math.min(...ratios).toFixed(0)}–${Math.max(...ratios).toFixed(0)}× the FLOPs of NNO-C2PO's (${r.options.iterations} iterations) per symbol vector in the scenarios where both run; NNO-C2PO costs exactly what C2PO costs.`);
  }
  return out;
}
