/**
 * The MSER paper's statements as claims decided on our measurements (`kit/claims`): Fig. 8 / Table I,
 * Figs. 5–7 and the done-when rules. Differences are paired over the same test channels.
 */
import { Claim, checkClaims } from '../../kit/claims';
import { above, pairedDiff, RatioSe, ratioNotBelow } from '../../kit/stats';
import { MserScheme } from './experiments';
import { MserResults } from './results';

const e = (x: number) => x.toExponential(2);
const pct = (r: RatioSe | null | undefined) => (r ? `${(100 * r.ratio).toFixed(1)} ± ${(100 * r.se).toFixed(1)} %` : 'n/a');

export function mserClaims(r: MserResults, opts: { headlineSnrDb: number }): Claim[] {
  const out: Claim[] = [];
  const snrs = [...new Set(r.perChannel.map((x) => x.snrDb))].sort((a, b) => a - b);
  const ser = (snr: number, s: MserScheme) => r.perChannel.find((x) => x.snrDb === snr && x.scheme === s)?.ser;
  const head = opts.headlineSnrDb;
  const hi = snrs.filter((s) => s >= head);

  // Fig. 8: MSER-based GD beats MMSE-based GD (hybrid) at the higher SNRs (the issue: 15 and 25 dB)
  const mmseGap = hi.map((s) => {
    const a = ser(s, 'mmse-gd'), b = ser(s, 'mser-gd');
    return a && b ? { s, d: pairedDiff(a, b) } : undefined;
  });
  out.push({
    id: 'fig8-mser-beats-mmse', figure: `Fig. 8 (${hi.join(', ')} dB)`, paper: 'MSER-based hybrid GD has a (significantly) lower SER than MMSE-based hybrid GD',
    measured: mmseGap.map((g) => (g ? `${g.s} dB: SER_MMSE − SER_MSER = ${e(g.d.mean)} ± ${e(g.d.se)}` : 'n/a')).join('; '),
    rule: 'paired SER difference > 2 s.e. at every SNR ≥ the headline SNR',
    holds: mmseGap.length > 0 && mmseGap.every((g) => !!g && above(g.d)),
  });

  // Table I: the unfolded network reaches ≥ 90 % of GD's performance at the headline SNR, on every seed
  out.push({
    id: 'table1-unfolded-90pct', figure: `Table I (${head} dB)`, paper: 'the unfolded network (L = 15) reaches ≈ 97 % of GD-500\'s performance (SER_GD/SER_unfolded); the issue asks ≥ 90 %',
    measured: r.seeds.map((x) => `${x.key}: ${pct(x.ratio)}`).join('; ') || 'n/a',
    rule: 'SER_GD/SER_unfolded − 2 s.e. ≥ 0.9 for every training seed',
    holds: r.seeds.length > 0 && r.seeds.every((x) => ratioNotBelow(x.ratio, 0.9)),
  });

  // Table I: the unfolded network beats the black-box CNN
  for (const s of snrs) {
    const c = ser(s, 'cnn-mser'), u = ser(s, 'unfolded');
    if (!c || !u) continue;
    const d = pairedDiff(c, u);
    out.push({
      id: `table1-unfolded-beats-cnn-${s}`, figure: `Table I (${s} dB)`, paper: 'the unfolded network has a lower SER than the CNN (17 layers)',
      measured: `SER_CNN − SER_unfolded = ${e(d.mean)} ± ${e(d.se)}`, rule: 'paired SER difference > 2 s.e.', holds: above(d),
    });
  }

  // Fig. 8: the MSER design beats the OMP and MO baselines
  if (ser(head, 'mser-gd')) {
    const g = ser(head, 'mser-gd') as number[];
    const ds = (['omp', 'mo'] as MserScheme[]).map((b) => ({ b, d: ser(head, b) ? pairedDiff(ser(head, b) as number[], g) : undefined }));
    out.push({
      id: 'fig8-mser-beats-omp-mo', figure: `Fig. 8 (${head} dB)`, paper: 'MSER hybrid GD has a lower SER than the OMP and manifold-optimisation hybrid designs',
      measured: ds.map((x) => (x.d ? `${x.b}: ${e(x.d.mean)} ± ${e(x.d.se)}` : `${x.b}: n/a`)).join('; '),
      rule: 'paired SER difference > 2 s.e. against each', holds: ds.every((x) => !!x.d && above(x.d)),
    });
  }

  // Figs. 5–7 (training curves at the headline SNR; the paper's curves are images: qualitative claims)
  const final = (key: string) => {
    const c = r.curves.find((x) => x.key === key);
    return c && c.valSer.length ? Math.min(...c.valSer) : undefined;
  };
  const group = (g: 'N' | 'lr' | 'L') => r.curves.filter((c) => c.group === g).sort((a, b) => a.value - b.value);
  const ns = group('N');
  if (ns.length >= 2) {
    const a = final(ns[0].key) as number, b = final(ns[ns.length - 1].key) as number;
    out.push({
      id: 'fig5-small-batch-lower', figure: 'Fig. 5', paper: 'a smaller batch converges to a lower residual SER (with more fluctuation)',
      measured: ns.map((c) => `N = ${c.value}: best validation SER ${e(final(c.key) as number)}`).join('; '),
      rule: 'the smallest N ends at a best validation SER ≤ the largest N\'s', holds: a <= b,
    });
  }
  const lrs = group('lr');
  if (lrs.length >= 2) {
    const a = final(lrs[0].key) as number, b = final(lrs[lrs.length - 1].key) as number;
    out.push({
      id: 'fig6-large-step-higher-residual', figure: 'Fig. 6', paper: 'a larger step size converges faster but to a higher residual SER',
      measured: lrs.map((c) => `η₀ = ${c.value}: best validation SER ${e(final(c.key) as number)}`).join('; '),
      rule: 'the largest η₀ ends at a best validation SER ≥ the smallest η₀\'s', holds: b >= a,
    });
  }
  const ls = group('L');
  if (ls.length >= 3) {
    const v = ls.map((c) => final(c.key) as number);
    const iMin = v.indexOf(Math.min(...v));
    out.push({
      id: 'fig7-interior-minimum', figure: 'Fig. 7', paper: 'the residual SER falls with L, then rises again (an interior best L)',
      measured: ls.map((c, i) => `L = ${c.value}: ${e(v[i])}`).join('; '),
      rule: 'the best L is neither the smallest nor the largest tried', holds: iMin > 0 && iMin < v.length - 1,
    });
  }

  // standards: a trained network is never worse than its start
  const worse = r.nets.filter((n) => !(n.validationEnd <= n.validationStart));
  out.push({
    id: 'learned-not-below-start', figure: 'all networks (ours)', paper: '(workbook standard) training never ends worse than the untrained network',
    measured: worse.length ? worse.map((n) => `${n.key}: ${e(n.validationStart)} → ${e(n.validationEnd)}`).join('; ') : `${r.nets.length} networks, validation SER end ≤ start on each`,
    rule: 'validation SER of the kept parameters ≤ the start\'s, every network', holds: worse.length === 0,
  });
  return checkClaims(out);
}
