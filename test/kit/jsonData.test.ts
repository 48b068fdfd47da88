import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkJsonData } from '../../lib/kit/schema';

test('checkJsonData: finite JSON data passes; NaN, ±∞, undefined, functions fail naming the path; null only where allowed', () => {
  checkJsonData({ a: [1, 'x', true, { b: -2.5 }] }, 'r');
  assert.throws(() => checkJsonData({ a: [1, NaN] }, 'r'), /r\.a\[1\] must be a finite number/);
  assert.throws(() => checkJsonData({ a: { b: Infinity } }, 'r'), /r\.a\.b must be a finite number/);
  assert.throws(() => checkJsonData({ a: undefined }, 'r'), /r\.a must be JSON data/);
  assert.throws(() => checkJsonData({ f: () => 1 }, 'r'), /r\.f must be JSON data/);
  assert.throws(() => checkJsonData({ a: null }, 'r'), /r\.a must be JSON data/);
  checkJsonData({ a: null, b: [null] }, 'r', { nulls: true });
});
