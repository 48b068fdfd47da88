/**
 * The committed reproduce run (data/mser-hybrid-beamforming/reproduce.json): every network is
 * re-evaluated on the test channels and every network-derived number recomputed; the non-learned
 * schemes are recomputed on the first test channels of every SNR with the run's tuned η (each channel's
 * design depends on that channel alone); an edited number fails; no network ends above its start.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { compareResults } from '../../../lib/kit/savedRun';
import { clearStartCache, mserClaims, presetNets, presetOfRun, readMserRun, recomputeBaselines, recomputeResults, recomputeStudyBaselines, savedRunFile } from '../../../lib/papers/mser';
import { setup } from '../../helpers';

test('committed MSER reproduce run: networks re-evaluated number for number, baselines recomputed on the first channels, nets never worse than their start', async () => {
  const info = await setup();
  const run = readMserRun(savedRunFile('reproduce'));
  assert.equal(run.preset, 'reproduce');
  const p = presetOfRun(run);
  assert.equal(run.nets.length, presetNets(p).length, 'every network of the preset is saved');
  for (const n of run.results.nets) assert.ok(n.validationEnd <= n.validationStart, `${n.key}: validation SER ${n.validationEnd} > start ${n.validationStart}`);
  if (info.name !== run.backend) console.log(`note: run trained on ${run.backend}, re-evaluated on ${info.name}`);
  const before = tf.memory().numTensors;
  const again = JSON.parse(JSON.stringify(await recomputeResults(run)));
  clearStartCache();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  const same = info.name === run.backend;
  const tol = (path: string) => (/\.seconds$|timing/.test(path) ? ('skip' as const) : same ? 1e-6 : 0.05);
  const diffs = compareResults(run.results, again, tol);
  assert.deepEqual(diffs.slice(0, 10), [], `${diffs.length} saved numbers differ from the recomputation`);
  const edited = JSON.parse(JSON.stringify(run.results));
  const u = edited.perChannel.find((x: { scheme: string }) => x.scheme === 'unfolded');
  u.ser[0] = u.ser[0] * 1.01 + 1e-9;
  assert.ok(compareResults(edited, again, tol).length > 0, 'a 1 % edit of one saved network SER is detected');
  // the non-learned schemes on the first 2 test channels of every SNR
  const base = await recomputeBaselines(run, 2);
  for (const b of base) {
    b.recomputed.forEach((x, i) => {
      const y = b.stored[i];
      assert.ok(Math.abs(x - y) <= (same ? 1e-4 : 0.05) * Math.max(y, 1e-12) + 1e-15, `${b.scheme} at ${b.snrDb} dB, channel ${i}: recomputed ${x}, stored ${y}`);
    });
  }
  assert.ok(base.some((b) => b.scheme === 'mser-gd') && base.some((b) => b.scheme === 'mmse-gd'));
  // the studies' non-learned schemes (Table II, Figs. 9–11) on their first 2 test channels
  const study = await recomputeStudyBaselines(run, 2);
  for (const b of study) {
    b.recomputed.forEach((x, i) => {
      const y = b.stored[i];
      assert.ok(Math.abs(x - y) <= (same ? 1e-4 : 0.05) * Math.max(y, 1e-12) + 1e-15, `${b.part} ${b.scheme}, channel ${i}: recomputed ${x}, stored ${y}`);
    });
  }
  const parts = new Set(study.map((b) => b.part.replace(/ \(.*/, '')));
  assert.deepEqual([...parts].sort(), ['Fig. 10', 'Fig. 11', 'Fig. 9', 'Table II']);
  // Fig. 9 at σ_h² = 0 is Table II's row of the preset system, channel for channel (the CSI path adds nothing when H̄ = H)
  const sb = run.results.studyBaselines!;
  const zero = sb.fig9.find((x) => x.csiErrorVar === 0);
  const baseRow = sb.table2.find((r) => r.users === p.sys.users && r.rxRf === p.sys.rxRf);
  if (zero && baseRow) for (const s of zero.schemes) assert.deepEqual(s.ser, baseRow.schemes.find((x) => x.scheme === s.scheme)!.ser, `Fig. 9 at σ_h² = 0, ${s.scheme}`);
  // what the run must show: MSER GD beats MMSE GD, OMP and MO from the same start; and (the workbook's standard)
  // no trained network is worse on the test channels than its untrained self, paired (trainingGain, recomputed above)
  const claims = mserClaims(run.results, { headlineSnrDb: p.headlineSnrDb });
  for (const id of ['fig8-mser-beats-mmse', 'fig8-mser-beats-omp-mo', 'learned-not-below-start']) assert.ok(claims.find((c) => c.id === id)!.holds, id);
  assert.equal(run.results.trainingGain.length, presetNets(p).filter((s) => s.kind === 'unfolded' || s.kind === 'config' || s.kind === 'samples').length);
});
