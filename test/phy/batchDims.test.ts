/**
 * Leading batch axes (Sionna's `[..., K, M]`): every precoder, metric, quantiser, radiation pattern
 * and the linear algebra they use gives, on a [2, 3, …] batch, the numbers it gives on each of the
 * 6 slices as a rank-3 [1, …] batch; channel generators with `batchShape` draw what `batch` = 6 draws.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { hermitianInverse, hermitianSolve } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';
import { clusteredChannel, geometricChannel, losChannel, losResponse, rayleigh, squeezeRx } from '../../lib/phy/channels';
import { lsGainEqualize } from '../../lib/phy/link';
import * as M from '../../lib/phy/metrics';
import { mrt, normalisePower, precode, quantizedPrecode, rzf, zf } from '../../lib/phy/precoders';
import * as Q from '../../lib/phy/quantizer';
import { radiationFromSignals, radiationPattern } from '../../lib/phy/radiation';
import { backendTest, arr, assertClose } from '../helpers';

const LEAD = [2, 3];
const N = 6;
type Arg = C.Complex | tf.Tensor;

/** Slice i of the [2, 3] leading axes, as a [1, ...] batch. */
function sliceOf(x: Arg, i: number): Arg {
  const one = (t: tf.Tensor) => tf.reshape(tf.slice(tf.reshape(t, [N, ...t.shape.slice(2)]), [i], [1]), [1, ...t.shape.slice(2)]);
  return x instanceof tf.Tensor ? one(x) : { re: one(x.re), im: one(x.im) };
}

/** The tensors of a result in a fixed order (Complex → re, im; objects by key). */
function flat(x: unknown): tf.Tensor[] {
  if (x instanceof tf.Tensor) return [x];
  if (Array.isArray(x)) return x.flatMap(flat);
  if (x !== null && typeof x === 'object') return Object.keys(x).sort().flatMap((k) => flat((x as Record<string, unknown>)[k]));
  return [];
}

/** f on the [2, 3, …] batch equals f on each slice, output by output; relative tolerance `tol`. */
function sameAsSlices(name: string, f: (...xs: Arg[]) => unknown, batched: Arg[], tol = 1e-5): void {
  tf.tidy(() => {
    const whole = flat(f(...batched));
    assert.ok(whole.length > 0, `${name}: returns tensors`);
    for (const t of whole) assert.deepEqual(t.shape.slice(0, 2), LEAD, `${name}: output [${t.shape}] keeps the leading axes`);
    for (let i = 0; i < N; i++) {
      const part = flat(f(...batched.map((x) => sliceOf(x, i))));
      whole.forEach((t, j) => {
        const w = arr(t);
        const size = w.length / N;
        const got = w.subarray(i * size, (i + 1) * size);
        const want = arr(part[j]);
        const scale = Math.max(1, ...Array.from(want, Math.abs));
        assertClose(got, want, tol * scale, `${name}: output ${j}, slice ${i}`);
      });
    }
  });
}

backendTest('precoders, metrics, quantisers and radiation patterns: a [2, 3, K, M] batch = its 6 rank-3 slices', () => {
  const rng = new Rng('batch dims');
  const [k, m, t] = [2, 4, 8];
  const h = rng.complexNormal([...LEAD, k, m]);
  const w = rng.complexNormal([...LEAD, m, k]);
  const s = rng.complexNormal([...LEAD, k, t]);
  const y = rng.complexNormal([...LEAD, m, t]);
  const noise = rng.uniform(LEAD, 0.1, 0.5);
  const alpha = rng.uniform([...LEAD, k], 0.5, 2);
  const q = Q.lloydMax(2, 0.5);
  const a = losResponse([0, 40, 90, 135], m);
  const cases: [string, (...xs: Arg[]) => unknown, Arg[]][] = [
    ['mrt', (x) => mrt(x as C.Complex, { power: 2 }), [h]],
    ['zf', (x) => zf(x as C.Complex, { power: 2 }), [h]],
    ['rzf', (x) => rzf(x as C.Complex, { noiseVar: 0.3 }), [h]],
    ['normalisePower', (x) => normalisePower(x as C.Complex, 3), [w]],
    ['precode', (x, z) => precode(x as C.Complex, z as C.Complex), [w, s]],
    ...(['precoder', 'empirical', 'none'] as const).map((mode): [string, (...xs: Arg[]) => unknown, Arg[]] =>
      [`quantizedPrecode (${mode})`, (x, z) => quantizedPrecode(x as C.Complex, z as C.Complex, q, { perAntennaNormalisation: mode }), [w, s]]),
    ['sinr (σ² per channel)', (x, z, n) => M.sinr(x as C.Complex, z as C.Complex, n as tf.Tensor), [h, w, noise]],
    ['userRates', (x, z) => M.userRates(x as C.Complex, z as C.Complex, 0.2), [h, w]],
    ['sumRate', (x, z, n) => M.sumRate(x as C.Complex, z as C.Complex, n as tf.Tensor), [h, w, noise]],
    ['weightedSumRate (α per channel)', (x, z, al) => M.weightedSumRate(x as C.Complex, z as C.Complex, 0.2, al as tf.Tensor), [h, w, alpha]],
    ['nmse', (x, z) => M.nmse(x as C.Complex, z as C.Complex), [y, C.scale(y, 1.1)]],
    ['oppScale, nmseOpp', (x, z) => [M.oppScale(x as C.Complex, z as C.Complex), M.nmseOpp(x as C.Complex, z as C.Complex)], [s, C.add(s, C.scale(s, 0.2))]],
    ['bussgang (sample, ls)', (x, z) => [M.bussgang(x as C.Complex, z as C.Complex), M.bussgang(x as C.Complex, z as C.Complex, { estimator: 'ls' })], [y, s]],
    ['distortionCovariance', (x) => M.distortionCovariance(x as C.Complex), [y]],
    ['snidr, sumRateSnidr', (x, z, v, n) => [M.snidr(x as C.Complex, z as C.Complex, v as C.Complex, n as tf.Tensor), M.sumRateSnidr(x as C.Complex, z as C.Complex, v as C.Complex, 0.1, { estimator: 'ls' })], [h, y, s, noise]],
    ['antennaPower*, quantizePerAntenna*', (x, z) => [Q.antennaPowerFromPrecoder(z as C.Complex), Q.antennaPowerEmpirical(x as C.Complex), Q.quantizePerAntenna(x as C.Complex, z as C.Complex, q), Q.quantizePerAntennaEmpirical(x as C.Complex, q)], [y, w]],
    ['radiationPattern', (x, c) => radiationPattern(x as C.Complex, c as C.Complex, a), [w, M.distortionCovariance(y)]],
    ['radiationFromSignals', (x, z) => radiationFromSignals(x as C.Complex, z as C.Complex, a), [y, s]],
    ['lsGainEqualize', (x, z) => lsGainEqualize(x as C.Complex, z as C.Complex), [C.mul(s, rng.complexNormal([...LEAD, k, 1])), s]],
  ];
  for (const [name, f, args] of cases) sameAsSlices(name, f, args);
  const spd = C.add(C.matmul(h, h, false, true), C.scale(C.eye(k), 0.5));
  sameAsSlices('hermitianInverse, hermitianSolve', (x, b) => [hermitianInverse(x as C.Complex), hermitianSolve(x as C.Complex, b as C.Complex)], [spd, s], 1e-4);
  sameAsSlices('matmul with adjoints', (x, z) => [C.matmul(x as C.Complex, z as C.Complex), C.matmul(x as C.Complex, x as C.Complex, true, false)], [h, w]);
});

backendTest('channel generators: batchShape [2, 3] draws the numbers of batch 6, reshaped; squeezeRx keeps leading axes', () => {
  const same = (a: C.Complex, b: C.Complex, shape: number[], what: string) => {
    assert.deepEqual(a.re.shape, shape, what);
    assert.deepEqual(arr(a.re), arr(b.re), `${what} (re)`);
    assert.deepEqual(arr(a.im), arr(b.im), `${what} (im)`);
  };
  const o = { users: 2, antennas: 4 };
  same(rayleigh(new Rng(1), { ...o, batchShape: LEAD }), rayleigh(new Rng(1), { ...o, batch: N }), [...LEAD, 2, 4], 'rayleigh');
  const l = losChannel(new Rng(2), { ...o, batchShape: LEAD });
  same(l.h, losChannel(new Rng(2), { ...o, batch: N }).h, [...LEAD, 2, 4], 'losChannel');
  assert.equal(l.anglesDeg.length, N * 2);
  const co = { users: 2, txAntennas: 4, rxAntennas: 3, clusters: 2, raysPerCluster: 3 };
  const c = clusteredChannel(new Rng(3), { ...co, batchShape: LEAD });
  same(c.h, clusteredChannel(new Rng(3), { ...co, batch: N }).h, [...LEAD, 2, 3, 4], 'clusteredChannel (MSER: users with N_r antennas)');
  const g = geometricChannel(new Rng(4), LEAD, { ...o, condition: 'nlos' });
  same(g.h, geometricChannel(new Rng(4), N, { ...o, condition: 'nlos' }).h, [...LEAD, 2, 4], 'geometricChannel');
  const c1 = clusteredChannel(new Rng(5), { ...co, rxAntennas: 1, batchShape: LEAD });
  same(squeezeRx(c1.h), C.reshape(c1.h, [...LEAD, 2, 4]), [...LEAD, 2, 4], 'squeezeRx');
  assert.throws(() => rayleigh(new Rng(1), { ...o, batch: 6, batchShape: LEAD }), /rayleigh\(rng, opts\): give batch or batchShape, not both/);
  assert.throws(() => rayleigh(new Rng(1), { ...o, batchShape: [2, 0] }), /rayleigh\(rng, opts\): batchShape\[1\] must be a positive integer; got 0/);
  assert.throws(() => rayleigh(new Rng(1), o), /rayleigh\(rng, opts\): batch must be a positive integer; got undefined/);
  assert.throws(() => geometricChannel(new Rng(1), [2, 1.5]), /geometricChannel\(rng, batch, scenario\): batchShape\[1\] must be a positive integer; got 1.5/);
});
