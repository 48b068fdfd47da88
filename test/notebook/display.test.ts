import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoProgress, escapeHtml, inJupyter, jupyterProgress, terminalProgress } from '../../lib/notebook/display';
import { Ticker } from '../../lib/train/progress';

interface Sink { lastWriteDisplayData: unknown }

test('terminal progress prints updates and the end on a non-TTY stream', () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  const t = new Ticker(terminalProgress({ stream, intervalSec: 0 }), 'train', 4);
  t.tick(2, { loss: 1 });
  t.end({ loss: 0.5 });
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^train \[#{10}\.{10}\] 2\/4 loss 1\.0000 · .*ETA/);
  assert.match(lines[1], /done in/);
});

test('inside a kernel, progress is one display updated in place', () => {
  const hook = require('tslab/dist/jupyter') as Sink;
  const writes: { data: Record<string, string>; transient: { display_id: string }; update: boolean }[] = [];
  const saved = hook.lastWriteDisplayData;
  hook.lastWriteDisplayData = (msg: { data: Record<string, string>; transient: { display_id: string } }, update: boolean) =>
    writes.push({ ...msg, update });
  try {
    assert.ok(inJupyter());
    const t = new Ticker(jupyterProgress({ intervalSec: 0 }), 'fit <L=2>', 3);
    t.tick(1, { loss: 2 });
    t.end();
    assert.equal(writes.length, 3);
    assert.equal(new Set(writes.map((w) => w.transient.display_id)).size, 1, 'one display id');
    assert.deepEqual(writes.map((w) => Boolean(w.update)), [false, true, true]);
    assert.match(writes[1].data['text/html'], /<progress value="1" max="3"/);
    assert.match(writes[1].data['text/html'], /fit &lt;L=2&gt;/, 'phase text is escaped');
  } finally {
    hook.lastWriteDisplayData = saved;
  }
  assert.equal(inJupyter(), false);
  assert.ok(autoProgress());
  assert.equal(escapeHtml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
});
