/**
 * Every result of a GNN-paper run as plain data (what the notebook renders, the saved run stores and
 * the saved-run test recomputes): baselines, the trained networks' figures, complexity and power.
 */
import { complexityPaperChecks, flopComparison, implementationFlops, paperFlops, PAPER_GNNS, PAPER_POWER_SYSTEM, PaperCheck, FlopComparisonRow } from './complexity';
import { linearPatterns, linearRates, mrtNmseTable, NmseRow, Pattern, LinearRateRow } from './experiments';
import { gnnNmse, GnnNmseRow, gnnPatterns, gnnRates, PatternPair, RateCurve, Scatter, scatter } from './figures';
import type { GnnNets } from './nets';
import { breakEvenBandwidth, paperGnnsForPower, powerCurves, powerPaperChecks, PowerRow } from './power';
import type { GnnPreset } from './presets';

export interface NetSummary {
  key: string;
  steps: number;
  /** validation rate (bit/s/Hz, 20 dB, argmax) at the start and of the kept weights */
  validationStart: number;
  validationEnd: number;
  seconds: number;
}

export interface FlopSummary {
  label: string;
  hiddenLayers: number;
  features: number;
  /** eqs. (37)+(38), per symbol vector */
  paper: number;
  /** what our forward pass performs per symbol vector (T = 1; activations not counted) */
  ours: number;
  /** per-equation table, paper vs ours */
  table: FlopComparisonRow[];
}

export interface GnnResults {
  table1Mrt: NmseRow[];
  table1Gnn: GnnNmseRow[];
  patterns: Pattern[];
  linear: LinearRateRow[];
  rates: RateCurve[];
  gnnPatterns: PatternPair[];
  scatter: Scatter[];
  flops: FlopSummary[];
  speedChecks: PaperCheck[];
  powerChecks: PaperCheck[];
  power: PowerRow[];
  breakEvenHz: { label: string; bandwidthHz: number }[];
  nets: NetSummary[];
}

/** Bandwidth grid of Figs. 12–13: 100 kHz … 20 MHz, log-spaced (the paper's axis spans about this). */
export const POWER_BANDWIDTHS_HZ: number[] = Array.from({ length: 24 }, (_, i) => 1e5 * 10 ** (i / 10.5));

/** Complexity and power (§V, §VII): no network needed. */
export function complexityAndPower(): Pick<GnnResults, 'flops' | 'speedChecks' | 'powerChecks' | 'power' | 'breakEvenHz'> {
  const flops = PAPER_GNNS.map((g) => {
    const size = { ...PAPER_POWER_SYSTEM, hiddenLayers: g.hiddenLayers, features: g.features };
    return { label: g.label, hiddenLayers: g.hiddenLayers, features: g.features, paper: paperFlops(size).total, ours: implementationFlops(size).total, table: flopComparison(size) };
  });
  const gnns = paperGnnsForPower();
  return {
    flops,
    speedChecks: complexityPaperChecks(),
    powerChecks: powerPaperChecks(),
    power: powerCurves({ bandwidthsHz: POWER_BANDWIDTHS_HZ, gnns }),
    breakEvenHz: gnns.map((g) => ({ label: g.label, bandwidthHz: breakEvenBandwidth({ flops: g.flops }).bandwidthHz })),
  };
}

/** Every result of preset `p` with its networks. */
export function gnnResults(p: GnnPreset, nets: GnnNets): GnnResults {
  return {
    table1Mrt: mrtNmseTable(p),
    table1Gnn: gnnNmse(p, nets),
    patterns: linearPatterns(p),
    linear: linearRates(p),
    rates: gnnRates(p, nets),
    gnnPatterns: gnnPatterns(p, nets),
    scatter: scatter(p, nets),
    ...complexityAndPower(),
    nets: [...nets.values()].map((n) => ({ key: n.key, steps: n.spec.steps, validationStart: n.validation.start, validationEnd: n.validation.end, seconds: n.seconds })),
  };
}
