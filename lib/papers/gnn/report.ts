/**
 * What the GNN notebook writes and says about a run, generated from the run's data: the metrics of
 * results/gnn-quantized-precoding.json and the "what we found against the paper" text (no
 * hand-written numbers: every number below comes from the results and claims passed in).
 */
import type { Claim } from '../../kit/claims';
import type { GnnPreset } from './presets';
import type { GnnResults } from './results';

/** results/gnn-quantized-precoding.json: NMSE table, rate curves, SDR at the user angle, power curves, FLOP counts, claims. */
export function runMetrics(r: GnnResults, claims: Claim[], usedSaved: boolean): Record<string, unknown> {
  return {
    nmse: {
      mrt: r.table1Mrt.map((x) => ({ bits: x.bits, oursDb: x.mrtDb, paperDb: x.paperMrtDb })),
      gnn: r.table1Gnn.map((x) => ({ bits: x.bits, gnnDb: x.gnnDb, mrtDb: x.mrtDb, paperDb: r.table1Mrt.find((m) => m.bits === x.bits)?.paperGnnDb ?? null })),
    },
    rates: r.rates.map((c) => ({ key: c.key, users: c.users, bits: c.bits, baseline: c.baseline, snrDb: c.snrDb, gnn: c.gnn.map((x) => x.mean), linear: c.linear.map((x) => x.mean), ideal: c.ideal.map((x) => x.mean), gain: c.gain })),
    baselineRates: r.linear.map((x) => ({ precoder: x.precoder, users: x.users, bits: x.bits, snrDb: x.snrDb, rate: x.rate.mean, se: x.rate.se })),
    sdrAtUser: [
      ...r.patterns.map((x) => ({ figure: x.label, userAnglesDeg: x.userAnglesDeg, sdrDb: x.sdrAtUsersDb })),
      ...r.gnnPatterns.map((x) => ({ figure: `Figs. 8–9, M = ${x.antennas}`, userAnglesDeg: [x.userAngleDeg], gnnSdrDb: x.gnnSdrAtUserDb, mrtSdrDb: x.mrtSdrAtUserDb })),
    ],
    power: r.power.map((x) => ({ dac: x.dac, bandwidthHz: x.bandwidthHz, series: x.series, totalW: x.totalW, feasible: x.feasible })),
    breakEvenHz: r.breakEvenHz,
    flops: r.flops.map((f) => ({ gnn: f.label, paper: f.paper, ours: f.ours })),
    paperNumbers: [...r.speedChecks, ...r.powerChecks].map((c) => ({ id: c.id, stated: c.stated, formula: c.formula, relativeDeviation: c.relativeDeviation })),
    nets: r.nets,
    claims: claims.map((c) => ({ id: c.id, figure: c.figure, holds: c.holds, measured: c.measured })),
    usedSaved,
  };
}

const f2 = (x: number) => x.toFixed(2);

/** "What we found against the paper", from one run's results and claims. */
export function describeRun(p: GnnPreset, r: GnnResults, claims: Claim[]): string {
  const lines: string[] = [];
  const held = claims.filter((c) => c.holds).length;
  lines.push(`* **Claims:** ${held} of ${claims.length} hold in the \`${p.name}\` preset (table above).`);
  lines.push(`* **Table I, MRT:** ${r.table1Mrt.map((x) => `b = ${x.bits}: ${f2(x.mrtDb)} dB (paper ${x.paperMrtDb})`).join(', ')}; largest deviation ${f2(Math.max(...r.table1Mrt.map((x) => Math.abs(x.mrtDb - x.paperMrtDb))))} dB. It needs the exact least-squares Bussgang gain over each channel's symbols; the plain sample estimate E(ysᴴ) ≈ YSᴴ/N_s floors the NMSE near −10·log10(N_s) dB.`);
  for (const g of r.table1Gnn) {
    const paper = r.table1Mrt.find((m) => m.bits === g.bits)?.paperGnnDb;
    const est = g.estimator === 'gumbel-st' ? '' : ` (${g.estimator}, ablation)`;
    const paperGain = paper !== undefined ? f2(r.table1Mrt.find((m) => m.bits === g.bits)!.paperMrtDb - paper) : '?';
    lines.push(`* **Table I, GNN b = ${g.bits}${est}:** ${f2(g.gnnDb)} dB (MRT ${f2(g.mrtDb)} dB on the same test set; paper ${paper} dB): ${f2(g.mrtDb - g.gnnDb)} dB below MRT's NMSE (paper: ${paperGain} dB).`);
  }
  for (const c of r.rates) {
    const i = c.snrDb.indexOf(20);
    if (i < 0) continue;
    lines.push(`* **Rate at 20 dB, K = ${c.users}, b = ${c.bits}${c.estimator === 'gumbel-st' ? '' : ` (${c.estimator}, ablation)`}:** GNN ${f2(c.gnn[i].mean)}, ${c.baseline.toUpperCase()} ${f2(c.linear[i].mean)} (paired GNN − ${c.baseline.toUpperCase()} ${c.gain[i].mean.toFixed(3)} ± ${c.gain[i].se.toFixed(3)}), ideal-DAC ${c.baseline.toUpperCase()} ${f2(c.ideal[i].mean)} bit/s/Hz.`);
  }
  for (const x of r.gnnPatterns) lines.push(`* **SDR at the user (LoS, M = ${x.antennas}, φ = ${x.userAngleDeg}°):** GNN ${f2(x.gnnSdrAtUserDb)} dB, MRT ${f2(x.mrtSdrAtUserDb)} dB.`);
  for (const f of r.flops) lines.push(`* **FLOPs (${f.label}, M = 32, K = 1, b = 1):** eqs. (37)+(38) give ${(f.paper / 1e6).toFixed(2)} MFLOP per symbol vector; our forward pass performs ${(f.ours / 1e6).toFixed(2)} MFLOP (W_bs, W_ue once per node, not per edge).`);
  const off = [...r.speedChecks, ...r.powerChecks].filter((c) => !c.within5Percent);
  if (off.length > 0) lines.push(`* **Paper numbers its own formulas do not give (±5 %):** ${off.map((c) => `${c.what}: stated ${c.stated.toPrecision(3)}, formulas ${c.formula.toPrecision(3)}`).join('; ')}.`);
  const nets = r.nets;
  if (nets.length > 0) lines.push(`* **Training:** ${nets.length} networks, ${nets.map((n) => `${n.key} ${n.steps} steps, validation rate ${f2(n.validationStart)} → ${f2(n.validationEnd)}`).join('; ')}.`);
  return lines.join('\n');
}
