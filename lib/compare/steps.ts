/**
 * Learned step sizes, read side by side (issue 21, part 4): per layer, what training made of the step
 * sizes of unfolded WMMSE (γ of each PGD step, eq. (12)–(13) of its paper), NNO-C2PO (τ⁽ᵗ⁾ and ρ⁽ᵗ⁾ of
 * eq. (3)–(4)) and the MSER network (the step factors a^l, α^l = μ·a^l, eq. (27)–(30)), with the classic
 * constant value as reference. Every value is a `Traced` into the committed run's checkpoint.
 */
import * as c2po from '../papers/c2po';
import * as mser from '../papers/mser';
import * as wmmse from '../papers/wmmse';
import { at, CommittedRun, committedRuns, CommittedRuns, netIndex, PaperId } from './runs';
import { Traced, tracedValue, valueAt } from './trace';

export interface StepCurve {
  name: string;
  /** the switcher value this curve belongs to (see `StepFamily.switch`) */
  group?: string;
  /** layer (iteration) index, from 1 */
  layer: number[];
  value: Traced[];
}

export interface StepFamily {
  paper: PaperId;
  title: string;
  /** what is plotted, with its symbol */
  quantity: string;
  curves: StepCurve[];
  /** the classic algorithm's constant value of the same quantity */
  reference: { name: string; value: number };
  /** the curves come in groups of this parameter (one group shown at a time) */
  switch?: { label: string; values: string[] };
}

/** A `Traced` for a derived path (`mean(p)`, …) of a committed run. */
function derived(r: CommittedRun, p: string): Traced {
  return { value: tracedValue(r.json, p), file: r.file, path: p };
}

function wmmseFamily(r: CommittedRun): StepFamily {
  const snr = valueAt(r.json, 'results.fig2.snrDb') as number;
  const Ls = valueAt(r.json, 'results.fig2.L') as number[];
  const curves: StepCurve[] = [];
  for (const L of Ls) {
    const n = netIndex(r, { snrDb: snr, layers: L, sameGamma: false }, ['trainingSeed']);
    const shape = valueAt(r.json, `nets[${n}].params.gamma.shape`) as number[];
    const K = shape[1];
    for (let k = 0; k < K; k++) {
      const layer = Array.from({ length: L }, (_, l) => l + 1);
      curves.push({ name: `PGD step ${k + 1}`, group: `L = ${L}`, layer, value: layer.map((l) => at(r, `nets[${n}].params.gamma.values[${(l - 1) * K + k}]`)) });
    }
  }
  return {
    paper: 'unfolded-wmmse', title: `Unfolded WMMSE (${snr} dB): learned PGD step sizes γ`, quantity: 'γ_l^(k)', curves,
    reference: { name: `γ = ${wmmse.GAMMA_START} (start of training)`, value: wmmse.GAMMA_START },
    switch: { label: 'layers', values: Ls.map((L) => `L = ${L}`) },
  };
}

function c2poFamilies(r: CommittedRun): StepFamily[] {
  const nets = valueAt(r.json, 'nets') as { meta: { trainedOn: string; variant: string; iterations: number } }[];
  // per training set, its deepest NNO network
  const deepest = new Map<string, number>();
  for (const n of nets) if (n.meta.variant === 'nno') deepest.set(n.meta.trainedOn, Math.max(deepest.get(n.meta.trainedOn) ?? 0, n.meta.iterations));
  const fam = (name: 'tau' | 'rho', title: string, quantity: string): StepFamily => ({
    paper: 'nno-c2po', title, quantity,
    curves: [...deepest].map(([on, T]) => {
      const n = netIndex(r, { trainedOn: on, variant: 'nno', iterations: T });
      const layer = Array.from({ length: T }, (_, t) => t + 1);
      return { name: `trained on ${on} (t_max = ${T})`, layer, value: layer.map((t) => at(r, `nets[${n}].params.${name}.values[${t - 1}]`)) };
    }),
    reference: { name: `C2PO's ${name === 'tau' ? 'τ = 2⁻⁸' : `ρ = ${c2po.C2PO_ORIGINAL.rho}`}`, value: c2po.C2PO_ORIGINAL[name] },
  });
  return [fam('tau', 'NNO-C2PO: learned step sizes τ⁽ᵗ⁾', 'τ⁽ᵗ⁾'), fam('rho', 'NNO-C2PO: learned prox scales ρ⁽ᵗ⁾', 'ρ⁽ᵗ⁾')];
}

const MSER_BLOCKS: [mser.MserBlock, string][] = [['v', 'V (digital precoder)'], ['w', 'W (digital combiner)'], ['thetaU', 'θ_U (analog combiner)'], ['thetaF', 'θ_F (analog precoder)']];

function mserFamily(r: CommittedRun): StepFamily {
  const nets = valueAt(r.json, 'nets') as { meta: { spec: { kind: string; snrDb: number; replicate?: number }; layers: number } }[];
  const snrs = nets.filter((n) => n.meta.spec.kind === 'unfolded' && !n.meta.spec.replicate).map((n) => n.meta.spec.snrDb).sort((a, b) => a - b);
  const curves: StepCurve[] = [];
  for (const snr of snrs) {
    const n = netIndex(r, { spec: { kind: 'unfolded', snrDb: snr } });
    const L = nets[n].meta.layers;
    const params = valueAt(r.json, `nets[${n}].params`) as Record<string, unknown>;
    for (const [b, label] of MSER_BLOCKS) {
      const layer = Array.from({ length: L }, (_, l) => l + 1).filter((l) => `l${l - 1}/${b}/a` in params);
      curves.push({ name: label, group: `${snr} dB`, layer, value: layer.map((l) => derived(r, `mean(nets[${n}].params["l${l - 1}/${b}/a"].values)`)) });
    }
  }
  return {
    paper: 'mser-hybrid-beamforming', title: 'MSER unfolded network: learned step factors a^l (block means; α^l = μ·a^l)', quantity: 'mean Re a^l',
    curves, reference: { name: `a = ${mser.STEP_FACTOR_START} (Algorithm 1's step μ)`, value: mser.STEP_FACTOR_START },
    switch: { label: 'SNR', values: snrs.map((s) => `${s} dB`) },
  };
}

/** The learned step sizes of the three unfolded gradient methods, one family per quantity. */
export function learnedSteps(runs: CommittedRuns = committedRuns()): StepFamily[] {
  return [wmmseFamily(runs['unfolded-wmmse']), ...c2poFamilies(runs['nno-c2po']), mserFamily(runs['mser-hybrid-beamforming'])];
}
