import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import {
  assertFinite, checkBatchShape, checkFinite, checkMatrixBatch, checkOptionalPositiveInt, checkPositiveInt,
} from '../../lib/core/validate';
import { backendTest } from '../helpers';

test('checkPositiveInt (one for the whole library): names the function, the parameter and the range', () => {
  assert.equal(checkPositiveInt('f', 'n', 3), 3);
  for (const bad of [0, -1, 1.5, NaN, Infinity, '2', undefined]) {
    assert.throws(() => checkPositiveInt('train', 'epochs', bad), new RegExp(`^Error: train: epochs must be a positive integer; got ${String(bad)}$`));
  }
  assert.equal(checkOptionalPositiveInt('f', 'patience', undefined), undefined);
  assert.equal(checkOptionalPositiveInt('f', 'patience', 2), 2);
  assert.throws(() => checkOptionalPositiveInt('f', 'patience', 0), /f: patience must be a positive integer; got 0/);
});

test('checkBatchShape: batch or batchShape, not both; every axis a positive integer', () => {
  assert.deepEqual(checkBatchShape('g', 4, undefined), [4]);
  assert.deepEqual(checkBatchShape('g', undefined, [2, 3]), [2, 3]);
  assert.deepEqual(checkBatchShape('g', undefined, undefined, [1]), [1]);
  assert.throws(() => checkBatchShape('g', 2, [2]), /g: give batch or batchShape, not both/);
  assert.throws(() => checkBatchShape('g', undefined, [2, -1]), /g: batchShape\[1\] must be a positive integer; got -1/);
  assert.throws(() => checkBatchShape('g', undefined, 3), /g: batchShape must be an array of positive integers; got 3/);
  assert.throws(() => checkBatchShape('g', undefined, undefined), /g: batch must be a positive integer; got undefined/);
  assert.throws(() => checkFinite('f', 'x', -1, 0), /f: x must be finite and >= 0; got -1/);
});

backendTest('checkMatrixBatch reads shapes only; assertFinite (for the edges) reads all its tensors once', () => {
  assert.deepEqual(checkMatrixBatch('f(h)', C.complex(tf.zeros([2, 3, 4])), '[..., K, M]'), [2, 3, 4]);
  assert.throws(() => checkMatrixBatch('f(h)', C.complex(tf.zeros([4])), '[..., K, M]'), /f\(h\): must be \[\.\.\., K, M\] complex \(rank >= 2\); got \[4\]/);
  assert.throws(() => checkMatrixBatch('f(h)', { re: tf.zeros([2, 2]), im: tf.zeros([2, 3]) }, '[..., K, M]'), /f\(h\): re shape \[2,2\] and im shape \[2,3\] must agree/);
  assertFinite('f(x)', tf.ones([2]), C.complex(tf.zeros([3])));
  assert.throws(() => assertFinite('f(x, h)', tf.ones([2]), C.complexFromArrays([0], [Infinity], [1])), /f\(x, h\): must be finite \(found NaN or ±Infinity\)/);
  assert.throws(() => assertFinite('f(x)', tf.tensor1d([NaN])), /f\(x\): must be finite/);
});
