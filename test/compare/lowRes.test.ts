/**
 * Low-resolution DACs side by side (lib/compare/lowRes): unquantised ZF meets its closed forms (sum rate
 * U·log2(1 + c²/N0) and the exact Gray 16-QAM BER at SNR c²/N0, c² = P/Tr((HHᴴ)⁻¹)); the two papers'
 * 1-bit codes agree where they must (1-bit ZF of NNO-C2PO = the GNN paper's b = 1 Lloyd-Max ZF; with one
 * user C2PO and NNO-C2PO = 1-bit ZF; the GNN's b = 1 levels are ±ξ); the matmul count equals what
 * tf.profile records; scenarios are independent and reproducible; no tensor leaks; bad options are named.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { qfunc } from '../../lib/core/special';
import { Rng } from '../../lib/core/random';
import { constellation } from '../../lib/phy/constellation';
import * as c2po from '../../lib/papers/c2po';
import * as gnn from '../../lib/papers/gnn';
import {
  blockBerCurve, c2poMatmulFlops, disposeLowResData, gnnMatmulFlops, zfMatmulFlops, drawLowResData, LowResCurve, LowResMethod, lowResMethods, LowResResult, lowResFigures, lowResFindings, lowResolution, LowResOptions,
  lowResScenarioRng, lowResSignal, lowResTable, scenarioLabel,
} from '../../lib/compare';
import { backendTest, maxAbsDiff, setup } from '../helpers';

/** Exact BER of Gray-labelled 16-QAM in AWGN at Es/N0 = g: (3/4)Q(x) + (1/2)Q(3x) − (1/4)Q(5x), x = √(g/5). */
function qam16Ber(g: number): number {
  const x = Math.sqrt(g / 5);
  return 0.75 * qfunc(x) + 0.5 * qfunc(3 * x) - 0.25 * qfunc(5 * x);
}

/** c² = P/Tr((HHᴴ)⁻¹) per channel (P = 1), for U ≤ 2, in float64 from the channel values. */
function zfGains(h: C.Complex): number[] {
  const { shape, re, im } = C.toArrays(h);
  const [n, U, B] = shape;
  const out: number[] = [];
  for (let c = 0; c < n; c++) {
    const g = (a: number, b: number) => { // (HHᴴ)_{ab}
      let sr = 0, si = 0;
      for (let m = 0; m < B; m++) {
        const i = (c * U + a) * B + m, j = (c * U + b) * B + m;
        sr += re[i] * re[j] + im[i] * im[j];
        si += im[i] * re[j] - re[i] * im[j];
      }
      return { re: sr, im: si };
    };
    if (U === 1) out.push(g(0, 0).re);
    else {
      const g00 = g(0, 0).re, g11 = g(1, 1).re, g01 = g(0, 1);
      const det = g00 * g11 - (g01.re ** 2 + g01.im ** 2);
      out.push(det / (g00 + g11)); // Tr(G⁻¹) = (g00 + g11)/det
    }
  }
  return out;
}

const CLOSED: LowResOptions = { users: [1, 2], channels: ['rayleigh'], channelCount: 30, symbolVectors: 40, snrDb: [0, 4, 8], noiseDraws: 2, lloydMaxBits: [2], seed: 'closed-form' };

backendTest('unquantised ZF: sum rate U·log2(1 + c²/N0) and the Gray 16-QAM BER at c²/N0, per channel', async () => {
  const r = await lowResolution(CLOSED);
  for (const s of r.scenarios) {
    const d = drawLowResData(lowResScenarioRng(CLOSED.seed, 'rayleigh', s.users), { channel: 'rayleigh', users: s.users, antennas: 32, channelCount: 30, symbolVectors: 40 });
    const gains = zfGains(d.h);
    disposeLowResData(d);
    const zf = s.curves.find((c) => c.method.id === 'zf')!;
    CLOSED.snrDb.forEach((snr, k) => {
      const n0 = 10 ** (-snr / 10);
      const rate = gains.map((c2) => s.users * Math.log2(1 + c2 / n0));
      assert.ok(maxAbsDiff(zf.ratePerChannel[k], rate) < 2e-3 * Math.max(...rate), `${scenarioLabel(s)} ${snr} dB: rate per channel`);
      const ber = gains.reduce((a, c2) => a + qam16Ber(c2 / n0), 0) / gains.length;
      const sd = Math.sqrt(ber * (1 - ber) / zf.ber.bits);
      assert.ok(Math.abs(zf.ber.ber[k] - ber) <= 4 * sd + 1e-4, `${scenarioLabel(s)} ${snr} dB: BER ${zf.ber.ber[k]} vs closed form ${ber} (sd ${sd})`);
    });
  }
}, { timeout: 120_000 });

test('the two papers\' 1-bit codes agree: 1-bit ZF has the signs of b = 1 Lloyd-Max ZF; one user: C2PO = NNO-C2PO = 1-bit ZF; GNN levels ±ξ', async () => {
  await setup();
  const run = c2po.savedRunFor('reproduce')!;
  const nno = c2po.savedNets(run).get('rayleigh/nno/t8')!;
  const grun = gnn.readGnnRun(gnn.savedRunFile('reproduce'));
  const n0 = tf.memory().numTensors;
  for (const U of [1, 2]) {
    const d = drawLowResData(new Rng(`identities-${U}`), { channel: 'rayleigh', users: U, antennas: 32, channelCount: 6, symbolVectors: 16 });
    const ckpt = gnn.savedCheckpoints(grun).get(`rayleigh/M32/K${U}/b1`)!;
    const net = gnn.netFromCheckpoint(ckpt, gnn.gnnPreset(grun.preset), 'test');
    const tied = c2po.savedNets(run).get('rayleigh/tied/t8')!;
    const p = { iterations: 8, nno: { tau: nno.tau, rho: nno.rho }, tied: { tau: tied.tau, rho: tied.rho }, gnn: net.model };
    const m = (id: LowResMethod['id'], bits: number): LowResMethod => ({ id, bits, label: id, role: 'classic', paper: 'both' });
    const sig = (id: LowResMethod['id'], bits = 1) => {
      const x = lowResSignal(m(id, bits), d, p);
      const a = C.toArrays(x);
      C.dispose(x);
      return [...a.re, ...a.im];
    };
    const xi = Math.sqrt(1 / (2 * 32));
    const zf1 = sig('zf-1bit');
    assert.ok(zf1.every((v) => Math.abs(Math.abs(v) - xi) < 1e-6), `U=${U}: 1-bit ZF levels ±ξ`);
    // the GNN paper's b = 1 Lloyd-Max ZF: the same signs, with each antenna's gain √ρ_m restored after its DAC (§II-B3)
    const lm = sig('zf-lm1');
    assert.ok(lm.every((v, i) => Math.sign(v) === Math.sign(zf1[i])), `U=${U}: b = 1 Lloyd-Max ZF has the signs of NNO-C2PO's 1-bit ZF`);
    const T = 16, B = 32, half = lm.length / 2;
    for (let c = 0; c < 6; c++) {
      for (let a = 0; a < B; a++) {
        const mags = [0, 1].flatMap((part) => Array.from({ length: T }, (_, t) => Math.abs(lm[part * half + (c * T + t) * B + a])));
        assert.ok(Math.max(...mags) - Math.min(...mags) < 1e-6 * Math.max(...mags), `U=${U}: channel ${c}, antenna ${a}: one level per antenna`);
      }
    }
    const g = sig('gnn');
    assert.ok(g.every((v) => Math.abs(Math.abs(v) - xi) < 1e-6), `U=${U}: the GNN's b = 1 output is ±ξ, ξ = √(P/2B)`);
    if (U === 1) {
      assert.deepEqual(sig('c2po'), zf1, 'U=1: C2PO transmits the signs of 1-bit ZF');
      assert.deepEqual(sig('nno-c2po'), zf1, 'U=1: NNO-C2PO too, whatever τ, ρ');
      assert.deepEqual(sig('trained-c2po'), zf1, 'U=1: and trained C2PO');
    } else {
      assert.ok(maxAbsDiff(sig('nno-c2po'), zf1) > 0, 'U=2: NNO-C2PO moves off 1-bit ZF');
    }
    net.model.params.dispose();
    disposeLowResData(d);
  }
  assert.equal(tf.memory().numTensors, n0, 'tensors left behind');
});

test('c2poMatmulFlops equals the BatchMatMul kernels tf.profile records for c2po()', async () => {
  await setup();
  for (const [U, B, t] of [[2, 8, 3], [4, 16, 1]]) {
    const rng = new Rng(`flops-${U}-${B}`);
    const batch = 5;
    const h = rng.fork('h').complexNormal([batch, U, B]);
    const s = rng.fork('s').complexNormal([batch, U]);
    const sys = c2po.c2poSystem({ users: U, antennas: B });
    const prof = await tf.profile(() => {
      const { x, xq } = c2po.c2po(h, s, sys, { iterations: t });
      C.dispose(x);
      return [xq.re, xq.im];
    });
    tf.dispose(prof.result as tf.Tensor[]);
    C.dispose(h, s);
    let flops = 0;
    for (const k of prof.kernels.filter((k) => k.name === 'BatchMatMul')) {
      const [a, b] = k.inputShapes;
      const p = a[a.length - 1];
      assert.equal(b[b.length - 2], p, 'no transposed operand');
      const y = k.outputShapes[0].reduce((q, v) => q * v, 1);
      flops += y * p + y * (p - 1);
    }
    assert.equal(flops, batch * c2poMatmulFlops({ users: U, antennas: B, iterations: t }), `U=${U}, B=${B}, t=${t}`);
  }
});

test('gnnMatmulFlops equals the BatchMatMul kernels tf.profile records for the GNN forward pass (per-channel work shared by T)', async () => {
  await setup();
  const c = { users: 2, antennas: 8, bits: 1, hiddenLayers: 2, features: 8, symbolVectors: 5 };
  const rng = new Rng('gnn-flops');
  const model = gnn.buildGnn(rng, { bits: c.bits, hiddenLayers: c.hiddenLayers, features: c.features });
  const batch = 3;
  const h = rng.fork('h').complexNormal([batch, c.users, c.antennas]);
  const s = rng.fork('s').complexNormal([batch, c.users, c.symbolVectors]);
  const prof = await tf.profile(() => model.logits(h, s));
  tf.dispose(prof.result as tf.Tensor);
  C.dispose(h, s);
  model.params.dispose();
  let flops = 0;
  for (const k of prof.kernels.filter((k) => k.name === 'BatchMatMul')) {
    const p = k.inputShapes[0][k.inputShapes[0].length - 1];
    const y = k.outputShapes[0].reduce((q, v) => q * v, 1);
    flops += y * p + y * (p - 1);
  }
  const expected = batch * c.symbolVectors * gnnMatmulFlops(c);
  assert.ok(Math.abs(flops - expected) <= 1e-9 * expected, `profiled ${flops}, counted ${expected}`);
});

test('cost and receiver inputs: bad sizes and shapes are named', () => {
  assert.throws(() => zfMatmulFlops({ users: 2, antennas: 8, symbolVectors: 0 }), /zfMatmulFlops.*symbolVectors \(T\)/);
  assert.throws(() => c2poMatmulFlops({ users: 2, antennas: 8, iterations: 0 }), /c2poMatmulFlops.*iterations/);
  const z = (shape: number[]) => ({ re: tf.zeros(shape), im: tf.zeros(shape) });
  const [h, x, s] = [z([2, 2, 4]), z([2, 4, 3]), z([2, 2, 3])];
  const bad = z([2, 4, 5]);
  const idx = tf.zeros([2, 2, 3], 'int32');
  const opts = { snrDb: [0], noiseDraws: 1, rng: new Rng(1), constellation: constellation('16qam'), power: 1 };
  try {
    assert.throws(() => blockBerCurve(h, bad, s, idx, opts), /blockBerCurve\(x\): must be \[N, B, T\] = \[2, 4, 3\]/);
    assert.throws(() => blockBerCurve(h, x, s, tf.zeros([2, 3, 2], 'int32'), opts), /blockBerCurve\(indices\): must be int32 \[N, U, T\]/);
    assert.throws(() => blockBerCurve(h, x, s, idx, { ...opts, snrDb: [] }), /opts\.snrDb/);
  } finally {
    C.dispose(h, x, s, bad);
    idx.dispose();
  }
});

test('scenarios are independent and reproducible; table, figures and findings cover every curve; no leaks', async () => {
  await setup();
  const opts: LowResOptions = { users: [1, 2], channels: ['rayleigh', 'los'], channelCount: 4, symbolVectors: 16, snrDb: [0, 10], noiseDraws: 1, seed: 7 };
  const n0 = tf.memory().numTensors;
  const all = await lowResolution(opts);
  const one = await lowResolution({ ...opts, users: [2], channels: ['los'] });
  assert.equal(tf.memory().numTensors, n0, 'tensors left behind');
  const strip = (s: (typeof all.scenarios)[number]) => s.curves.map((c) => ({ ...c, microsecondsPerVector: 0 }));
  assert.deepEqual(strip(one.scenarios[0]), strip(all.scenarios.find((s) => s.channel === 'los' && s.users === 2)!), 'the LoS U=2 scenario does not depend on the others');
  const rows = lowResTable(all);
  assert.equal(rows.length, all.scenarios.reduce((a, s) => a + s.curves.length, 0));
  assert.ok(all.scenarios.some((s) => s.absent.length > 0), 'LoS with 2 users has no committed GNN: listed as absent');
  for (const f of lowResFigures(all)) assert.ok(f.series.every((s) => f.switcher!.values.includes(s.group!)), f.title);
  const lines = lowResFindings(all);
  for (const s of all.scenarios) assert.ok(lines.some((l) => l.includes(`**${scenarioLabel(s)}**`)), scenarioLabel(s));
  assert.ok(lines.find((l) => l.startsWith('**Rayleigh, U = 1**'))!.includes('identical signals'), 'U = 1 identity found from the data');
});

test('bad options name the option and the allowed range', async () => {
  const ok: LowResOptions = { channelCount: 2, symbolVectors: 8, snrDb: [0], noiseDraws: 1, seed: 1 };
  await assert.rejects(() => lowResolution({ ...ok, users: [40] }), /opts\.users\[0\].*1\.\.32/);
  await assert.rejects(() => lowResolution({ ...ok, symbolVectors: 4 }), /opts\.symbolVectors.*≥ 8/);
  await assert.rejects(() => lowResolution({ ...ok, lloydMaxBits: [1] }), /opts\.lloydMaxBits\[0\].*2\.\.4/);
  await assert.rejects(() => lowResolution({ ...ok, snrDb: [5, 0] }), /opts\.snrDb.*strictly increasing/);
  await assert.rejects(() => lowResolution({ ...ok, channels: ['awgn' as 'los'] }), /opts\.channels.*'rayleigh', 'los'/);
  await assert.rejects(() => lowResolution({ ...ok, iterations: 3 }), /opts\.iterations.*\{2, 4, 8\}/);
});

test('findings: BER ties where 95 % intervals overlap, verdicts by disjoint intervals, the one-user reason only with one user', () => {
  const methods = lowResMethods({ iterations: 4, lloydMaxBits: [] });
  const curve = (id: string, ber: number, half: number, rates: number[]): LowResCurve => ({
    method: methods.find((m) => m.id === id)!, flopsPerVector: id === 'gnn' ? 1000 : 100, microsecondsPerVector: 1,
    ber: { snrDb: [10], ber: [ber], low: [ber - half], high: [ber + half], bitErrors: [Math.round(ber * 1e4)], bits: 1e4 },
    sumRate: [{ mean: rates.reduce((a, b) => a + b) / rates.length, se: 0 }], ratePerChannel: [rates],
  });
  const options = { antennas: 8, users: [2], channels: ['rayleigh' as const], channelCount: 3, symbolVectors: 8, snrDb: [10], noiseDraws: 1, iterations: 4, lloydMaxBits: [], seed: 1 };
  const result = (users: number, curves: LowResCurve[]): LowResResult => ({ options, sources: { nnoC2po: '', trainedC2po: '', gnn: '' }, backend: 'cpu', seconds: 0, scenarios: [{ channel: 'rayleigh', users, antennas: 8, curves, absent: [] }] });
  const [a] = lowResFindings(result(2, [
    curve('zf-1bit', 0.05, 0.002, [3, 3, 3]), curve('c2po', 0.2, 0.01, [2, 2, 2]), curve('trained-c2po', 0.031, 0.002, [4, 4, 4]),
    curve('nno-c2po', 0.03, 0.002, [4, 4, 4]), curve('gnn', 0.1, 0.01, [3.5, 3.6, 3.7]),
  ]));
  assert.match(a, /lowest first .*: NNO-C2PO [^;]* 3\.0e-2 ≈ trained C2PO [^;]* 3\.1e-2; then 1-bit ZF 5\.0e-2; then GNN [^;]* 1\.0e-1; then C2PO [^;]* 2\.0e-1/);
  assert.match(a, /NNO-C2PO and trained C2PO \(its paper's baseline\) are not told apart/);
  assert.match(a, /the GNN's sum rate at 10 dB is above 1-bit ZF's \(\+0\.60 ± 0\.06 bit\/s\/Hz, paired over 3 channels\); its BER there is higher/);
  const [b] = lowResFindings(result(2, [curve('zf-1bit', 0.05, 0.002, [3, 3, 3]), curve('trained-c2po', 0.05, 0.002, [3, 3, 3]), curve('nno-c2po', 0.05, 0.002, [3, 3, 3])]));
  assert.match(b, /transmit identical signals\./, 'identical signals are named');
  assert.doesNotMatch(b, /one user/, 'the one-user reason is not claimed for two users');
  const [c] = lowResFindings(result(2, [curve('trained-c2po', 0.05, 0.002, [3, 3, 3]), curve('nno-c2po', 0.03, 0.002, [4, 4, 4])]));
  assert.match(c, /NNO-C2PO's per-iteration steps give a lower BER than trained C2PO's/);
});
