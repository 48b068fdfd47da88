import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../lib/core/random';
import { fansOf, initialValues, targetVariance } from '../../lib/train/init';
import { ParamSet } from '../../lib/train/params';
import { conv2d, dense } from '../../lib/train/layers';
import { setup, arr } from '../helpers';

function moments(v: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let s = 0, s2 = 0, m = 0;
  for (let i = 0; i < v.length; i++) { s += v[i]; s2 += v[i] * v[i]; m = Math.max(m, Math.abs(v[i])); }
  const mean = s / v.length;
  return { mean, variance: s2 / v.length - mean * mean, maxAbs: m };
}

test('Glorot and He sample variances match 2/(fanIn+fanOut) and 2/fanIn on a large layer; uniform ones stay in ±√(3·Var)', async () => {
  await setup();
  const fanIn = 300, fanOut = 500, n = fanIn * fanOut; // 1.5e5 draws: s.d. of the sample variance ≤ 0.4 %
  for (const init of ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal'] as const) {
    const params = new ParamSet(new Rng(`var-${init}`));
    dense(params, 'big', { inUnits: fanIn, outUnits: fanOut, kernelInit: init });
    const m = moments(arr(params.get('big/kernel')));
    const want = init.startsWith('glorot') ? 2 / (fanIn + fanOut) : 2 / fanIn;
    assert.equal(targetVariance(init, { fanIn, fanOut }), want);
    assert.ok(Math.abs(m.variance / want - 1) < 0.02, `${init}: variance ${m.variance} vs ${want}`);
    assert.ok(Math.abs(m.mean) < 4 * Math.sqrt(want / n), `${init}: mean ${m.mean}`);
    if (init.endsWith('Uniform')) assert.ok(m.maxAbs <= Math.sqrt(3 * want) * (1 + 1e-6), `${init}: max |w| ${m.maxAbs} > limit`);
    else assert.ok(m.maxAbs > Math.sqrt(3 * want), `${init}: a normal exceeds the uniform limit somewhere`);
    params.dispose();
  }
});

test('convolution kernels count the receptive field in the fans (Keras convention)', async () => {
  await setup();
  assert.deepEqual(fansOf([3, 3, 16, 32]), { fanIn: 144, fanOut: 288 });
  assert.deepEqual(fansOf([5, 4]), { fanIn: 5, fanOut: 4 });
  assert.deepEqual(fansOf([7]), { fanIn: 7, fanOut: 7 });
  const params = new ParamSet(new Rng(1));
  conv2d(params, 'c', { inChannels: 40, outChannels: 60, kernelSize: 5, kernelInit: 'heNormal' }); // 6e4 draws
  const m = moments(arr(params.get('c/kernel')));
  const want = 2 / (25 * 40);
  assert.ok(Math.abs(m.variance / want - 1) < 0.03, `conv heNormal variance ${m.variance} vs ${want}`);
  params.dispose();
});

test('constant, zeros, uniform, normal initialisers; bad ones are rejected naming the option', async () => {
  await setup();
  const rng = new Rng(2);
  assert.deepEqual(Array.from(initialValues({ kind: 'constant', value: 0.25 }, 3, { fanIn: 1, fanOut: 1 }, rng)), [0.25, 0.25, 0.25]);
  assert.deepEqual(Array.from(initialValues('zeros', 2, { fanIn: 1, fanOut: 1 }, rng)), [0, 0]);
  const u = moments(initialValues({ kind: 'uniform', low: 1, high: 3 }, 40000, { fanIn: 1, fanOut: 1 }, rng));
  assert.ok(Math.abs(u.mean - 2) < 0.02 && Math.abs(u.variance - 1 / 3) < 0.01 && u.maxAbs < 3);
  const g = moments(initialValues({ kind: 'normal', std: 2, mean: -1 }, 40000, { fanIn: 1, fanOut: 1 }, rng));
  assert.ok(Math.abs(g.mean + 1) < 0.05 && Math.abs(g.variance / 4 - 1) < 0.03);
  const params = new ParamSet(rng);
  assert.throws(() => params.add('a', { shape: [2], init: { kind: 'uniform', low: 1, high: 1 } }), /ParamSet.add\("a"\): init: uniform needs finite low < high; got/);
  assert.throws(() => params.add('a', { shape: [2], init: { kind: 'normal', std: -1 } }), /normal std must be finite and >= 0/);
  assert.throws(() => params.add('a', { shape: [2], init: { kind: 'constant', value: NaN } }), /constant value must be a finite number/);
  assert.throws(() => params.add('a', { shape: [2], init: { kind: 'orthogonal' } as never }), /kind must be 'constant', 'uniform' or 'normal'/);
  assert.throws(() => initialValues('heNormal', 2, { fanIn: 0, fanOut: 1 }, rng), /needs fanIn, fanOut > 0/);
  assert.equal(params.names().length, 0, 'a failed add registers nothing');
  params.dispose();
});

test('one seed decides every parameter: same seed identical, other seed different, independent of layer order', async () => {
  await setup();
  const build = (seed: number, order: 'ab' | 'ba') => {
    const p = new ParamSet(new Rng(seed));
    const a = () => dense(p, 'a', { inUnits: 4, outUnits: 3, biasInit: { kind: 'normal', std: 1 } });
    const b = () => conv2d(p, 'b', { inChannels: 2, outChannels: 2, kernelSize: 3, kernelInit: 'heNormal' });
    if (order === 'ab') { a(); b(); } else { b(); a(); }
    const v: Record<string, number[]> = {};
    for (const [k, t] of Object.entries(p.named())) v[k] = Array.from(arr(t));
    p.dispose();
    return v;
  };
  const before = tf.memory().numTensors;
  const x = build(7, 'ab');
  assert.deepEqual(build(7, 'ab'), x, 'same seed, same values');
  assert.deepEqual(build(7, 'ba'), x, 'a parameter\'s values depend on the seed and its name only');
  const y = build(8, 'ab');
  for (const k of ['a/kernel', 'a/bias', 'b/kernel']) assert.notDeepEqual(y[k], x[k], `${k} differs across seeds`);
  assert.notDeepEqual(x['a/kernel'], x['b/kernel'].slice(0, 12), 'different names draw different streams');
  assert.equal(tf.memory().numTensors, before, 'dispose frees every variable');
});
