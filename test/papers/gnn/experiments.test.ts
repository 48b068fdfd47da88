import assert from 'node:assert/strict';
import { gnnPreset, linearPatterns, linearRates, mrtNmseTable } from '../../../lib/papers/gnn';
import { backendTest } from '../../helpers';

const quick = gnnPreset('quick');

backendTest('Figs. 3–4: 1-bit MRT beamforms its distortion to the user (SDR there ≈ flat at a pathological angle), ZF with 6 users spreads it', () => {
  const p = { ...quick, patternStepDeg: 1, patternSymbols: 2000 };
  const [a90, a110, zf2, zf6] = linearPatterns(p);
  // φ = 90°: MRT weights are all equal, every antenna quantises the same signal: SDR the same in every direction
  // (away from the pattern's nulls, where both P_lin and P_dist vanish and their ratio is rounding noise)
  const peak = Math.max(...a90.linDb);
  const lit = a90.sdrDb.filter((_, i) => a90.linDb[i] > peak - 20);
  const spread90 = Math.max(...lit) - Math.min(...lit);
  assert.ok(spread90 < 1, `SDR spread at 90°: ${spread90.toFixed(2)} dB`);
  // φ = 110°: the distortion is beamformed (a strong peak), ZF with 6 users spreads it far more
  assert.ok(a110.distPeakOverMedianDb > zf6.distPeakOverMedianDb + 3, `peak/median: MRT 110° ${a110.distPeakOverMedianDb.toFixed(1)} dB, ZF K=6 ${zf6.distPeakOverMedianDb.toFixed(1)} dB`);
  // the SDR at the users grows with the number of users (the paper's reading of Fig. 4)
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  assert.ok(mean(zf6.sdrAtUsersDb) > mean(a110.sdrAtUsersDb), `SDR at users: K=6 ${mean(zf6.sdrAtUsersDb).toFixed(1)} dB vs K=1 ${a110.sdrAtUsersDb[0].toFixed(1)} dB`);
  assert.equal(zf2.sdrAtUsersDb.length, 2);
});

backendTest('Table I MRT row and baseline rates: more bits, lower NMSE and higher rates; ideal DACs on top', () => {
  const t = mrtNmseTable(quick);
  assert.deepEqual(t.map((r) => r.bits), [1, 2, 3, 4]);
  for (let i = 1; i < t.length; i++) assert.ok(t[i].mrtDb < t[i - 1].mrtDb - 4, `b=${t[i].bits}: ${t[i].mrtDb}`);
  const rows = linearRates(quick);
  const at = (K: number, b: number) => rows.find((r) => r.users === K && r.bits === b && r.snrDb === 20)!.rate.mean;
  for (const K of quick.users) assert.ok(at(K, 1) < at(K, 2) && at(K, 2) < at(K, 0), `K=${K}: ${at(K, 1)}, ${at(K, 2)}, ${at(K, 0)}`);
});
