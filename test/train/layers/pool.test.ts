import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { avgPool2d, maxPool2d, Pool2dOptions } from '../../../lib/train/layers';
import { backendTest, assertClose, arr } from '../../helpers';
import { padInfo, weightedSum } from './reference';

interface Case {
  what: string;
  h: number; w: number; c: number;
  opts: Pool2dOptions;
}

const CASES: Case[] = [
  { what: '2×2, default stride and padding (non-overlapping, valid)', h: 6, w: 4, c: 2, opts: { poolSize: 2 } },
  { what: '3×3 stride 2 valid (overlapping, a row and column left over)', h: 8, w: 6, c: 3, opts: { poolSize: 3, stride: 2 } },
  { what: '3×2 same, stride (2, 3)', h: 7, w: 8, c: 2, opts: { poolSize: { height: 3, width: 2 }, stride: { height: 2, width: 3 }, padding: 'same' } },
  { what: '2×2 same, stride 1 (the extra row and column at the end)', h: 5, w: 5, c: 1, opts: { poolSize: 2, stride: 1, padding: 'same' } },
  { what: '1×3 same, stride (1, 2)', h: 3, w: 7, c: 2, opts: { poolSize: { height: 1, width: 3 }, stride: { height: 1, width: 2 }, padding: 'same' } },
  // tfjs-wasm's own MaxPoolGrad puts this one's gradient on the wrong position of each window
  { what: '1×2 valid on a row of 8', h: 1, w: 8, c: 1, opts: { poolSize: { height: 1, width: 2 } } },
];

function sizes(o: Pool2dOptions): { kh: number; kw: number; sh: number; sw: number; pad: 'valid' | 'same' } {
  const p = (v: Pool2dOptions['poolSize']) => (typeof v === 'number' ? [v, v] : [v.height, v.width]);
  const [kh, kw] = p(o.poolSize);
  const [sh, sw] = o.stride === undefined ? [kh, kw] : p(o.stride);
  return { kh, kw, sh, sw, pad: o.padding ?? 'valid' };
}

/** The definition as loops: max or mean over the window positions inside the input. */
function poolRef(x: Float64Array, kind: 'max' | 'avg', c: Case, batch: number): { y: Float64Array; oh: number; ow: number } {
  const { kh, kw, sh, sw, pad } = sizes(c.opts);
  const ph = padInfo(c.h, kh, sh, 1, pad), pw = padInfo(c.w, kw, sw, 1, pad);
  const y = new Float64Array(batch * ph.out * pw.out * c.c);
  for (let b = 0; b < batch; b++) for (let i = 0; i < ph.out; i++) for (let j = 0; j < pw.out; j++) for (let ch = 0; ch < c.c; ch++) {
    let best = -Infinity, sum = 0, count = 0;
    for (let t = 0; t < kh; t++) {
      const r = i * sh + t - ph.before;
      if (r < 0 || r >= c.h) continue;
      for (let u = 0; u < kw; u++) {
        const q = j * sw + u - pw.before;
        if (q < 0 || q >= c.w) continue;
        const v = x[((b * c.h + r) * c.w + q) * c.c + ch];
        best = Math.max(best, v);
        sum += v;
        count++;
      }
    }
    y[((b * ph.out + i) * pw.out + j) * c.c + ch] = kind === 'max' ? best : sum / count;
  }
  return { y, oh: ph.out, ow: pw.out };
}

const LAYERS = { max: maxPool2d, avg: avgPool2d } as const;

backendTest('maxPool2d and avgPool2d equal the loop definition (valid and same, strides); one output tensor, nothing leaked', async () => {
  const rng = new Rng('pool-forward');
  for (const c of CASES) {
    for (const kind of ['max', 'avg'] as const) {
      const x = rng.normal([2, c.h, c.w, c.c]);
      const f = LAYERS[kind](c.opts);
      const before = tf.memory().numTensors;
      const y = f(x);
      assert.equal(tf.memory().numTensors, before + 1, `${kind} ${c.what}: only the output is new`);
      const want = poolRef(Float64Array.from(arr(x)), kind, c, 2);
      assert.deepEqual(y.shape, [2, want.oh, want.ow, c.c], `${kind} ${c.what}: shape`);
      assertClose(arr(y), want.y, 1e-6, `${kind} ${c.what}`);
      tf.dispose([x, y]);
    }
  }
});

backendTest('the gradients of maxPool2d and avgPool2d equal central finite differences of the loop definition', async () => {
  const rng = new Rng('pool-gradient');
  for (const c of CASES) {
    for (const kind of ['max', 'avg'] as const) {
      const f = LAYERS[kind](c.opts);
      const x = rng.normal([2, c.h, c.w, c.c]);
      const xv = Float64Array.from(arr(x));
      const ny = poolRef(xv, kind, c, 2).y.length;
      const r = Float64Array.from(rng.normalArray(ny));
      const before = tf.memory().numTensors;
      const g = tf.tidy(() => arr(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), tf.tensor(Float32Array.from(r), f(xx).shape))))(x)));
      assert.equal(tf.memory().numTensors, before, `${kind} ${c.what}: the gradient leaves nothing behind`);
      // the loss Σ r ⊙ y is piecewise linear in x: central differences are exact away from ties
      const h = 1e-4;
      const fd = new Float64Array(xv.length);
      for (let i = 0; i < xv.length; i++) {
        const keep = xv[i];
        xv[i] = keep + h;
        const up = weightedSum(poolRef(xv, kind, c, 2).y, r);
        xv[i] = keep - h;
        const down = weightedSum(poolRef(xv, kind, c, 2).y, r);
        xv[i] = keep;
        fd[i] = (up - down) / (2 * h);
      }
      assertClose(g, fd, 1e-5, `${kind} ${c.what}: gradient`);
      if (kind === 'avg') {
        // every output spreads its weight over its window: Σ ∂/∂x = Σ r
        const total = g.reduce((s, v) => s + v, 0);
        assertClose(total, r.reduce((s, v) => s + v, 0), 1e-4, `${kind} ${c.what}: Σ gradient = Σ r`);
      }
      x.dispose();
    }
  }
});

backendTest('maxPool2d with ties (a ReLU output of zeros): the first maximum of each window takes the whole gradient', async () => {
  // 4×4 of zeros with one positive entry; 2×2 windows, stride 2: three windows tie at 0, one has a unique max
  const x = tf.tensor4d([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], [1, 4, 4, 1]);
  const f = maxPool2d({ poolSize: 2 });
  const g = tf.tidy(() => arr(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]))))(x)));
  assert.deepEqual(Array.from(g), [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 4]);
  // 'same' with the padding inside a window: padding never takes it, even where the data are all −5
  const neg = tf.fill([1, 3, 3, 1], -5);
  const gs = tf.tidy(() => arr(tf.grad((xx: tf.Tensor) => tf.sum(maxPool2d({ poolSize: 2, padding: 'same' })(xx)))(neg)));
  assert.equal(gs.reduce((a, v) => a + v, 0), 4, 'the four windows each send 1 to a position inside');
  assert.deepEqual(Array.from(gs), [1, 0, 1, 0, 0, 0, 1, 0, 1]);
  tf.dispose([x, neg]);
});

test('bad pooling options and inputs are errors naming the option', () => {
  assert.throws(() => maxPool2d({ poolSize: 0 }), /maxPool2d: poolSize must be a positive integer or \{ height, width \} of such; got 0/);
  assert.throws(() => avgPool2d({ poolSize: { height: 2, width: 1.5 } }), /avgPool2d: poolSize must be a positive integer/);
  assert.throws(() => maxPool2d({ poolSize: 2, stride: 'x' as unknown as number }), /maxPool2d: stride must be a positive integer or \{ height, width \} of such; got "x"/);
  assert.throws(() => maxPool2d({ poolSize: 2, padding: 1 as unknown as 'same' }), /maxPool2d: padding must be 'valid' or 'same'; got 1/);
  assert.throws(() => avgPool2d(undefined as unknown as Pool2dOptions), /avgPool2d: needs options \{ poolSize, stride\?, padding\? \}/);
  const x3 = tf.zeros([2, 4, 4]);
  assert.throws(() => maxPool2d({ poolSize: 2 })(x3), /maxPool2d: input must have shape \[batch, height, width, channels\]; got \[2,4,4\]/);
  const small = tf.zeros([1, 4, 2, 1]);
  assert.throws(() => avgPool2d({ poolSize: 3 })(small), /avgPool2d: input width 2 is shorter than poolSize width 3 \(padding 'valid'\)/);
  assert.doesNotThrow(() => tf.dispose(avgPool2d({ poolSize: 3, padding: 'same' })(small)), "'same' pools what there is");
  const ints = tf.zeros([1, 4, 4, 1], 'int32');
  assert.throws(() => maxPool2d({ poolSize: 2 })(ints), /maxPool2d: input must be float32; got int32/);
  tf.dispose([x3, small, ints]);
});
