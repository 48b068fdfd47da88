/**
 * 1-D and 2-D convolution layers, channels last (tfjs's NWC / NHWC), cross-correlation as in every
 * deep-learning library: y[b, i, o] = σ(Σ_{t, c} x[b, i·s + t·d − p, c] · K[t, c, o] + bias[o]),
 * with zeros outside the input.
 *
 * Layout at the boundary: papers written for PyTorch give channels-first shapes. SLP-DNet
 * (slp-quantized-nn-weights, Tables III–IV) takes (B, 1, 2M, K) with 3×3 kernels and unit (= 'same'
 * for stride 1) padding; the MSER benchmark CNN (mser-hybrid-beamforming-deep-unfolding, §V-B) takes
 * H̃ as 2×Nr×Nt (re/im as two channels) with padding P and stride St, output size
 * (Cin − K + 2P)/St + 1. Here those inputs are [B, 2M, K, 1] and [B, Nr, Nt, 2]: transpose
 * NCHW → NHWC with `tf.transpose(x, [0, 2, 3, 1])` before the first layer.
 *
 * Output length per spatial axis (input n, kernel k, stride s, dilation d):
 *   'valid': ⌊(n − d(k−1) − 1)/s⌋ + 1;  'same': ⌈n/s⌉ (TensorFlow's rule: extra padding at the end);
 *   p zeros each side: ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 (PyTorch's `padding=p`).
 *
 * Parameters: `${name}/kernel` [k, inChannels, outChannels] (1-D) or [kh, kw, inChannels, outChannels]
 * (2-D; PyTorch's weight [out, in, kh, kw] becomes ours by tf.transpose(w, [2, 3, 1, 0])); `${name}/bias`
 * [outChannels] unless `useBias: false` (the MSER paper's parameter count
 * Σ K_l C_{l−1} C_l has no bias terms; Keras and PyTorch default to one).
 */
import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../../core/validate';
import { checkInitializer, Initializer } from '../init';
import { checkParamName, ParamSet } from '../params';
import { Activation, activate, checkActivation } from './activation';
import { Layer, shapeText } from './layer';
import { linear } from './linear';

/** Per-axis sizes of a 2-D layer; a number means the same for height and width. */
export type Size2d = number | { height: number; width: number };

interface ConvCommon {
  inChannels: number;
  outChannels: number;
  /** default 'linear' */
  activation?: Activation;
  /** default true */
  useBias?: boolean;
  /** default 'glorotUniform' (fans include the receptive field) */
  kernelInit?: Initializer;
  /** default 'zeros' */
  biasInit?: Initializer;
  /**
   * Applied to the kernel at every call before convolving (e.g. binary, ternary or stochastic
   * weight quantisation with a straight-through gradient, `train/quantize`); the stored kernel stays
   * real-valued and is what the optimiser trains. Default: none.
   */
  kernelTransform?: (kernel: tf.Tensor) => tf.Tensor;
}

export interface Conv1dOptions extends ConvCommon {
  kernelSize: number;
  /** default 1 */
  stride?: number;
  /** default 1 */
  dilation?: number;
  /** 'same' (default), 'valid', or a number of zeros on each side */
  padding?: 'same' | 'valid' | number;
}

export interface Conv2dOptions extends ConvCommon {
  kernelSize: Size2d;
  /** default 1 */
  stride?: Size2d;
  /** default 1 */
  dilation?: Size2d;
  /** 'same' (default), 'valid', or zeros on each side: a number or { height, width } */
  padding?: 'same' | 'valid' | Size2d;
}

function pair(fn: string, what: string, v: Size2d, min: number): [number, number] {
  const [h, w] = typeof v === 'number' ? [v, v] : v !== null && typeof v === 'object' ? [v.height, v.width] : [NaN, NaN];
  for (const x of [h, w]) {
    if (!Number.isInteger(x) || x < min) {
      throw new Error(`${fn}: ${what} must be an integer >= ${min} or { height, width } of such; got ${JSON.stringify(v)}`);
    }
  }
  return [h, w];
}

type Pad = 'same' | 'valid' | number;

function checkPad(fn: string, p: unknown): void {
  if (p === 'same' || p === 'valid' || (typeof p === 'number' && Number.isInteger(p) && p >= 0)) return;
  throw new Error(`${fn}: padding must be 'same', 'valid' or a non-negative integer; got ${JSON.stringify(p)}`);
}

/** Output length along one axis, or an error if the input is too short for the kernel. */
function outLength(fn: string, axis: string, n: number, k: number, s: number, d: number, pad: Pad): number {
  if (pad === 'same') return Math.ceil(n / s);
  const p = pad === 'valid' ? 0 : pad;
  const span = d * (k - 1) + 1;
  if (n + 2 * p < span) throw new Error(`${fn}: input ${axis} ${n} (+ ${2 * p} padding) is shorter than the kernel span ${span}`);
  return Math.floor((n + 2 * p - span) / s) + 1;
}

function common(fn: string, opts: ConvCommon) {
  const inC = checkPositiveInt(fn, 'inChannels', opts.inChannels);
  const outC = checkPositiveInt(fn, 'outChannels', opts.outChannels);
  const act = opts.activation ?? 'linear';
  checkActivation(`${fn}: activation`, act);
  const kernelInit = opts.kernelInit ?? 'glorotUniform', biasInit = opts.biasInit ?? 'zeros';
  checkInitializer(`${fn}: kernelInit`, kernelInit);
  checkInitializer(`${fn}: biasInit`, biasInit);
  if (opts.kernelTransform !== undefined && typeof opts.kernelTransform !== 'function') throw new Error(`${fn}: kernelTransform must be a function kernel → kernel`);
  return { inC, outC, act, kernelInit, biasInit, transform: opts.kernelTransform };
}

type TfPad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/**
 * A dilated kernel as an ordinary one: d−1 zeros between taps along height and width. tfjs has no
 * gradient for conv2d with dilation > 1 (and conv1d's numeric padding pads the height too), so every
 * convolution here runs as an undilated `tf.conv2d` with explicit padding; the zeros get zero
 * gradient, the taps the true one. kernel [kh, kw, in, out] → [d_h(kh−1)+1, d_w(kw−1)+1, in, out].
 */
function dilateKernel(kernel: tf.Tensor, dh: number, dw: number): tf.Tensor {
  const [kh, kw, inC, outC] = kernel.shape;
  let k = kernel;
  if (dh > 1) {
    const z = tf.zeros([kh, dh - 1, kw, inC, outC]);
    k = tf.slice(tf.reshape(tf.concat([tf.expandDims(k, 1), z], 1), [kh * dh, kw, inC, outC]), 0, dh * (kh - 1) + 1);
  }
  if (dw > 1) {
    const h = k.shape[0];
    const z = tf.zeros([h, kw, dw - 1, inC, outC]);
    k = tf.slice(tf.reshape(tf.concat([tf.expandDims(k, 2), z], 2), [h, kw * dw, inC, outC]), [0, 0, 0, 0], [h, dw * (kw - 1) + 1, inC, outC]);
  }
  return k;
}

/**
 * Stride-1 convolution as one matmul over kh·kw shifted views of the padded input (im2col):
 * y[b, i, j, :] = Σ_{t,u} x_pad[b, i + t, j + u, :] · K[t, u, :, :]. The same numbers as tf.conv2d,
 * but its gradient is slices, a concat and a matmul: tfjs's filter-gradient kernel for small
 * inputs costs ≈ 300 ms for [200, 8, 4, 1] ⋆ [3, 3, 1, 20] on wasm and cpu, this ≈ 2 ms.
 * pad: TensorFlow's 'same' (extra zero at the end), 'valid', or explicit [top, bottom], [left, right].
 */
function conv2dIm2col(x: tf.Tensor4D, k: tf.Tensor4D, pad: TfPad): tf.Tensor {
  const [b, h, w, inC] = x.shape;
  const [kh, kw, , outC] = k.shape;
  let ph: [number, number], pw: [number, number];
  if (pad === 'same') {
    ph = [Math.floor((kh - 1) / 2), kh - 1 - Math.floor((kh - 1) / 2)];
    pw = [Math.floor((kw - 1) / 2), kw - 1 - Math.floor((kw - 1) / 2)];
  } else if (pad === 'valid') {
    ph = [0, 0];
    pw = [0, 0];
  } else {
    ph = pad[1];
    pw = pad[2];
  }
  const xp = ph[0] + ph[1] + pw[0] + pw[1] > 0 ? tf.pad(x, [[0, 0], ph, pw, [0, 0]]) : x;
  const oh = h + ph[0] + ph[1] - kh + 1, ow = w + pw[0] + pw[1] - kw + 1;
  const views: tf.Tensor[] = [];
  for (let t = 0; t < kh; t++) for (let u = 0; u < kw; u++) views.push(tf.slice(xp, [0, t, u, 0], [b, oh, ow, inC]));
  const cols = views.length === 1 ? views[0] : tf.concat(views, 3); // [b, oh, ow, kh·kw·in], (t, u, c) order
  // ./linear: its gradient avoids transposed matmuls, which wasm runs ≈ 20× slower
  const y = linear(tf.reshape(cols, [b * oh * ow, kh * kw * inC]), tf.reshape(k, [kh * kw * inC, outC]));
  return tf.reshape(y, [b, oh, ow, outC]);
}

/** The convolution both layers run: x [b, h, w, in] ⋆ kernel [kh, kw, in, out] (+ bias), then σ. */
function convolve(x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor | undefined, strides: [number, number], dil: [number, number], pad: TfPad, act: Activation): tf.Tensor {
  const k = dilateKernel(kernel, dil[0], dil[1]) as tf.Tensor4D;
  let y: tf.Tensor = strides[0] === 1 && strides[1] === 1 ? conv2dIm2col(x, k, pad) : tf.conv2d(x, k, strides, pad, 'NHWC');
  if (bias) y = tf.add(y, bias);
  return activate(y, act);
}

/**
 * 1-D convolution over the middle axis.
 *
 * Input: x [batch, width, inChannels] float32.
 * Output: [batch, outWidth, outChannels] float32 (outWidth from the module comment).
 */
export function conv1d(params: ParamSet, name: string, opts: Conv1dOptions): Layer {
  const fn = `conv1d("${checkParamName('conv1d', name)}")`;
  const { inC, outC, act, kernelInit, biasInit, transform } = common(fn, opts);
  const k = checkPositiveInt(fn, 'kernelSize', opts.kernelSize);
  const s = checkPositiveInt(fn, 'stride', opts.stride ?? 1);
  const d = checkPositiveInt(fn, 'dilation', opts.dilation ?? 1);
  const pad = opts.padding ?? 'same';
  checkPad(fn, pad);
  const tfPad: TfPad = typeof pad === 'number' ? [[0, 0], [0, 0], [pad, pad], [0, 0]] : pad;
  const kernel = params.add(`${name}/kernel`, { shape: [k, inC, outC], init: kernelInit });
  const bias = opts.useBias === false ? undefined : params.add(`${name}/bias`, { shape: [outC], init: biasInit });
  return (x) => {
    if (x.rank !== 3 || x.shape[2] !== inC) {
      throw new Error(`${fn}: input must have shape [batch, width, ${inC}] (inChannels); got ${shapeText(x.shape)}`);
    }
    const [batch, width] = x.shape as number[];
    const outW = outLength(fn, 'width', width, k, s, d, pad);
    return tf.tidy(() => {
      const y = convolve(tf.reshape(x, [batch, 1, width, inC]), tf.reshape(transform ? transform(kernel) : kernel, [1, k, inC, outC]), bias, [1, s], [1, d], tfPad, act);
      return tf.reshape(y, [batch, outW, outC]);
    });
  };
}

/**
 * 2-D convolution over the two middle axes.
 *
 * Input: x [batch, height, width, inChannels] float32.
 * Output: [batch, outHeight, outWidth, outChannels] float32 (sizes from the module comment).
 */
export function conv2d(params: ParamSet, name: string, opts: Conv2dOptions): Layer {
  const fn = `conv2d("${checkParamName('conv2d', name)}")`;
  const { inC, outC, act, kernelInit, biasInit, transform } = common(fn, opts);
  const [kh, kw] = pair(fn, 'kernelSize', opts.kernelSize, 1);
  const strides = pair(fn, 'stride', opts.stride ?? 1, 1);
  const dil = pair(fn, 'dilation', opts.dilation ?? 1, 1);
  const padOpt = opts.padding ?? 'same';
  let padH: Pad, padW: Pad;
  let tfPad: TfPad;
  if (padOpt === 'same' || padOpt === 'valid') {
    padH = padW = tfPad = padOpt;
  } else {
    [padH, padW] = pair(fn, 'padding', padOpt, 0);
    tfPad = [[0, 0], [padH, padH], [padW, padW], [0, 0]];
  }
  const kernel = params.add(`${name}/kernel`, { shape: [kh, kw, inC, outC], init: kernelInit });
  const bias = opts.useBias === false ? undefined : params.add(`${name}/bias`, { shape: [outC], init: biasInit });
  return (x) => {
    if (x.rank !== 4 || x.shape[3] !== inC) {
      throw new Error(`${fn}: input must have shape [batch, height, width, ${inC}] (inChannels); got ${shapeText(x.shape)}`);
    }
    const [, height, width] = x.shape as number[];
    outLength(fn, 'height', height, kh, strides[0], dil[0], padH);
    outLength(fn, 'width', width, kw, strides[1], dil[1], padW);
    return tf.tidy(() => convolve(x as tf.Tensor4D, transform ? transform(kernel) : kernel, bias, strides, dil, tfPad, act));
  };
}
