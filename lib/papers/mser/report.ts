/**
 * The MSER notebook's closing text and metrics, generated from one run's results and claims (no
 * hand-written numbers): `runMetrics` for results/mser-hybrid-beamforming.json, `describeRun` for
 * "what we found against the paper".
 */
import type { Claim } from '../../kit/claims';
import { MserResults } from './results';
import { MserPreset } from './presets';

const e = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? 'n/a' : x.toExponential(2));
const pct = (x: number | undefined | null) => (x === undefined || x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);

export function runMetrics(r: MserResults, claims: Claim[], usedSaved: boolean): Record<string, unknown> {
  return {
    calibration: r.calibration ? { chosen: r.calibration.chosen, curves: r.calibration.curves.map((c) => ({ clusters: c.clusters, curve: c.curve, residual: c.fit?.residual ?? null, offsetDb: c.fit?.offsetDb ?? null })) } : null,
    serVsSnr: r.fig8.map((x) => ({ scheme: x.scheme, snrDb: x.snrDb, mean: x.ser.mean, se: x.ser.se, median: x.median, paper: x.paper ?? null })),
    table1: r.table1,
    seeds: r.seeds,
    steps: r.steps.map((s) => ({ snrDb: s.snrDb, scheme: s.scheme, eta: s.eta })),
    timing: r.timing,
    nets: r.nets,
    studies: r.studies,
    claims: claims.map((c) => ({ id: c.id, figure: c.figure, holds: c.holds, measured: c.measured })),
    usedSaved,
  };
}

/** "What we found against the paper", from one run's results and claims. */
export function describeRun(p: MserPreset, r: MserResults, claims: Claim[]): string {
  const lines: string[] = [];
  const held = claims.filter((c) => c.holds).length;
  lines.push(`* **Claims:** ${held} of ${claims.length} hold in the \`${p.name}\` preset (table above).`);
  const c = r.calibration;
  if (c) {
    const best = c.curves.find((x) => x.clusters === c.chosen.clusters);
    lines.push(`* **Calibration:** N_C = ${c.chosen.clusters} clusters fits the paper's GD column best with our SNR = the paper's ${c.chosen.snrOffsetDb >= 0 ? '+' : '−'} ${Math.abs(c.chosen.snrOffsetDb)} dB (RMS log₁₀ error ${c.chosen.residual.toFixed(2)} decades over ${c.paper.length} points; ${c.curves.map((x) => `N_C = ${x.clusters}: ${x.fit ? x.fit.residual.toFixed(2) : 'n/a'}`).join(', ')}).${best?.fit ? ` Fitted: ${best.fit.fitted.map((f, i) => `${f.snrDb} dB ours ${e(f.ser)} vs paper ${e(c.paper[i].ser)}`).join('; ')}.` : ''}`);
  }
  for (const row of r.table1) {
    const f = (s: string) => r.fig8.find((x) => x.snrDb === row.snrDb && x.scheme === s);
    lines.push(`* **${row.snrDb} dB:** MSER hybrid GD ${e(f('mser-gd')?.ser.mean)} (paper ${e(f('mser-gd')?.paper)}), unfolded ${e(f('unfolded')?.ser.mean)} (paper ${e(f('unfolded')?.paper)}), CNN ${e(f('cnn-mser')?.ser.mean)} (paper ${e(f('cnn-mser')?.paper)}), MMSE hybrid GD ${e(f('mmse-gd')?.ser.mean)}; SER_GD/SER_unfolded ${row.unfolded ? `${pct(row.unfolded.ratio)} ± ${pct(row.unfolded.se)}` : 'n/a'} (paper ${pct(row.paperUnfolded)}), SER_GD/SER_CNN ${row.cnn ? pct(row.cnn.ratio) : 'n/a'} (paper ${pct(row.paperCnn)}).`);
  }
  if (r.seeds.length > 1) lines.push(`* **Seeds (${p.headlineSnrDb} dB):** SER_GD/SER_unfolded ${r.seeds.map((s) => `${s.key} ${pct(s.ratio.ratio)}`).join(', ')}.`);
  const startName = p.unfolded.start === 'mo' ? 'the MO-AltMin design' : 'the channel alignment';
  for (const g of r.trainingGain.filter((x) => x.key.startsWith('unfolded@') && !x.key.includes('#'))) {
    const gd = r.fig8.find((x) => x.snrDb === g.snrDb && x.scheme === 'mser-gd')?.ser.mean;
    const closed = gd !== undefined && g.untrained.mean > gd ? (g.untrained.mean - g.trained.mean) / (g.untrained.mean - gd) : undefined;
    const z = g.gain.mean / Math.max(g.gain.se, 1e-300);
    const verdict = g.gain.mean === 0
      ? 'training found no parameters better than the start on the validation channels, so the network is its start'
      : g.gain.mean > 0
        ? `training closes ${pct(closed)} of the gap between the untrained network and GD`
        : z > -2
          ? `on the test channels the trained network is not distinguishable from its start (${z.toFixed(1)} s.e.), although its validation SER on ${p.valChannels} channels fell`
          : `the trained network is worse on the test channels than its start (${z.toFixed(1)} s.e.), although its validation SER on ${p.valChannels} channels fell: the selection did not carry over to the test channels`;
    lines.push(`* **What training adds at ${g.snrDb} dB (test SER; untrained = ${p.unfolded.layers} iterations of Algorithm 1 from ${startName}):** ${e(g.untrained.mean)} → ${e(g.trained.mean)} (paired gain ${e(g.gain.mean)} ± ${e(g.gain.se)}); GD-${p.gd.iterations} reaches ${e(gd)}; ${verdict}.`);
  }
  // where the GD–unfolded gap sits: a few hard channels carry the mean SER
  const perCh = (s: string) => r.perChannel.find((x) => x.snrDb === p.headlineSnrDb && x.scheme === s)?.ser;
  const gdCh = perCh('mser-gd'), uCh = perCh('unfolded');
  if (gdCh && uCh && gdCh.length === uCh.length && gdCh.length >= 20) {
    const gaps = uCh.map((u, i) => u - gdCh[i]).sort((a, b) => b - a);
    const total = gaps.reduce((a, b) => a + b, 0);
    const top = Math.max(1, Math.round(gaps.length / 20));
    const sorted = [...gdCh].sort((a, b) => b - a);
    const share = (xs: number[], n: number) => xs.slice(0, n).reduce((a, b) => a + b, 0) / Math.max(xs.reduce((a, b) => a + b, 0), 1e-300);
    const gapShare = gaps.slice(0, top).reduce((a, b) => a + b, 0) / total, serShare = share(sorted, top);
    if (total > 0) lines.push(`* **Where the gap is (${p.headlineSnrDb} dB):** the ${top} of ${gaps.length} test channels with the largest SER_unfolded − SER_GD carry ${pct(gapShare)} of the mean gap, and the ${top} hardest channels carry ${pct(serShare)} of GD's mean SER${gapShare >= 0.5 ? ': the ratio of means is decided on a few hard channels' : ''}.`);
  }
  const st = r.studies;
  if (st) {
    if (st.table2.length) lines.push(`* **Table II (${st.snrDb} dB):** SER_GD/SER_unfolded ${st.table2.map((x) => `(K, R_r) = (${x.users}, ${x.rxRf}), D_k = ${x.streams}: GD ${e(x.gd.mean)} (paper ${e(x.paperGd)}), ${x.ratio ? `${pct(x.ratio.ratio)} ± ${pct(x.ratio.se)}` : 'n/a'} (paper ${pct(x.paperRatio)})`).join('; ')}.`);
    if (st.table3.length) lines.push(`* **Table III (${st.snrDb} dB):** SER_GD/SER_unfolded by training channels ${st.table3.map((x) => `${x.trainChannels}: ${x.ratio ? `${pct(x.ratio.ratio)} ± ${pct(x.ratio.se)}` : 'n/a'} (paper ${pct(x.paperRatio)})`).join('; ')}.`);
    const worst = [...st.fig9Gaps].sort((a, b) => b.csiErrorVar - a.csiErrorVar)[0];
    if (worst) {
      const at = st.fig9.filter((x) => x.csiErrorVar === worst.csiErrorVar);
      lines.push(`* **Fig. 9 (σ_h² = ${worst.csiErrorVar}):** ${at.map((x) => `${x.scheme} ${e(x.ser.mean)}`).join(', ')}.`);
    }
    for (const t of st.table6) lines.push(`* **16-QAM at ${t.snrDb} dB (Fig. 11 / Table VI):** MSER hybrid GD ${e(t.gd.mean)}${t.paperGd !== undefined ? ` (paper ${e(t.paperGd)})` : ''}, unfolded ${e(t.unfolded?.mean)}${t.paperUnfolded !== undefined ? ` (paper ${e(t.paperUnfolded)})` : ''}; SER_GD/SER_unfolded ${t.ratio ? `${pct(t.ratio.ratio)} ± ${pct(t.ratio.se)}` : 'n/a'}; SER_MMSE-GD − SER_MSER-GD ${t.mmseMinusMser ? `${e(t.mmseMinusMser.mean)} ± ${e(t.mmseMinusMser.se)}` : 'n/a'}.`);
    if (st.fig10.length) lines.push(`* **Fig. 10 (Rayleigh, ${st.fig10SnrDb} dB):** ${st.fig10.map((x) => `${x.scheme} ${e(x.ser.mean)}`).join(', ')}${st.transferGain ? `; retraining gains ${e(st.transferGain.mean)} ± ${e(st.transferGain.se)} over the mmWave network` : ''}.`);
  }
  const order = p.sys.modulation === 'qpsk' ? 4 : 16;
  const cnn = r.nets.filter((n) => n.key.startsWith('cnn-'));
  const cnnRatio = r.table1.find((t) => t.snrDb === p.headlineSnrDb)?.cnn;
  if (cnn.length) lines.push(`* **CNN benchmark:** validation SER ${cnn.map((n) => `${n.key} ${e(n.validationStart)} → ${e(n.validationEnd)}`).join(', ')} (guessing every symbol: ${(1 - 1 / order).toFixed(2)}); at ${p.headlineSnrDb} dB SER_GD/SER_CNN = ${pct(cnnRatio?.ratio)} against the paper's ${pct(r.table1.find((t) => t.snrDb === p.headlineSnrDb)?.paperCnn)}, after ${p.cnn.train.steps} steps on ${p.cnn.trainChannels} channels (the paper: 10 000 channels, steps not given).`);
  const worse = r.nets.filter((n) => n.validationEnd < n.validationStart);
  lines.push(`* **Training:** ${worse.length} of ${r.nets.length} networks ended below their start in validation SER; the others kept their start (validation keeps the best parameters, the start included).`);
  return lines.join('\n');
}
