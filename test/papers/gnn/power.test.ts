import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paperGnnFlops } from '../../../lib/papers/gnn/complexity';
import {
  bandwidthForDacRatio, basebandSamplingRate, breakEvenBandwidth, dacArrayPower, dacPower, gnnProcessingPower,
  paperGnnsForPower, powerCurves, powerPaperChecks, powerReduction, rfReductionAtMaxBandwidth, rfSamplingRate,
} from '../../../lib/papers/gnn/power';

const close = (a: number, b: number, relTol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= relTol * Math.abs(b), `${what}: ${a} vs ${b} (rel. tol ${relTol})`);

test('eq. (39) by hand: b = 3, f_s = 4 MHz, V_dd = 3 V, I_0 = 10 µA, C_p = 1 pF', () => {
  const p = dacPower({ bits: 3, samplingRateHz: 4e6 });
  // static ½·3·10e-6·7 = 105 µW; dynamic 3·1e-12·2e6·9 = 54 µW
  close(p.staticW, 105e-6, 1e-12, 'static');
  close(p.dynamicW, 54e-6, 1e-12, 'dynamic');
  close(p.totalW, 159e-6, 1e-12, 'total');
  // other constants: ½·1·2e-6·1 + 1·2e-12·(1e9/2)·1
  close(dacPower({ bits: 1, samplingRateHz: 1e9, vdd: 1, i0: 2e-6, cp: 2e-12 }).totalW, 1e-6 + 1e-3, 1e-12, 'custom constants');
  // 2M DACs
  close(dacArrayPower({ antennas: 32, bits: 3, samplingRateHz: 4e6 }).totalW, 64 * 159e-6, 1e-12, '2M DACs');
});

test('sampling rates: baseband f_s = 4B; RF f_s = 4f_c/(2n − 1) = 4.67 GHz and f_s >= B', () => {
  assert.equal(basebandSamplingRate({ bandwidthHz: 2e6 }), 8e6);
  close(rfSamplingRate(), (4 * 3.5e9) / 3, 1e-15, 'n = 2');
  close(rfSamplingRate({ nyquistZone: 1 }), 14e9, 1e-15, 'n = 1');
  assert.throws(() => rfSamplingRate({ bandwidthHz: 5e9 }), /rfSamplingRate: the RF-DAC needs f_s >= B, so bandwidthHz must be in \[0, 4666666666\.6+\d*\]/);
  assert.throws(() => powerCurves({ bandwidthsHz: [1e6, 6e9], gnns: [], dacs: ['rf'] }), /powerCurves: the RF-DAC needs f_s >= B/);
  assert.equal(powerCurves({ bandwidthsHz: [6e9], gnns: [], dacs: ['baseband'] }).length, 2, 'no such limit for baseband DACs');
});

test('P_GNN = (1/η)·B/(1 + α)·(O_add + O_mul)', () => {
  close(gnnProcessingPower({ flops: 1e6, bandwidthHz: 1.1e6 }), (1e6 * 1e6) / 646.6e12, 1e-12, 'α = 0.1, η = 646.6e12');
  close(gnnProcessingPower({ flops: 2e6, bandwidthHz: 1e6, efficiency: 1e12, rollOff: 0 }), 2, 1e-12, 'custom');
});

test('baseband DAC ratio b = 3 vs b = 1: 7 at B → 0 (static), → 3 as B → ∞ (dynamic), 4 at 2.5 MHz', () => {
  assert.equal(powerReduction({ dac: 'baseband', bandwidthHz: 0 }), 7);
  close(powerReduction({ dac: 'baseband', bandwidthHz: 1e13 }), 3, 1e-6, 'B → ∞');
  // (105 µW + 54 pW/Hz·B)/(15 µW + 18 pW/Hz·B) = r  ⇒  B = (105 − 15r)/(18r − 54) MHz
  for (const r of [4, 5, 6]) close(bandwidthForDacRatio({ ratio: r }), ((105 - 15 * r) / (18 * r - 54)) * 1e6, 1e-12, `ratio ${r}`);
  close(bandwidthForDacRatio({ ratio: 4 }), 2.5e6, 1e-12, 'ratio 4');
  assert.equal(bandwidthForDacRatio({ ratio: 7 }), 0);
  assert.throws(() => bandwidthForDacRatio({ ratio: 3 }), /bandwidthForDacRatio: ratio must be between 3 \(B → ∞, excluded\) and 7 \(B = 0\); got 3/);
  // monotone decreasing in between
  let prev = Infinity;
  for (const B of [0, 1e5, 1e6, 2.5e6, 1e7, 1e8]) {
    const r = powerReduction({ dac: 'baseband', bandwidthHz: B });
    assert.ok(r < prev, `ratio at ${B} Hz`);
    prev = r;
  }
  // RF: independent of B, ≈ 3 (dynamic term dominates)
  close(powerReduction({ dac: 'rf', bandwidthHz: 0 }), 3.00286, 1e-5, 'RF');
  assert.equal(powerReduction({ dac: 'rf', bandwidthHz: 1e7 }), powerReduction({ dac: 'rf', bandwidthHz: 0 }));
});

test('break-even bandwidth: the closed form is where the two power curves cross', () => {
  const large = paperGnnFlops('large'), small = paperGnnFlops('small');
  const be = breakEvenBandwidth({ flops: small });
  // 2M(s_3 − s_1) = 64·90 µW, 2M(k_3 − k_1) = 64·36 pW/Hz, g = F/(1.1·646.6e12)
  close(be.dacSavingAtZeroW, 64 * 90e-6, 1e-12, 'saving at B = 0');
  close(be.dacSavingSlopeWPerHz, 64 * 36e-12, 1e-12, 'saving slope');
  close(be.processingSlopeWPerHz, small / (1.1 * 646.6e12), 1e-12, 'processing slope');
  const rows = powerCurves({ bandwidthsHz: [be.bandwidthHz], gnns: [{ label: 'small', flops: small }], dacs: ['baseband'] });
  const base = rows.find((r) => r.role === 'baselineDacs'), gnn = rows.find((r) => r.role === 'gnnTotal');
  assert.ok(base && gnn);
  close(gnn.totalW, base.totalW, 1e-12, 'equal power at the break-even bandwidth');
  assert.ok(powerReduction({ dac: 'baseband', bandwidthHz: 0.9 * be.bandwidthHz, flops: small }) > 1, 'GNN saves below');
  assert.ok(powerReduction({ dac: 'baseband', bandwidthHz: 1.1 * be.bandwidthHz, flops: small }) < 1, 'GNN costs above');
  // the paper's numbers (Fig. 12): ≈ 200 kHz and 3.5 MHz
  close(breakEvenBandwidth({ flops: large }).bandwidthHz, 196_269, 1e-5, 'N_h = 4, d_h = 128');
  close(be.bandwidthHz, 3_616_139, 1e-6, 'N_h = 8, d_h = 32');
  assert.ok(Math.abs(breakEvenBandwidth({ flops: large }).bandwidthHz / 200e3 - 1) < 0.05);
  assert.ok(Math.abs(be.bandwidthHz / 3.5e6 - 1) < 0.05);
  // a GNN cheaper than the DAC saving's own growth never loses
  assert.equal(breakEvenBandwidth({ flops: 1 }).bandwidthHz, Infinity);
});

test('RF at B_max: P_GNN = S_max/η for any GNN; reduction 2.87 ≈ 2.9', () => {
  const small = rfReductionAtMaxBandwidth({ flops: paperGnnFlops('small') });
  const large = rfReductionAtMaxBandwidth({ flops: paperGnnFlops('large') });
  close(small.processingW, 39.8e12 / 646.6e12, 1e-12, 'P_GNN at B_max');
  close(large.processingW, small.processingW, 1e-12, 'independent of the GNN');
  close(small.maxBandwidthHz, 15.8e6, 0.001, 'B_max');
  // 64·(3·4.5e-12·4.667e9 + 105e-6) / (64·(4.5e-12·4.667e9 + 15e-6) + 0.06155)
  close(small.reduction, (64 * (0.063 + 105e-6)) / (64 * (0.021 + 15e-6) + 39.8 / 646.6), 1e-9, 'by hand');
  assert.ok(Math.abs(small.reduction / 2.9 - 1) < 0.05);
});

test('powerCurves: rows of Figs. 12–13, feasibility against the accelerator', () => {
  const gnns = paperGnnsForPower();
  assert.deepEqual(gnns.map((g) => g.label), ['N_h = 4, d_h = 128', 'N_h = 8, d_h = 32']);
  const rows = powerCurves({ bandwidthsHz: [1e6, 2e6, 20e6], gnns });
  assert.equal(rows.length, 2 * 3 * 4);
  const get = (dac: string, B: number, series: string) => {
    const r = rows.find((x) => x.dac === dac && x.bandwidthHz === B && x.series === series);
    assert.ok(r, `${dac} ${B} ${series}`);
    return r;
  };
  close(get('baseband', 1e6, 'MRT DACs (b = 3)').totalW, 64 * 159e-6, 1e-12, 'baseline at 1 MHz');
  close(get('baseband', 1e6, 'GNN DACs (b = 1)').totalW, 64 * 33e-6, 1e-12, 'GNN DACs at 1 MHz');
  const g = get('baseband', 1e6, 'GNN DACs + processing (N_h = 4, d_h = 128)');
  close(g.totalW, g.dacsW + gnnProcessingPower({ flops: paperGnnFlops('large'), bandwidthHz: 1e6 }), 1e-12, 'sum');
  assert.equal(g.feasible, true);
  assert.equal(get('rf', 2e6, 'GNN DACs + processing (N_h = 4, d_h = 128)').feasible, false, 'B_max 1.94 MHz');
  assert.equal(get('rf', 2e6, 'GNN DACs + processing (N_h = 8, d_h = 32)').feasible, true);
  assert.equal(get('rf', 20e6, 'GNN DACs + processing (N_h = 8, d_h = 32)').feasible, false, 'B_max 15.8 MHz');
  assert.equal(get('rf', 1e6, 'MRT DACs (b = 3)').totalW, get('rf', 20e6, 'MRT DACs (b = 3)').totalW, 'RF DACs do not depend on B');
});

test('argument checks name the parameter and its range', () => {
  assert.throws(() => dacPower({ bits: 0, samplingRateHz: 1 }), /dacPower: bits \(b\) must be an integer in 1\.\.16; got 0/);
  assert.throws(() => dacPower({ bits: 1.5, samplingRateHz: 1 }), /bits \(b\) must be an integer in 1\.\.16; got 1.5/);
  assert.throws(() => dacPower({ bits: 1, samplingRateHz: -1 }), /samplingRateHz \(f_s\) must be finite and >= 0; got -1/);
  assert.throws(() => dacPower({ bits: 1, samplingRateHz: 1, vdd: 0 }), /vdd must be finite and > 0; got 0/);
  assert.throws(() => dacArrayPower({ antennas: 0, bits: 1, samplingRateHz: 1 }), /dacArrayPower: antennas \(M\) must be a positive integer; got 0/);
  assert.throws(() => powerCurves({ bandwidthsHz: [], gnns: [] }), /powerCurves: bandwidthsHz must be a non-empty array/);
  assert.throws(() => powerCurves({ bandwidthsHz: [-1], gnns: [] }), /bandwidthsHz\[0\] must be finite and >= 0; got -1/);
  assert.throws(() => powerCurves({ bandwidthsHz: [1], gnns: [], gnnBits: 5 }), /gnnBits must be an integer in 1\.\.4; got 5/);
  assert.throws(() => powerCurves({ bandwidthsHz: [1], gnns: [{ label: 'x', flops: 0 }] }), /gnns\[0\]\.flops must be finite and > 0; got 0/);
  assert.throws(() => breakEvenBandwidth({ flops: 1e6, gnnBits: 3 }), /breakEvenBandwidth: gnnBits must be below baselineBits \(3\), so in 1\.\.2; got 3/);
  assert.throws(() => gnnProcessingPower({ flops: 1, bandwidthHz: 1, rollOff: 2 }), /rollOff \(α\) must be a number in \[0, 1\]; got 2/);
  assert.throws(() => rfSamplingRate({ nyquistZone: 0 }), /nyquistZone \(n\) must be a positive integer; got 0/);
});

test('§VII against the formulas: what is reproduced and what is not (documented in powerPaperChecks)', () => {
  const checks = powerPaperChecks();
  const by = (id: string) => {
    const c = checks.find((x) => x.id === id);
    assert.ok(c, id);
    return c;
  };
  const within = Object.fromEntries(checks.map((c) => [c.id, c.within5Percent]));
  assert.deepEqual(within, {
    'breakEven/large': true,
    'breakEven/small': true,
    'basebandDacRatio/max': true,
    // "4–7×": 4 is reached at 2.5 MHz; at the 3.5 MHz where the paper still uses the GNN it is 3.77
    'basebandDacRatio/min': false,
    'rfDacRatio': true,
    'rfReduction/small@Bmax': true,
  });
  close(by('breakEven/large').formula, 196_269, 1e-5, '200 kHz');
  close(by('breakEven/small').formula, 3_616_139, 1e-6, '3.5 MHz');
  close(by('basebandDacRatio/min').formula, 294 / 78, 1e-12, 'ratio at 3.5 MHz');
  assert.ok(by('basebandDacRatio/min').alternatives?.some((a) => Math.abs(a.relativeDeviation) < 1e-9), 'exactly 4 at 2.5 MHz');
  close(by('rfReduction/small@Bmax').formula, 2.8714, 1e-4, '2.9');
  for (const c of checks) assert.ok(c.note.length > 0, `${c.id} has a note`);
});
