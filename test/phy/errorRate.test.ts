import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  simulateErrorRate, awgnQamRun, wilsonInterval, batchRng, ErrorCounts, ErrorRateProgress,
} from '../../lib/phy/errorRate';
import { qam, qpsk, qpskBerAwgn, qpskSerAwgn, qamSerAwgn } from '../../lib/phy/constellation';
import { Rng } from '../../lib/core/random';
import { normCdfInv } from '../../lib/core/special';
import { backendTest } from '../helpers';

/** |p̂ − p| within 4 binomial standard deviations of n independent trials. */
function assertBinomial(errors: number, n: number, p: number, what: string): void {
  const sigma = Math.sqrt((p * (1 - p)) / n);
  const phat = errors / n;
  assert.ok(Math.abs(phat - p) <= 4 * sigma, `${what}: ${phat.toExponential(4)} vs ${p.toExponential(4)} (4σ = ${(4 * sigma).toExponential(2)})`);
}

backendTest('uncoded QPSK over AWGN: simulated BER and SER match Q(√(Es/N0)) and 2p − p²', async () => {
  // Es = 1 per symbol, Eb = Es/2 ⇒ BER = Q(√(2Eb/N0)) = Q(√(Es/N0)); I and Q bits see independent
  // noise, so bit errors are independent trials and the binomial bound is exact.
  const rows = await simulateErrorRate({ snrDb: [0, 4, 7], run: awgnQamRun(qpsk(), new Rng('qpsk'), 20000), maxBatches: 4 });
  assert.equal(rows.length, 3);
  for (const r of rows) {
    assert.equal(r.bits, 4 * 20000 * 2);
    assert.equal(r.symbols, 4 * 20000);
    assertBinomial(r.bitErrors, r.bits, qpskBerAwgn(r.snrDb), `QPSK BER at ${r.snrDb} dB`);
    assertBinomial(r.symbolErrors, r.symbols, qpskSerAwgn(r.snrDb), `QPSK SER at ${r.snrDb} dB`);
    assert.ok(r.berLow <= r.ber && r.ber <= r.berHigh);
  }
});

backendTest('uncoded 16-QAM over AWGN: simulated SER matches the exact closed form; Gray bits per symbol error in [1, 4]', async () => {
  const c = qam(16);
  const rows = await simulateErrorRate({ snrDb: [8, 12, 15], run: awgnQamRun(c, new Rng('16qam'), 20000), maxBatches: 4 });
  for (const r of rows) {
    assertBinomial(r.symbolErrors, r.symbols, qamSerAwgn(16, r.snrDb), `16-QAM SER at ${r.snrDb} dB`);
    assert.ok(r.bitErrors >= r.symbolErrors && r.bitErrors <= 4 * r.symbolErrors, `bit/symbol errors ${r.bitErrors}/${r.symbolErrors}`);
  }
  // at high SNR almost every symbol error is to a Gray neighbour: ~1 bit per symbol error
  const high = rows[2];
  assert.ok(high.bitErrors / high.symbolErrors < 1.1, `bits per symbol error ${high.bitErrors / high.symbolErrors}`);
});

backendTest('early stop: a point stops once the target is reached, after minBatches; either target stops it', async () => {
  // deterministic synthetic run: 10 bit errors and 3 symbol errors per batch
  const run = (): ErrorCounts => ({ bitErrors: 10, bits: 1000, symbolErrors: 3, symbols: 500 });
  let [r] = await simulateErrorRate({ snrDb: [0], run, maxBatches: 100, targetBitErrors: 35 });
  assert.deepEqual([r.batches, r.bitErrors, r.bits, r.stoppedBy], [4, 40, 4000, 'target']);
  [r] = await simulateErrorRate({ snrDb: [0], run, maxBatches: 100, targetBitErrors: 35, minBatches: 7 });
  assert.deepEqual([r.batches, r.stoppedBy], [7, 'target']);
  [r] = await simulateErrorRate({ snrDb: [0], run, maxBatches: 100, targetBitErrors: 1000, targetSymbolErrors: 8 });
  assert.deepEqual([r.batches, r.symbolErrors, r.stoppedBy], [3, 9, 'target']);
  [r] = await simulateErrorRate({ snrDb: [0], run, maxBatches: 5, targetBitErrors: 1000 });
  assert.deepEqual([r.batches, r.stoppedBy], [5, 'maxBatches']);
  assert.equal(r.ber, 50 / 5000);
  assert.equal(r.ser, 15 / 2500);
  // on a real AWGN run: QPSK at 0 dB has BER ≈ 0.16, so 1000 bit errors take ~2 batches of 2000 symbols
  const rows = await simulateErrorRate({ snrDb: [0, 2], run: awgnQamRun(qpsk(), new Rng(5), 2000), maxBatches: 50, targetBitErrors: 1000 });
  for (const row of rows) {
    assert.equal(row.stoppedBy, 'target');
    assert.ok(row.bitErrors >= 1000 && row.batches < 50, `${row.bitErrors} errors in ${row.batches} batches`);
    // it stopped at the first batch that reached the target
    assert.ok(row.bitErrors - 1000 < row.bits / row.batches);
  }
});

backendTest('stopWhenNoErrors ends the sweep at the first error-free point; progress reports every batch', async () => {
  const calls: string[] = [];
  const run = (snrDb: number, batchIndex: number): ErrorCounts => {
    calls.push(`${snrDb}/${batchIndex}`);
    const e = snrDb < 10 ? 2 : 0;
    return { bitErrors: e, bits: 100, symbolErrors: e, symbols: 50 };
  };
  const seen: ErrorRateProgress[] = [];
  const rows = await simulateErrorRate({
    snrDb: [0, 5, 10, 15], run, maxBatches: 3, stopWhenNoErrors: true, progress: (i) => seen.push(i),
  });
  assert.deepEqual(rows.map((r) => [r.snrDb, r.stoppedBy, r.batches]), [[0, 'maxBatches', 3], [5, 'maxBatches', 3], [10, 'noErrors', 3]]);
  assert.ok(!calls.some((c) => c.startsWith('15/')), 'the point after the error-free one is not simulated');
  assert.equal(rows[2].ber, 0);
  assert.equal(rows[2].berLow, 0);
  assert.ok(rows[2].berHigh > 0, 'zero errors still has a positive upper confidence limit');
  assert.equal(seen.length, 9);
  assert.deepEqual(seen.map((s) => s.done), [false, false, true, false, false, true, false, false, true]);
  assert.deepEqual(seen.map((s) => s.row.batches), [1, 2, 3, 1, 2, 3, 1, 2, 3]);
  calls.length = 0;
  const all = await simulateErrorRate({ snrDb: [0, 5, 10, 15], run, maxBatches: 3 });
  assert.deepEqual(all.map((r) => r.stoppedBy), ['maxBatches', 'maxBatches', 'maxBatches', 'maxBatches']);
  assert.equal(calls.length, 12);
});

test('Wilson interval: closed forms at the boundary, symmetry, and ≈ Wald for large n', () => {
  const z = normCdfInv(0.975);
  for (const n of [1, 10, 1000]) {
    // k = 0: [0, z²/(n + z²)]
    const w0 = wilsonInterval(0, n);
    assert.equal(w0.low, 0);
    assert.ok(Math.abs(w0.high - (z * z) / (n + z * z)) < 1e-15, `k=0, n=${n}: ${w0.high}`);
    // k ↔ n − k mirrors the interval
    for (const k of [0, 1, Math.floor(n / 3)]) {
      const a = wilsonInterval(k, n);
      const b = wilsonInterval(n - k, n);
      assert.ok(Math.abs(a.low - (1 - b.high)) < 1e-14 && Math.abs(a.high - (1 - b.low)) < 1e-14, `mirror k=${k}, n=${n}`);
      assert.ok(a.low <= k / n && k / n <= a.high);
    }
  }
  // large n: within O(1/n) of the Wald interval p̂ ± z√(p̂(1 − p̂)/n)
  const n = 1e6, k = 30000, p = k / n;
  const w = wilsonInterval(k, n);
  const half = z * Math.sqrt((p * (1 - p)) / n);
  assert.ok(Math.abs(w.low - (p - half)) < 2e-6 && Math.abs(w.high - (p + half)) < 2e-6);
  // a higher confidence gives a wider interval
  const w99 = wilsonInterval(k, n, 0.99);
  assert.ok(w99.low < w.low && w99.high > w.high);
  assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
});

test('the 95% CI of a synthetic Bernoulli run contains the true rate (and covers it ~95% of the time)', async () => {
  const p = 0.02;
  const bernoulli = (rng: Rng) => (snrDb: number, batchIndex: number): ErrorCounts => {
    const u = batchRng(rng, snrDb, batchIndex).uniformArray(1000);
    let e = 0;
    for (const x of u) if (x < p) e++;
    return { bitErrors: e, bits: 1000, symbolErrors: e, symbols: 1000 };
  };
  const [one] = await simulateErrorRate({ snrDb: [0], run: bernoulli(new Rng('bern')), maxBatches: 20 });
  assert.ok(one.berLow <= p && p <= one.berHigh, `[${one.berLow}, ${one.berHigh}] ∌ ${p}`);
  // coverage over 400 independent experiments of 2000 trials each; sd of the coverage ≈ 0.011
  let covered = 0;
  const reps = 400;
  for (let i = 0; i < reps; i++) {
    const [r] = await simulateErrorRate({ snrDb: [0], run: bernoulli(new Rng(`rep${i}`)), maxBatches: 2 });
    if (r.serLow <= p && p <= r.serHigh) covered++;
  }
  assert.ok(covered / reps > 0.9 && covered / reps < 0.995, `coverage ${covered / reps}`);
});

backendTest('reproducible: same seed → same table; each (SNR, batch) has its own stream', async () => {
  const c = qam(16);
  const opts = { snrDb: [6, 10], maxBatches: 3, targetSymbolErrors: 400 };
  const a = await simulateErrorRate({ ...opts, run: awgnQamRun(c, new Rng(99), 3000) });
  const b = await simulateErrorRate({ ...opts, run: awgnQamRun(c, new Rng(99), 3000) });
  assert.deepEqual(a, b);
  const d = await simulateErrorRate({ ...opts, run: awgnQamRun(c, new Rng(100), 3000) });
  assert.notDeepEqual(a.map((r) => r.symbolErrors), d.map((r) => r.symbolErrors));
  // a point's result does not depend on which points were simulated before it
  const [only10] = await simulateErrorRate({ ...opts, snrDb: [10], run: awgnQamRun(c, new Rng(99), 3000) });
  assert.deepEqual(only10, a[1]);
  const before = tf.memory().numTensors;
  awgnQamRun(c, new Rng(1), 100)(5, 0);
  assert.equal(tf.memory().numTensors, before, 'awgnQamRun leaks no tensors');
});

backendTest('bad inputs are rejected with the parameter named', async () => {
  const run = (): ErrorCounts => ({ bitErrors: 0, bits: 10, symbolErrors: 0, symbols: 5 });
  await assert.rejects(simulateErrorRate({ snrDb: [], run, maxBatches: 1 }), /simulateErrorRate\(snrDb\): needs a non-empty array/);
  await assert.rejects(simulateErrorRate({ snrDb: [0, NaN], run, maxBatches: 1 }), /simulateErrorRate\(snrDb\): entries must be finite numbers \(dB\); got NaN at index 1/);
  await assert.rejects(simulateErrorRate({ snrDb: [Infinity], run, maxBatches: 1 }), /snrDb.*got Infinity at index 0/);
  await assert.rejects(simulateErrorRate({ snrDb: [0], run, maxBatches: 0 }), /simulateErrorRate: maxBatches must be a positive integer; got 0/);
  await assert.rejects(simulateErrorRate({ snrDb: [0], run, maxBatches: 2, minBatches: 3 }), /simulateErrorRate\(minBatches\): must be <= maxBatches=2; got 3/);
  await assert.rejects(simulateErrorRate({ snrDb: [0], run, maxBatches: 2, targetBitErrors: 0.5 }), /simulateErrorRate: targetBitErrors must be a positive integer; got 0.5/);
  await assert.rejects(simulateErrorRate({ snrDb: [0], run, maxBatches: 2, confidence: 1 }), /simulateErrorRate\(confidence\): must be in \(0, 1\)/);
  const bad = (): ErrorCounts => ({ bitErrors: 11, bits: 10, symbolErrors: 0, symbols: 5 });
  await assert.rejects(simulateErrorRate({ snrDb: [3], run: bad, maxBatches: 2 }), /run\(snrDb=3, batchIndex=0\) returned bitErrors=11 > bits=10/);
  const neg = (): ErrorCounts => ({ bitErrors: -1, bits: 10, symbolErrors: 0, symbols: 5 });
  await assert.rejects(simulateErrorRate({ snrDb: [3], run: neg, maxBatches: 2 }), /returned bitErrors=-1; must be an integer >= 0/);
  assert.throws(() => awgnQamRun(qpsk(), new Rng(1), 0), /awgnQamRun: symbolsPerBatch must be a positive integer; got 0/);
  assert.throws(() => awgnQamRun(qpsk(), new Rng(1), 10)(NaN, 0), /awgnQamRun: snrDb must be a finite number/);
  assert.throws(() => wilsonInterval(5, 4), /wilsonInterval\(successes\): must be an integer in \[0, trials=4\]; got 5/);
});
