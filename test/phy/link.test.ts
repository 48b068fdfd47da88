import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { Rng } from '../../lib/core/random';
import { qpsk, qpskBerAwgn } from '../../lib/phy/constellation';
import { simulateErrorRate } from '../../lib/phy/errorRate';
import { linearTransmitter, lsGainEqualize, precodedLinkRun } from '../../lib/phy/link';
import { zf } from '../../lib/phy/precoders';
import { oneBit } from '../../lib/phy/quantizer';
import { rayleigh } from '../../lib/phy/channels';
import { backendTest, assertClose, arr } from '../helpers';

/** K rows of the M-point DFT: H Hᴴ = M·I, so ZF gives every user the gain α = √(P M / K). */
function dftRows(batch: number, k: number, m: number): C.Complex {
  const re: number[] = [], im: number[] = [];
  for (let b = 0; b < batch; b++) for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) {
    re.push(Math.cos((2 * Math.PI * i * j) / m));
    im.push(-Math.sin((2 * Math.PI * i * j) / m));
  }
  return C.complexFromArrays(re, im, [batch, k, m]);
}

backendTest('LS gain equalisation undoes any per-user complex gain', async () => {
  const rng = new Rng(1);
  const s = rng.complexNormal([2, 3, 50]);
  const g = rng.complexNormal([2, 3, 1]);
  const back = lsGainEqualize(C.mul(s, g), s);
  assertClose(arr(back.re), arr(s.re), 1e-4);
  assertClose(arr(back.im), arr(s.im), 1e-4);
});

backendTest('LS gain equalisation: shapes checked, and values and gradients finite when y = 0 or s = 0', async () => {
  const rng = new Rng(2);
  const s = rng.complexNormal([2, 3, 8]);
  const z = C.complex(tf.zeros([2, 3, 8]));
  assert.ok(arr(lsGainEqualize(z, s).re).every((v) => v === 0), 'y = 0 ⇒ ŝ = 0');
  assert.ok(arr(lsGainEqualize(s, z).re).every(Number.isFinite), 's = 0 ⇒ finite');
  for (const [what, f] of [
    ['∂/∂y at y = 0', (re: tf.Tensor, im: tf.Tensor) => C.frobNorm2(lsGainEqualize({ re, im }, s), [0, 1, 2]) as tf.Scalar],
    ['∂/∂s at s = 0', (re: tf.Tensor, im: tf.Tensor) => C.frobNorm2(lsGainEqualize(s, { re, im }), [0, 1, 2]) as tf.Scalar],
  ] as const) {
    const g = tf.grads(f)([z.re, z.im]).map(arr);
    assert.ok(g.every((v) => v.every(Number.isFinite)), `${what}: not finite`);
  }
  assert.throws(() => lsGainEqualize(s, rng.complexNormal([2, 3, 7])), /lsGainEqualize\(s\): must be \[2,3,8\] like y; got \[2,3,7\]/);
  assert.throws(() => lsGainEqualize(rng.complexNormal([8]), rng.complexNormal([8])), /lsGainEqualize\(y\): must be \[\.\.\., K, T\] complex \(rank >= 2\); got \[8\]/);
  assert.throws(() => lsGainEqualize({ re: s.re, im: tf.zeros([2, 3]) }, s), /lsGainEqualize\(y\): re shape/);
});

backendTest('a fixed channel tensor owned by the caller survives the run (returned as is or as tf.clone); created tensors are freed', async () => {
  const [k, m] = [2, 4];
  const fixed = dftRows(5, k, m);
  const base = {
    rng: new Rng('fixed'), constellation: qpsk(), transmit: linearTransmitter((h: C.Complex) => zf(h)), batch: 5, symbolsPerChannel: 50,
  };
  const asIs = precodedLinkRun({ ...base, channel: () => fixed });
  const cloned = precodedLinkRun({ ...base, channel: () => ({ re: tf.clone(fixed.re), im: tf.clone(fixed.im) }) });
  const before = tf.memory().numTensors;
  const a = [await asIs(10, 0), await asIs(10, 1)];
  const b = [await cloned(10, 0), await cloned(10, 1)];
  assert.equal(tf.memory().numTensors, before, 'no tensors leak, none of the caller\'s are freed');
  assert.ok(!fixed.re.isDisposed && !fixed.im.isDisposed, 'the caller\'s channel is still alive');
  assert.deepEqual(a, b, 'same seed, same channel ⇒ same counts');
  assert.deepEqual(arr(fixed.re), arr(dftRows(5, k, m).re), 'the channel data is intact');
});

backendTest('ZF link BER over an orthogonal channel matches Q(√(α²/σ²)) for QPSK', async () => {
  const [k, m, power] = [4, 8, 1];
  const alpha2 = (power * m) / k; // ZF gain² on H Hᴴ = M I
  const run = precodedLinkRun({
    rng: new Rng('link'),
    constellation: qpsk(),
    channel: (_r, batch) => dftRows(batch, k, m),
    transmit: linearTransmitter((h) => zf(h, { power })),
    batch: 20,
    symbolsPerChannel: 500,
    power,
  });
  const snrDb = [4, 8];
  const rows = await simulateErrorRate({ snrDb, run, maxBatches: 20, targetBitErrors: 2000 });
  for (const r of rows) {
    const expected = qpskBerAwgn(10 * Math.log10(alpha2 / (power / 10 ** (r.snrDb / 10))));
    // LS gain from 500 symbols adds a tiny estimation loss: allow 4σ binomial plus 5% relative
    const sd = Math.sqrt((expected * (1 - expected)) / r.bits);
    assert.ok(Math.abs(r.ber - expected) < 4 * sd + 0.05 * expected, `SNR ${r.snrDb}: BER ${r.ber} vs ${expected}`);
  }
  const before = tf.memory().numTensors;
  await run(6, 0);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak per batch');
});

backendTest('1-bit DAC ZF link over Rayleigh: BER falls with SNR, same seed same counts, bad input named', async () => {
  const mk = () =>
    precodedLinkRun({
      rng: new Rng(7),
      constellation: qpsk(),
      channel: (r, batch) => rayleigh(r, { batch, users: 2, antennas: 16 }),
      transmit: linearTransmitter((h) => zf(h, { power: 1 }), oneBit(1)),
      batch: 10,
      symbolsPerChannel: 100,
    });
  const a = await mk()(0, 3);
  const b = await mk()(0, 3);
  assert.deepEqual(a, b);
  const lo = await mk()(-5, 0);
  const hi = await mk()(15, 0);
  assert.ok(hi.bitErrors < lo.bitErrors, `BER must fall: ${lo.bitErrors} → ${hi.bitErrors}`);
  const ok = { rng: new Rng(1), constellation: qpsk(), channel: () => dftRows(1, 1, 1), transmit: (_h: C.Complex, s: C.Complex) => s, batch: 1, symbolsPerChannel: 1 };
  assert.throws(() => precodedLinkRun({ ...ok, batch: 0 }), /batch must be a positive integer/);
  assert.throws(() => precodedLinkRun({ ...ok, receiver: 'mmse' as 'none' }), /precodedLinkRun: receiver must be 'ls-gain' or 'none'; got mmse/);
  assert.throws(() => precodedLinkRun({ ...ok, power: 0 }), /precodedLinkRun: power must be finite and > 0/);
  const wrong = precodedLinkRun({ ...ok, channel: () => dftRows(2, 1, 1) });
  const before = tf.memory().numTensors;
  assert.throws(() => wrong(0, 0), /precodedLinkRun\(channel\): must return \[1, K, M\] complex; got re \[2,1,1\]/);
  assert.equal(tf.memory().numTensors, before, 'a rejected channel is still freed');
});
