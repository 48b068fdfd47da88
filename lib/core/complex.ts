/**
 * Batched complex tensors as (re, im) pairs of float32 tfjs tensors.
 *
 * tfjs's complex64 dtype has no wasm kernels and patchy gradients, so every complex quantity in
 * this library is a `Complex` pair of real tensors of the same shape. All ops are differentiable
 * (they are compositions of real tfjs ops) and broadcast like tfjs ops. Matrices are the last two
 * axes, any leading axes are batch axes: `h: [..., users, antennas]` is a batch of users × antennas
 * matrices.
 *
 * Ownership (as tfjs's own ops): every function runs in its own `tf.tidy`, so it leaves no
 * intermediate tensor behind, and returns NEW tensors (never its arguments), which the caller
 * disposes. The one exception is the constructor `complex(re, im)`, which wraps the tensors given.
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

/** Build a Complex from parts (taking them as they are); `im` defaults to zeros. Checks that the shapes agree. */
export function complex(re: tf.Tensor, im?: tf.Tensor): Complex {
  if (im !== undefined && !sameShape(re.shape, im.shape)) {
    throw new Error(`complex(re, im): re shape [${re.shape}] and im shape [${im.shape}] differ`);
  }
  return { re, im: im ?? tf.zerosLike(re) };
}

/** Complex tensor from flat float arrays (row-major). */
export function complexFromArrays(re: ArrayLike<number>, im: ArrayLike<number>, shape: number[]): Complex {
  if (re.length !== im.length) throw new Error(`complexFromArrays: re has ${re.length} values, im has ${im.length}`);
  return { re: tf.tensor(Float32Array.from(re), shape, 'float32'), im: tf.tensor(Float32Array.from(im), shape, 'float32') };
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
  return tidy(() => ({ re: tf.add(a.re, b.re), im: tf.add(a.im, b.im) }));
}

export function sub(a: Complex, b: Complex): Complex {
  return tidy(() => ({ re: tf.sub(a.re, b.re), im: tf.sub(a.im, b.im) }));
}

export function neg(a: Complex): Complex {
  return tidy(() => ({ re: tf.neg(a.re), im: tf.neg(a.im) }));
}

export function conj(a: Complex): Complex {
  return tidy(() => ({ re: tf.clone(a.re), im: tf.neg(a.im) }));
}

/** Elementwise product (broadcasting). */
export function mul(a: Complex, b: Complex): Complex {
  return tidy(() => ({
    re: tf.sub(tf.mul(a.re, b.re), tf.mul(a.im, b.im)),
    im: tf.add(tf.mul(a.re, b.im), tf.mul(a.im, b.re)),
  }));
}

/** Elementwise a · conj(b). */
export function mulConj(a: Complex, b: Complex): Complex {
  return tidy(() => ({
    re: tf.add(tf.mul(a.re, b.re), tf.mul(a.im, b.im)),
    im: tf.sub(tf.mul(a.im, b.re), tf.mul(a.re, b.im)),
  }));
}

/** Multiply by a real tensor or number (broadcasting). */
export function scale(a: Complex, s: tf.Tensor | number): Complex {
  return tidy(() => ({ re: tf.mul(a.re, s), im: tf.mul(a.im, s) }));
}

/** Elementwise division by a real tensor (broadcasting); `eps` guards the denominator. */
export function divReal(a: Complex, d: tf.Tensor, eps = 0): Complex {
  return tidy(() => {
    const den = eps > 0 ? tf.maximum(d, eps) : d;
    return { re: tf.div(a.re, den), im: tf.div(a.im, den) };
  });
}

/** |a|² elementwise (no scope of its own: for use inside the tidies of this module). */
function abs2Raw(a: Complex): tf.Tensor {
  return tf.add(tf.square(a.re), tf.square(a.im));
}

/** Elementwise |a|². */
export function abs2(a: Complex): tf.Tensor {
  return tf.tidy(() => abs2Raw(a));
}

/** Elementwise |a| (with a tiny floor inside the sqrt so the gradient stays finite at 0). */
export function abs(a: Complex): tf.Tensor {
  return tf.tidy(() => tf.sqrt(tf.add(abs2Raw(a), 1e-30)));
}

function swapLastTwo(rank: number, fn: string): number[] {
  if (rank < 2) throw new Error(`${fn}: needs rank >= 2, got rank ${rank}`);
  return [...Array(rank - 2).keys(), rank - 1, rank - 2];
}

/** Swap the last two axes without conjugation. */
export function transpose(a: Complex): Complex {
  const perm = swapLastTwo(a.re.rank, 'transpose');
  return tidy(() => ({ re: tf.transpose(a.re, perm), im: tf.transpose(a.im, perm) }));
}

/** Conjugate transpose (Hermitian adjoint) of the last two axes: aᴴ. */
export function adjoint(a: Complex): Complex {
  const perm = swapLastTwo(a.re.rank, 'adjoint');
  return tidy(() => ({ re: tf.transpose(a.re, perm), im: tf.neg(tf.transpose(a.im, perm)) }));
}

/** Broadcast shape of two batch shapes (numpy rules), or undefined if they do not broadcast. */
function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Checks operands of `matmul`; returns the batch shape each operand must be broadcast to, if any. */
function checkMatmul(a: Complex, b: Complex, adjA: boolean, adjB: boolean): number[] | undefined {
  if (a.re.rank < 2 || b.re.rank < 2) {
    throw new Error(`matmul: both operands need rank >= 2; got [${a.re.shape}] and [${b.re.shape}]`);
  }
  const ka = a.re.shape[a.re.rank - (adjA ? 2 : 1)];
  const kb = b.re.shape[b.re.rank - (adjB ? 1 : 2)];
  if (ka !== kb) {
    throw new Error(`matmul: inner dimensions differ: a [${a.re.shape}]${adjA ? 'ᴴ' : ''} · b [${b.re.shape}]${adjB ? 'ᴴ' : ''}`);
  }
  const la = a.re.shape.slice(0, -2), lb = b.re.shape.slice(0, -2);
  const lead = broadcastShapes(la, lb);
  if (!lead) throw new Error(`matmul: batch axes do not broadcast: a [${a.re.shape}] · b [${b.re.shape}]`);
  // tfjs broadcasts a batch only when one side has a single matrix; otherwise broadcast explicitly
  const na = size(la), nb = size(lb);
  return na === nb && sameShape(la, lb) ? undefined : na === 1 || nb === 1 ? undefined : lead;
}

function broadcastLead(x: Complex, lead: number[]): Complex {
  const m = x.re.shape.slice(-2);
  return { re: tf.broadcastTo(x.re, [...lead, ...m]), im: tf.broadcastTo(x.im, [...lead, ...m]) };
}

/**
 * Batched complex matrix product op(a) · op(b), op = identity or adjoint (ᴴ), as four real
 * matmuls. Batch axes broadcast. a: [..., m, k], b: [..., k, n] → [..., m, n].
 */
export function matmul(a: Complex, b: Complex, adjA = false, adjB = false): Complex {
  const lead = checkMatmul(a, b, adjA, adjB);
  return tidy(() => {
    const x = lead ? broadcastLead(a, lead) : a;
    const y = lead ? broadcastLead(b, lead) : b;
    const mm = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, adjA, adjB);
    // conj flips the sign of the imaginary part of an adjoint operand
    const sa = adjA ? -1 : 1;
    const sb = adjB ? -1 : 1;
    const rr = mm(x.re, y.re);
    const ii = mm(x.im, y.im);
    const ri = mm(x.re, y.im);
    const ir = mm(x.im, y.re);
    // (ar + i sa ai)(br + i sb bi) = ar br - sa sb ai bi + i (sb ar bi + sa ai br)
    const re = sa * sb === 1 ? tf.sub(rr, ii) : tf.add(rr, ii);
    const im = tf.add(sb === 1 ? ri : tf.neg(ri), sa === 1 ? ir : tf.neg(ir));
    return { re, im };
  });
}

/** Sum of |a|² over the given axes (default: the last two, i.e. squared Frobenius norm per matrix). */
export function frobNorm2(a: Complex, axes: number[] = [-2, -1], keepDims = false): tf.Tensor {
  return tf.tidy(() => tf.sum(abs2Raw(a), axes, keepDims));
}

/** Identity matrices [n, n] as a Complex (for broadcasting against batches). */
export function eye(n: number): Complex {
  return tidy(() => ({ re: tf.eye(n), im: tf.zeros([n, n]) }));
}

/** Diagonal of the last two axes: [..., n, n] → [..., n]. */
export function diagPart(a: Complex): Complex {
  const n = a.re.shape[a.re.rank - 1];
  return tidy(() => {
    const mask = tf.eye(n);
    return { re: tf.sum(tf.mul(a.re, mask), -1), im: tf.sum(tf.mul(a.im, mask), -1) };
  });
}

/** Real part of the trace of the last two axes: [..., n, n] → [...]. */
export function traceRe(a: Complex): tf.Tensor {
  const n = a.re.shape[a.re.rank - 1];
  return tf.tidy(() => tf.sum(tf.mul(a.re, tf.eye(n)), [-2, -1]));
}

/** Stack Complex tensors along a new axis. */
export function stack(xs: Complex[], axis = 0): Complex {
  return tidy(() => ({ re: tf.stack(xs.map((x) => x.re), axis), im: tf.stack(xs.map((x) => x.im), axis) }));
}

export function reshape(a: Complex, shape: number[]): Complex {
  return tidy(() => ({ re: tf.reshape(a.re, shape), im: tf.reshape(a.im, shape) }));
}

export function expandDims(a: Complex, axis: number): Complex {
  return tidy(() => ({ re: tf.expandDims(a.re, axis), im: tf.expandDims(a.im, axis) }));
}

export function slice(a: Complex, begin: number[], size: number[]): Complex {
  return tidy(() => ({ re: tf.slice(a.re, begin, size), im: tf.slice(a.im, begin, size) }));
}

/** Leading (batch) axes of a batch of matrices [..., m, n]: [] for a single matrix. */
export function batchShape(a: Complex): number[] {
  if (a.re.rank < 2) throw new Error(`batchShape: needs rank >= 2, got [${a.re.shape}]`);
  return a.re.shape.slice(0, -2);
}

/** [..., m, n] → [B, m, n] with B the product of the leading axes (1 for a single matrix). */
export function flattenBatch(a: Complex): Complex {
  if (a.re.rank < 2) throw new Error(`flattenBatch: needs rank >= 2, got [${a.re.shape}]`);
  return reshape(a, [-1, ...a.re.shape.slice(-2)]);
}

/**
 * Real-valued embedding of a complex matrix, eq. (8) of NNO-C2PO:
 * A = Ar + jAi  ↦  [[Ar, −Ai], [Ai, Ar]]   ([..., m, n] → [..., 2m, 2n]).
 * It is a ring homomorphism: embed(A·B) = embed(A)·embed(B), embed(Aᴴ) = embed(A)ᵀ.
 */
export function realEmbedMatrix(a: Complex): tf.Tensor {
  return tf.tidy(() => {
    const top = tf.concat([a.re, tf.neg(a.im)], -1);
    const bottom = tf.concat([a.im, a.re], -1);
    return tf.concat([top, bottom], -2);
  });
}

/** Inverse of `realEmbedMatrix`: read Ar and Ai from the left block column. [..., 2m, 2n] → [..., m, n]. */
export function fromRealEmbedMatrix(e: tf.Tensor): Complex {
  const r = e.rank;
  const m2 = e.shape[r - 2];
  const n2 = e.shape[r - 1];
  if (r < 2 || m2 % 2 || n2 % 2) throw new Error(`fromRealEmbedMatrix: last two axes must be even; got [${e.shape}]`);
  return tidy(() => {
    const [top, bottom] = tf.split(e, 2, r - 2);
    const re = tf.slice(top, Array(r).fill(0), [...e.shape.slice(0, r - 2), m2 / 2, n2 / 2]);
    const im = tf.slice(bottom, Array(r).fill(0), [...e.shape.slice(0, r - 2), m2 / 2, n2 / 2]);
    return { re, im };
  });
}

/**
 * Real-valued embedding of a complex vector (or of the columns of a matrix), eq. (8) of NNO-C2PO:
 * x = xr + jxi ↦ [xr; xi] along `axis` (default: the second-to-last, i.e. stacked rows of columns).
 */
export function realEmbedVector(a: Complex, axis = -2): tf.Tensor {
  return tf.tidy(() => tf.concat([a.re, a.im], axis));
}

/** Inverse of `realEmbedVector`. */
export function fromRealEmbedVector(e: tf.Tensor, axis = -2): Complex {
  const ax = axis < 0 ? e.rank + axis : axis;
  if (e.shape[ax] % 2) throw new Error(`fromRealEmbedVector: axis ${axis} must have even length; got [${e.shape}]`);
  return tidy(() => {
    const [re, im] = tf.split(e, 2, ax);
    return { re, im };
  });
}
