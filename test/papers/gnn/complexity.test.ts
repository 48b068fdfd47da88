import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { buildGnn } from '../../../lib/papers/gnn/model';
import {
  complexityPaperChecks, flopComparison, GnnSize, ImplementationOp, implementationFlops, maxBandwidth, paperFlops,
  paperGnnFlops, requiredSpeed,
} from '../../../lib/papers/gnn/complexity';
import { backendTest } from '../../helpers';

const rel = (a: number, b: number) => Math.abs(a / b - 1);

test('paperFlops: eqs. (31)–(38) for M = 32, K = 1, b = 1 (totals from a separate transcription)', () => {
  const large = paperFlops({ antennas: 32, users: 1, bits: 1, hiddenLayers: 4, features: 128 });
  assert.deepEqual([large.mul, large.add, large.total], [11_277_824, 11_234_560, 22_512_384]);
  const small = paperFlops({ antennas: 32, users: 1, bits: 1, hiddenLayers: 8, features: 32 });
  assert.deepEqual([small.mul, small.add, small.total], [1_395_680, 1_376_000, 2_771_680]);
  assert.equal(paperGnnFlops('large'), large.total);
  assert.equal(paperGnnFlops('small'), small.total);
  // (37)/(38) = in + N_h·h + out, and the terms add up to the layers
  assert.equal(large.mul, large.inputLayer.mul + 4 * large.hiddenLayer.mul + large.outputLayer.mul);
  assert.equal(large.add, large.inputLayer.add + 4 * large.hiddenLayer.add + large.outputLayer.add);
  const outTerms = large.terms.filter((t) => t.layer === 'output');
  assert.deepEqual(outTerms.map((t) => t.equation), [22, 24, 25], 'the output layer computes antenna features only');
});

test('paperFlops: one small case by hand (M = 2, K = 3, b = 2, N_h = 1, d_h = 4)', () => {
  const M = 2, K = 3, d = 4, L = 4;
  const f = paperFlops({ antennas: M, users: K, bits: 2, hiddenLayers: 1, features: d });
  // (31): 6MKd + Kd + Md + 2Md + Md² + 2Kd + Kd² = 144 + 12 + 8 + 16 + 32 + 24 + 48
  assert.equal(f.inputLayer.mul, 284);
  // (32): 5MKd + K(M−1)d + M(K−1)d + Md + Md² + Kd + Kd² = 120 + 12 + 16 + 8 + 32 + 12 + 48
  assert.equal(f.inputLayer.add, 248);
  // (33): 3MKd² + Kd + Md + 2Md² + 2Kd² = 288 + 12 + 8 + 64 + 96
  assert.equal(f.hiddenLayer.mul, 468);
  // (34): 3MKd² − MKd + K(M−1)d + M(K−1)d + 2Md² − Md + 2Kd² − Kd = 288 − 24 + 12 + 16 + 64 − 8 + 96 − 12
  assert.equal(f.hiddenLayer.add, 432);
  // (35): 6MKd2^b + 2M2^b + 4M2^{2b} + 2Md2^b = 576 + 16 + 128 + 64
  assert.equal(f.outputLayer.mul, 6 * M * K * d * L + 2 * M * L + 4 * M * L * L + 2 * M * d * L);
  assert.equal(f.outputLayer.mul, 784);
  // (36): 576 − 2MK2^b + 2M(K−1)2^b + 128 + 64 − 2M2^b = 576 − 48 + 32 + 128 + 64 − 16
  assert.equal(f.outputLayer.add, 736);
  assert.equal(f.total, 284 + 248 + 468 + 432 + 784 + 736);
});

test('paper − ours = (2MK − M − K)·Σ_n d_n·d_{n−1} (+ M·Σ_n d_n for K = 1) mul and (2MK − M − K)·Σ_n d_n·(d_{n−1} − 1) add (T = 1)', () => {
  for (const o of [
    { antennas: 32, users: 1, bits: 1, hiddenLayers: 4, features: 128 },
    { antennas: 8, users: 4, bits: 3, hiddenLayers: 2, features: 16 },
    { antennas: 3, users: 2, bits: 4, hiddenLayers: 0, features: 5 },
  ]) {
    const p = paperFlops(o), i = implementationFlops(o);
    const e = 2 * o.antennas * o.users - o.antennas - o.users;
    const layers: [number, number][] = [[2, o.features], ...Array.from({ length: o.hiddenLayers }, (): [number, number] => [o.features, o.features]), [o.features, 2 ** (o.bits + 1)]];
    // with K = 1 the mean (24) over one user is a squeeze in our code: the paper's M·d_n multiplications of it are not done
    const squeezed = o.users === 1 ? o.antennas * layers.reduce((a, [, dOut]) => a + dOut, 0) : 0;
    assert.equal(p.mul - i.mul, e * layers.reduce((a, [dIn, dOut]) => a + dIn * dOut, 0) + squeezed, `mul ${JSON.stringify(o)}`);
    assert.equal(p.add - i.add, e * layers.reduce((a, [dIn, dOut]) => a + (dIn - 1) * dOut, 0), `add ${JSON.stringify(o)}`);
  }
  // the side-by-side table: only (22) differs
  const rows = flopComparison({ antennas: 32, users: 1, bits: 1, hiddenLayers: 4, features: 128 });
  for (const r of rows) {
    if (r.equation === 22) assert.ok(r.ours.mul < r.paper.mul && r.note.length > 0, `(22) ${r.layer}`);
    else if (r.equation === 24) assert.ok(r.ours.mul === 0 && r.ours.add === r.paper.add, `(24) ${r.layer}: K = 1, a squeeze`);
    else assert.deepEqual(r.ours, r.paper, `(${r.equation}) ${r.layer}`);
  }
});

test('implementationFlops: the channel-only work of the input layer is shared by T symbol vectors', () => {
  const o = { antennas: 32, users: 1, bits: 1, hiddenLayers: 4, features: 128 };
  const one = implementationFlops(o), many = implementationFlops({ ...o, symbolVectorsPerChannel: 125 });
  const M = 32, K = 1, d = 128;
  // per channel: W_edge [MK,2]·[2,d], W_bs [M,2]·[2,d], W_self,bs [M,2]·[2,d], the edge + antenna sum (MKd)
  assert.deepEqual(one.perChannel, { mul: 2 * d * (M * K + 2 * M), add: d * (M * K + 2 * M) + M * K * d });
  assert.equal(one.total, one.perChannel.mul + one.perChannel.add + one.perSymbolVector.mul + one.perSymbolVector.add);
  assert.equal(many.mul, one.perSymbolVector.mul + one.perChannel.mul / 125);
  assert.equal(one.totalWithActivations, one.total + one.activations);
  // σ: (MK + M + K)·d per layer with LReLU (input + N_h hidden), none in the output layer
  assert.equal(one.activations, 5 * (M * K + M + K) * d);
});

test('argument checks name the parameter and its range', () => {
  const ok: GnnSize = { antennas: 32, users: 1, bits: 1, hiddenLayers: 4, features: 128 };
  assert.throws(() => paperFlops({ ...ok, antennas: 2.5 }), /paperFlops: antennas \(M\) must be a positive integer; got 2.5/);
  assert.throws(() => paperFlops({ ...ok, users: 0 }), /users \(K\) must be a positive integer; got 0/);
  assert.throws(() => paperFlops({ ...ok, bits: 5 }), /bits \(b\) must be an integer in 1\.\.4; got 5/);
  assert.throws(() => implementationFlops({ ...ok, bits: 0 }), /implementationFlops: bits \(b\) must be an integer in 1\.\.4; got 0/);
  assert.throws(() => paperFlops({ ...ok, hiddenLayers: -1 }), /hiddenLayers \(N_h\) must be an integer >= 0; got -1/);
  assert.throws(() => paperFlops({ ...ok, features: 0 }), /features \(d_h\) must be a positive integer; got 0/);
  assert.throws(() => implementationFlops({ ...ok, symbolVectorsPerChannel: 0 }), /symbolVectorsPerChannel \(T\) must be a positive integer/);
  assert.throws(() => maxBandwidth({ flops: 0 }), /maxBandwidth: flops must be finite and > 0; got 0/);
  assert.throws(() => maxBandwidth({ flops: 1, rollOff: -0.1 }), /rollOff \(α\) must be a number in \[0, 1\]; got -0.1/);
  assert.throws(() => requiredSpeed(1, -1), /requiredSpeed: bandwidthHz must be finite and >= 0; got -1/);
});

test('§VII-B against the printed formulas: B_max reproduced; both required speeds are not (documented)', () => {
  const large = paperGnnFlops('large'), small = paperGnnFlops('small');
  // B_max = (1 + α)·S_max/F and S = B/(1 + α)·F
  assert.equal(maxBandwidth({ flops: 1e6, acceleratorFlopsPerSecond: 2e12, rollOff: 0.25 }), 2.5e6);
  assert.equal(requiredSpeed(1e6, 2.5e6, 0.25), 2e12);
  assert.ok(rel(maxBandwidth({ flops: large }), 1.95e6) < 0.005, 'B_max, N_h = 4, d_h = 128: 1.945 MHz vs 1.95');
  assert.ok(rel(maxBandwidth({ flops: small }), 15.8e6) < 0.001, 'B_max, N_h = 8, d_h = 32: 15.795 MHz vs 15.8');
  // what the formulas give for the stated speeds
  assert.ok(rel(requiredSpeed(large, 1e6), 20.4658e12) < 1e-5);
  assert.ok(rel(requiredSpeed(small, 4e6), 10.0788e12) < 1e-5);
  // 8.82 TFLOP/s is the formula at 3.5 MHz, not at the 4 MHz the text names
  assert.ok(rel(requiredSpeed(small, 3.5e6), 8.82e12) < 0.001);
  // S(B) = S_max·B/B_max: the paper's own B_max fixes the speed at 1 MHz whatever the FLOP count
  assert.ok(rel((39.8e12 * 1e6) / 1.95e6, 12e12) > 0.5);

  const checks = complexityPaperChecks();
  const by = (id: string) => {
    const c = checks.find((x) => x.id === id);
    assert.ok(c, id);
    return c;
  };
  assert.equal(by('maxBandwidth/large').within5Percent, true);
  assert.equal(by('maxBandwidth/small').within5Percent, true);
  const s12 = by('requiredSpeed/large@1MHz');
  assert.equal(s12.within5Percent, false);
  assert.ok(Math.abs(s12.relativeDeviation - 0.7055) < 1e-3, `12 TFLOP/s: ${s12.relativeDeviation}`);
  assert.ok(s12.alternatives && s12.alternatives.every((a) => Math.abs(a.relativeDeviation) > 0.05), 'no tried reading reproduces 12 TFLOP/s');
  const s882 = by('requiredSpeed/small@4MHz');
  assert.equal(s882.within5Percent, false);
  assert.ok(Math.abs(s882.relativeDeviation - 0.1427) < 1e-3);
  assert.ok(s882.alternatives?.some((a) => Math.abs(a.relativeDeviation) < 0.001), '3.5 MHz reading reproduces 8.82');
});

// ---- against what tfjs actually runs --------------------------------------------------------------

/** Kernels that move data but compute nothing. */
const NO_FLOPS = new Set(['Reshape', 'ExpandDims', 'Transpose', 'Pack', 'Identity', 'BroadcastTo']);
/**
 * `tf.customGrad` (linear.ts's matmul, the leaky ReLU) records one extra entry named after its
 * (unnamed) scope, with the same shapes as the kernel it wraps: skipped, or the wrapped kernel would
 * count twice.
 */
const WRAPPERS = new Set(['unnamed scope']);

interface Measured { kernel: ImplementationOp['kernel']; mul: number; add: number; activations: number }

const size = (s: number[]) => s.reduce((a, x) => a * x, 1);

/** One FLOP record per kernel call, from the shapes tf.profile reports (convention of complexity.ts). */
function measure(kernels: { name: string; inputShapes: number[][]; outputShapes: number[][] }[]): Measured[] {
  const out: Measured[] = [];
  for (const k of kernels) {
    if (NO_FLOPS.has(k.name) || WRAPPERS.has(k.name)) continue;
    const y = size(k.outputShapes[0]);
    switch (k.name) {
      case 'BatchMatMul': {
        const [a, b] = k.inputShapes;
        const p = a[a.length - 1];
        assert.equal(b[b.length - 2], p, `BatchMatMul ${JSON.stringify(k.inputShapes)}: a transposed operand (not counted here)`);
        out.push({ kernel: 'BatchMatMul', mul: y * p, add: y * (p - 1), activations: 0 });
        break;
      }
      case 'Add':
        out.push({ kernel: 'Add', mul: 0, add: y, activations: 0 });
        break;
      case 'Mean': {
        const n = size(k.inputShapes[0]) / y;
        out.push({ kernel: 'Mean', mul: y, add: y * (n - 1), activations: 0 });
        break;
      }
      case 'LeakyRelu':
        out.push({ kernel: 'LeakyRelu', mul: 0, add: 0, activations: y });
        break;
      default:
        assert.fail(`kernel ${k.name} ${JSON.stringify(k.inputShapes)} is not counted by implementationFlops`);
    }
  }
  return out;
}

const key = (m: Measured) => `${m.kernel} ${m.mul} ${m.add} ${m.activations}`;

const CASES = [
  { antennas: 4, users: 2, bits: 2, hiddenLayers: 2, features: 8, batch: 1, T: 1 },
  { antennas: 5, users: 3, bits: 1, hiddenLayers: 1, features: 6, batch: 2, T: 3 },
  { antennas: 3, users: 1, bits: 3, hiddenLayers: 0, features: 5, batch: 1, T: 2 },
];

backendTest('implementationFlops matches the kernels tf.profile records for model.logits, call by call', async () => {
  for (const c of CASES) {
    const what = JSON.stringify(c);
    const rng = new Rng(`flops-${what}`);
    const gnn = buildGnn(rng, { bits: c.bits, hiddenLayers: c.hiddenLayers, features: c.features });
    const h = rng.fork('h').complexNormal([c.batch, c.users, c.antennas]);
    const s = rng.fork('s').complexNormal([c.batch, c.users, c.T]);
    try {
      const prof = await tf.profile(() => gnn.logits(h, s));
      tf.dispose(prof.result as tf.Tensor);
      const measured = measure(prof.kernels);
      // expected: every op of input, N_h × hidden, output; a kernel call covers the whole batch
      const f = implementationFlops({ ...c, symbolVectorsPerChannel: c.T });
      const layer = (l: ImplementationOp['layer']) => f.ops.filter((o) => o.layer === l);
      const ops = [...layer('input'), ...Array.from({ length: c.hiddenLayers }, () => layer('hidden')).flat(), ...layer('output')];
      const expected: Measured[] = ops.map((o) => {
        const times = o.per === 'channel' ? c.batch : c.batch * c.T;
        return { kernel: o.kernel, mul: times * o.mul, add: times * o.add, activations: times * o.activations };
      });
      assert.deepEqual(measured.map(key).sort(), expected.map(key).sort(), `kernel calls, ${what}`);
      // and the totals, matmuls separately (B·(perChannel + T·perSymbolVector))
      const tot = (xs: Measured[], k?: string) => xs.filter((x) => !k || x.kernel === k).reduce((a, x) => ({ mul: a.mul + x.mul, add: a.add + x.add }), { mul: 0, add: 0 });
      assert.deepEqual(tot(measured, 'BatchMatMul'), tot(expected, 'BatchMatMul'), `matmul FLOPs, ${what}`);
      assert.deepEqual(tot(measured), {
        mul: c.batch * (f.perChannel.mul + c.T * f.perSymbolVector.mul),
        add: c.batch * (f.perChannel.add + c.T * f.perSymbolVector.add),
      }, `all FLOPs, ${what}`);
      assert.equal(measured.reduce((a, x) => a + x.activations, 0), c.batch * c.T * f.activations, `σ evaluations, ${what}`);
      if (c.batch === 1 && c.T === 1) {
        const m = tot(measured);
        assert.equal(m.mul + m.add, f.total, `per symbol vector, ${what}`);
      }
    } finally {
      tf.dispose([h.re, h.im, s.re, s.im]);
      gnn.params.dispose();
    }
  }
});
