/**
 * Small pieces of the MSER experiments that the end-to-end tests only pass through: Fig. 10's Rayleigh
 * channel set (CN(0, 1) entries, seeded, one stream per purpose), the symbol vectors of the exact SER
 * (all of them, or one fixed draw), Figs. 5–7's shared run (curveResults), and the transfer option's
 * input errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { channelSet, curveResults, disposeChannel, mserPreset, netKey, serVectors, trainUnfoldedAt, EXACT_SER_SAMPLED_VECTORS } from '../../../lib/papers/mser';
import type { MserNets, MserTrainedNet } from '../../../lib/papers/mser';
import { PAPER_SYSTEM } from '../../../lib/papers/mser/system';
import { buildUnfolded } from '../../../lib/papers/mser/unfolded';
import { setup } from '../../helpers';

test('MSER channelSet kind rayleigh: [B, K, N_r, N_t] CN(0, 1) entries, the same draw for the same seed, another per purpose', async () => {
  await setup();
  const p = mserPreset('quick');
  const before = tf.memory().numTensors;
  const a = channelSet(p, 'test', 50, { kind: 'rayleigh' });
  const b = channelSet(p, 'test', 50, { kind: 'rayleigh' });
  const c = channelSet(p, 'train', 50, { kind: 'rayleigh' });
  try {
    assert.deepEqual(a.h.re.shape, [50, p.sys.users, p.sys.rxAntennas, p.sys.txAntennas]);
    const re = a.h.re.dataSync(), im = a.h.im.dataSync();
    const n = re.length;
    let power = 0, meanRe = 0, meanIm = 0, cross = 0;
    for (let i = 0; i < n; i++) {
      power += re[i] * re[i] + im[i] * im[i];
      meanRe += re[i];
      meanIm += im[i];
      cross += re[i] * im[i];
    }
    // E|h|² = 1 (s.e. 1/√n), E h = 0 (s.e. √(1/(2n)) per part), Re ⟂ Im: 5 standard errors
    assert.ok(Math.abs(power / n - 1) < 5 / Math.sqrt(n), `mean |h|² = ${power / n}`);
    assert.ok(Math.abs(meanRe / n) < 5 / Math.sqrt(2 * n) && Math.abs(meanIm / n) < 5 / Math.sqrt(2 * n));
    assert.ok(Math.abs(cross / n) < 5 * (0.5 / Math.sqrt(n)), `E[Re h · Im h] = ${cross / n}`);
    assert.deepEqual(Array.from(b.h.re.dataSync()), Array.from(re), 'same seed and purpose: same channels');
    assert.notDeepEqual(Array.from(c.h.re.dataSync().slice(0, 8)), Array.from(re.slice(0, 8)), 'train and test channels differ');
    assert.equal(a.aodDeg.length, 0, 'no ray angles for Rayleigh');
  } finally {
    [a, b, c].forEach(disposeChannel);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test('MSER serVectors: all QPSK vectors of the paper system; one fixed draw of 16-QAM vectors when 16^D is too many', () => {
  assert.equal(serVectors(PAPER_SYSTEM), 'all', '4^6 QPSK vectors are enumerated');
  const qam = { ...PAPER_SYSTEM, modulation: '16qam' as const };
  const v1 = serVectors(qam), v2 = serVectors(qam);
  if (v1 === undefined || v1 === 'all' || v2 === undefined || v2 === 'all') assert.fail('16^6 vectors are sampled');
  assert.equal(v1.sample, EXACT_SER_SAMPLED_VECTORS);
  // the same draw every call: the generators give the same numbers
  const draw = (r: Rng) => Array.from({ length: 8 }, () => r.next());
  assert.deepEqual(draw(v1.rng), draw(v2.rng));
  const small = { ...qam, users: 1, rxRf: 2, streams: 2 };
  assert.equal(serVectors(small), 'all', '16² vectors are enumerated');
});

test('MSER curveResults: the run at the preset N, η₀ and L is one network shown in all three groups', async () => {
  await setup();
  // quick tries its own N and L but not its own η₀; the reproduce preset tries all three
  for (const name of ['quick', 'reproduce'] as const) await sharedCurve(name);
});

async function sharedCurve(name: 'quick' | 'reproduce'): Promise<void> {
  const p = mserPreset(name);
  const t = p.unfolded.train;
  const nets: MserNets = new Map();
  const net = buildUnfolded(new Rng(0), { sys: p.sys, layers: 1, steps: { v: 0.01, w: 0.01, thetaU: 0.01, thetaF: 0.01 }, rho: 0.1 });
  try {
    const add = (variant: MserTrainedNet['spec']['variant'], loss: number) => {
      const spec = { kind: 'curve' as const, snrDb: p.headlineSnrDb, variant };
      const key = netKey(spec);
      nets.set(key, { key, spec, net: { unfolded: net }, validation: { start: 1, end: 1 }, valSer: [loss], valSteps: [0], loss: [loss], seconds: 0 });
    };
    add({ batchChannels: t.batchChannels }, 1);
    for (const n of p.curves.batchSizes.filter((x) => x !== t.batchChannels)) add({ batchChannels: n }, 2);
    for (const lr of p.curves.learningRates.filter((x) => x !== t.learningRate)) add({ learningRate: lr }, 3);
    for (const L of p.curves.layers.filter((x) => x !== p.unfolded.layers)) add({ layers: L }, 4);
    const curves = curveResults(p, nets);
    const shared = `curve@N=${t.batchChannels}`;
    const want: [string, number][] = [['N', t.batchChannels]];
    if (p.curves.learningRates.includes(t.learningRate)) want.push(['lr', t.learningRate]);
    if (p.curves.layers.includes(p.unfolded.layers)) want.push(['L', p.unfolded.layers]);
    assert.ok(want.length >= (name === 'reproduce' ? 3 : 2), `${name}: the shared run belongs to ${want.length} groups`);
    assert.deepEqual(curves.filter((c) => c.key === shared).map((c) => [c.group, c.value]).sort(), want.sort());
    for (const g of ['N', 'lr', 'L'] as const) {
      const values = g === 'N' ? p.curves.batchSizes : g === 'lr' ? p.curves.learningRates : p.curves.layers;
      assert.deepEqual(curves.filter((c) => c.group === g).map((c) => c.value).sort((a, b) => a - b), [...values].sort((a, b) => a - b), `${name}, group ${g}: one curve per value`);
    }
  } finally {
    net.dispose();
  }
}

test('MSER trainUnfoldedAt transfer: bad frozen-layer counts, another system and a second η or L are refused by name', async () => {
  await setup();
  const p = mserPreset('quick');
  const steps = { v: 0.01, w: 0.01, thetaU: 0.01, thetaF: 0.01 };
  const from = buildUnfolded(new Rng(0), { sys: p.sys, layers: 3, steps, rho: 0.1 });
  const other = buildUnfolded(new Rng(0), { sys: { ...p.sys, users: 1, streams: 1 }, layers: 3, steps, rho: 0.1 });
  try {
    for (const frozenLayers of [-1, 3, 1.5]) {
      await assert.rejects(trainUnfoldedAt(p, 5, { transfer: { from, frozenLayers } }), /o\.transfer\.frozenLayers\): an integer in \[0, 2\]/);
    }
    await assert.rejects(trainUnfoldedAt(p, 5, { transfer: { from: other, frozenLayers: 1 } }), /o\.transfer\.from\): its system/);
    await assert.rejects(trainUnfoldedAt(p, 5, { eta: 0.1, transfer: { from, frozenLayers: 1 } }), /the source fixes η and L/);
    await assert.rejects(trainUnfoldedAt(p, 5, { variant: { layers: 2 }, transfer: { from, frozenLayers: 1 } }), /the source fixes η and L/);
  } finally {
    from.dispose();
    other.dispose();
  }
});
