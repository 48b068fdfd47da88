/**
 * Load sets of user channels from files (e.g. QuaDRiGa exports) and save them as JSON.
 *
 * Every loader returns h: [N, K, M] complex (batch N, users K, antennas M; the library convention)
 * plus metadata. The stored array may have its axes in any order; `layout` names them in the
 * writer's own index order: MATLAB H(k, m, n) of size K×M×N → 'KMN'; NumPy H[n, k, m] → 'NKM'.
 *
 * Two entry points:
 *  - `loadChannels(path, opts)` is synchronous and reads every format except MATLAB v7.3;
 *  - `loadChannelsAsync(path, opts)` reads everything `loadChannels` reads and also MATLAB v7.3 (HDF5)
 *    files. HDF5 is read by h5wasm, an ES module whose WebAssembly runtime starts asynchronously, so a
 *    v7.3 file cannot be read synchronously: `loadChannels` on one is an error that names
 *    `loadChannelsAsync` (or re-save with `save(..., '-v7')`).
 *
 * Formats:
 *  - MATLAB .mat level 5 (save -v6/-v7, compressed or not, either byte order) through our own reader
 *    (matV5.ts; MathWorks "MAT-File Format", level 5): numeric classes double, single, int8…uint64, real
 *    or complex, of any rank; alternatively a real part and an imaginary part in two variables
 *    (`variable: 'Hr', imagVariable: 'Hi'`). Cell, struct, char, sparse and logical variables are errors
 *    naming the variable and its class. MATLAB drops trailing singleton axes, so a K×M (N = 1) variable
 *    is read as K×M×1.
 *  - MATLAB .mat v7.3 (HDF5) through h5wasm (matV73.ts), `loadChannelsAsync` only: the same classes;
 *    complex as MATLAB's compound {real, imag}.
 *  - NumPy .npy through `npyjs`: complex64 / complex128, or float16/32/64 with a trailing axis of 2
 *    (re, im); C or Fortran order; little-endian only.
 *  - JSON: { shape: [d0, d1, d2], re: number[], im: number[], layout? } (flat, row-major), or
 *    { re: nested, im: nested } (nested d0×d1×d2 arrays), or a bare nested array d0×d1×d2×2 of [re, im]
 *    pairs; nesting deeper than 16 levels is rejected before parsing. `saveChannelsJson` writes the
 *    first form with layout 'NKM'.
 * Checks: the file is readable (errors name the path), every size a file declares is checked against
 * the bytes present before anything is allocated (and a .mat variable against opts.maxBytes), the
 * variable exists (errors list those present), the dimensions fit the layout and `expect`, the dtype
 * is supported, every value is finite (errors name the first bad index), and the values fit in float32.
 * Every error is an Error whose message starts with `loadChannels("<path>")`.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parse as parseNpy } from 'npyjs';
import type { Complex } from '../../core/complex';
import { parseBoundedJson } from './boundedJson';
import { DEFAULT_MAT_MAX_BYTES, MatArray, MatContents, MatReadLimits } from './matArray';
import { readMatV5 } from './matV5';
import { isMatV73, readMatV73 } from './matV73';

export type ChannelLayout = 'NKM' | 'NMK' | 'KMN' | 'MKN' | 'KNM' | 'MNK';
export const CHANNEL_LAYOUTS: readonly ChannelLayout[] = ['NKM', 'NMK', 'KMN', 'MKN', 'KNM', 'MNK'];
export type ChannelFileFormat = 'mat' | 'npy' | 'json';

export interface ChannelFileOptions {
  /** axis order of the stored array in the writer's index order; default 'KMN' for .mat, 'NKM' otherwise */
  layout?: ChannelLayout;
  /** .mat: the variable holding the channels (or their real part); default 'H' */
  variable?: string;
  /** .mat: a second variable holding the imaginary part (split storage, e.g. 'Hi' with variable 'Hr') */
  imagVariable?: string;
  /** accept real-valued data (imaginary part 0); default false, because channels are complex */
  allowReal?: boolean;
  /** expected sizes: a mismatch is an error */
  expect?: { batch?: number; users?: number; antennas?: number };
  /** override the format implied by the file extension */
  format?: ChannelFileFormat;
  /** .mat: largest decoded variable (and inflated compressed element), bytes; default 2^30 (1 GiB) */
  maxBytes?: number;
}

export interface ChannelFileMeta {
  path: string;
  format: ChannelFileFormat;
  /** .mat variable name(s) read */
  variable?: string;
  layout: ChannelLayout;
  /** shape of the stored array as read (before any singleton axes were restored) */
  sourceShape: number[];
  /** stored element type, e.g. 'c8', 'f8', 'mat:complex', 'json' */
  dtype: string;
  /** false when real data was accepted with `allowReal` */
  complex: boolean;
  batch: number;
  users: number;
  antennas: number;
}

export interface LoadedChannels {
  /** [N, K, M] complex */
  h: Complex;
  meta: ChannelFileMeta;
}

/** What a format's loader hands to `assemble`. */
interface Loaded {
  src: Source;
  sourceShape: number[];
  dtype: string;
  complex: boolean;
  variable?: string;
}

/** Deepest JSON nesting accepted (channel files need at most 5: an object, then up to 4 array levels). */
const MAX_JSON_DEPTH = 16;

/** A stored 3-D array: element (i0, i1, i2) has re = re[o], im = im[o + imOffset], o = Σ i_j·strides[j]. */
interface Source {
  shape: number[];
  strides: number[];
  re: ArrayLike<number>;
  im: ArrayLike<number> | null;
  imOffset: number;
}

function rowMajorStrides(shape: readonly number[], unit = 1): number[] {
  const s = new Array<number>(shape.length);
  let acc = unit;
  for (let j = shape.length - 1; j >= 0; j--) {
    s[j] = acc;
    acc *= shape[j];
  }
  return s;
}

function colMajorStrides(shape: readonly number[], unit = 1): number[] {
  const s = new Array<number>(shape.length);
  let acc = unit;
  for (let j = 0; j < shape.length; j++) {
    s[j] = acc;
    acc *= shape[j];
  }
  return s;
}

/** Map a stored array to [N, K, M] float32, checking sizes and finiteness. */
function assemble(where: string, src: Source, layout: ChannelLayout, opts: ChannelFileOptions): { h: Complex; n: number; k: number; m: number } {
  if (src.shape.length !== 3) {
    throw new Error(`${where}: expected a 3-D array for layout '${layout}'; got shape [${src.shape.join(', ')}]`);
  }
  const pos = { N: layout.indexOf('N'), K: layout.indexOf('K'), M: layout.indexOf('M') };
  const n = src.shape[pos.N], k = src.shape[pos.K], m = src.shape[pos.M];
  const sizes: Record<'batch' | 'users' | 'antennas', number> = { batch: n, users: k, antennas: m };
  for (const key of ['batch', 'users', 'antennas'] as const) {
    const want = opts.expect?.[key];
    if (want !== undefined && want !== sizes[key]) {
      throw new Error(`${where}: layout '${layout}' on shape [${src.shape.join(', ')}] gives ${key} = ${sizes[key]}; expected ${want}`);
    }
  }
  for (const key of ['batch', 'users', 'antennas'] as const) {
    if (sizes[key] < 1) throw new Error(`${where}: ${key} = ${sizes[key]}; an empty channel set cannot be used`);
  }
  const sN = src.strides[pos.N], sK = src.strides[pos.K], sM = src.strides[pos.M];
  const re = new Float32Array(n * k * m);
  const im = new Float32Array(n * k * m);
  let t = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < k; b++) {
      for (let c = 0; c < m; c++, t++) {
        const o = a * sN + b * sK + c * sM;
        const vr = Number(src.re[o]);
        const vi = src.im ? Number(src.im[o + src.imOffset]) : 0;
        re[t] = vr;
        im[t] = vi;
        if (!Number.isFinite(re[t]) || !Number.isFinite(im[t])) {
          const idx = [0, 0, 0];
          idx[pos.N] = a;
          idx[pos.K] = b;
          idx[pos.M] = c;
          const bad = !Number.isFinite(vr) || !Number.isFinite(vi) ? `${vr} + ${vi}j` : `${vr} + ${vi}j (exceeds float32)`;
          throw new Error(
            `${where}: value ${bad} at stored index [${idx.join(', ')}] (0-based, layout '${layout}': ` +
              `${layout.split('').map((ax, j) => `${ax.toLowerCase()}=${idx[j]}`).join(', ')}) is not finite`,
          );
        }
      }
    }
  }
  return { h: { re: tf.tensor3d(re, [n, k, m]), im: tf.tensor3d(im, [n, k, m]) }, n, k, m };
}

function readBytes(where: string, path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new Error(`${where}: cannot read the file: ${(e as Error).message}`);
  }
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}

function checkLayout(where: string, layout: string): ChannelLayout {
  if (!(CHANNEL_LAYOUTS as readonly string[]).includes(layout)) {
    throw new Error(`${where}: layout must be one of ${CHANNEL_LAYOUTS.join(', ')} (axis order of the stored array); got '${layout}'`);
  }
  return layout as ChannelLayout;
}

// ---------------------------------------------------------------------------------------------
// nested arrays (JSON)

type Leaf = (v: unknown, at: string) => [number, number | null];

/**
 * Flatten a rectangular nested array (row-major); `depth` levels are array axes. The shape is read
 * along the first entries, so it is checked against `maxLeaves` (what the text can hold at most) before
 * allocating; raggedness is found during the walk.
 */
function flattenNested(where: string, x: unknown, depth: number, leaf: Leaf, maxLeaves: number): { shape: number[]; re: Float64Array; im: Float64Array; complex: boolean } {
  const shape: number[] = [];
  let cur: unknown = x;
  for (let d = 0; d < depth; d++) {
    if (!Array.isArray(cur)) throw new Error(`${where}: expected ${depth} nested array levels; level ${d} is not an array`);
    shape.push(cur.length);
    cur = cur[0];
  }
  const total = shape.reduce((p, v) => p * v, 1);
  if (total > maxLeaves) {
    throw new Error(`${where}: ragged array: the first entries give shape [${shape.join(', ')}] = ${total} values, more than the file can hold`);
  }
  const re = new Float64Array(total);
  const im = new Float64Array(total);
  let complex = false;
  let t = 0;
  const walk = (v: unknown, d: number, at: number[]): void => {
    if (d === depth) {
      const [r, i] = leaf(v, `[${at.join(', ')}]`);
      re[t] = r;
      if (i !== null) {
        im[t] = i;
        complex = true;
      }
      t++;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new Error(`${where}: ragged array: entry [${at.join(', ')}] should hold ${shape[d]} items at level ${d}`);
    }
    for (let j = 0; j < v.length; j++) walk(v[j], d + 1, [...at, j]);
  };
  walk(x, 0, []);
  return { shape, re, im, complex };
}

function nestedDepth(x: unknown): number {
  let d = 0;
  for (let cur = x; Array.isArray(cur); cur = cur[0]) d++;
  return d;
}

/** A JSON number; null (what JSON.stringify makes of NaN/Infinity) becomes NaN so the finiteness check names it. */
function jsonNumber(where: string, v: unknown, at: string): number {
  if (v === null) return NaN;
  if (typeof v !== 'number') throw new Error(`${where}: entry ${at} must be a number; got ${String(JSON.stringify(v)).slice(0, 80)}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// MAT (level 5 through matV5.ts, v7.3/HDF5 through matV73.ts)

/** opts.maxBytes checked, or the default. */
function matLimits(where: string, opts: ChannelFileOptions): MatReadLimits {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new Error(`${where}: opts.maxBytes must be a positive integer (bytes); got ${String(maxBytes)}`);
  return { maxBytes };
}

/** The variables a .mat load needs: the channels (or their real part) and, when split, the imaginary part. */
function matWanted(opts: ChannelFileOptions): string[] {
  return [opts.variable ?? 'H', ...(opts.imagVariable !== undefined ? [opts.imagVariable] : [])];
}

function matVariable(where: string, file: MatContents, name: string): MatArray {
  const a = file.arrays.get(name);
  if (!a) {
    throw new Error(`${where}: variable '${name}' not found; the file holds: ${file.names.length ? file.names.join(', ') : '(no variables)'}`);
  }
  return a;
}

function loadMat(where: string, file: MatContents, layout: ChannelLayout, opts: ChannelFileOptions): Loaded {
  const varName = opts.variable ?? 'H';
  const main = matVariable(where, file, varName);
  let im = main.im;
  let variable = varName;
  if (opts.imagVariable !== undefined) {
    if (main.im) throw new Error(`${where}: variable '${varName}' is already complex; do not pass imagVariable`);
    const iv = matVariable(where, file, opts.imagVariable);
    if (iv.im) throw new Error(`${where}: imaginary-part variable '${opts.imagVariable}' must be real`);
    if (iv.dims.join() !== main.dims.join()) {
      throw new Error(`${where}: '${varName}' is ${main.dims.join('×')} but '${opts.imagVariable}' is ${iv.dims.join('×')}`);
    }
    im = iv.re;
    variable = `${varName}+j·${opts.imagVariable}`;
  }
  if (!im && !opts.allowReal) {
    throw new Error(
      `${where}: variable '${varName}' is real-valued; channels are complex. Store a complex array, ` +
        `or give the imaginary part with opts.imagVariable, or pass opts.allowReal = true`,
    );
  }
  if (main.dims.length > 3) {
    throw new Error(`${where}: variable '${varName}' is ${main.dims.join('×')}; layout '${layout}' needs 3 dimensions`);
  }
  // MATLAB data are column-major; MATLAB drops trailing singleton axes: a K×M×1 set is stored as K×M
  const shape = main.dims.slice();
  const strides = colMajorStrides(shape);
  while (shape.length < 3) {
    shape.push(1);
    strides.push(0);
  }
  const src: Source = { shape, strides, re: main.re, im, imOffset: 0 };
  const kind = im ? (opts.imagVariable ? 'split' : 'complex') : 'real';
  return { src, sourceShape: main.dims, dtype: `mat:${kind}`, complex: im !== null, variable };
}

// ---------------------------------------------------------------------------------------------
// NPY

function loadNpy(where: string, bytes: Buffer, opts: ChannelFileOptions): Loaded {
  let arr: ReturnType<typeof parseNpy>;
  try {
    arr = parseNpy(toArrayBuffer(bytes));
  } catch (e) {
    throw new Error(`${where}: not a readable .npy file: ${(e as Error).message}`);
  }
  const { shape, dtype, fortranOrder } = arr;
  const raw: unknown = arr.data;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${where}: not a readable .npy file: 'shape' in the header must be non-negative integers; got (${Array.isArray(shape) ? shape.join(', ') : String(shape)})`);
  }
  if (typeof dtype !== 'string' || !(ArrayBuffer.isView(raw) || Array.isArray(raw))) {
    throw new Error(`${where}: not a readable .npy file: unsupported header (dtype ${String(dtype)})`);
  }
  const data = raw as ArrayLike<number>;
  const need = (count: number): void => {
    if (data.length < count) throw new Error(`${where}: truncated .npy data: shape [${shape}] (${dtype}) needs ${count} numbers, file has ${data.length}`);
  };
  const strides = fortranOrder ? colMajorStrides : rowMajorStrides;
  if (dtype === 'c8' || dtype === 'c16') {
    need(2 * shape.reduce((p, v) => p * v, 1));
    return { src: { shape, strides: strides(shape, 2), re: data, im: data, imOffset: 1 }, sourceShape: shape, dtype, complex: true };
  }
  if (dtype === 'f2' || dtype === 'f4' || dtype === 'f8') {
    const total = shape.reduce((p, v) => p * v, 1);
    need(total);
    if (shape.length === 4 && shape[3] === 2) {
      const s = strides(shape);
      return { src: { shape: shape.slice(0, 3), strides: s.slice(0, 3), re: data, im: data, imOffset: s[3] }, sourceShape: shape, dtype, complex: true };
    }
    if (shape.length === 3 && opts.allowReal) {
      return { src: { shape, strides: strides(shape), re: data, im: null, imOffset: 0 }, sourceShape: shape, dtype, complex: false };
    }
    throw new Error(
      `${where}: real dtype ${dtype} needs a trailing axis of 2 (re, im), i.e. shape [d0, d1, d2, 2]; got [${shape.join(', ')}]` +
        (shape.length === 3 ? ' (pass opts.allowReal = true to accept real channels)' : ''),
    );
  }
  throw new Error(`${where}: unsupported dtype '${dtype}'; use complex64 (c8), complex128 (c16) or float16/32/64 with a trailing re/im axis`);
}

// ---------------------------------------------------------------------------------------------
// JSON

function loadJson(where: string, bytes: Buffer, opts: ChannelFileOptions): Omit<Loaded, 'dtype'> & { layout?: string } {
  const doc = parseBoundedJson(where, bytes.toString('utf8'), MAX_JSON_DEPTH);
  const maxLeaves = Math.ceil(bytes.length / 2); // every number takes a digit and a separator
  const num = (v: unknown, at: string): [number, number | null] => [jsonNumber(where, v, at), null];
  if (Array.isArray(doc)) {
    const depth = nestedDepth(doc);
    if (depth !== 4) throw new Error(`${where}: a bare nested array must be d0×d1×d2×2 ([re, im] pairs); got ${depth} levels`);
    const f = flattenNested(where, doc, 4, num, maxLeaves);
    if (f.shape[3] !== 2) throw new Error(`${where}: the innermost arrays must be [re, im] pairs; got length ${f.shape[3]}`);
    const s = rowMajorStrides(f.shape);
    return { src: { shape: f.shape.slice(0, 3), strides: s.slice(0, 3), re: f.re, im: f.re, imOffset: 1 }, sourceShape: f.shape, complex: true };
  }
  if (typeof doc !== 'object' || doc === null || !('re' in doc)) {
    throw new Error(`${where}: expected { shape, re, im }, { re, im } with nested arrays, or a nested array of [re, im] pairs`);
  }
  const d = doc as { shape?: unknown; re: unknown; im?: unknown; layout?: unknown };
  const layout = typeof d.layout === 'string' ? d.layout : undefined;
  if (d.im === undefined && !opts.allowReal) throw new Error(`${where}: no 'im' field: channels are complex (pass opts.allowReal = true for real data)`);
  if (d.shape !== undefined) {
    if (!Array.isArray(d.shape) || d.shape.length !== 3 || !d.shape.every((x) => Number.isInteger(x) && x >= 0)) {
      throw new Error(`${where}: 'shape' must be 3 non-negative integers; got ${JSON.stringify(d.shape)}`);
    }
    const shape = d.shape as number[];
    const total = shape.reduce((p, v) => p * v, 1);
    const flatPart = (v: unknown, name: string): Float64Array => {
      if (!Array.isArray(v) || v.length !== total) {
        throw new Error(`${where}: '${name}' must be a flat array of ${total} numbers (shape [${shape}]); got ${Array.isArray(v) ? v.length + ' items' : typeof v}`);
      }
      return Float64Array.from(v, (x, i) => jsonNumber(where, x, `${name}[${i}]`));
    };
    const re = flatPart(d.re, 're');
    const im = d.im === undefined ? null : flatPart(d.im, 'im');
    return { src: { shape, strides: rowMajorStrides(shape), re, im, imOffset: 0 }, sourceShape: shape, complex: im !== null, layout };
  }
  const fr = flattenNested(`${where} 're'`, d.re, 3, num, maxLeaves);
  let im: Float64Array | null = null;
  if (d.im !== undefined) {
    const fi = flattenNested(`${where} 'im'`, d.im, 3, num, maxLeaves);
    if (fi.shape.join() !== fr.shape.join()) throw new Error(`${where}: 're' has shape [${fr.shape}] but 'im' has [${fi.shape}]`);
    im = fi.re;
  }
  return { src: { shape: fr.shape, strides: rowMajorStrides(fr.shape), re: fr.re, im, imOffset: 0 }, sourceShape: fr.shape, complex: im !== null, layout };
}

// ---------------------------------------------------------------------------------------------

function formatOf(where: string, path: string, opts: ChannelFileOptions): ChannelFileFormat {
  if (opts.format !== undefined) {
    if (!['mat', 'npy', 'json'].includes(opts.format)) throw new Error(`${where}: format must be 'mat', 'npy' or 'json'; got ${String(opts.format)}`);
    return opts.format;
  }
  const ext = nodePath.extname(path).toLowerCase();
  if (ext === '.mat') return 'mat';
  if (ext === '.npy') return 'npy';
  if (ext === '.json') return 'json';
  throw new Error(`${where}: cannot tell the format from the extension '${ext}'; use .mat, .npy or .json, or pass opts.format`);
}

/** Checked path, format, bytes and default layout of a load. */
interface Request {
  where: string;
  format: ChannelFileFormat;
  bytes: Buffer;
  layout: ChannelLayout;
}

function request(path: string, opts: ChannelFileOptions): Request {
  if (typeof path !== 'string' || path === '') throw new Error(`loadChannels(path): path must be a non-empty string; got ${String(path)}`);
  const where = `loadChannels("${path}")`;
  const format = formatOf(where, path, opts);
  const layout = checkLayout(where, opts.layout ?? (format === 'mat' ? 'KMN' : 'NKM'));
  return { where, format, bytes: readBytes(where, path), layout };
}

/** Everything after the .mat variables are read (or for .npy/.json, everything): decode, lay out, check. */
function finish(path: string, req: Request, opts: ChannelFileOptions, mat: MatContents | null): LoadedChannels {
  const { where, format } = req;
  let layout = req.layout;
  let loaded: Loaded;
  if (format === 'mat') {
    if (!mat) throw new Error(`${where}: internal: no MAT contents`);
    loaded = loadMat(where, mat, layout, opts);
  } else if (format === 'npy') {
    loaded = loadNpy(where, req.bytes, opts);
  } else {
    const j = loadJson(where, req.bytes, opts);
    if (j.layout !== undefined) {
      const fileLayout = checkLayout(`${where} (field 'layout')`, j.layout);
      if (opts.layout !== undefined && opts.layout !== fileLayout) {
        throw new Error(`${where}: the file says layout '${fileLayout}' but opts.layout is '${opts.layout}'`);
      }
      layout = fileLayout;
    }
    loaded = { ...j, dtype: 'json' };
  }
  const { h, n, k, m } = assemble(where, loaded.src, layout, opts);
  return {
    h,
    meta: {
      path, format, variable: loaded.variable, layout, sourceShape: loaded.sourceShape, dtype: loaded.dtype,
      complex: loaded.complex, batch: n, users: k, antennas: m,
    },
  };
}

/**
 * Load a channel set from a .mat (level 5), .npy or .json file (format from the extension or
 * opts.format). → h: [N, K, M] complex (float32) and metadata. Synchronous; MATLAB v7.3 (HDF5) files
 * need `loadChannelsAsync`.
 */
export function loadChannels(path: string, opts: ChannelFileOptions = {}): LoadedChannels {
  const req = request(path, opts);
  let mat: MatContents | null = null;
  if (req.format === 'mat') {
    if (isMatV73(req.bytes)) {
      throw new Error(
        `${req.where}: a MATLAB v7.3 (HDF5) MAT file; the synchronous loadChannels cannot read HDF5: ` +
          `use await loadChannelsAsync(path, opts), or re-save with save(..., '-v7')`,
      );
    }
    mat = readMatV5(req.where, req.bytes, matWanted(opts), matLimits(req.where, opts));
  }
  return finish(path, req, opts, mat);
}

/**
 * `loadChannels` for every format including MATLAB v7.3 (HDF5) .mat files, read through h5wasm
 * (asynchronous start-up). Same options, result and errors.
 */
export async function loadChannelsAsync(path: string, opts: ChannelFileOptions = {}): Promise<LoadedChannels> {
  const req = request(path, opts);
  let mat: MatContents | null = null;
  if (req.format === 'mat') {
    const limits = matLimits(req.where, opts);
    mat = isMatV73(req.bytes)
      ? await readMatV73(req.where, req.bytes, matWanted(opts), limits)
      : readMatV5(req.where, req.bytes, matWanted(opts), limits);
  }
  return finish(path, req, opts, mat);
}

/**
 * Write h: [N, K, M] complex as JSON { format, version, layout: 'NKM', shape, re, im } (flat,
 * row-major). The data go to a temporary file in the same directory, renamed into place at the end,
 * so a failed write never leaves a half-written file at `path`.
 */
export function saveChannelsJson(path: string, h: Complex): void {
  const where = `saveChannelsJson("${path}", h)`;
  const shape = h.re.shape;
  if (shape.length !== 3 || h.im.shape.join() !== shape.join()) {
    throw new Error(`${where}: h must be [N, K, M] complex with equal re/im shapes; got re [${shape}], im [${h.im.shape}]`);
  }
  const re = h.re.dataSync();
  const im = h.im.dataSync();
  for (let i = 0; i < re.length; i++) {
    if (!Number.isFinite(re[i]) || !Number.isFinite(im[i])) {
      const a = Math.floor(i / (shape[1] * shape[2])), b = Math.floor(i / shape[2]) % shape[1], c = i % shape[2];
      throw new Error(`${where}: h[${a}, ${b}, ${c}] = ${re[i]} + ${im[i]}j is not finite; JSON cannot store it`);
    }
  }
  const text = JSON.stringify({ format: 'precoding-workbook/channels', version: 1, layout: 'NKM', shape, re: Array.from(re), im: Array.from(im) });
  const tmp = nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
    throw new Error(`${where}: cannot write the file: ${(e as Error).message}`);
  }
}
