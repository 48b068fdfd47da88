/**
 * Every result of the SLP-SQ notebook for a preset, as one JSON-ready object (what
 * `results/slp-quantized-nn-weights.json` and the saved run hold).
 */
import { solveSlp, solveSlpRobust, KktResiduals } from './solver';
import { complexityClaims, ComplexityClaim, Fig8Series, paperTypos, PaperTypo } from './complexity';
import { memoryResults, opsVsUsers, powerVsErrorBound, powerVsQuantRatio, powerVsSinr, PowerPoint, QrPoint, SeedRow, seedSpread, testInstances } from './experiments';
import { MemoryRow, MemoryVsQrSeries, ParamCounts, paperMemoryChecks, MemoryCheck } from './memory';
import { SlpNets } from './nets';
import { SlpPreset } from './presets';

export interface NetSummary {
  key: string;
  variant: string;
  quantRatio: number;
  /** validation mean power / optimum before training and of the kept parameters */
  validationStart: number;
  validationEnd: number;
  seconds: number;
}

export interface SlpResults {
  preset: string;
  /** Fig. 5: power vs SINR (nonrobust) */
  fig5: PowerPoint[];
  /** Fig. 6a: power vs SINR (robust, ζ² = preset) */
  fig6a: PowerPoint[];
  /** Fig. 6b: power vs ζ² at the headline SINR */
  fig6b: PowerPoint[];
  /** Fig. 9a (nonrobust) and Fig. 7 (robust): power vs QR at the headline SINR */
  fig9a: QrPoint[];
  fig7: QrPoint[];
  /** the Fig. 5 networks' headline excess over the optimum for each training seed (`p.replicates`) */
  seeds: SeedRow[];
  /** Fig. 8: Table I operation counts vs K */
  fig8: { nonrobust: Fig8Series; robust: Fig8Series };
  /** Table V / Figs. 9b–10 from our network's parameter counts */
  memory: { params: ParamCounts; table: MemoryRow[]; vsQuantRatio: MemoryVsQrSeries; paperChecks: MemoryCheck[] };
  /** the optimisation baseline's worst KKT residuals over the headline test set (nonrobust, robust) */
  kkt: { nonrobust: KktResiduals; robust: KktResiduals; robustSolved: number; instances: number };
  complexityClaims: ComplexityClaim[];
  paperTypos: PaperTypo[];
  nets: NetSummary[];
}

/** The figures a notebook has already computed (so `slpResultsFrom` does not measure them twice). */
export type Precomputed = Partial<Pick<SlpResults, 'fig5' | 'fig6a' | 'fig6b' | 'fig9a' | 'fig7' | 'seeds'>>;

/** Every result of preset `p` from its networks. */
export function slpResults(p: SlpPreset, nets: SlpNets): SlpResults {
  return slpResultsFrom(p, nets, {});
}

/** `slpResults`, taking the figures in `pre` as given (they must come from the same preset and networks). */
export function slpResultsFrom(p: SlpPreset, nets: SlpNets, pre: Precomputed): SlpResults {
  const inst = testInstances(p, p.headlineSinrDb);
  const nr = solveSlp(inst), rb = solveSlpRobust(inst, { errorBound: Math.sqrt(p.errorBound2) });
  const mem = memoryResults(p, nets);
  return {
    preset: p.name,
    fig5: pre.fig5 ?? powerVsSinr(p, nets),
    fig6a: pre.fig6a ?? powerVsSinr(p, nets, { robust: true }),
    fig6b: pre.fig6b ?? powerVsErrorBound(p, nets),
    fig9a: pre.fig9a ?? powerVsQuantRatio(p, nets),
    fig7: pre.fig7 ?? powerVsQuantRatio(p, nets, { robust: true }),
    seeds: pre.seeds ?? seedSpread(p, nets),
    fig8: opsVsUsers(p),
    memory: { params: mem.params, table: mem.table, vsQuantRatio: mem.vsQuantRatio, paperChecks: paperMemoryChecks() },
    kkt: { nonrobust: nr.worst, robust: rb.worst, robustSolved: rb.solved.reduce((a, b) => a + b, 0), instances: inst.batch },
    complexityClaims: complexityClaims(),
    paperTypos: [...paperTypos],
    nets: [...nets.values()].map((n) => ({
      key: n.key, variant: n.spec.variant, quantRatio: n.net.config.quantRatio, validationStart: n.validation.start, validationEnd: n.validation.end, seconds: n.seconds,
    })),
  };
}
