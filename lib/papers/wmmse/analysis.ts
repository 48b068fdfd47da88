/** What the notebook says about a run, computed here so that scripts and tests compute the same. */
import { above, dropsBeyondError, formatMeanSe, MeanSe, neg } from '../../kit/stats';
import { paperClaims } from './claims';
import type { Claim } from '../../kit/claims';
import type { ComplexityRow, Progressive, TrainedNet, WmmseResults, WsrVsLayers, WsrVsSnr } from './experiments';

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
  const nets = f.nets.filter((n) => !n.sameGamma && (n.trainingSeed ?? 1) === 1).sort((a, b) => b.layers - a.layers);
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

/**
 * Every place where a curve of the results falls with L (Figs. 2, 4: WMMSE, unfolded, same γ; Fig. 5:
 * each K) or with K (Fig. 5, at each L) by more than 2 s.e. A correctly trained L-layer network is at
 * least the (L − 1)-layer one (its last layer can be a no-op), so this list should be empty.
 */
export function monotoneViolations(r: { fig2: WsrVsLayers; fig4: WsrVsLayers; fig5: Progressive }): string[] {
  const out: string[] = [];
  const check = (name: string, xs: number[], y: number[], se: number[], axis: string) => {
    for (const i of dropsBeyondError(y, se)) out.push(`${name}: ${y[i - 1].toFixed(3)} at ${axis} = ${xs[i - 1]} → ${y[i].toFixed(3)} at ${axis} = ${xs[i]}`);
  };
  for (const [fig, f] of [['Fig. 2', r.fig2], ['Fig. 4', r.fig4]] as const) {
    check(`${fig} WMMSE`, f.L, f.wmmse, f.se.wmmse, 'L');
    check(`${fig} unfolded`, f.L, f.unfolded, f.se.unfolded, 'L');
    check(`${fig} same γ`, f.L, f.sameGamma, f.se.sameGamma, 'L');
  }
  const ks = Object.keys(r.fig5.byK).map(Number).sort((a, b) => a - b);
  for (const k of ks) check(`Fig. 5 K = ${k}`, r.fig5.L, r.fig5.byK[k], r.fig5.se[k], 'L');
  r.fig5.L.forEach((L, i) => check(`Fig. 5 L = ${L}`, ks, ks.map((k) => r.fig5.byK[k][i]), ks.map((k) => r.fig5.se[k][i]), 'K'));
  return out;
}

/** What the progressive extension of Fig. 5 did, from the run's numbers (for the notebook's prose). */
export function describeProgressive(f5: Progressive): string {
  const ks = Object.keys(f5.byK).map(Number).sort((a, b) => a - b);
  const k0 = ks[0], k1 = ks[ks.length - 1];
  const gains = f5.L.map((L, i) => ({ L, from: f5.byK[k0][i], to: f5.byK[k1][i] }));
  const worse = f5.L.flatMap((L, i) => ks.slice(1).filter((k, j) => f5.byK[k][i] < f5.byK[ks[j]][i] - 2 * Math.hypot(f5.se[k][i], f5.se[ks[j]][i])).map((k) => `L = ${L}, K = ${k - 1} → ${k}`));
  const beat = f5.L.filter((_, i) => f5.finalMinusWmmse[i].mean > 2 * f5.finalMinusWmmse[i].se);
  const lines = [
    `Extending K = ${k0} → ${k1} changed the WSR by ${gains.map((g) => `${g.to - g.from >= 0 ? '+' : ''}${(g.to - g.from).toFixed(2)} (L = ${g.L})`).join(', ')} bit/s/Hz.`,
    worse.length
      ? `${worse.length} extension(s) ended significantly below their parent: ${worse.join('; ')}.`
      : 'No extension ended below its parent by more than 2 s.e. (each starts exactly at its parent, which stays a validation candidate).',
    beat.length
      ? `With K = ${k1} the unfolded WMMSE is above WMMSE truncated at the same L for L ∈ {${beat.join(', ')}}${beat.length < f5.L.length ? `, and below or level for L ∈ {${f5.L.filter((L) => !beat.includes(L)).join(', ')}}` : ''}.`
      : `With K = ${k1} the unfolded WMMSE is nowhere above WMMSE truncated at the same L.`,
  ];
  return lines.join(' ');
}

/** One algorithm's WSR against its cost per channel, for the equal-complexity figure. */
export interface CostCurve {
  name: string;
  L: number[];
  wsr: number[];
  flops: number[];
  /** measured µs per channel */
  micros: number[];
}

/**
 * WSR versus cost for both algorithms at the WMMSE paper's 10 dB setting (Fig. 2 and the complexity
 * rows), and who wins at equal cost: for each unfolded point, the classic WSR interpolated (linearly,
 * within its range) at the same FLOPs and at the same measured time.
 */
/** y at x on the piecewise-linear curve through (xs, ys) (any order), or undefined outside [min xs, max xs]. */
export function interpolateAt(xs: readonly number[], ys: readonly number[], x: number): number | undefined {
  const pts = xs.map((v, i) => [v, ys[i]] as const).sort((a, b) => a[0] - b[0]);
  if (pts.length === 0 || x < pts[0][0] || x > pts[pts.length - 1][0]) return undefined;
  for (let i = 1; i < pts.length; i++) {
    if (x <= pts[i][0]) return pts[i - 1][1] + ((x - pts[i - 1][0]) / (pts[i][0] - pts[i - 1][0] || 1)) * (pts[i][1] - pts[i - 1][1]);
  }
  return pts[pts.length - 1][1];
}

/** Per unfolded depth L: its WSR minus WMMSE's at the same FLOPs and at the same measured time (null: outside WMMSE's range). */
export interface EqualCostGain {
  L: number;
  atFlops: number | null;
  atTime: number | null;
}

export function equalComplexity(f: WsrVsLayers, rows: ComplexityRow[]): { unfolded: CostCurve; classic: CostCurve; verdict: string[]; gains: EqualCostGain[] } {
  const byL = (L: number) => {
    const r = rows.find((x) => x.L === L);
    if (!r) throw new Error(`equalComplexity: no complexity row for L = ${L}`);
    return r;
  };
  const unfolded: CostCurve = { name: 'unfolded WMMSE', L: f.L, wsr: f.unfolded, flops: f.L.map((L) => byL(L).unfoldedFlops), micros: f.L.map((L) => 1000 * byL(L).unfoldedMs) };
  const classic: CostCurve = { name: 'WMMSE', L: f.L, wsr: f.wmmse, flops: f.L.map((L) => byL(L).classicFlops), micros: f.L.map((L) => 1000 * byL(L).classicMs) };
  const interp = interpolateAt;
  const verdict: string[] = [];
  for (const [what, key, unit] of [['FLOPs', 'flops', 'flops'], ['measured time', 'micros', 'µs']] as const) {
    const wins: number[] = [], losses: number[] = [], outside: number[] = [];
    unfolded.L.forEach((L, i) => {
      const c = interp(classic[key], classic.wsr, unfolded[key][i]);
      if (c === undefined) outside.push(L);
      else (unfolded.wsr[i] >= c ? wins : losses).push(L);
    });
    verdict.push(
      `At equal ${what} (${unit} per channel), the unfolded WMMSE is ahead at L ∈ {${wins.join(', ') || '–'}} and behind at L ∈ {${losses.join(', ') || '–'}}` +
        (outside.length ? `; at L ∈ {${outside.join(', ')}} its cost is outside WMMSE's range (no comparison).` : '.'),
    );
  }
  const gainAt = (key: 'flops' | 'micros', i: number): number | null => {
    const c = interp(classic[key], classic.wsr, unfolded[key][i]);
    return c === undefined ? null : unfolded.wsr[i] - c;
  };
  const gains = unfolded.L.map((L, i) => ({ L, atFlops: gainAt('flops', i), atTime: gainAt('micros', i) }));
  return { unfolded, classic, verdict, gains };
}

/**
 * What a saved run shows, in prose generated from its numbers (the README's summary of the committed
 * `reproduce` run is this text; a test regenerates it). Paired differences ± s.e. over the test set;
 * where the run has a seed spread, over test set and training seeds.
 */
export function describeRun(r: Pick<WmmseResults, 'fig2' | 'fig4' | 'fig5' | 'fig6'>): string {
  const claims = paperClaims(r);
  const held = claims.filter((c) => c.holds).length;
  const per = (f: WsrVsLayers) => {
    const best = (L: number) => {
      const j = f.seedSpread ? f.seedSpread.L.indexOf(L) : -1;
      return j >= 0 ? { d: f.seedSpread!.unfoldedMinusWmmse[j], seeds: f.seedSpread!.seeds } : { d: f.unfoldedMinusWmmse[f.L.indexOf(L)], seeds: 1 };
    };
    const rows = f.L.map((L) => ({ L, ...best(L) }));
    const ahead = rows.filter((x) => above(x.d)).map((x) => x.L);
    const behind = rows.filter((x) => above(neg(x.d))).map((x) => x.L);
    const level = rows.filter((x) => !ahead.includes(x.L) && !behind.includes(x.L)).map((x) => x.L);
    const list = rows.map((x) => `${formatMeanSe(x.d)}${x.seeds > 1 ? ` (${x.seeds} seeds)` : ''} at L = ${x.L}`).join(', ');
    const parts = [
      ahead.length ? `ahead of WMMSE truncated at the same L for L ∈ {${ahead.join(', ')}}` : '',
      level.length ? `level within 2 s.e. for L ∈ {${level.join(', ')}}` : '',
      behind.length ? `behind for L ∈ {${behind.join(', ')}}` : '',
    ].filter(Boolean);
    const atMax = f.L.indexOf(Math.max(...f.L));
    return `At ${f.snrDb} dB the unfolded WMMSE is ${parts.join(', ')} (unfolded − WMMSE: ${list}); at L = ${f.L[atMax]} it reaches ${((100 * f.unfolded[atMax]) / f.converged).toFixed(1)} % of WMMSE at convergence (WMMSE truncated: ${((100 * f.wmmse[atMax]) / f.converged).toFixed(1)} %).`;
  };
  const gaps = r.fig6.unfoldedMinusWmmse;
  const violations = monotoneViolations(r);
  return [
    per(r.fig2),
    per(r.fig4),
    describeProgressive(r.fig5),
    `At L = 1 over ${r.fig6.snrDb[0]}–${r.fig6.snrDb[r.fig6.snrDb.length - 1]} dB the gap unfolded − WMMSE goes from ${formatMeanSe(gaps[0])} to ${formatMeanSe(gaps[gaps.length - 1])} bit/s/Hz.`,
    violations.length ? `${violations.length} curve step(s) fall with L or K by more than 2 s.e.: ${violations.join('; ')}.` : 'Every curve of Figs. 2, 4 and 5 is non-decreasing in L (and Fig. 5 in K) within 2 s.e.',
    `${held} of ${claims.length} of the paper's checked statements hold${held < claims.length ? `; not: ${claims.filter((c) => !c.holds).map((c) => `${c.figure} "${c.paper}" (${c.measured})`).join('; ')}` : ''}.`,
  ].join(' ');
}
