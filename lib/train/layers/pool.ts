/**
 * 2-D max and average pooling, channels last (NHWC), as Keras's MaxPooling2D / AveragePooling2D and
 * TensorFlow's `max_pool2d` / `avg_pool2d`: each channel separately,
 *   max:     y[b, i, j, c] = max_{t < kh, u < kw} x[b, i·sh + t − p_top, j·sw + u − p_left, c]
 *   average: y[b, i, j, c] = mean of the same window,
 * over the window positions that lie inside the input. With 'valid' every window lies inside. With
 * 'same' (TensorFlow's rule: p = max(0, (out − 1)·s + k − n), p_top = ⌊p/2⌋, the extra one at the
 * end) positions outside are skipped: max never picks them (as padding with −∞) and the average
 * divides by the number of positions inside, not by kh·kw (PyTorch's AvgPool2d counts its zero
 * padding unless `count_include_pad=False`; this is the `False` case).
 *
 * Output size per axis (input n, pool k, stride s): 'valid' ⌊(n − k)/s⌋ + 1, 'same' ⌈n/s⌉. The MSER
 * benchmark CNN (mser-hybrid-beamforming-deep-unfolding, §V-B, Fig. 4: "convolutional, pooling,
 * fully-connected and batch normalization layers") has pooling layers; the paper gives no sizes.
 *
 * No parameters, so no `ParamSet`. The forward pass is tfjs's `maxPool` / `avgPool` (correct on every
 * backend); the gradient is our own, because tfjs's is not (tfjs 4.22, checked by
 * test/train/layers/pool.test.ts against finite differences): AvgPoolGrad with 'same' divides by
 * kh·kw where the forward divided by the positions inside (cpu and wasm), and wasm's MaxPoolGrad sends
 * the gradient to the wrong window position for some shapes, 'valid' ones included (e.g. a 1×2
 * pool with stride 2 on a width-8 row). Here, with x_pad the input padded to the full window grid,
 * each window offset (t, u) is a strided view x_pad[:, t :: sh, u :: sw, :] (pad, slice, reshape);
 * the gradient sums, over the kh·kw offsets, the adjoint of that view (zeros between the samples)
 * applied to
 *   max:     dy where the view holds the window's maximum and no earlier offset does (row-major;
 *            the first maximum takes the gradient, as TensorFlow's MaxPoolGrad), else 0;
 *   average: dy / (positions of the window inside the input).
 * Cost of a backward pass: ≈ 5·kh·kw small ops.
 */
import * as tf from '@tensorflow/tfjs';
import { Layer, shapeText } from './layer';
import type { Size2d } from './conv';

export interface Pool2dOptions {
  /** window height and width (a number for both) */
  poolSize: Size2d;
  /** default: the pool size (non-overlapping windows) */
  stride?: Size2d;
  /** 'valid' (default, as Keras and PyTorch) or 'same' (TensorFlow's rule, see the module comment) */
  padding?: 'valid' | 'same';
}

type Pair = [number, number];

function pair(fn: string, what: string, v: unknown): Pair {
  const obj = v !== null && typeof v === 'object' ? (v as { height?: unknown; width?: unknown }) : undefined;
  const [h, w] = typeof v === 'number' ? [v, v] : obj ? [obj.height, obj.width] : [NaN, NaN];
  for (const x of [h, w]) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) {
      throw new Error(`${fn}: ${what} must be a positive integer or { height, width } of such; got ${JSON.stringify(v)}`);
    }
  }
  return [h as number, w as number];
}

/** Output length and padding before the first position along one axis (module comment). */
function axisInfo(n: number, k: number, s: number, pad: 'valid' | 'same'): { out: number; before: number } {
  if (pad === 'valid') return { out: Math.floor((n - k) / s) + 1, before: 0 };
  const out = Math.ceil(n / s);
  return { out, before: Math.floor(Math.max(0, (out - 1) * s + k - n) / 2) };
}

/** Geometry of one call: output size, padding before, and the padded extent holding every view. */
interface Geometry {
  b: number; h: number; w: number; c: number;
  oh: number; ow: number; pt: number; pl: number;
  /** padded height and width: oh·sh + kh, ow·sw + kw (≥ every view's last sample + 1) */
  hp: number; wp: number;
  k: Pair; s: Pair;
}

function geometry(shape: number[], k: Pair, s: Pair, pad: 'valid' | 'same'): Geometry {
  const [b, h, w, c] = shape;
  const ah = axisInfo(h, k[0], s[0], pad), aw = axisInfo(w, k[1], s[1], pad);
  return { b, h, w, c, oh: ah.out, ow: aw.out, pt: ah.before, pl: aw.before, hp: ah.out * s[0] + k[0], wp: aw.out * s[1] + k[1], k, s };
}

/** x [b, h, w, c] padded with `fill` to [b, hp, wp, c] (pt rows above, pl columns left). */
function padToGrid(x: tf.Tensor, g: Geometry, fill: number): tf.Tensor {
  return tf.pad(x, [[0, 0], [g.pt, g.hp - g.h - g.pt], [g.pl, g.wp - g.w - g.pl], [0, 0]], fill);
}

/** The view of window offset (t, u): xp[:, t + i·sh, u + j·sw, :] for i < oh, j < ow → [b, oh, ow, c]. */
function view(xp: tf.Tensor, g: Geometry, t: number, u: number): tf.Tensor {
  const [sh, sw] = g.s;
  const block = tf.slice(xp, [0, t, u, 0], [g.b, g.oh * sh, g.ow * sw, g.c]);
  // [b, oh·sh, ow·sw, c] → [b·oh, sh, ow, sw·c]: sample (i, j) sits at [b·oh + i, 0, j, 0 … c)
  const r = tf.reshape(block, [g.b * g.oh, sh, g.ow, sw * g.c]);
  return tf.reshape(tf.slice(r, [0, 0, 0, 0], [g.b * g.oh, 1, g.ow, g.c]), [g.b, g.oh, g.ow, g.c]);
}

/** Adjoint of `view`: v [b, oh, ow, c] placed at xp's positions (t + i·sh, u + j·sw), zeros elsewhere → [b, hp, wp, c]. */
function viewAdjoint(v: tf.Tensor, g: Geometry, t: number, u: number): tf.Tensor {
  const [sh, sw] = g.s;
  const spread = tf.pad(tf.reshape(v, [g.b * g.oh, 1, g.ow, g.c]), [[0, 0], [0, sh - 1], [0, 0], [0, (sw - 1) * g.c]]);
  const block = tf.reshape(spread, [g.b, g.oh * sh, g.ow * sw, g.c]);
  return tf.pad(block, [[0, 0], [t, g.hp - t - g.oh * sh], [u, g.wp - u - g.ow * sw], [0, 0]]);
}

/** Σ over window offsets of viewAdjoint(contribution(t, u)), cropped back to the input: [b, h, w, c]. */
function scatterWindows(g: Geometry, contribution: (t: number, u: number) => tf.Tensor): tf.Tensor {
  const parts: tf.Tensor[] = [];
  for (let t = 0; t < g.k[0]; t++) for (let u = 0; u < g.k[1]; u++) parts.push(viewAdjoint(contribution(t, u), g, t, u));
  const full = parts.length === 1 ? parts[0] : tf.addN(parts);
  return tf.slice(full, [0, g.pt, g.pl, 0], [g.b, g.h, g.w, g.c]);
}

/** max pooling: tfjs's forward, the first-maximum gradient (module comment). */
function maxPoolOp(x: tf.Tensor4D, k: Pair, s: Pair, pad: 'valid' | 'same'): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xin = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const y = tf.maxPool(xin, k, s, pad);
    save([xin, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved;
        const g = geometry(xs.shape, k, s, pad);
        const xp = padToGrid(xs, g, -Infinity); // padding is never a window's maximum
        let taken: tf.Tensor | undefined;
        return scatterWindows(g, (t, u) => {
          const isMax = tf.equal(view(xp, g, t, u), ys);
          const first = taken ? tf.logicalAnd(isMax, tf.logicalNot(taken)) : isMax;
          taken = taken ? tf.logicalOr(taken, isMax) : isMax;
          return tf.mul(dy, tf.cast(first, 'float32'));
        });
      },
    };
  });
  return f(x);
}

/** average pooling: tfjs's forward, the gradient dy / (positions inside) spread over each window. */
function avgPoolOp(x: tf.Tensor4D, k: Pair, s: Pair, pad: 'valid' | 'same'): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xin = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    save([xin]);
    return {
      value: tf.avgPool(xin, k, s, pad),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = geometry(saved[0].shape, k, s, pad);
        // positions of window (i, j) inside the input: rows × columns
        const inside = (n: number, out: number, before: number, kk: number, ss: number) =>
          Array.from({ length: out }, (_, i) => Math.min(n, i * ss - before + kk) - Math.max(0, i * ss - before));
        const rows = inside(g.h, g.oh, g.pt, k[0], s[0]), cols = inside(g.w, g.ow, g.pl, k[1], s[1]);
        const inv = new Float32Array(g.oh * g.ow);
        for (let i = 0; i < g.oh; i++) for (let j = 0; j < g.ow; j++) inv[i * g.ow + j] = 1 / (rows[i] * cols[j]);
        const share = tf.mul(dy, tf.tensor4d(inv, [1, g.oh, g.ow, 1]));
        return scatterWindows(g, () => share);
      },
    };
  });
  return f(x);
}

function pool(fn: string, opts: Pool2dOptions, op: (x: tf.Tensor4D, k: Pair, s: Pair, pad: 'valid' | 'same') => tf.Tensor): Layer {
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: needs options { poolSize, stride?, padding? }`);
  const k = pair(fn, 'poolSize', opts.poolSize);
  const s = opts.stride === undefined ? k : pair(fn, 'stride', opts.stride);
  const pad = opts.padding ?? 'valid';
  if (pad !== 'valid' && pad !== 'same') throw new Error(`${fn}: padding must be 'valid' or 'same'; got ${JSON.stringify(pad)}`);
  return (x) => {
    if (x.rank !== 4) throw new Error(`${fn}: input must have shape [batch, height, width, channels]; got ${shapeText(x.shape)}`);
    if (x.dtype !== 'float32') throw new Error(`${fn}: input must be float32; got ${x.dtype}`);
    const [, height, width] = x.shape;
    if (pad === 'valid') {
      if (height < k[0]) throw new Error(`${fn}: input height ${height} is shorter than poolSize height ${k[0]} (padding 'valid')`);
      if (width < k[1]) throw new Error(`${fn}: input width ${width} is shorter than poolSize width ${k[1]} (padding 'valid')`);
    }
    return tf.tidy(() => op(x as tf.Tensor4D, k, s, pad));
  };
}

/**
 * Max pooling over the two middle axes.
 *
 * Input: x [batch, height, width, channels] float32.
 * Output: [batch, outHeight, outWidth, channels] (sizes from the module comment).
 */
export function maxPool2d(opts: Pool2dOptions): Layer {
  return pool('maxPool2d', opts, maxPoolOp);
}

/**
 * Average pooling over the two middle axes ('same': the mean over the window positions inside the
 * input).
 *
 * Input: x [batch, height, width, channels] float32.
 * Output: [batch, outHeight, outWidth, channels] (sizes from the module comment).
 */
export function avgPool2d(opts: Pool2dOptions): Layer {
  return pool('avgPool2d', opts, avgPoolOp);
}
