/**
 * Independent float64 loop implementations of the layers, written from the definitions (not from the
 * tfjs code): the forward tests compare against them, and the gradient tests take central finite
 * differences of them (float64, so the differences are accurate to ~1e-9).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { ParamSet } from '../../../lib/train/params';

export type RefActivation = 'linear' | 'tanh' | 'relu' | { leakyRelu: number };

export function act(v: number, a: RefActivation): number {
  if (typeof a === 'object') return v >= 0 ? v : a.leakyRelu * v;
  if (a === 'tanh') return Math.tanh(v);
  if (a === 'relu') return Math.max(0, v);
  return v;
}

/** Named float64 copies of every parameter. */
export type Values = Record<string, Float64Array>;

export function valuesOf(params: ParamSet): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(params.named())) out[k] = Float64Array.from(v.dataSync() as ArrayLike<number>);
  return out;
}

/** y[n, o] = σ(Σ_i x[n, i] W[i, o] + b[o]); x: [n, inUnits] row-major. */
export function denseRef(x: Float64Array, w: Float64Array, b: Float64Array | undefined, inU: number, outU: number, a: RefActivation): Float64Array {
  const n = x.length / inU;
  const y = new Float64Array(n * outU);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outU; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inU; i++) s += x[r * inU + i] * w[i * outU + o];
      y[r * outU + o] = act(s, a);
    }
  }
  return y;
}

export type RefPad = 'same' | 'valid' | number;

/** Output length and padding before the first sample (TensorFlow's 'same' rule). */
export function padInfo(n: number, k: number, s: number, d: number, pad: RefPad): { out: number; before: number } {
  const span = d * (k - 1) + 1;
  if (pad === 'same') {
    const out = Math.ceil(n / s);
    const total = Math.max(0, (out - 1) * s + span - n);
    return { out, before: Math.floor(total / 2) };
  }
  const p = pad === 'valid' ? 0 : pad;
  return { out: Math.floor((n + 2 * p - span) / s) + 1, before: p };
}

export interface Conv2dRefSpec {
  batch: number; h: number; w: number; cin: number; cout: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  padH: RefPad; padW: RefPad; act: RefActivation;
}

/** NHWC cross-correlation with zeros outside: the definition, as four nested loops. */
export function conv2dRef(x: Float64Array, k: Float64Array, b: Float64Array | undefined, c: Conv2dRefSpec): { y: Float64Array; oh: number; ow: number } {
  const ph = padInfo(c.h, c.kh, c.sh, c.dh, c.padH), pw = padInfo(c.w, c.kw, c.sw, c.dw, c.padW);
  const y = new Float64Array(c.batch * ph.out * pw.out * c.cout);
  for (let n = 0; n < c.batch; n++) {
    for (let i = 0; i < ph.out; i++) {
      for (let j = 0; j < pw.out; j++) {
        for (let o = 0; o < c.cout; o++) {
          let s = b ? b[o] : 0;
          for (let u = 0; u < c.kh; u++) {
            const r = i * c.sh + u * c.dh - ph.before;
            if (r < 0 || r >= c.h) continue;
            for (let v = 0; v < c.kw; v++) {
              const q = j * c.sw + v * c.dw - pw.before;
              if (q < 0 || q >= c.w) continue;
              for (let ci = 0; ci < c.cin; ci++) {
                s += x[((n * c.h + r) * c.w + q) * c.cin + ci] * k[((u * c.kw + v) * c.cin + ci) * c.cout + o];
              }
            }
          }
          y[((n * ph.out + i) * pw.out + j) * c.cout + o] = act(s, c.act);
        }
      }
    }
  }
  return { y, oh: ph.out, ow: pw.out };
}

export interface MpRefSpec {
  batch: number; K: number; M: number; dE: number; dA: number; dU: number; d: number;
  act: RefActivation; updateUsers: boolean; useBias: boolean;
}

/**
 * GNN eqs. (22)–(26) in the paper's own indexing: edge (m, k) is our edge[b, k, m, :]; (W z)_i =
 * Σ_j W[i][j] z_j with the paper's W = our kernelᵀ, i.e. W[i][j] = kernel[j, i].
 */
export function messagePassingRef(
  z: { edge: Float64Array; antenna: Float64Array; user: Float64Array }, p: Values, name: string, c: MpRefSpec,
): { edge: Float64Array; antenna: Float64Array; user?: Float64Array } {
  const { batch: B, K, M, d } = c;
  const Wz = (kernel: Float64Array, rows: number, zv: (j: number) => number, i: number) => {
    let s = 0;
    for (let j = 0; j < rows; j++) s += kernel[j * d + i] * zv(j);
    return s;
  };
  const P = (n: string) => p[`${name}/${n}`];
  const bias = (n: string, i: number) => (c.useBias ? P(n)[i] : 0);
  const eIdx = (b: number, m: number, k: number, i: number, dim: number) => ((b * K + k) * M + m) * dim + i;
  const edge = new Float64Array(B * K * M * d);
  for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) for (let i = 0; i < d; i++) {
    const s = Wz(P('W_edge'), c.dE, (j) => z.edge[eIdx(b, m, k, j, c.dE)], i)
      + Wz(P('W_bs'), c.dA, (j) => z.antenna[(b * M + m) * c.dA + j], i)
      + Wz(P('W_ue'), c.dU, (j) => z.user[(b * K + k) * c.dU + j], i)
      + bias('b_edge', i);
    edge[eIdx(b, m, k, i, d)] = act(s, c.act); // (22)
  }
  const antenna = new Float64Array(B * M * d);
  for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) {
    const msg = new Float64Array(d); // (24): mean over the neighbours k' of antenna m
    for (let k = 0; k < K; k++) for (let i = 0; i < d; i++) msg[i] += edge[eIdx(b, m, k, i, d)] / K;
    for (let i = 0; i < d; i++) {
      const s = Wz(P('W_self_bs'), c.dA, (j) => z.antenna[(b * M + m) * c.dA + j], i) + Wz(P('W_neigh_bs'), d, (j) => msg[j], i) + bias('b_bs', i);
      antenna[(b * M + m) * d + i] = act(s, c.act); // (25)
    }
  }
  if (!c.updateUsers) return { edge, antenna };
  const user = new Float64Array(B * K * d);
  for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) {
    const msg = new Float64Array(d); // (23): mean over the neighbours m' of user k
    for (let m = 0; m < M; m++) for (let i = 0; i < d; i++) msg[i] += edge[eIdx(b, m, k, i, d)] / M;
    for (let i = 0; i < d; i++) {
      const s = Wz(P('W_self_ue'), c.dU, (j) => z.user[(b * K + k) * c.dU + j], i) + Wz(P('W_neigh_ue'), d, (j) => msg[j], i) + bias('b_ue', i);
      user[(b * K + k) * d + i] = act(s, c.act); // (26)
    }
  }
  return { edge, antenna, user };
}

/** Σ r ⊙ y: a loss with every output entry weighted differently. */
export function weightedSum(y: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}

/**
 * Compare tfjs gradients (of `tfLoss` w.r.t. every parameter and every input) with central finite
 * differences of the float64 `refLoss`, entry by entry.
 */
export function checkGradients(opts: {
  params: ParamSet;
  inputs: Record<string, tf.Tensor>;
  tfLoss: (inputs: Record<string, tf.Tensor>) => tf.Scalar;
  refLoss: (params: Values, inputs: Values) => number;
  tol: number;
}): void {
  const { params, inputs } = opts;
  const names = Object.keys(inputs);
  const tfGrads: Values = {};
  tf.tidy(() => {
    const named = params.named();
    const { grads } = tf.variableGrads(() => opts.tfLoss(inputs), Object.values(named));
    for (const [k, v] of Object.entries(named)) tfGrads[k] = Float64Array.from(grads[v.name].dataSync() as ArrayLike<number>);
    const g = tf.grads((...xs: tf.Tensor[]) => opts.tfLoss(Object.fromEntries(names.map((n, i) => [n, xs[i]]))))(names.map((n) => inputs[n]));
    names.forEach((n, i) => (tfGrads[`input:${n}`] = Float64Array.from(g[i].dataSync() as ArrayLike<number>)));
  });
  const pv = valuesOf(params);
  const iv: Values = {};
  for (const n of names) iv[n] = Float64Array.from(inputs[n].dataSync() as ArrayLike<number>);
  const h = 1e-6;
  const fd = (arr: Float64Array): Float64Array => {
    const out = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const keep = arr[i];
      arr[i] = keep + h;
      const up = opts.refLoss(pv, iv);
      arr[i] = keep - h;
      const down = opts.refLoss(pv, iv);
      arr[i] = keep;
      out[i] = (up - down) / (2 * h);
    }
    return out;
  };
  const targets: [string, Float64Array][] = [...Object.keys(pv).map((k): [string, Float64Array] => [k, pv[k]]), ...names.map((n): [string, Float64Array] => [`input:${n}`, iv[n]])];
  for (const [key, arr] of targets) {
    const want = fd(arr);
    const got = tfGrads[key];
    const scale = Math.max(1, ...Array.from(want, Math.abs));
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    assert.ok(worst <= opts.tol * scale, `gradient of ${key}: max |tf − finite difference| ${worst.toExponential(2)} > ${opts.tol} × ${scale.toFixed(2)}`);
  }
}
