/**
 * Tables II–III and Figs. 9–10 (./studies) on a shrunk quick preset: Fig. 9 at σ_h² = 0 reproduces Table II's
 * row of the preset system channel by channel (the CSI plumbing adds nothing when H̄ = H); the transferred
 * network keeps its first layers bit for bit and is never worse on validation than its source; each
 * configuration's network has that configuration's system; the 16-QAM network and Table VI; stored baselines
 * that do not match the preset are refused; no training is run twice; no tensor leaks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  checkPreset, clearStartCache, disposeNets, mergeStudyBaselines, mserNets, mserPreset, netKey, presetNets, studyBaselines, studyResults, studySystem,
} from '../../../lib/papers/mser';
import { setup } from '../../helpers';

test('MSER studies: every network once (shared runs are not retrained), transfer after its source', () => {
  for (const name of ['quick', 'reproduce', 'paper']) {
    const p = mserPreset(name);
    const keys = presetNets(p).map(netKey);
    assert.equal(new Set(keys).size, keys.length, `${name}: unique keys`);
    assert.ok(!keys.includes(`curve@lr=${p.unfolded.train.learningRate}`), `${name}: the preset's own η₀ is curve@N=${p.unfolded.train.batchChannels}`);
    assert.ok(!keys.includes(`curve@L=${p.unfolded.layers}`));
    assert.ok(!keys.includes(`samples@n=${p.trainChannels}`), `${name}: the preset's own count is its config network`);
    const src = keys.indexOf(`unfolded@${p.studies.transfer.snrDb}`);
    assert.ok(src >= 0 && src < keys.indexOf(`transfer@${p.studies.transfer.snrDb}`), `${name}: transfer after its source`);
  }
});

test('MSER studies: Table II systems carry D_k = min(D_k, R_r); bad study settings name the field', () => {
  const p = mserPreset('reproduce');
  assert.deepEqual(studySystem(p.sys, { users: 4, rxRf: 2 }), { ...p.sys, users: 4, rxRf: 2, streams: 2 });
  assert.equal(studySystem(p.sys, { users: 1, rxRf: 4 }).streams, 3);
  const bad = (edit: (q: ReturnType<typeof mserPreset>) => void, re: RegExp) => {
    const q = mserPreset('reproduce');
    edit(q);
    assert.throws(() => checkPreset('t', q), re);
  };
  bad((q) => { q.studies.transfer.frozenLayers = 15; }, /p\.studies\.transfer\.frozenLayers.*\[0, 14\]/);
  bad((q) => { q.studies.trainChannels = [10]; }, /p\.studies\.trainChannels\[0\].*batch N = 20/);
  bad((q) => { q.studies.csiErrorVar = [-0.1]; }, /csiErrorVar\[0\]/);
  bad((q) => { q.studies.configs = [{ users: 5, rxRf: 4 }]; }, /configs\[0\]/);
});

test('MSER studies (quick): Fig. 9 at σ_h² = 0 is Table II, transfer keeps its fixed layers, 16-QAM runs, stored baselines are checked, no leaks', async () => {
  await setup();
  const q = mserPreset('quick');
  const p = { ...q, testChannels: 4, tuneChannels: 4 };
  const before = tf.memory().numTensors;
  const sb = await studyBaselines(p);
  const only = [...presetNets(p).map(netKey).filter((k) => /^(config|samples|transfer|qam)@/.test(k)), `unfolded@${p.studies.transfer.snrDb}`];
  const nets = await mserNets(p, { only });
  try {
    const base = sb.table2.find((r) => r.users === p.sys.users && r.rxRf === p.sys.rxRf)!;
    const zero = sb.fig9.find((x) => x.csiErrorVar === 0)!;
    for (const s of zero.schemes) {
      const t = base.schemes.find((x) => x.scheme === s.scheme)!;
      assert.deepEqual(s.ser, t.ser, `${s.scheme}: the design on H̄ = H is Table II's`);
    }
    const r = studyResults(p, sb, nets);
    const row = r.table2.find((x) => x.users === p.sys.users && x.rxRf === p.sys.rxRf)!;
    const u0 = r.fig9.find((x) => x.csiErrorVar === 0 && x.scheme.startsWith('unfolded'))!;
    assert.equal(u0.ser.mean, row.unfolded!.mean, 'the unfolded network at σ_h² = 0 is its Table II number');
    assert.ok(r.table3.some((x) => x.trainChannels === p.trainChannels), 'Table III takes the shared run');
    for (const c of p.studies.configs) {
      const n = nets.get(`config@K=${c.users},Rr=${c.rxRf}`)!;
      assert.ok('unfolded' in n.net);
      if ('unfolded' in n.net) assert.deepEqual(n.net.unfolded.config.sys, studySystem(p.sys, c));
    }
    const src = nets.get(`unfolded@${p.studies.transfer.snrDb}`)!, tr = nets.get(`transfer@${p.studies.transfer.snrDb}`)!;
    assert.ok('unfolded' in src.net && 'unfolded' in tr.net);
    if ('unfolded' in src.net && 'unfolded' in tr.net) {
      const a = src.net.unfolded.params, b = tr.net.unfolded.params;
      for (const name of a.names()) {
        const l = Number(/^l(\d+)\//.exec(name)![1]);
        if (l < p.studies.transfer.frozenLayers) assert.deepEqual(b.get(name).dataSync(), a.get(name).dataSync(), `${name} is fixed`);
      }
    }
    assert.ok(tr.validation.end <= tr.validation.start, 'never worse than its source on validation');
    assert.ok(r.fig10.length >= 5 && r.transferGain !== null);
    // Fig. 11 / Table VI: the 16-QAM network and baselines
    const qn = nets.get(`qam@${p.studies.qamSnrDb[0]}`)!;
    assert.ok('unfolded' in qn.net && qn.net.unfolded.config.sys.modulation === '16qam');
    assert.equal(r.table6.length, p.studies.qamSnrDb.length);
    assert.ok(r.table6[0].ratio && r.table6[0].ratio.ratio > 0 && r.fig11.some((x) => x.scheme === 'unfolded'));
    // stored baselines that do not belong to the preset, and parts computed twice, are errors naming the field
    assert.throws(() => studyResults(p, { ...sb, snrDb: sb.snrDb + 1 }, nets), /studyResults\(studyBaselines\.snrDb\)/);
    assert.throws(() => studyResults(p, { ...sb, fig10: { schemes: sb.fig10.schemes.map((x) => ({ ...x, ser: x.ser.slice(1) })) } }, nets), /fig10\.schemes\[0\].*needs 4 per-channel SERs/);
    assert.throws(() => mergeStudyBaselines(sb, sb, 'b.json'), /b\.json: the studies' table2 is also in an earlier file/);
  } finally {
    disposeNets(nets);
    clearStartCache();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leak');
});
