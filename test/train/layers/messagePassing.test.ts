import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { ParamSet } from '../../../lib/train/params';
import { BipartiteFeatures, bipartiteInputs, messagePassing } from '../../../lib/train/layers';
import { backendTest, assertClose, arr } from '../../helpers';
import { checkGradients, messagePassingRef, MpRefSpec, valuesOf, weightedSum } from './reference';

const LRELU = { leakyRelu: 0.01 } as const;

function randomFeatures(rng: Rng, lead: number[], K: number, M: number, d: { e: number; a: number; u: number }): BipartiteFeatures {
  return { edge: rng.normal([...lead, K, M, d.e]), antenna: rng.normal([...lead, M, d.a]), user: rng.normal([...lead, K, d.u]) };
}

const f64 = (t: tf.Tensor) => Float64Array.from(arr(t));

backendTest('message passing equals eqs. (22)–(26) written as loops in the paper\'s (m, k) indexing (mean aggregation)', async () => {
  const rng = new Rng(20);
  const B = 2, K = 3, M = 5;
  const configs: (Omit<MpRefSpec, 'batch' | 'K' | 'M'>)[] = [
    { dE: 2, dA: 2, dU: 2, d: 4, act: LRELU, updateUsers: true, useBias: false },
    { dE: 3, dA: 1, dU: 2, d: 4, act: 'tanh', updateUsers: true, useBias: true },
    { dE: 4, dA: 4, dU: 4, d: 6, act: 'linear', updateUsers: false, useBias: false },
  ];
  for (const c of configs) {
    const params = new ParamSet(rng.fork(JSON.stringify(c)));
    const opts = { inUnits: { edge: c.dE, antenna: c.dA, user: c.dU }, outUnits: c.d, activation: c.act, useBias: c.useBias, biasInit: { kind: 'normal', std: 0.5 } as const };
    const z = randomFeatures(rng, [B], K, M, { e: c.dE, a: c.dA, u: c.dU });
    const before = tf.memory().numTensors;
    const out: Partial<BipartiteFeatures> = c.updateUsers
      ? messagePassing(params, 'mp', { ...opts, updateUsers: true })(z)
      : messagePassing(params, 'mp', { ...opts, updateUsers: false })(z);
    const nOut = c.updateUsers ? 3 : 2;
    assert.equal(tf.memory().numTensors, before + params.names().length + nOut, 'only the parameters and the outputs are new');
    const want = messagePassingRef({ edge: f64(z.edge), antenna: f64(z.antenna), user: f64(z.user) }, valuesOf(params), 'mp', { batch: B, K, M, ...c });
    assert.deepEqual(out.edge!.shape, [B, K, M, c.d]);
    assert.deepEqual(out.antenna!.shape, [B, M, c.d]);
    assertClose(arr(out.edge!), want.edge, 1e-5, 'edges (22)');
    assertClose(arr(out.antenna!), want.antenna, 1e-5, 'antennas (24), (25)');
    if (c.updateUsers) {
      assert.deepEqual(out.user!.shape, [B, K, c.d]);
      assertClose(arr(out.user!), want.user!, 1e-5, 'users (23), (26)');
    } else {
      assert.equal(out.user, undefined);
      assert.ok(!params.has('mp/W_self_ue') && !params.has('mp/W_neigh_ue'), 'the output layer registers no user weights');
    }
    const expectedNames = ['W_edge', 'W_bs', 'W_ue', ...(c.useBias ? ['b_edge'] : []), 'W_self_bs', 'W_neigh_bs', ...(c.useBias ? ['b_bs'] : []),
      ...(c.updateUsers ? ['W_self_ue', 'W_neigh_ue', ...(c.useBias ? ['b_ue'] : [])] : [])].map((n) => `mp/${n}`);
    assert.deepEqual(params.names(), expectedNames);
    assert.deepEqual(params.get('mp/W_neigh_bs').shape, [c.d, c.d]);
    assert.deepEqual(params.get('mp/W_edge').shape, [c.dE, c.d]);
    tf.dispose([z, out]);
    params.dispose();
  }
});

/** A 3-layer GNN in the paper's shape: input (d 2 → 8), hidden (8 → 8), output (8 → 4, antennas only). */
function smallGnn(params: ParamSet) {
  const l1 = messagePassing(params, 'l1', { inUnits: 2, outUnits: 8, activation: LRELU });
  const l2 = messagePassing(params, 'l2', { inUnits: 8, outUnits: 8, activation: LRELU });
  const l3 = messagePassing(params, 'l3', { inUnits: 8, outUnits: 4, updateUsers: false });
  return (z: BipartiteFeatures) => tf.tidy(() => {
    const h2 = l2(l1(z));
    return { ...l3(h2), user: h2.user }; // the last users that were computed, to check their equivariance
  });
}

backendTest('permutation equivariance: permuting users permutes edges (K axis) and users, antennas unchanged; same for antennas', async () => {
  const rng = new Rng(21);
  const params = new ParamSet(rng.fork('gnn'));
  const gnn = smallGnn(params);
  const B = 3, K = 4, M = 6;
  const z = randomFeatures(rng, [B], K, M, { e: 2, a: 2, u: 2 });
  const perm = (n: number) => {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [p[i], p[j]] = [p[j], p[i]]; }
    return tf.tensor1d(p, 'int32');
  };
  const before = tf.memory().numTensors;
  const out = gnn(z);
  assert.equal(tf.memory().numTensors, before + 3, 'the GNN forward leaves only its outputs');
  const pk = perm(K), pm = perm(M);
  // users: Π on the K axis of edge [B, K, M, 2] (axis 1) and user [B, K, 2] (axis 1)
  const outK = gnn({ edge: tf.gather(z.edge, pk, 1), antenna: z.antenna, user: tf.gather(z.user, pk, 1) });
  assertClose(arr(outK.edge), arr(tf.gather(out.edge, pk, 1)), 1e-5, 'edges follow the user permutation');
  assertClose(arr(outK.user), arr(tf.gather(out.user, pk, 1)), 1e-5, 'users follow the user permutation');
  assertClose(arr(outK.antenna), arr(out.antenna), 1e-5, 'antennas are invariant to the user order');
  // antennas: Π on the M axis of edge (axis 2) and antenna [B, M, 2] (axis 1)
  const outM = gnn({ edge: tf.gather(z.edge, pm, 2), antenna: tf.gather(z.antenna, pm, 1), user: z.user });
  assertClose(arr(outM.edge), arr(tf.gather(out.edge, pm, 2)), 1e-5, 'edges follow the antenna permutation');
  assertClose(arr(outM.antenna), arr(tf.gather(out.antenna, pm, 1)), 1e-5, 'antennas follow the antenna permutation');
  assertClose(arr(outM.user), arr(out.user), 1e-5, 'users are invariant to the antenna order');
  // and the identity is not vacuous: the outputs do depend on the order of the inputs
  const outBoth = gnn({ edge: tf.gather(z.edge, pk, 1), antenna: z.antenna, user: z.user });
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(outBoth.antenna, out.antenna))).dataSync()[0]) > 1e-3, 'permuting only the edges changes the output');
  tf.dispose([z, out, outK, outM, outBoth, pk, pm]);
  params.dispose();
});

backendTest('message-passing gradients (every W, every input) equal finite differences of the loop definition', async () => {
  const rng = new Rng(22);
  const B = 2, K = 2, M = 3;
  for (const c of [
    { dE: 2, dA: 3, dU: 2, d: 3, act: 'tanh', updateUsers: true, useBias: true },
    { dE: 2, dA: 2, dU: 2, d: 3, act: LRELU, updateUsers: false, useBias: false },
  ] as Omit<MpRefSpec, 'batch' | 'K' | 'M'>[]) {
    const params = new ParamSet(rng.fork(JSON.stringify(c)));
    const opts = { inUnits: { edge: c.dE, antenna: c.dA, user: c.dU }, outUnits: c.d, activation: c.act, useBias: c.useBias, biasInit: { kind: 'normal', std: 0.3 } as const };
    const layer = c.updateUsers ? messagePassing(params, 'mp', { ...opts, updateUsers: true }) : messagePassing(params, 'mp', { ...opts, updateUsers: false });
    const z = randomFeatures(rng, [B], K, M, { e: c.dE, a: c.dA, u: c.dU });
    const r = { edge: rng.normal([B, K, M, c.d]), antenna: rng.normal([B, M, c.d]), user: rng.normal([B, K, c.d]) };
    const rv = { edge: arr(r.edge), antenna: arr(r.antenna), user: arr(r.user) };
    const spec: MpRefSpec = { batch: B, K, M, ...c };
    checkGradients({
      params,
      inputs: { ...z },
      tfLoss: (x) => {
        const o = layer({ edge: x.edge, antenna: x.antenna, user: x.user }) as Partial<BipartiteFeatures>;
        let s = tf.add(tf.sum(tf.mul(o.edge!, r.edge)), tf.sum(tf.mul(o.antenna!, r.antenna)));
        if (o.user) s = tf.add(s, tf.sum(tf.mul(o.user, r.user)));
        return s as tf.Scalar;
      },
      refLoss: (p, x) => {
        const o = messagePassingRef({ edge: x.edge, antenna: x.antenna, user: x.user }, p, 'mp', spec);
        return weightedSum(o.edge, rv.edge) + weightedSum(o.antenna, rv.antenna) + (o.user ? weightedSum(o.user, rv.user) : 0);
      },
      tol: 2e-5,
    });
    tf.dispose([z, r]);
    params.dispose();
  }
});

backendTest('bipartiteInputs builds eqs. (27)–(29) from h [..., K, M] (= H_paperᵀ); one channel broadcasts over T symbol vectors', async () => {
  const rng = new Rng(23);
  const B = 2, T = 3, K = 2, M = 4;
  const h = rng.complexNormal([B, 1, K, M]);
  const s = rng.complexNormal([B, T, K]);
  const z = bipartiteInputs({ h, s });
  assert.deepEqual(z.edge.shape, [B, 1, K, M, 2]);
  assert.deepEqual(z.antenna.shape, [B, 1, M, 2]);
  assert.deepEqual(z.user.shape, [B, T, K, 2]);
  const hre = arr(h.re), him = arr(h.im), e = arr(z.edge);
  // the paper's z_(m,k)^(0) = [Re H_mk, Im H_mk] with H_mk = h[k, m]
  for (const [b, m, k] of [[0, 3, 1], [1, 0, 0], [1, 2, 1]]) {
    const i = ((b * K + k) * M + m);
    assert.equal(e[i * 2], hre[i]);
    assert.equal(e[i * 2 + 1], him[i]);
  }
  assertClose(arr(z.antenna), new Float32Array(B * M * 2), 0, 'z_bs^(0) = 0 (28)');
  assertClose(arr(z.user), arr(tf.stack([s.re, s.im], -1)), 0, 'z_ue^(0) = [Re s, Im s] (29)');
  // broadcasting the shared channel gives the same as tiling it over the T symbol vectors
  const params = new ParamSet(rng.fork('p'));
  const gnn = smallGnn(params);
  const out = gnn(z);
  const tiled = gnn({ edge: tf.tile(z.edge, [1, T, 1, 1, 1]), antenna: tf.tile(z.antenna, [1, T, 1, 1]), user: z.user });
  assert.deepEqual(out.antenna.shape, [B, T, M, 4]);
  assertClose(arr(out.antenna), arr(tiled.antenna), 1e-6, 'broadcast = tiled');
  assert.throws(() => bipartiteInputs({ h, s: rng.complexNormal([B, T, K + 1]) }), /bipartiteInputs: needs h \[\.\.\., K, M\] and s \[\.\.\., K\] with the same K/);
  tf.dispose([h.re, h.im, s.re, s.im, z, out, tiled]);
  params.dispose();
});

backendTest('messagePassing rejects inconsistent graphs and options, naming the layer and the shapes', async () => {
  const params = new ParamSet(new Rng(24));
  const layer = messagePassing(params, 'gnn/l1', { inUnits: 2, outUnits: 4 });
  const ok = { edge: tf.zeros([1, 3, 5, 2]), antenna: tf.zeros([1, 5, 2]), user: tf.zeros([1, 3, 2]) };
  tf.dispose(layer(ok));
  assert.throws(() => layer({ ...ok, antenna: tf.zeros([1, 4, 2]) }), /messagePassing\("gnn\/l1"\): needs edge \[\.\.\., K, M, d\].*got edge \[1,3,5,2\], antenna \[1,4,2\], user \[1,3,2\]/);
  assert.throws(() => layer({ ...ok, user: tf.zeros([1, 2, 2]) }), /matching K, M/);
  assert.throws(() => layer({ ...ok, user: tf.zeros([2, 3, 2]), antenna: tf.zeros([3, 5, 2]) }), /broadcastable/);
  assert.throws(() => layer({ ...ok, user: tf.zeros([1, 3, 3]) }), /user features must have last dimension 2 \(inUnits\)/);
  assert.throws(() => messagePassing(params, 'x', { inUnits: { edge: 2, antenna: 0, user: 2 }, outUnits: 4 }), /messagePassing\("x"\): inUnits.antenna must be a positive integer; got 0/);
  assert.throws(() => messagePassing(params, 'x', { inUnits: 2, outUnits: -1 }), /outUnits must be a positive integer/);
  assert.throws(() => messagePassing(params, 'gnn/l1', { inUnits: 2, outUnits: 4 }), /"gnn\/l1\/W_edge" already exists/);
  tf.dispose(ok);
  params.dispose();
});
