/**
 * A batch of complex matrices in float64, for the routines that run in JavaScript rather than tfjs
 * (Jacobi eigendecomposition, classic WMMSE): one type for channels ([batch, K, M]: rows = users,
 * cols = antennas) and for square Hermitian matrices (rows = cols).
 */
import type { Complex } from './complex';

export interface ComplexBatchF64 {
  batch: number;
  rows: number;
  cols: number;
  /** row-major [batch, rows, cols] */
  re: Float64Array;
  im: Float64Array;
}

/** A float64 copy of a `[batch, rows, cols]` complex tensor pair (one data read each). */
export function toComplexBatchF64(x: Complex): ComplexBatchF64 {
  if (x.re.rank !== 3) throw new Error(`toComplexBatchF64(x): needs [batch, rows, cols]; got [${x.re.shape}]`);
  const [batch, rows, cols] = x.re.shape;
  return { batch, rows, cols, re: Float64Array.from(x.re.dataSync() as ArrayLike<number>), im: Float64Array.from(x.im.dataSync() as ArrayLike<number>) };
}

/** Throws unless `a` holds batch·rows·cols values in re and im (and, with `square`, rows = cols). */
export function checkComplexBatchF64(what: string, a: ComplexBatchF64, opts: { square?: boolean } = {}): void {
  const n = a.batch * a.rows * a.cols;
  if (!(a.re instanceof Float64Array) || !(a.im instanceof Float64Array) || a.re.length !== n || a.im.length !== n) {
    throw new Error(`${what}: expected ${a.batch}·${a.rows}·${a.cols} float64 values, got re ${a.re?.length}, im ${a.im?.length}`);
  }
  if (opts.square && a.rows !== a.cols) throw new Error(`${what}: needs square matrices; got ${a.rows}×${a.cols}`);
}
