/**
 * The NNO-C2PO paper's claims (§IV) as data rows, decided on our measurements (kit/claims).
 * BER differences are judged with the binomial standard error of each point,
 * se = √(p₁(1−p₁)/n + p₂(1−p₂)/n) (unpaired, hence conservative: the curves share channels,
 * symbols and noise).
 */
import { checkClaims, Claim } from '../../kit/claims';
import type { C2poResults } from './saved';
import type { BerCurve } from './evaluate';
import type { Figs45, Fig45Method, IterationsTable } from './experiments';

/** A power or SNR in dB, or 'not reached' (on the grid). */
const fmt = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? 'not reached' : `${x.toFixed(d)} dB`);

function excess(a: BerCurve, b: BerCurve): { worst: number; points: number; lower: number } {
  let worst = -Infinity, lower = 0;
  a.ber.forEach((pa, i) => {
    const pb = b.ber[i];
    const se = Math.sqrt((pa * (1 - pa)) / a.bits + (pb * (1 - pb)) / b.bits);
    worst = Math.max(worst, (pa - pb) / Math.max(se, 1e-300));
    if (pa <= pb) lower++;
  });
  return { worst, points: a.ber.length, lower };
}

/** Rayleigh (Fig. 3) claims. */
function fig3Claims(r: C2poResults): Claim[] {
  const f = r.fig3;
  const out: Claim[] = [];
  // 1. NNO-C2PO ≤ trained C2PO at every SNR and t_max
  const parts = f.iterations.map((t) => ({ t, e: excess(f.curves[`nno/t${t}`], f.curves[`tied/t${t}`]) }));
  out.push({
    id: 'fig3-nno-not-worse',
    figure: 'Fig. 3',
    paper: 'NNO-C2PO outperforms C2PO (trained, tied τ, ρ) for every t_max',
    measured: parts.map(({ t, e }) => `t_max=${t}: NNO lower at ${e.lower}/${e.points} SNRs, worst excess ${e.worst.toFixed(1)} s.e.`).join('; '),
    rule: 'at every SNR point and t_max, BER(NNO) − BER(trained C2PO) ≤ 2 s.e.',
    holds: parts.every(({ e }) => e.worst <= 2),
  });
  // 2. NNO with t iterations vs trained C2PO with 2t (≈ 50 % fewer iterations)
  const pairs = f.iterations.filter((t) => f.iterations.includes(2 * t));
  if (pairs.length > 0) {
    const rows = pairs.map((t) => {
      const nno = f.at1e2[`nno/t${t}`].snrDb;
      const tied = f.at1e2[`tied/t${2 * t}`].snrDb;
      const ok = nno !== undefined && (tied === undefined || nno <= tied + 0.5);
      return { t, nno, tied, ok };
    });
    out.push({
      id: 'fig3-half-iterations',
      figure: 'Fig. 3 (BER 1e-2)',
      paper: 'NNO-C2PO with t_max = 2 and 4 slightly outperforms C2PO with t_max = 4 and 8: about 50 % fewer iterations',
      measured: rows.map((x) => `NNO t=${x.t}: ${fmt(x.nno)} vs C2PO t=${2 * x.t}: ${fmt(x.tied)}`).join('; '),
      rule: 'SNR at BER 1e-2 of NNO-C2PO(t) ≤ that of trained C2PO(2t) + 0.5 dB (C2PO not reaching it counts as NNO better)',
      holds: rows.every((x) => x.ok),
    });
  }
  // 3. the gain at BER 1e-3 for the largest t_max (paper: ≈ 3 dB at t_max = 8)
  const tmax = Math.max(...f.iterations);
  const nno = f.at1e3[`nno/t${tmax}`].snrDb;
  const tied = f.at1e3[`tied/t${tmax}`].snrDb;
  const gridEnd = f.snrDb[f.snrDb.length - 1];
  const gain = nno === undefined ? undefined : (tied ?? gridEnd) - nno;
  out.push({
    id: 'fig3-gain-1e-3',
    figure: `Fig. 3 (BER 1e-3, t_max = ${tmax})`,
    paper: 'roughly 3 dB between NNO-C2PO and C2PO at a BER of 0.1 % for t_max = 8',
    measured: `NNO ${fmt(nno)}, C2PO ${fmt(tied)}: gain ${gain === undefined ? 'undefined (NNO does not reach 1e-3)' : `${tied === undefined ? '> ' : ''}${gain.toFixed(1)} dB`}`,
    rule: 'gain ≥ 1.5 dB (half the paper\'s); where C2PO does not reach 1e-3 on the grid the gain is a lower bound from the grid\'s end',
    holds: gain !== undefined && gain >= 1.5,
  });
  return out;
}

/** Power at the target for t_max = 5, or the largest grid t_max below it. */
function atT(tb: IterationsTable, m: Fig45Method, want = 5): { t: number; power: number | null } {
  const candidates = tb.iterations.map((t, i) => ({ t, i })).filter((x) => x.t <= want);
  const pick = candidates.length ? candidates[candidates.length - 1] : { t: tb.iterations[0], i: 0 };
  return { t: pick.t, power: tb.powerAtTarget[m][pick.i] };
}

const PAPER_GAIN_DB: Record<string, number> = { los: 9, nlos: 4 };

/** Figs. 4–5 claims for one family. */
function figs45Claims(f: Figs45): Claim[] {
  const out: Claim[] = [];
  const label = f.family === 'quadriga' ? 'QuaDRiGa' : 'geometric model';
  for (const tb of f.tables) {
    const nno = atT(tb, 'nno-single');
    const tied = atT(tb, 'tied-single');
    const end = tb.snrDb[tb.snrDb.length - 1];
    const gain = nno.power === null ? undefined : (tied.power ?? end) - nno.power;
    out.push({
      id: `fig${tb.condition === 'los' ? 4 : 5}-${f.family}-single-gain`,
      figure: `Fig. ${tb.condition === 'los' ? 4 : 5} (${label}, ${tb.condition.toUpperCase()}, single training)`,
      paper: `NNO-C2PO with t_max = 5 reaches BER 1 % at ${PAPER_GAIN_DB[tb.condition]} dB lower transmit power than C2PO`,
      measured: `t_max = ${nno.t}: NNO ${fmt(nno.power ?? undefined)}, C2PO ${fmt(tied.power ?? undefined)} (gain ${gain === undefined ? 'undefined' : `${tied.power === null ? '> ' : ''}${gain.toFixed(1)} dB`}; paper ${PAPER_GAIN_DB[tb.condition]} dB)`,
      rule: 'NNO-C2PO reaches the target at a lower power than trained C2PO (gain > 0)',
      holds: gain !== undefined && gain > 0,
    });
  }
  // joint training hurts trained C2PO more than NNO-C2PO: extra iterations summed over the power grid
  const cost = (tb: IterationsTable, v: 'tied' | 'nno') => {
    const worst = Math.max(...tb.iterations) + 1; // "not reached" counts as one more than the grid's largest t_max
    const n = (m: Fig45Method, i: number) => tb.minIterations[m][i] ?? worst;
    return tb.snrDb.reduce((s, _, i) => s + n(`${v}-joint` as Fig45Method, i) - n(`${v}-single` as Fig45Method, i), 0);
  };
  const per = f.tables.map((tb) => ({ c: tb.condition, tied: cost(tb, 'tied'), nno: cost(tb, 'nno') }));
  const tiedSum = per.reduce((s, x) => s + x.tied, 0), nnoSum = per.reduce((s, x) => s + x.nno, 0);
  out.push({
    id: `figs45-${f.family}-joint-robust`,
    figure: `Figs. 4–5 (${label}, joint training)`,
    paper: 'joint training makes C2PO significantly worse on both channels, while NNO-C2PO stays nearly the same',
    measured: per.map((x) => `${x.c.toUpperCase()}: extra iterations joint − single, summed over the power grid: C2PO ${x.tied}, NNO ${x.nno}`).join('; '),
    rule: 'summed over both conditions, joint training costs trained C2PO more extra iterations than NNO-C2PO',
    holds: tiedSum > nnoSum,
  });
  return out;
}

/** Every claim of a run. */
export function c2poClaims(r: C2poResults): Claim[] {
  return checkClaims([...fig3Claims(r), ...(r.quadriga ? figs45Claims(r.quadriga) : []), ...(r.geometric ? figs45Claims(r.geometric) : [])]);
}
