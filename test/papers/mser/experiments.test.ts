/**
 * The experiment pipeline on the quick preset: the non-learned schemes are per channel (the first n test
 * channels alone give the same SERs), MSER GD never ends above its MO start in objective terms and the
 * fully digital designs bound the hybrid ones; the networks train and are never worse than their start;
 * results, claims and a saved run round-trip; the calibration picks the best-fitting N_C.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compareResults } from '../../../lib/kit/savedRun';
import {
  baselinesAt, calibrateChannel, channelSet, clearStartCache, disposeChannel, disposeNets, firstChannels, mserClaims, mserNets, mserPreset,
  mserResults, readMserRun, recomputeResults, toSavedRun, withChannel, writeMserRun,
} from '../../../lib/papers/mser';
import { setup } from '../../helpers';

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

test('MSER experiments (quick): per-channel baselines, calibration, networks, results, claims and a saved run that recomputes', async () => {
  await setup();
  const q = mserPreset('quick');
  const cal = await calibrateChannel({ ...q, calibration: { ...q.calibration, channels: 4 } });
  const best = cal.curves.filter((c) => c.fit).reduce((a, b) => (b.fit!.residual < a.fit!.residual ? b : a));
  assert.equal(cal.chosen.clusters, best.clusters);
  assert.ok(cal.curves.every((c) => c.curve.every((pt, i) => i === 0 || pt.ser <= c.curve[i - 1].ser * 1.5)), 'SER falls with SNR (up to noise)');
  const p = withChannel({ ...q, testChannels: 6, snrDb: [5, 15] }, cal.chosen);
  const before = tf.memory().numTensors;
  const b15 = await baselinesAt(p, 15);
  const ser = (s: string) => b15.schemes.find((x) => x.scheme === s)!.ser;
  // per channel: the first 3 test channels alone, with the chosen η, give the same SERs
  const all = channelSet(p, 'test', p.testChannels);
  const some = firstChannels(all, 3);
  disposeChannel(all);
  const eta = (s: string) => b15.schemes.find((x) => x.scheme === s)!.eta!;
  const part = await baselinesAt(p, 15, { channels: some, tuned: { mser: eta('mser-gd'), mmse: eta('mmse-gd') } });
  disposeChannel(some);
  for (const s of b15.schemes) {
    const qs = part.schemes.find((x) => x.scheme === s.scheme)!;
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(qs.ser[i] - s.ser[i]) <= 1e-4 * s.ser[i] + 1e-12, `${s.scheme} #${i}: ${qs.ser[i]} vs ${s.ser[i]}`);
  }
  assert.ok(mean(ser('mser-gd')) <= mean(ser('mser-gd-r1')) + 1e-12, 'best of starts ≤ one start');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks from the baselines');
  const b5 = await baselinesAt(p, 5);
  const nets = await mserNets(p);
  try {
    for (const n of nets.values()) assert.ok(n.validation.end <= n.validation.start, `${n.key}: ${n.validation.end} > ${n.validation.start}`);
    const r = mserResults(p, [b5, b15], nets, cal);
    assert.equal(r.fig8.filter((x) => x.scheme === 'unfolded').length, 2);
    assert.ok(r.table1.every((t) => t.unfolded && t.unfolded.ratio > 0));
    const claims = mserClaims(r, { headlineSnrDb: p.headlineSnrDb });
    // each Fig. 8 network against its untrained self on the test channels (a claim that can fail: quick trains 8 steps)
    assert.equal(r.trainingGain.filter((g) => g.key.startsWith('unfolded@')).length, 2);
    assert.ok(r.trainingGain.some((g) => g.key.startsWith('config@')) && r.trainingGain.some((g) => g.key.startsWith('samples@')), 'Tables II–III networks against their untrained selves too');
    r.trainingGain.forEach((g) => assert.ok(Math.abs(g.untrained.mean - g.trained.mean - g.gain.mean) < 1e-12));
    assert.equal(typeof claims.find((c) => c.id === 'learned-not-below-start')!.holds, 'boolean');
    // a saved run round-trips and its networks' numbers recompute (baselines stored, networks re-evaluated)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mser-saved-'));
    const file = writeMserRun(path.join(dir, 'quick.json'), toSavedRun({ ...p, snrDb: [5, 15] }, 1, r, nets));
    const run = readMserRun(file);
    const again = JSON.parse(JSON.stringify(await recomputeResults(run, { preset: p })));
    const diffs = compareResults(JSON.parse(JSON.stringify(r)), again, (k) => (/seconds|timing/.test(k) ? 'skip' : 1e-6));
    assert.deepEqual(diffs.slice(0, 5), [], `${diffs.length} numbers differ`);
  } finally {
    disposeNets(nets);
    clearStartCache();
  }
});

