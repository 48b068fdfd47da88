/**
 * The MSER paper's statements as claims decided on our measurements (`kit/claims`): Fig. 8 / Table I,
 * Figs. 5–7 and the issue's done-when rules. Differences are paired over the same test channels.
 */
import { Claim, checkClaims } from '../../kit/claims';
import { above, notBelow, pairedDiff, RatioSe, ratioNotBelow } from '../../kit/stats';
import { MserScheme } from './experiments';
import { MserResults } from './results';

const e = (x: number) => x.toExponential(2);
const meanOf = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const pct = (r: RatioSe | null | undefined) => (r ? `${(100 * r.ratio).toFixed(1)} ± ${(100 * r.se).toFixed(1)} %` : 'n/a');

export function mserClaims(r: MserResults, opts: { headlineSnrDb: number }): Claim[] {
  const out: Claim[] = [];
  const snrs = [...new Set(r.perChannel.map((x) => x.snrDb))].sort((a, b) => a - b);
  const ser = (snr: number, s: MserScheme) => r.perChannel.find((x) => x.snrDb === snr && x.scheme === s)?.ser;
  const head = opts.headlineSnrDb;
  const hi = snrs.filter((s) => s >= head);

  // Fig. 8: MSER-based GD beats MMSE-based GD (hybrid) at the higher SNRs (the issue: 15 and 25 dB), both
  // from the same start (the MO design, one start each: the best-of-starts GD would have a selection edge)
  const mmseGap = hi.map((s) => {
    const a = ser(s, 'mmse-gd'), b = ser(s, 'mser-gd-r1');
    return a && b ? { s, d: pairedDiff(a, b) } : undefined;
  });
  out.push({
    id: 'fig8-mser-beats-mmse', figure: `Fig. 8 (${hi.join(', ')} dB)`, paper: 'MSER-based hybrid GD has a (significantly) lower SER than MMSE-based hybrid GD',
    measured: mmseGap.map((g) => (g ? `${g.s} dB: SER_MMSE − SER_MSER = ${e(g.d.mean)} ± ${e(g.d.se)}` : 'n/a')).join('; '),
    rule: 'both GDs from the MO start: paired SER difference > 2 s.e. at every SNR ≥ the headline SNR',
    holds: mmseGap.length > 0 && mmseGap.every((g) => !!g && above(g.d)),
  });

  // Table I: the unfolded network reaches ≥ 90 % of GD's performance at the headline SNR, on every seed
  out.push({
    id: 'table1-unfolded-90pct', figure: `Table I (${head} dB)`, paper: 'the unfolded network (L = 15) reaches ≈ 97 % of GD-500\'s performance (SER_GD/SER_unfolded); the issue asks ≥ 90 %',
    measured: r.seeds.map((x) => `${x.key}: ${pct(x.ratio)}`).join('; ') || 'n/a',
    rule: 'SER_GD/SER_unfolded − 2 s.e. ≥ 0.9 for every training seed',
    holds: r.seeds.length > 0 && r.seeds.every((x) => ratioNotBelow(x.ratio, 0.9)),
  });

  // Table I: the unfolded network beats the black-box CNN — decided only against a CNN that works (beats
  // the MO design it competes with), else the comparison says nothing and the claim does not hold here
  for (const s of snrs) {
    const c = ser(s, 'cnn-mser'), u = ser(s, 'unfolded'), mo = ser(s, 'mo');
    if (!c || !u) continue;
    const d = pairedDiff(c, u);
    const works = !!mo && above(pairedDiff(mo, c));
    out.push({
      id: `table1-unfolded-beats-cnn-${s}`, figure: `Table I (${s} dB)`, paper: 'the unfolded network has a lower SER than the CNN (17 layers)',
      measured: `SER_CNN − SER_unfolded = ${e(d.mean)} ± ${e(d.se)}; CNN ${works ? 'below' : 'not below'} the MO design (SER ${e(meanOf(c))} vs ${mo ? e(meanOf(mo)) : 'n/a'})${works ? '' : ': our CNN is not a working baseline, inconclusive'}`,
      rule: 'paired SER difference > 2 s.e., with the CNN itself 2 s.e. below the MO design', holds: works && above(d),
    });
  }

  // Fig. 8: the MSER design beats the OMP and MO baselines (from the MO start only)
  if (ser(head, 'mser-gd-r1')) {
    const g = ser(head, 'mser-gd-r1') as number[];
    const ds = (['omp', 'mo'] as MserScheme[]).map((b) => ({ b, d: ser(head, b) ? pairedDiff(ser(head, b) as number[], g) : undefined }));
    out.push({
      id: 'fig8-mser-beats-omp-mo', figure: `Fig. 8 (${head} dB)`, paper: 'MSER hybrid GD has a lower SER than the OMP and manifold-optimisation hybrid designs',
      measured: ds.map((x) => (x.d ? `${x.b}: ${e(x.d.mean)} ± ${e(x.d.se)}` : `${x.b}: n/a`)).join('; '),
      rule: 'MSER GD from the MO start: paired SER difference > 2 s.e. against each', holds: ds.every((x) => !!x.d && above(x.d)),
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

  // Tables II–III, Figs. 9–10 (./studies), when run
  const st = r.studies;
  if (st) {
    if (st.table2.length > 0) {
      // every configuration must have its network: a missing ratio fails the claim rather than dropping the row
      out.push({
        id: 'table2-unfolded-90pct', figure: `Table II (${st.snrDb} dB)`, paper: 'the unfolded network stays close to GD for every (K, R_r) (95.9–98.4 %)',
        measured: st.table2.map((x) => `(${x.users}, ${x.rxRf}): ${pct(x.ratio)}`).join('; '),
        rule: 'SER_GD/SER_unfolded − 2 s.e. ≥ 0.9 for every configuration', holds: st.table2.every((x) => !!x.ratio && ratioNotBelow(x.ratio, 0.9)),
      });
    }
    if (st.table3.length >= 2 || st.table3Gain) {
      const t3 = [...st.table3].sort((a, b) => a.trainChannels - b.trainChannels);
      out.push({
        id: 'table3-more-samples-closer', figure: `Table III (${st.snrDb} dB)`, paper: 'more training channels bring the unfolded network closer to GD (92.8 % at 100 → 98.0 % at 800)',
        measured: `${t3.map((x) => `${x.trainChannels}: ${pct(x.ratio)}`).join('; ')}; SER(fewest) − SER(most) = ${st.table3Gain ? `${e(st.table3Gain.mean)} ± ${e(st.table3Gain.se)}` : 'n/a'}`,
        rule: 'the network trained on the most channels has a lower test SER than the one on the fewest: paired difference > 2 s.e.', holds: !!st.table3Gain && above(st.table3Gain),
      });
    }
    const worst = [...st.fig9Gaps].sort((a, b) => b.csiErrorVar - a.csiErrorVar)[0];
    if (worst && worst.csiErrorVar > 0 && worst.gdMinusUnfolded && worst.mmseMinusMser) {
      out.push({
        id: 'fig9-unfolded-most-robust', figure: `Fig. 9 (σ_h² = ${worst.csiErrorVar})`, paper: 'with imperfect CSI the unfolded network is best, then MSER GD, then MMSE GD',
        measured: `SER_MSER-GD − SER_unfolded = ${e(worst.gdMinusUnfolded.mean)} ± ${e(worst.gdMinusUnfolded.se)}; SER_MMSE-GD − SER_MSER-GD = ${e(worst.mmseMinusMser.mean)} ± ${e(worst.mmseMinusMser.se)}`,
        rule: 'at the largest σ_h²: both paired differences > 2 s.e.', holds: above(worst.gdMinusUnfolded) && above(worst.mmseMinusMser),
      });
    }
    const t6 = [...st.table6].sort((a, b) => Math.abs(a.snrDb - 25) - Math.abs(b.snrDb - 25))[0];
    if (t6?.ratio) {
      out.push({
        id: 'table6-16qam-unfolded-close', figure: `Table VI (16-QAM, ${t6.snrDb} dB)`, paper: 'with 16-QAM the unfolded network (L = 15) reaches ≈ 97 % of GD-500 (SER 1.01e-2 vs 9.8e-3 at 25 dB)',
        measured: `SER_GD/SER_unfolded = ${pct(t6.ratio)} (GD ${e(t6.gd.mean)}, unfolded ${t6.unfolded ? e(t6.unfolded.mean) : 'n/a'})`,
        rule: 'SER_GD/SER_unfolded − 2 s.e. ≥ 0.9', holds: ratioNotBelow(t6.ratio, 0.9),
      });
    }
    const q = st.table6.filter((x) => x.mmseMinusMser);
    if (q.length) {
      out.push({
        id: 'fig11-16qam-mser-beats-mmse', figure: `Fig. 11 (16-QAM, ${q.map((x) => x.snrDb).join(', ')} dB)`, paper: 'with 16-QAM too, the MSER-based designs beat the MMSE-based ones',
        measured: q.map((x) => `${x.snrDb} dB: SER_MMSE-GD − SER_MSER-GD = ${e((x.mmseMinusMser as { mean: number }).mean)} ± ${e((x.mmseMinusMser as { se: number }).se)}`).join('; '),
        rule: 'both hybrid GDs from the MO start: paired difference > 2 s.e. at every 16-QAM SNR', holds: q.every((x) => above(x.mmseMinusMser as { mean: number; se: number })),
      });
    }
    if (st.transferGain) {
      out.push({
        id: 'fig10-transfer-retraining-helps', figure: `Fig. 10 (${st.fig10SnrDb} dB)`, paper: 'the mmWave network, retrained on the new channel model with its first layers fixed (the paper: 10 of 15), adapts to it',
        measured: `on Rayleigh test channels: SER_mmWave-net − SER_retrained = ${e(st.transferGain.mean)} ± ${e(st.transferGain.se)}`,
        rule: 'paired SER difference > 2 s.e. (the paper\'s comparison with the CNNs needs a working CNN: not made)', holds: above(st.transferGain),
      });
    }
  }

  // standards: a trained network is never worse than its start — on the test channels, paired against the
  // untrained network (L iterations of Algorithm 1), which validation-based selection alone cannot guarantee
  out.push({
    id: 'learned-not-below-start', figure: 'Fig. 8 networks (ours)', paper: '(workbook standard) a trained network is not worse than the untrained one it starts from',
    measured: r.trainingGain.map((g) => `${g.key}: SER ${e(g.untrained.mean)} → ${e(g.trained.mean)} (gain ${e(g.gain.mean)} ± ${e(g.gain.se)})`).join('; ') || 'n/a',
    rule: 'test SER_untrained − SER_trained not 2 s.e. below 0, every unfolded network (Table II–III networks included; the Fig. 10 network against its mmWave source)',
    holds: r.trainingGain.length > 0 && r.trainingGain.every((g) => notBelow(g.gain)) && (!r.studies?.transferGain || notBelow(r.studies.transferGain)),
  });
  return checkClaims(out);
}
