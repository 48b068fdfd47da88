import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEvent, formatSeconds, RecordingProgress, Ticker } from '../../lib/train/progress';

test('ticker reports start, updates with a linear ETA, and end', async () => {
  const rec = new RecordingProgress();
  const t = new Ticker(rec, 'phase', 10);
  await new Promise((r) => setTimeout(r, 30));
  t.tick(5, { loss: 0.5 });
  t.end();
  const [start, upd, end] = rec.events;
  assert.equal(start.kind, 'start');
  assert.equal(upd.done, 5);
  // ETA = elapsed/done · remaining = elapsed for half done
  assert.ok(Math.abs(upd.etaSec! - upd.elapsedSec) < 1e-9);
  assert.equal(end.kind, 'end');
  assert.throws(() => new Ticker(rec, 'x', -1), /Ticker\(total\)/);
});

test('formatting of times and events', () => {
  assert.equal(formatSeconds(3.21), '3.2s');
  assert.equal(formatSeconds(65), '1m05s');
  assert.equal(formatSeconds(7300), '2h01m');
  assert.equal(formatSeconds(undefined), '?');
  const line = formatEvent({ phase: 'train', kind: 'update', done: 5, total: 10, epoch: 1, loss: 0.12345, elapsedSec: 2, etaSec: 2 }, 10);
  assert.equal(line, 'train [#####.....] 5/10 epoch 1 loss 0.1235 · 2.0s, ETA 2.0s');
});
