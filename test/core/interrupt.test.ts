/**
 * Interrupts stop long loops at their next step (SIGINT: Ctrl-C, Jupyter's ■). Emitting 'SIGINT' on
 * `process` runs the same listeners a real signal does; the real-kernel test is test/jupyter/interrupt.e2e.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { InterruptedError, InterruptScope, resetInterrupts, setExecutionToken } from '../../lib/core/interrupt';
import { train } from '../../lib/train/loop';
import { formatEvent, RecordingProgress } from '../../lib/train/progress';
import { simulateErrorRate } from '../../lib/phy/errorRate';
import { setup } from '../helpers';

/** A training run of `steps` steps that interrupts itself (SIGINT) after `after` steps. */
async function interruptedRun(w: tf.Variable, steps: number, after: number, progress = new RecordingProgress()) {
  let done = 0;
  try {
    await train({
      variables: [w],
      epochs: 1,
      stepsPerEpoch: steps,
      learningRate: 0.01,
      batch: () => tf.ones([4]),
      loss: (b) => {
        if (++done === after) setImmediate(() => process.emit('SIGINT'));
        // slow enough that the loop yields to the event loop (every ~100 ms) within a few steps
        const t0 = Date.now();
        while (Date.now() - t0 < 5);
        return tf.sum(tf.square(tf.sub(w, b as tf.Tensor)));
      },
      progress,
    });
    return { error: undefined, done, w };
  } catch (e) {
    return { error: e as Error, done, w };
  }
}

test('SIGINT stops training at the next step with "training interrupted at step n/N"; no leaks, listener removed', async () => {
  await setup();
  resetInterrupts();
  const listeners = process.listenerCount('SIGINT');
  const w = tf.variable(tf.zeros([4]));
  const before = tf.memory().numTensors;
  const progress = new RecordingProgress();
  const r = await interruptedRun(w, 2000, 10, progress);
  assert.ok(r.error instanceof InterruptedError, `expected InterruptedError, got ${r.error}`);
  assert.match(r.error.message, /^training interrupted at step (\d+)\/2000$/);
  const step = (r.error as InterruptedError).step;
  assert.ok(step >= 10 && step < 100, `stopped at step ${step}, soon after the signal at step 10`);
  assert.equal(r.done, step, 'no step runs after the one that saw the interrupt');
  const end = progress.events[progress.events.length - 1];
  assert.equal(end.kind, 'end');
  assert.equal(end.message, r.error.message, 'the progress display says where it stopped');
  assert.equal(end.interrupted, true);
  assert.match(formatEvent(end), /training interrupted at step \d+\/2000 · stopped after/);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind by the interrupted run');
  assert.equal(process.listenerCount('SIGINT'), listeners, 'in a script the handler is there only while a loop runs');
  // the interrupt is spent: the next run is not affected
  const again = await interruptedRun(w, 30, -1);
  assert.equal(again.error, undefined);
  assert.equal(again.done, 30);
  w.dispose();
});

test('in a kernel, an interrupt stops the loops of the interrupted cell only', async () => {
  await setup();
  const cellA = {};
  const cellB = {};
  let current: object = cellA;
  setExecutionToken(() => current);
  const host = () => undefined; // the kernel's own handler (tslab's)
  process.on('SIGINT', host);
  try {
    const a = new InterruptScope('training');
    process.emit('SIGINT'); // while cell A runs
    current = cellB; // the user runs the next cell
    const b = new InterruptScope('training');
    assert.throws(() => a.check(3, 10), /training interrupted at step 3\/10/);
    assert.doesNotThrow(() => b.check(3, 10), 'cell B was not interrupted');
    // a loop that cell A starts later (its code goes on after an await) is stopped at once too
    current = cellA;
    const a2 = new InterruptScope('simulation');
    assert.throws(() => a2.check(0, 5), InterruptedError);
    [a, b, a2].forEach((s) => s.dispose());
    assert.ok(process.listenerCount('SIGINT') >= 1, 'a kernel keeps listening between cells');
  } finally {
    process.off('SIGINT', host);
    resetInterrupts();
  }
});

test('SIGINT stops an error-rate simulation after the current batch', async () => {
  resetInterrupts();
  let batches = 0;
  await assert.rejects(
    simulateErrorRate({
      snrDb: [0, 5, 10],
      maxBatches: 1e6,
      targetBitErrors: 1e12,
      run: () => {
        if (++batches === 5) setImmediate(() => process.emit('SIGINT'));
        const t0 = Date.now();
        while (Date.now() - t0 < 5);
        return { bitErrors: 1, bits: 100, symbolErrors: 1, symbols: 50 };
      },
    }),
    /simulation interrupted at step 0\/3/,
  );
  assert.ok(batches < 100, `stopped after ${batches} batches`);
});
