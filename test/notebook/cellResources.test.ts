import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { keepForCell, releaseForCell } from '../../lib/notebook/cellResources';
import { setup } from '../helpers';

test('keepForCell: re-running a cell frees what its previous run kept', async () => {
  await setup();
  const before = tf.memory().numTensors;
  const make = () => ({ h: { re: tf.ones([2, 2]), im: tf.zeros([2, 2]) }, n: 3 });
  for (let run = 0; run < 5; run++) keepForCell('test-set', make());
  assert.equal(tf.memory().numTensors, before + 2, 'only the last run\'s tensors are alive');
  const disposed: number[] = [];
  keepForCell('custom', 1, (v) => disposed.push(v));
  keepForCell('custom', 2, (v) => disposed.push(v));
  assert.deepEqual(disposed, [1]);
  releaseForCell('test-set');
  releaseForCell('custom');
  releaseForCell('never-held');
  assert.deepEqual(disposed, [1, 2]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => keepForCell('', 1), /keepForCell\(key\): must be a non-empty string/);
});
