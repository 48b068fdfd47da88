/**
 * Load sets of user channels from files (e.g. QuaDRiGa exports) and save them as JSON.
 *
 * Every loader returns h: [N, K, M] complex (batch N, users K, antennas M; the library convention)
 * plus metadata. The stored array may have its axes in any order; `layout` names them in the
 * writer's own index order: MATLAB H(k, m, n) of size K×M×N → 'KMN'; NumPy H[n, k, m] → 'NKM'.
 *
 * Formats:
 *  - MATLAB .mat level 5 (v6/v7, compressed or not) through `mat-for-js`: complex arrays are supported
 *    (mat-for-js gives {r, i} elements); alternatively a real part and an imaginary part in two
 *    variables (`variable: 'Hr', imagVariable: 'Hi'`). v7.3 (HDF5) files are not supported (re-save
 *    with `save(..., '-v7')`). mat-for-js 1.1.0 mis-indexes arrays of 3 or more dimensions; `prepareMat`
 *    works around it (see there). MATLAB drops trailing singleton axes, so a K×M (N = 1) variable is
 *    read as K×M×1.
 *  - NumPy .npy through `npyjs`: complex64 / complex128, or float16/32/64 with a trailing axis of 2
 *    (re, im); C or Fortran order; little-endian only.
 *  - JSON: { shape: [d0, d1, d2], re: number[], im: number[], layout? } (flat, row-major), or
 *    { re: nested, im: nested } (nested d0×d1×d2 arrays), or a bare nested array d0×d1×d2×2 of [re, im]
 *    pairs. `saveChannelsJson` writes the first form with layout 'NKM'.
 * Checks: the file is readable (errors name the path), the variable exists (errors list those
 * present), the dimensions fit the layout and `expect`, the dtype is supported, every value is finite
 * (errors name the first bad index), and the values fit in float32.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { parse as parseNpy } from 'npyjs';
import type { Complex } from '../../core/complex';

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
// nested arrays (MAT via mat-for-js, JSON)

type Leaf = (v: unknown, at: string) => [number, number | null];

/** Flatten a rectangular nested array (row-major); `depth` levels are array axes. */
function flattenNested(where: string, x: unknown, depth: number, leaf: Leaf): { shape: number[]; re: Float64Array; im: Float64Array; complex: boolean } {
  const shape: number[] = [];
  let cur: unknown = x;
  for (let d = 0; d < depth; d++) {
    if (!Array.isArray(cur)) throw new Error(`${where}: expected ${depth} nested array levels; level ${d} is not an array`);
    shape.push(cur.length);
    cur = cur[0];
  }
  const total = shape.reduce((p, v) => p * v, 1);
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
  if (typeof v !== 'number') throw new Error(`${where}: entry ${at} must be a number; got ${JSON.stringify(v)}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// MAT

/**
 * mat-for-js 1.1.0 mis-indexes arrays with 3 or more dimensions: it reads element (i0, i1, i2) at
 * linear index i0 + d0·i1 + d1·i2 instead of i0 + d0·i1 + d0·d1·i2 (so values are lost), and it turns
 * 1×n and n×1 arrays into vectors. `prepareMat` walks the top-level elements (inflating compressed
 * ones), records every variable's true MATLAB dims, and rewrites dims [d0, d1, …, dr] in place as
 * [d0, d1·…·dr, 1, …, 1] (same byte length), for which mat-for-js indexes correctly. The buffer it
 * returns holds the same variables, uncompressed.
 */
function prepareMat(where: string, bytes: Buffer): { buffer: ArrayBuffer; dims: Map<string, number[]> } {
  if (bytes.length < 128) throw new Error(`${where}: not a MATLAB MAT file (shorter than the 128-byte header)`);
  const ind = bytes.toString('latin1', 126, 128);
  if (ind !== 'IM' && ind !== 'MI') throw new Error(`${where}: not a MATLAB level-5 MAT file (no 'IM'/'MI' endian indicator at byte 126)`);
  const le = ind === 'IM';
  const version = le ? bytes.readUInt16LE(124) : bytes.readUInt16BE(124);
  if (version === 0x0200) throw new Error(`${where}: MATLAB v7.3/HDF5 files are not supported: re-save with save(..., '-v7')`);
  const i32 = (b: Buffer, o: number): number => (le ? b.readInt32LE(o) : b.readInt32BE(o));
  const dims = new Map<string, number[]>();
  const parts: Buffer[] = [bytes.subarray(0, 128)];
  let off = 128;
  while (off + 8 <= bytes.length) {
    const type = i32(bytes, off);
    const len = i32(bytes, off + 4);
    if (len < 0 || off + 8 + len > bytes.length) throw new Error(`${where}: truncated or corrupt MAT file (element at byte ${off} runs past the end)`);
    let el: Buffer;
    if (type === 15) {
      try {
        el = zlib.inflateSync(bytes.subarray(off + 8, off + 8 + len));
      } catch (e) {
        throw new Error(`${where}: corrupt compressed variable at byte ${off}: ${(e as Error).message}`);
      }
      off += 8 + len;
    } else {
      el = Buffer.from(bytes.subarray(off, off + 8 + len + ((8 - (len % 8)) % 8)));
      off += 8 + len + ((8 - (len % 8)) % 8);
    }
    if (el.length >= 40 && i32(el, 0) === 14) {
      // [tag 8][array flags: tag 8 + data 8][dims: tag 8 + 4·nd, padded][name]...
      const mxClass = el[le ? 16 : 19];
      const nd = i32(el, 28) / 4;
      const d: number[] = [];
      for (let j = 0; j < nd; j++) d.push(i32(el, 32 + 4 * j));
      let p = 32 + 4 * nd + ((8 - ((4 * nd) % 8)) % 8);
      const small = (le ? el.readUInt16LE(p + 2) : el.readUInt16BE(p)) !== 0;
      const nameLen = small ? (le ? el.readUInt16LE(p + 2) : el.readUInt16BE(p)) : i32(el, p + 4);
      p += small ? 4 : 8;
      const name = el.toString('latin1', p, p + nameLen);
      dims.set(name, d);
      if (nd >= 3 && mxClass >= 6 && mxClass <= 15) {
        const rest = d.slice(1).reduce((a, v) => a * v, 1);
        for (let j = 1; j < nd; j++) {
          const v = j === 1 ? rest : 1;
          if (le) el.writeInt32LE(v, 32 + 4 * j);
          else el.writeInt32BE(v, 32 + 4 * j);
        }
      }
    }
    if (type === 15) {
      const tagLen = el.length - 8;
      parts.push(el, Buffer.alloc((8 - (tagLen % 8)) % 8));
    } else {
      parts.push(el);
    }
  }
  return { buffer: toArrayBuffer(Buffer.concat(parts)), dims };
}

interface MatFile {
  data: Record<string, unknown>;
  dims: Map<string, number[]>;
}

function readMat(where: string, bytes: Buffer): MatFile {
  const { buffer, dims } = prepareMat(where, bytes);
  // mat-for-js ships no type declarations: load it untyped and check what comes back
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod: unknown = require('mat-for-js');
  const read = (mod as { read?: unknown }).read;
  if (typeof read !== 'function') throw new Error(`${where}: the mat-for-js package has no read() function`);
  let out: unknown;
  try {
    out = (read as (b: ArrayBuffer) => unknown)(buffer);
  } catch (e) {
    throw new Error(`${where}: not a readable MATLAB level-5 MAT file: ${(e as Error).message}`);
  }
  const data = (out as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) throw new Error(`${where}: mat-for-js returned no variables`);
  return { data: data as Record<string, unknown>, dims };
}

function matLeaf(where: string): Leaf {
  return (v, at) => {
    if (typeof v === 'number') return [v, null];
    if (typeof v === 'bigint') return [Number(v), null];
    if (typeof v === 'boolean') return [v ? 1 : 0, null];
    if (typeof v === 'object' && v !== null && 'r' in v && 'i' in v) {
      const c = v as { r: unknown; i: unknown };
      return [Number(c.r), Number(c.i)];
    }
    throw new Error(`${where}: element ${at} is not numeric (cell, struct or char arrays are not channel data)`);
  };
}

/**
 * One numeric MAT variable as a strided source with its true MATLAB dims. After `prepareMat`, the
 * row-major flattening of mat-for-js's nested output holds element (i0, i1, …) at
 * i0·P + (column-major index of (i1, i2, …) over d1, d2, …), P = d1·d2·… — this also covers the
 * vectors mat-for-js makes of 1×n and n×1 arrays.
 */
function matVariable(where: string, file: MatFile, name: string): { dims: number[]; re: Float64Array; im: Float64Array | null } {
  if (!(name in file.data)) {
    const names = Object.keys(file.data);
    throw new Error(`${where}: variable '${name}' not found; the file holds: ${names.length ? names.join(', ') : '(no variables)'}`);
  }
  const value = file.data[name];
  const w = `${where} variable '${name}'`;
  const flat = flattenNested(w, value, nestedDepth(value), matLeaf(w));
  const dims = file.dims.get(name);
  const count = dims ? dims.reduce((a, v) => a * v, 1) : -1;
  if (!dims || count !== flat.re.length) throw new Error(`${w}: could not recover its dimensions (not a numeric array?)`);
  return { dims, re: flat.re, im: flat.complex ? flat.im : null };
}

function matStrides(dims: number[]): number[] {
  const s = [dims.slice(1).reduce((a, v) => a * v, 1)];
  let acc = 1;
  for (let j = 1; j < dims.length; j++) {
    s.push(acc);
    acc *= dims[j];
  }
  return s;
}

function loadMat(where: string, bytes: Buffer, layout: ChannelLayout, opts: ChannelFileOptions): { src: Source; sourceShape: number[]; dtype: string; complex: boolean; variable: string } {
  const file = readMat(where, bytes);
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
  // MATLAB drops trailing singleton axes: a K×M×1 set is stored as K×M
  const strides = matStrides(main.dims);
  const shape = main.dims.slice();
  while (shape.length < 3) {
    shape.push(1);
    strides.push(0);
  }
  if (shape.length > 3) {
    throw new Error(`${where}: variable '${varName}' is ${main.dims.join('×')}; layout '${layout}' needs 3 dimensions`);
  }
  const src: Source = { shape, strides, re: main.re, im, imOffset: 0 };
  return { src, sourceShape: main.dims, dtype: im ? (opts.imagVariable ? 'mat:split' : 'mat:complex') : 'mat:real', complex: im !== null, variable };
}

// ---------------------------------------------------------------------------------------------
// NPY

function loadNpy(where: string, bytes: Buffer, opts: ChannelFileOptions): { src: Source; sourceShape: number[]; dtype: string; complex: boolean } {
  let arr: ReturnType<typeof parseNpy>;
  try {
    arr = parseNpy(toArrayBuffer(bytes));
  } catch (e) {
    throw new Error(`${where}: not a readable .npy file: ${(e as Error).message}`);
  }
  const { shape, dtype, fortranOrder } = arr;
  const data = arr.data as unknown as ArrayLike<number>;
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

function loadJson(where: string, bytes: Buffer, opts: ChannelFileOptions): { src: Source; sourceShape: number[]; complex: boolean; layout?: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  const num = (v: unknown, at: string): [number, number | null] => [jsonNumber(where, v, at), null];
  if (Array.isArray(doc)) {
    const depth = nestedDepth(doc);
    if (depth !== 4) throw new Error(`${where}: a bare nested array must be d0×d1×d2×2 ([re, im] pairs); got ${depth} levels`);
    const f = flattenNested(where, doc, 4, num);
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
  const fr = flattenNested(`${where} 're'`, d.re, 3, num);
  let im: Float64Array | null = null;
  if (d.im !== undefined) {
    const fi = flattenNested(`${where} 'im'`, d.im, 3, num);
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

/**
 * Load a channel set from a .mat, .npy or .json file (format from the extension or opts.format).
 * → h: [N, K, M] complex (float32) and metadata.
 */
export function loadChannels(path: string, opts: ChannelFileOptions = {}): LoadedChannels {
  const where = `loadChannels("${path}")`;
  if (typeof path !== 'string' || path === '') throw new Error(`loadChannels(path): path must be a non-empty string; got ${String(path)}`);
  const format = formatOf(where, path, opts);
  const bytes = readBytes(where, path);
  let layout: ChannelLayout = checkLayout(where, opts.layout ?? (format === 'mat' ? 'KMN' : 'NKM'));
  let loaded: { src: Source; sourceShape: number[]; dtype: string; complex: boolean; variable?: string };
  if (format === 'mat') {
    loaded = loadMat(where, bytes, layout, opts);
  } else if (format === 'npy') {
    loaded = loadNpy(where, bytes, opts);
  } else {
    const j = loadJson(where, bytes, opts);
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
