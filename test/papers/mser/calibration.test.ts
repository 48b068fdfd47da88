import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSnrOffset, logSerAt } from '../../../lib/papers/mser/calibration';
import { paperGdPoints } from '../../../lib/papers/mser/paperTables';

test('fitSnrOffset: recovers a known SNR shift of a curve exactly, reports its residual, skips offsets outside our range', () => {
  // our curve: log10 SER = −0.2·SNR − 1 on 0…40 dB; the "paper" is the same curve 6 dB later
  const ours = Array.from({ length: 9 }, (_, i) => ({ snrDb: 5 * i, ser: 10 ** (-0.2 * 5 * i - 1) }));
  const paper = [5, 15, 20, 25].map((s) => ({ snrDb: s, ser: 10 ** (-0.2 * (s + 6) - 1) }));
  const offsets = Array.from({ length: 61 }, (_, i) => -15 + 0.5 * i);
  const fit = fitSnrOffset(ours, paper, offsets)!;
  assert.equal(fit.offsetDb, 6);
  assert.ok(fit.residual < 1e-12);
  fit.fitted.forEach((p, i) => assert.ok(Math.abs(Math.log10(p.ser) - Math.log10(paper[i].ser)) < 1e-12));
  // a 16 dB offset would need our curve at 25 + 16 = 41 dB, outside its 0–40 dB: no fit
  assert.ok(fitSnrOffset(ours, paper, [16]) === undefined);
  assert.equal(logSerAt(ours, 2.5), -1.5);
  assert.equal(logSerAt(ours, -1), undefined);
  assert.throws(() => fitSnrOffset(ours.slice(0, 1), paper, offsets), /needs at least two/);
  // the paper's GD points are sorted and include Table II's (2, 4) point at 20 dB
  assert.deepEqual(paperGdPoints().map((p) => p.snrDb), [5, 15, 20, 25]);
});
