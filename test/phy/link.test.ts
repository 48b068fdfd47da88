import { test } from 'node:test';
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
import { setup, assertClose, arr } from '../helpers';

/** K rows of the M-point DFT: H Hᴴ = M·I, so ZF gives every user the gain α = √(P M / K). */
function dftRows(batch: number, k: number, m: number): C.Complex {
  const re: number[] = [], im: number[] = [];
  for (let b = 0; b < batch; b++) for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) {
    re.push(Math.cos((2 * Math.PI * i * j) / m));
    im.push(-Math.sin((2 * Math.PI * i * j) / m));
  }
  return C.complexFromArrays(re, im, [batch, k, m]);
}

test('LS gain equalisation undoes any per-user complex gain', async () => {
  await setup();
  const rng = new Rng(1);
  const s = rng.complexNormal([2, 3, 50]);
  const g = rng.complexNormal([2, 3, 1]);
  const back = lsGainEqualize(C.mul(s, g), s);
  assertClose(arr(back.re), arr(s.re), 1e-4);
  assertClose(arr(back.im), arr(s.im), 1e-4);
});

test('ZF link BER over an orthogonal channel matches Q(√(α²/σ²)) for QPSK', async () => {
  await setup();
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

test('1-bit DAC ZF link over Rayleigh: BER falls with SNR, same seed same counts, bad input named', async () => {
  await setup();
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
  assert.throws(() => precodedLinkRun({ rng: new Rng(1), constellation: qpsk(), channel: () => dftRows(1, 1, 1), transmit: (h, s) => s, batch: 0, symbolsPerChannel: 1 }), /batch must be a positive integer/);
});
