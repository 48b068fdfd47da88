/**
 * Interrupting a training cell through a real tslab kernel (jupyter_client, the ■ button's path):
 * training stops at the next step with "training interrupted at step n/N", nothing lands in later
 * cells, the cell's variable keeps its old value, no tensor is left behind, and interrupting a
 * synchronous cell still works; a cell run out of order gets one message naming the cells to run
 * first. Needs Jupyter's Python client: `bash tools/jupyter-env.sh`.
 * Run: node --import tsx --test test/jupyter/kernel.e2e.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Probe {
  status: string;
  text: string;
  other: string;
}
interface Observations {
  setup: { status: string; text: string };
  progressBeforeInterrupt: boolean;
  trainReply: { status: string; seconds: number };
  trainCellText: string;
  interruptMessage: string[];
  probe1: Probe;
  probe2: Probe;
  syncReply: { status: string; seconds: number };
  afterSync: { status: string; text: string };
  setupNotebook: { status: string; mimes: string[][] };
  outOfOrder: { status: string; text: string };
}

test('interrupting a training cell in a real kernel stops training, with no stray output', () => {
  const py = process.env.PRECODING_JUPYTER_PYTHON ?? '/usr/bin/python3';
  const out = execFileSync(py, [path.join(__dirname, 'kernel_checks.py'), path.join(ROOT, 'notebooks')], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
  });
  const o = JSON.parse(out.trim().split('\n').pop() as string) as Observations;
  assert.equal(o.setup.status, 'ok', `setup cell: ${o.setup.text}`);
  assert.ok(o.progressBeforeInterrupt, 'the training cell showed its progress bar before the interrupt');
  assert.equal(o.trainReply.status, 'error', 'the interrupted cell ends in error');
  assert.ok(o.trainReply.seconds < 10, `the cell returned ${o.trainReply.seconds.toFixed(1)} s after the interrupt`);
  assert.ok(
    o.interruptMessage.some((h) => /training interrupted at step \d+\/100000/.test(h)),
    `the progress display says where training stopped; updates seen: ${JSON.stringify(o.interruptMessage)}`,
  );
  assert.doesNotMatch(o.trainCellText, /training finished/);
  const p1 = JSON.parse(o.probe1.text) as { r: string; steps: number; leaked: number };
  const p2 = JSON.parse(o.probe2.text) as { r: string; steps: number; leaked: number };
  assert.equal(p1.r, 'before', 'the interrupted cell did not assign its variable');
  assert.equal(p2.steps, p1.steps, `training went on in the background: ${p1.steps} then ${p2.steps} steps`);
  assert.ok(p1.steps > 10 && p1.steps < 100000, `steps run: ${p1.steps}`);
  assert.equal(p2.leaked, 0, 'no tensor left behind by the interrupted training');
  assert.equal(o.probe1.other + o.probe2.other, '', 'no output from the interrupted cell arrived while later cells ran');
  assert.equal(o.syncReply.status, 'error');
  assert.ok(o.syncReply.seconds < 10, 'a synchronous cell is interrupted too');
  assert.equal(o.afterSync.status, 'ok');
  assert.match(o.afterSync.text, /\b2\b/);
  // setupNotebook shows plotly.js once, as HTML with a text fallback
  assert.equal(o.setupNotebook.status, 'ok');
  assert.deepEqual(o.setupNotebook.mimes, [['text/html', 'text/plain']]);
  // out of order: one message naming the missing names and the cells of unfolded-wmmse.ipynb defining them
  assert.equal(o.outOfOrder.status, 'error');
  const t = o.outOfOrder.text;
  assert.doesNotMatch(t, /Cannot find name/, `raw compiler lines still shown:\n${t}`);
  assert.match(t, /This cell uses wmmse, p, seed, wsrFigure, wsrTable, which no cell run in this kernel defines yet\./);
  assert.match(t, /In unfolded-wmmse\.ipynb they are defined by:/);
  assert.match(t, /code cell 1 \("\/\/ tslab note[^"]*"\): seed/);
  assert.match(t, /code cell 2 \("import \{"\): wmmse, p/);
  assert.match(t, /: wsrFigure, wsrTable/);
  assert.match(t, /Run the cells above this one first/);
});
