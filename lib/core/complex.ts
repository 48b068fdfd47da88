/**
 * Batched complex tensors as (re, im) pairs of float32 tfjs tensors.
 *
 * tfjs's complex64 dtype has no wasm kernels and patchy gradients, so every complex quantity in
 * this library is a `Complex` pair of real tensors of the same shape. All ops are differentiable
 * (they are compositions of real tfjs ops) and broadcast like tfjs ops. Matrices are the last two
 * axes: `h: [batch, users, antennas]` is a batch of users × antennas matrices.
 */
import * as tf from '@tensorflow/tfjs';

/** A complex tensor: `re` and `im` have the same shape. */
export interface Complex {
  re: tf.Tensor;
  im: tf.Tensor;
}

/** Plain nested data for tests and files: real and imaginary parts as flat arrays with a shape. */
export interface ComplexArrays {
  shape: number[];
  re: Float32Array;
  im: Float32Array;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Build a Complex from parts; `im` defaults to zeros. Checks that the shapes agree. */
export function complex(re: tf.Tensor, im?: tf.Tensor): Complex {
  const i = im ?? tf.zerosLike(re);
  if (!sameShape(re.shape, i.shape)) {
    throw new Error(`complex(re, im): re shape [${re.shape}] and im shape [${i.shape}] differ`);
  }
  return { re, im: i };
}

/** Complex tensor from flat float arrays (row-major). */
export function complexFromArrays(re: ArrayLike<number>, im: ArrayLike<number>, shape: number[]): Complex {
  if (re.length !== im.length) throw new Error(`complexFromArrays: re has ${re.length} values, im has ${im.length}`);
  return { re: tf.tensor(Float32Array.from(re), shape), im: tf.tensor(Float32Array.from(im), shape) };
}

/** Read a Complex back to flat arrays (one data read per part). */
export function toArrays(a: Complex): ComplexArrays {
  return { shape: a.re.shape.slice(), re: a.re.dataSync() as Float32Array, im: a.im.dataSync() as Float32Array };
}

export function dispose(...xs: (Complex | undefined)[]): void {
  for (const x of xs) if (x) tf.dispose([x.re, x.im]);
}

/** `tf.tidy` for functions returning a Complex: everything else created inside is disposed. */
export function tidy(fn: () => Complex): Complex {
  const [re, im] = tf.tidy(() => {
    const c = fn();
    return [c.re, c.im];
  });
  return { re, im };
}

/** Tensors of a Complex, e.g. for `tf.keep` or returning from `tf.tidy`. */
export function parts(a: Complex): tf.Tensor[] {
  return [a.re, a.im];
}

export function add(a: Complex, b: Complex): Complex {
  return { re: tf.add(a.re, b.re), im: tf.add(a.im, b.im) };
}

export function sub(a: Complex, b: Complex): Complex {
  return { re: tf.sub(a.re, b.re), im: tf.sub(a.im, b.im) };
}

export function neg(a: Complex): Complex {
  return { re: tf.neg(a.re), im: tf.neg(a.im) };
}

export function conj(a: Complex): Complex {
  return { re: a.re, im: tf.neg(a.im) };
}

/** Elementwise product (broadcasting). */
export function mul(a: Complex, b: Complex): Complex {
  return {
    re: tf.sub(tf.mul(a.re, b.re), tf.mul(a.im, b.im)),
    im: tf.add(tf.mul(a.re, b.im), tf.mul(a.im, b.re)),
  };
}

/** Elementwise a · conj(b). */
export function mulConj(a: Complex, b: Complex): Complex {
  return {
    re: tf.add(tf.mul(a.re, b.re), tf.mul(a.im, b.im)),
    im: tf.sub(tf.mul(a.im, b.re), tf.mul(a.re, b.im)),
  };
}

/** Multiply by a real tensor or number (broadcasting). */
export function scale(a: Complex, s: tf.Tensor | number): Complex {
  return { re: tf.mul(a.re, s), im: tf.mul(a.im, s) };
}

/** Elementwise division by a real tensor (broadcasting); `eps` guards the denominator. */
export function divReal(a: Complex, d: tf.Tensor, eps = 0): Complex {
  const den = eps > 0 ? tf.maximum(d, eps) : d;
  return { re: tf.div(a.re, den), im: tf.div(a.im, den) };
}

/** Elementwise |a|². */
export function abs2(a: Complex): tf.Tensor {
  return tf.add(tf.square(a.re), tf.square(a.im));
}

/** Elementwise |a| (with a tiny floor inside the sqrt so the gradient stays finite at 0). */
export function abs(a: Complex): tf.Tensor {
  return tf.sqrt(tf.add(abs2(a), 1e-30));
}

/** Swap the last two axes without conjugation. */
export function transpose(a: Complex): Complex {
  const r = a.re.rank;
  if (r < 2) throw new Error(`transpose: needs rank >= 2, got rank ${r}`);
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  return { re: tf.transpose(a.re, perm), im: tf.transpose(a.im, perm) };
}

/** Conjugate transpose (Hermitian adjoint) of the last two axes: aᴴ. */
export function adjoint(a: Complex): Complex {
  const t = transpose(a);
  return { re: t.re, im: tf.neg(t.im) };
}

function checkMatmul(a: Complex, b: Complex, adjA: boolean, adjB: boolean): void {
  if (a.re.rank < 2 || b.re.rank < 2) {
    throw new Error(`matmul: both operands need rank >= 2; got [${a.re.shape}] and [${b.re.shape}]`);
  }
  const ka = a.re.shape[a.re.rank - (adjA ? 2 : 1)];
  const kb = b.re.shape[b.re.rank - (adjB ? 1 : 2)];
  if (ka !== kb) {
    throw new Error(`matmul: inner dimensions differ: a [${a.re.shape}]${adjA ? 'ᴴ' : ''} · b [${b.re.shape}]${adjB ? 'ᴴ' : ''}`);
  }
}

/**
 * Batched complex matrix product op(a) · op(b), op = identity or adjoint (ᴴ), as four real
 * matmuls. Batch axes broadcast. a: [..., m, k], b: [..., k, n] → [..., m, n].
 */
export function matmul(a: Complex, b: Complex, adjA = false, adjB = false): Complex {
  checkMatmul(a, b, adjA, adjB);
  const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, adjA, adjB);
  // conj flips the sign of the imaginary part of an adjoint operand
  const sa = adjA ? -1 : 1;
  const sb = adjB ? -1 : 1;
  const rr = mm(a.re, b.re);
  const ii = mm(a.im, b.im);
  const ri = mm(a.re, b.im);
  const ir = mm(a.im, b.re);
  // (ar + i sa ai)(br + i sb bi) = ar br - sa sb ai bi + i (sb ar bi + sa ai br)
  const re = sa * sb === 1 ? tf.sub(rr, ii) : tf.add(rr, ii);
  const im = tf.add(sb === 1 ? ri : tf.neg(ri), sa === 1 ? ir : tf.neg(ir));
  return { re, im };
}

/** Sum of |a|² over the given axes (default: the last two, i.e. squared Frobenius norm per matrix). */
export function frobNorm2(a: Complex, axes: number[] = [-2, -1], keepDims = false): tf.Tensor {
  return tf.sum(abs2(a), axes, keepDims);
}

/** Identity matrices [n, n] as a Complex (for broadcasting against batches). */
export function eye(n: number): Complex {
  return { re: tf.eye(n), im: tf.zeros([n, n]) };
}

/** Diagonal of the last two axes: [..., n, n] → [..., n]. */
export function diagPart(a: Complex): Complex {
  const n = a.re.shape[a.re.rank - 1];
  const mask = tf.eye(n);
  return { re: tf.sum(tf.mul(a.re, mask), -1), im: tf.sum(tf.mul(a.im, mask), -1) };
}

/** Real part of the trace of the last two axes: [..., n, n] → [...]. */
export function traceRe(a: Complex): tf.Tensor {
  const n = a.re.shape[a.re.rank - 1];
  return tf.sum(tf.mul(a.re, tf.eye(n)), [-2, -1]);
}

/** Stack Complex tensors along a new axis. */
export function stack(xs: Complex[], axis = 0): Complex {
  return { re: tf.stack(xs.map((x) => x.re), axis), im: tf.stack(xs.map((x) => x.im), axis) };
}

export function reshape(a: Complex, shape: number[]): Complex {
  return { re: tf.reshape(a.re, shape), im: tf.reshape(a.im, shape) };
}

export function expandDims(a: Complex, axis: number): Complex {
  return { re: tf.expandDims(a.re, axis), im: tf.expandDims(a.im, axis) };
}

export function slice(a: Complex, begin: number[], size: number[]): Complex {
  return { re: tf.slice(a.re, begin, size), im: tf.slice(a.im, begin, size) };
}

/**
 * Real-valued embedding of a complex matrix, eq. (8) of NNO-C2PO:
 * A = Ar + jAi  ↦  [[Ar, −Ai], [Ai, Ar]]   ([..., m, n] → [..., 2m, 2n]).
 * It is a ring homomorphism: embed(A·B) = embed(A)·embed(B), embed(Aᴴ) = embed(A)ᵀ.
 */
export function realEmbedMatrix(a: Complex): tf.Tensor {
  const top = tf.concat([a.re, tf.neg(a.im)], -1);
  const bottom = tf.concat([a.im, a.re], -1);
  return tf.concat([top, bottom], -2);
}

/** Inverse of `realEmbedMatrix`: read Ar and Ai from the left block column. [..., 2m, 2n] → [..., m, n]. */
export function fromRealEmbedMatrix(e: tf.Tensor): Complex {
  const r = e.rank;
  const m2 = e.shape[r - 2];
  const n2 = e.shape[r - 1];
  if (r < 2 || m2 % 2 || n2 % 2) throw new Error(`fromRealEmbedMatrix: last two axes must be even; got [${e.shape}]`);
  const [top, bottom] = tf.split(e, 2, r - 2);
  const re = tf.slice(top, Array(r).fill(0), [...e.shape.slice(0, r - 2), m2 / 2, n2 / 2]);
  const im = tf.slice(bottom, Array(r).fill(0), [...e.shape.slice(0, r - 2), m2 / 2, n2 / 2]);
  return { re, im };
}

/**
 * Real-valued embedding of a complex vector (or of the columns of a matrix), eq. (8) of NNO-C2PO:
 * x = xr + jxi ↦ [xr; xi] along `axis` (default: the second-to-last, i.e. stacked rows of columns).
 */
export function realEmbedVector(a: Complex, axis = -2): tf.Tensor {
  return tf.concat([a.re, a.im], axis);
}

/** Inverse of `realEmbedVector`. */
export function fromRealEmbedVector(e: tf.Tensor, axis = -2): Complex {
  const ax = axis < 0 ? e.rank + axis : axis;
  if (e.shape[ax] % 2) throw new Error(`fromRealEmbedVector: axis ${axis} must have even length; got [${e.shape}]`);
  const [re, im] = tf.split(e, 2, ax);
  return { re, im };
}
