/** What the notebook says about a run, computed here so that scripts and tests compute the same. */
import { formatMeanSe, MeanSe } from '../../kit/stats';
import type { Claim } from '../../kit/claims';
import type { ComplexityRow, Progressive, TrainedNet, WsrVsLayers, WsrVsSnr } from './experiments';

export interface StepSummary {
  snrDb: number;
  layers: number;
  /** the largest learned step γ_l^(k) (1-based l, k) */
  largest: { layer: number; step: number; gamma: number };
  meanPerLayer: number[];
  mean: number;
}

/** The learned step sizes of one network at a glance. */
export function stepSummary(net: TrainedNet): StepSummary {
  const flat = net.gamma.flatMap((row, l) => row.map((g, k) => ({ layer: l + 1, step: k + 1, gamma: g })));
  if (flat.length === 0) throw new Error(`stepSummary: network snr ${net.snrDb} L=${net.layers} has no step sizes`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    snrDb: net.snrDb,
    layers: net.layers,
    largest: flat.reduce((a, b) => (b.gamma > a.gamma ? b : a)),
    meanPerLayer: net.gamma.map(mean),
    mean: mean(flat.map((x) => x.gamma)),
  };
}

/** "20 dB, L = 6: largest step γ_2^(3) = 4.10; mean step per layer 1.20, …" */
export function describeSteps(net: TrainedNet): string {
  const s = stepSummary(net);
  return `${s.snrDb} dB, L = ${s.layers}: largest step γ_${s.largest.layer}^(${s.largest.step}) = ${s.largest.gamma.toFixed(2)}; mean step per layer ${s.meanPerLayer.map((m) => m.toFixed(2)).join(', ')}`;
}

/** The deepest non-'same γ' network of a figure (whose step sizes the notebook plots). */
export function deepestNet(f: { nets: TrainedNet[] }): TrainedNet {
  const nets = f.nets.filter((n) => !n.sameGamma).sort((a, b) => b.layers - a.layers);
  if (!nets.length) throw new Error('deepestNet: the figure has no trained (non-same-γ) network');
  return nets[0];
}

/** "+0.545 ± 0.004" for each paired difference. */
export function formatDiffs(ds: MeanSe[]): string[] {
  return ds.map((d) => formatMeanSe(d));
}

/** The metrics a WMMSE run records in results/unfolded-wmmse.json. */
export function runMetrics(r: {
  fig2: WsrVsLayers; fig4: WsrVsLayers; fig5: Progressive; fig6: WsrVsSnr; complexity: ComplexityRow[]; claims: Claim[]; usedSaved: boolean;
}): Record<string, unknown> {
  const pick = (f: WsrVsLayers) => ({ L: f.L, wmmse: f.wmmse, unfolded: f.unfolded, sameGamma: f.sameGamma, converged: f.converged, unfoldedMinusWmmse: f.unfoldedMinusWmmse, testChannels: f.testChannels });
  const learned = [deepestNet(r.fig2), deepestNet(r.fig4)];
  return {
    wsr10dB: pick(r.fig2),
    wsr20dB: pick(r.fig4),
    wsrVsSnr: { snrDb: r.fig6.snrDb, wmmse: r.fig6.wmmse, unfolded: r.fig6.unfolded, sameGamma: r.fig6.sameGamma, converged: r.fig6.converged },
    progressive: { L: r.fig5.L, wmmse: r.fig5.wmmse, byK: r.fig5.byK },
    gamma: Object.fromEntries(learned.map((n) => [`${n.snrDb}dB_L${n.layers}`, n.gamma])),
    timePerChannelMs: r.complexity.map((c) => ({ L: c.L, unfolded: c.unfoldedMs, wmmse: c.classicMs })),
    claims: r.claims.map((c) => ({ id: c.id, figure: c.figure, paper: c.paper, holds: c.holds })),
    trainingChannelsPerNetwork: Math.max(...r.fig2.nets.map((n) => n.trainingChannels)),
    usedSaved: r.usedSaved,
  };
}
