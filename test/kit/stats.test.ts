import { test } from 'node:test';
import assert from 'node:assert/strict';
import { above, equalWithin, formatMeanSe, meanSe, neg, notBelow, pairedDiff, snrAtTarget } from '../../lib/kit/stats';

test('mean and standard error: closed form on a small sample; paired differences', () => {
  const m = meanSe([1, 2, 3, 4]);
  assert.equal(m.mean, 2.5);
  assert.ok(Math.abs(m.se - Math.sqrt(5 / 3 / 4)) < 1e-15, 's = √(5/3), se = s/√4');
  // paired: a constant offset has zero standard error, however noisy a and b are
  const a = [10, -3, 7.5, 0.1];
  const d = pairedDiff(a, a.map((x) => x - 0.25));
  assert.ok(Math.abs(d.mean - 0.25) < 1e-12 && d.se < 1e-12);
  assert.throws(() => pairedDiff([1], [1, 2]), /needs equal lengths .* got 1 and 2/);
  assert.throws(() => meanSe([]), /at least one value/);
});

test('the decision rules at their boundaries', () => {
  assert.ok(above({ mean: 0.21, se: 0.1 }) && !above({ mean: 0.2, se: 0.1 }));
  assert.ok(notBelow({ mean: -0.19, se: 0.1 }) && !notBelow({ mean: -0.2, se: 0.1 }));
  assert.ok(notBelow({ mean: 0, se: 0 }) && !notBelow({ mean: -1e-12, se: 0 }), 'identical numbers are not below; any drop with no spread is');
  assert.ok(equalWithin({ mean: 0.09, se: 0.001 }, { relative: 0.01, of: 10 }), 'within 1 % of 10');
  assert.ok(!equalWithin({ mean: 0.11, se: 0.001 }, { relative: 0.01, of: 10 }));
  assert.ok(equalWithin({ mean: 0.3, se: 0.2 }, { relative: 0, of: 1 }), 'within 2 s.e.');
  assert.deepEqual(neg({ mean: 1, se: 2 }), { mean: -1, se: 2 });
  assert.equal(formatMeanSe({ mean: 0.5446, se: 0.00403 }), '+0.545 ± 0.004');
  assert.equal(formatMeanSe({ mean: -1.5, se: 0.02 }, 1), '-1.5 ± 0.0');
});

test('SNR at a target error rate: exact on a log-linear curve, bounds bracket it, none when not reached', () => {
  // BER = 10^(−snr/5): reaches 1e-3 at exactly 15 dB
  const snrDb = [0, 5, 10, 15, 20];
  const rate = snrDb.map((s) => 10 ** (-s / 5));
  const x = snrAtTarget({ snrDb, rate, low: rate.map((r) => r / 2), high: rate.map((r) => r * 2) }, 1e-3);
  assert.ok(x && Math.abs(x.snrDb - 15) < 1e-9);
  assert.ok(x!.low! < 15 && x!.high! > 15, `bounds ${x!.low} … ${x!.high}`);
  assert.ok(Math.abs(x!.high! - (15 + 5 * Math.log10(2))) < 1e-9, 'upper curve 2·BER crosses 5·log10(2) dB later');
  const mid = snrAtTarget({ snrDb, rate }, 10 ** -1.5);
  assert.ok(mid && Math.abs(mid.snrDb - 7.5) < 1e-9, 'interpolated between grid points');
  assert.equal(snrAtTarget({ snrDb, rate }, 1e-6), undefined);
  assert.equal(snrAtTarget({ snrDb: [0, 5], rate: [0.1, 0] }, 1e-3)?.snrDb, 5, 'no errors at the next point: at most there');
  assert.throws(() => snrAtTarget({ snrDb, rate }, 2), /target\): must be an error rate in \(0, 1\); got 2/);
  assert.throws(() => snrAtTarget({ snrDb: [5, 0], rate: [0.1, 0.01] }, 0.05), /strictly increasing/);
});
