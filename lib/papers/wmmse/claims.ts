/**
 * The unfolded-WMMSE paper's statements about Figs. 2, 4, 5, 6 (§VI-B), as claims data
 * (`lib/kit/claims`), each decided on our measurements with paired differences: "above" needs the
 * paired mean difference more than 2 s.e. above zero, "≥" no more than 2 s.e. below zero, "equal"
 * within max(2 s.e., 1 % of the WSR). Where the run trained several networks (the seed spread of
 * Figs. 2 and 4), unfolded − WMMSE is their mean, with an s.e. from both the test set and the seeds.
 */
import { Claim, checkClaims } from '../../kit/claims';
import { above, equalWithin, formatMeanSe as fmt, MeanSe, neg, notBelow } from '../../kit/stats';
import type { Progressive, WmmseResults, WsrVsLayers } from './experiments';

const at = (f: { L: number[] }, Ls: number[]) => Ls.filter((L) => f.L.includes(L)).map((L) => ({ L, i: f.L.indexOf(L) }));
const list = (xs: { L: number; d: MeanSe; seeds?: number }[]) =>
  xs.map(({ L, d, seeds }) => `L=${L}: ${fmt(d)}${seeds && seeds > 1 ? ` (${seeds} seeds)` : ''}`).join('; ');

/**
 * Unfolded − WMMSE at L: over the independently trained networks where the run has them (s.e. from
 * test set and training seeds, `combineSeeds`), else the main network's paired difference.
 */
function unfoldedMinusWmmse(f: WsrVsLayers, L: number): { d: MeanSe; seeds: number } {
  const j = f.seedSpread ? f.seedSpread.L.indexOf(L) : -1;
  if (f.seedSpread && j >= 0) return { d: f.seedSpread.unfoldedMinusWmmse[j], seeds: f.seedSpread.seeds };
  return { d: f.unfoldedMinusWmmse[f.L.indexOf(L)], seeds: 1 };
}

function fig2Claims(f2: WsrVsLayers): Claim[] {
  const figure = `Fig. 2 (${f2.snrDb} dB)`;
  const rows: Claim[] = [];
  const early = at(f2, [1, 2, 3]).map(({ L }) => ({ L, ...unfoldedMinusWmmse(f2, L) }));
  rows.push({
    id: 'fig2-unfolded-ge-wmmse-L1-3', figure,
    paper: 'unfolded WMMSE ≥ WMMSE truncated at the same L, for L = 1, 2, 3',
    measured: list(early), rule: 'unfolded − WMMSE not below −2 s.e. at each L',
    holds: early.length > 0 && early.every(({ d }) => notBelow(d)),
  });
  const l4 = at(f2, [4]).map(({ L }) => ({ L, ...unfoldedMinusWmmse(f2, L) }));
  if (l4.length) {
    rows.push({
      id: 'fig2-unfolded-above-wmmse-L4', figure, paper: 'the unfolded WMMSE surpasses WMMSE also at L = 4',
      measured: list(l4), rule: 'unfolded − WMMSE above 2 s.e.', holds: above(l4[0].d),
    });
  }
  const late = at(f2, [5, 6]).map(({ L, i }) => ({ L, ...unfoldedMinusWmmse(f2, L), wsr: f2.wmmse[i] }));
  if (late.length) {
    rows.push({
      id: 'fig2-unfolded-equals-wmmse-L5-6', figure,
      paper: 'the unfolded WMMSE performs equally to WMMSE for L = 5 and L = 6 (within 1 %)',
      measured: list(late), rule: '|unfolded − WMMSE| within max(2 s.e., 1 % of the WSR) at each L',
      holds: late.every(({ d, wsr }) => equalWithin(d, { relative: 0.01, of: wsr })),
    });
  }
  rows.push({
    id: 'fig2-same-gamma-below-unfolded', figure, paper: "'same γ' is below the unfolded WMMSE for every L",
    measured: list(f2.L.map((L, i) => ({ L, d: neg(f2.unfoldedMinusSameGamma[i]) }))),
    rule: 'unfolded − same γ above 2 s.e. at every L', holds: f2.unfoldedMinusSameGamma.every((d) => above(d)),
  });
  rows.push({
    id: 'fig2-same-gamma-below-wmmse', figure, paper: "'same γ' fails to surpass WMMSE (or to perform comparably)",
    measured: list(f2.L.map((L, i) => ({ L, d: f2.sameGammaMinusWmmse[i] }))),
    rule: 'WMMSE − same γ above 2 s.e. at every L', holds: f2.sameGammaMinusWmmse.every((d) => above(neg(d))),
  });
  const top = Math.max(...f2.unfolded, ...f2.wmmse, ...f2.sameGamma);
  rows.push({
    id: 'fig2-converged-upper-bound', figure, paper: 'WMMSE at convergence is above all (an upper bound)',
    measured: `converged ${f2.converged.toFixed(3)} ± ${f2.se.converged.toFixed(3)} vs best curve ${top.toFixed(3)}`,
    rule: 'converged − best curve above 2 s.e. of the converged mean', holds: f2.converged - top > 2 * f2.se.converged,
  });
  const l6 = f2.L.indexOf(6);
  if (l6 >= 0) {
    rows.push({
      id: 'fig2-98-percent-at-L6', figure,
      paper: 'at L = 6 both WMMSE and the unfolded WMMSE attain 98 % of the WSR at convergence (≥ 97.5 %, i.e. 98 % rounded)',
      measured: `WMMSE ${((100 * f2.wmmse[l6]) / f2.converged).toFixed(1)} %, unfolded ${((100 * f2.unfolded[l6]) / f2.converged).toFixed(1)} %`,
      rule: 'both means ≥ 97.5 % of the converged mean',
      holds: f2.wmmse[l6] >= 0.975 * f2.converged && f2.unfolded[l6] >= 0.975 * f2.converged,
    });
  }
  return rows;
}

function fig4Claims(f4: WsrVsLayers): Claim[] {
  const figure = `Fig. 4 (${f4.snrDb} dB)`;
  const rows: Claim[] = [];
  const hi = at(f4, [1, 2]).map(({ L }) => ({ L, ...unfoldedMinusWmmse(f4, L) }));
  rows.push({
    id: 'fig4-unfolded-above-wmmse-L1-2', figure, paper: 'unfolded WMMSE > WMMSE for L = 1 and L = 2',
    measured: list(hi), rule: 'unfolded − WMMSE above 2 s.e. at L = 1 and 2', holds: hi.length > 0 && hi.every(({ d }) => above(d)),
  });
  const maxL = Math.max(...f4.L);
  if (maxL >= 3) {
    const d = f4.unfoldedMinusWmmse[f4.L.indexOf(maxL)];
    rows.push({
      id: 'fig4-wmmse-above-unfolded-at-large-L', figure, paper: 'as the number of iterations grows, WMMSE surpasses the unfolded WMMSE',
      measured: `L=${maxL}: ${fmt(d)}`, rule: `WMMSE − unfolded above 2 s.e. at the largest L (${maxL})`, holds: above(neg(d)),
    });
  }
  rows.push({
    id: 'fig4-same-gamma-below-wmmse', figure, paper: "'same γ' is outperformed by WMMSE for every L",
    measured: list(f4.L.map((L, i) => ({ L, d: f4.sameGammaMinusWmmse[i] }))),
    rule: 'WMMSE − same γ above 2 s.e. at every L', holds: f4.sameGammaMinusWmmse.every((d) => above(neg(d))),
  });
  return rows;
}

function fig5Claims(f5: Progressive): Claim[] {
  const figure = `Fig. 5 (${f5.snrDb} dB)`;
  const rows: Claim[] = [];
  const k = Math.max(...Object.keys(f5.byK).map(Number));
  const all = f5.L.map((L, i) => ({ L, d: f5.finalMinusWmmse[i], wsr: f5.wmmse[i] }));
  const early = all.filter(({ L }) => L <= 3);
  rows.push({
    id: 'fig5-extended-above-wmmse-L1-3', figure,
    paper: `progressively extended to K = ${k} PGD steps, the unfolded WMMSE surpasses WMMSE up to L = 3`,
    measured: list(early), rule: 'extended − WMMSE above 2 s.e. at each L ≤ 3', holds: early.length > 0 && early.every(({ d }) => above(d)),
  });
  const late = all.filter(({ L }) => L > 3);
  if (late.length) {
    rows.push({
      id: 'fig5-extended-comparable-L-gt-3', figure, paper: 'for L > 3 it reaches an almost comparable WSR (within 2 %)',
      measured: list(late), rule: 'extended − WMMSE ≥ −2 % of the WSR at each L > 3', holds: late.every(({ d, wsr }) => d.mean >= -0.02 * wsr),
    });
  }
  return rows;
}

function fig6Claims(f6: WmmseResults['fig6']): Claim[] {
  const figure = 'Fig. 6 (L = 1)';
  const gaps = f6.unfoldedMinusWmmse;
  const rising = gaps.every((d, i) => i === 0 || d.mean - gaps[i - 1].mean > -2 * Math.hypot(d.se, gaps[i - 1].se));
  return [
    {
      id: 'fig6-same-gamma-below-wmmse', figure, paper: "'same γ' is outperformed by WMMSE at every SNR",
      measured: f6.snrDb.map((s, i) => `${s} dB: ${fmt(f6.sameGammaMinusWmmse[i])}`).join('; '),
      rule: 'WMMSE − same γ above 2 s.e. at every SNR', holds: f6.sameGammaMinusWmmse.every((d) => above(neg(d))),
    },
    {
      id: 'fig6-unfolded-above-wmmse-gap-grows', figure,
      paper: 'the unfolded WMMSE surpasses WMMSE at every SNR, with a gap that grows with the SNR',
      measured: f6.snrDb.map((s, i) => `${s} dB: ${fmt(gaps[i])}`).join('; '),
      rule: 'gap above 2 s.e. at every SNR, no step down by more than 2 s.e., last gap > first',
      holds: gaps.every((d) => above(d)) && rising && gaps[gaps.length - 1].mean > gaps[0].mean,
    },
  ];
}

/** The paper's claims about Figs. 2, 4, 5, 6, checked on a set of results. */
export function paperClaims(r: Pick<WmmseResults, 'fig2' | 'fig4' | 'fig5' | 'fig6'>): Claim[] {
  return checkClaims([...fig2Claims(r.fig2), ...fig4Claims(r.fig4), ...fig5Claims(r.fig5), ...fig6Claims(r.fig6)]);
}
