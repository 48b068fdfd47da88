import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../lib/core/random';
import { disposeTestSet, makeTestSet } from '../../lib/kit/testSets';
import { toComplexBatchF64 } from '../../lib/core/complexF64';
import { eighHermitian } from '../../lib/core/linalg';
import { setup } from '../helpers';

test('a test set holds the same channels as tensors and float64; same seed, same channels; nothing leaks', async () => {
  await setup();
  const before = tf.memory().numTensors;
  const a = makeTestSet(new Rng(3), { count: 5, users: 2, antennas: 4 });
  const b = makeTestSet(new Rng(3), { count: 5, users: 2, antennas: 4 });
  assert.deepEqual({ batch: a.f64.batch, rows: a.f64.rows, cols: a.f64.cols }, { batch: 5, rows: 2, cols: 4 });
  assert.deepEqual(Array.from(a.f64.re), Array.from(a.h.re.dataSync()).map(Number));
  assert.deepEqual(Array.from(a.f64.im), Array.from(b.f64.im));
  disposeTestSet(a);
  disposeTestSet(b);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => toComplexBatchF64({ re: tf.zeros([2, 2]), im: tf.zeros([2, 2]) }), /needs \[batch, rows, cols\]/);
  assert.throws(() => eighHermitian({ batch: 1, rows: 2, cols: 3, re: new Float64Array(6), im: new Float64Array(6) }), /needs square matrices; got 2×3/);
});
