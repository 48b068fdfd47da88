import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadChannels, saveChannelsJson } from '../../lib/phy/channels';
import { loadChannelsAsync } from '../../lib/phy/channels/files';
import { complexFromArrays, dispose } from '../../lib/core/complex';
import { backendTest, arr, assertClose } from '../helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'channel-files-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

/** The reference channel set: h[n, k, m] = (100n + 10k + m) + j(−n + 0.5k − 0.25m). */
const N = 2, K = 3, M = 4;
const valRe = (n: number, k: number, m: number) => 100 * n + 10 * k + m;
const valIm = (n: number, k: number, m: number) => -n + 0.5 * k - 0.25 * m;
function expected(): { re: number[]; im: number[] } {
  const re: number[] = [], im: number[] = [];
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) { re.push(valRe(n, k, m)); im.push(valIm(n, k, m)); }
  return { re, im };
}

/** Element (index tuple in `layout` order) → the reference value, for writers that store any layout. */
function valueAt(layout: string, idx: number[]): [number, number] {
  const ax = (c: string) => idx[layout.indexOf(c)];
  return [valRe(ax('N'), ax('K'), ax('M')), valIm(ax('N'), ax('K'), ax('M'))];
}
const sizeOf = (layout: string) => layout.split('').map((c) => ({ N, K, M } as Record<string, number>)[c]);

/** Visit every index tuple of `shape`, first axis fastest (colMajor) or last axis fastest. */
function forEachIndex(shape: number[], colMajor: boolean, f: (idx: number[]) => void): void {
  const total = shape.reduce((p, v) => p * v, 1);
  for (let t = 0; t < total; t++) {
    const idx = new Array(shape.length).fill(0);
    let r = t;
    const order = colMajor ? shape.map((_, j) => j) : shape.map((_, j) => shape.length - 1 - j);
    for (const j of order) { idx[j] = r % shape[j]; r = Math.floor(r / shape[j]); }
    f(idx);
  }
}

// ---------------------------------------------------------------------------------------------
// .npy writer (format 1.0: magic, version, uint16 header length, dict padded so data start at 64·k)

function writeNpy(p: string, descr: string, shape: number[], fortran: boolean, data: Float32Array | Float64Array | Int32Array): void {
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  dict += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  fs.writeFileSync(p, Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** Reference set stored with `layout`, as interleaved complex (c8/c16) or float with a trailing re/im axis. */
function npyData(layout: string, fortran: boolean, kind: 'complex' | 'trailing', f64: boolean): Float32Array | Float64Array {
  const shape = sizeOf(layout);
  const out: number[] = [];
  if (kind === 'complex') {
    forEachIndex(shape, fortran, (idx) => out.push(...valueAt(layout, idx)));
  } else {
    forEachIndex([...shape, 2], fortran, (idx) => out.push(valueAt(layout, idx.slice(0, 3))[idx[3]]));
  }
  return f64 ? Float64Array.from(out) : Float32Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// minimal MATLAB level-5 writer: double arrays, optionally complex, optionally zlib-compressed

function tagged(type: number, payload: Buffer): Buffer {
  const tag = Buffer.alloc(8);
  tag.writeInt32LE(type, 0);
  tag.writeInt32LE(payload.length, 4);
  const pad = Buffer.alloc((8 - (payload.length % 8)) % 8);
  return Buffer.concat([tag, payload, pad]);
}

/** small data element format (≤ 4 bytes): [type uint16][nbytes uint16][data, padded to 4] — MATLAB's choice for short names */
function smallTagged(type: number, payload: Buffer): Buffer {
  if (payload.length > 4) throw new Error('small data elements hold at most 4 bytes');
  const b = Buffer.alloc(8);
  b.writeUInt16LE(type, 0);
  b.writeUInt16LE(payload.length, 2);
  payload.copy(b, 4);
  return b;
}

interface MatVar { name: string; dims: number[]; re: number[]; im?: number[]; compress?: boolean; smallName?: boolean }

function matElement(v: MatVar): Buffer {
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(6 | (v.im ? 0x0800 : 0), 0); // mxDOUBLE_CLASS, complex flag
  const dims = Buffer.alloc(4 * v.dims.length);
  v.dims.forEach((d, i) => dims.writeInt32LE(d, 4 * i));
  const dbl = (xs: number[]) => Buffer.from(Float64Array.from(xs).buffer);
  const body = Buffer.concat([
    tagged(6, flags), tagged(5, dims), v.smallName ? smallTagged(1, Buffer.from(v.name, 'ascii')) : tagged(1, Buffer.from(v.name, 'ascii')),
    tagged(9, dbl(v.re)), ...(v.im ? [tagged(9, dbl(v.im))] : []),
  ]);
  const matrix = tagged(14, body);
  if (!v.compress) return matrix;
  const z = zlib.deflateSync(matrix);
  const tag = Buffer.alloc(8);
  tag.writeInt32LE(15, 0);
  tag.writeInt32LE(z.length, 4);
  return Buffer.concat([tag, z]);
}

function writeMat(p: string, vars: MatVar[], version = 0x0100): void {
  const header = Buffer.alloc(128, ' ');
  header.write('MATLAB 5.0 MAT-file, written by the channelFiles test', 0, 'ascii');
  header.fill(0, 116, 124);
  header.writeUInt16LE(version, 124);
  header.write('IM', 126, 'ascii');
  fs.writeFileSync(p, Buffer.concat([header, ...vars.map(matElement)]));
}

/** Reference set as a MATLAB array with `layout` (column-major data). */
function matVar(name: string, layout: string, part: 'both' | 're' | 'im' = 'both', compress = false): MatVar {
  const dims = sizeOf(layout);
  const re: number[] = [], im: number[] = [];
  forEachIndex(dims, true, (idx) => { const [a, b] = valueAt(layout, idx); re.push(a); im.push(b); });
  if (part === 're') return { name, dims, re, compress };
  if (part === 'im') return { name, dims, re: im, compress };
  return { name, dims, re, im, compress };
}

function assertReference(h: { re: import('@tensorflow/tfjs').Tensor; im: import('@tensorflow/tfjs').Tensor }, what: string): void {
  assert.deepEqual(h.re.shape, [N, K, M], `${what}: shape`);
  const e = expected();
  assertClose(arr(h.re), e.re, 1e-4, `${what} (re)`);
  assertClose(arr(h.im), e.im, 1e-6, `${what} (im)`);
}

// ---------------------------------------------------------------------------------------------

backendTest('npy: complex64/complex128, C and Fortran order, float with a trailing re/im axis, any layout', async () => {
  const cases: [string, string, 'complex' | 'trailing', boolean, string][] = [
    ['<c8', 'NKM', 'complex', false, 'c8 NKM C-order'],
    ['<c16', 'KMN', 'complex', false, 'c16 KMN C-order'],
    ['<c16', 'MKN', 'complex', true, 'c16 MKN Fortran-order'],
    ['<f4', 'NMK', 'trailing', false, 'f4 [.., 2] NMK C-order'],
    ['<f8', 'KNM', 'trailing', true, 'f8 [.., 2] KNM Fortran-order'],
  ];
  for (const [descr, layout, kind, fortran, what] of cases) {
    const p = file(`${what.replace(/[^a-z0-9]+/gi, '_')}.npy`);
    const shape = kind === 'complex' ? sizeOf(layout) : [...sizeOf(layout), 2];
    writeNpy(p, descr, shape, fortran, npyData(layout, fortran, kind, descr === '<c16' || descr === '<f8'));
    const { h, meta } = loadChannels(p, { layout: layout as 'NKM' });
    assertReference(h, what);
    assert.equal(meta.format, 'npy');
    assert.deepEqual([meta.batch, meta.users, meta.antennas], [N, K, M]);
    assert.deepEqual(meta.sourceShape, shape);
    dispose(h);
  }
});

backendTest('mat: complex (plain and compressed), split Hr/Hi, dropped trailing singleton, row/column vectors, 3-D indexing', async () => {
  writeMat(file('h.mat'), [{ name: 'X', dims: [1, 1], re: [7] }, { ...matVar('H', 'KMN'), smallName: true }]);
  const a = loadChannels(file('h.mat')); // defaults: variable H, layout KMN (QuaDRiGa-style K×M×N)
  assertReference(a.h, 'mat complex KMN');
  assert.equal(a.meta.dtype, 'mat:complex');
  writeMat(file('hz.mat'), [matVar('Hc', 'MKN', 'both', true)]);
  const b = loadChannels(file('hz.mat'), { variable: 'Hc', layout: 'MKN' });
  assertReference(b.h, 'mat compressed MKN');
  writeMat(file('split.mat'), [matVar('Hr', 'NKM', 're'), matVar('Hi', 'NKM', 'im')]);
  const c = loadChannels(file('split.mat'), { variable: 'Hr', imagVariable: 'Hi', layout: 'NKM' });
  assertReference(c.h, 'mat split Hr/Hi');
  assert.equal(c.meta.variable, 'Hr+j·Hi');
  // N = 1: MATLAB stores K×M×1 as K×M; the trailing axis comes back
  writeMat(file('one.mat'), [{ name: 'H', dims: [2, 3], re: [1, 2, 3, 4, 5, 6], im: [0, 0, 0, 0, 0, 1] }]);
  const d = loadChannels(file('one.mat'));
  assert.deepEqual(d.h.re.shape, [1, 2, 3]);
  assert.deepEqual(Array.from(arr(d.h.re)), [1, 3, 5, 2, 4, 6]); // column-major K×M → [n][k][m]
  assert.deepEqual(Array.from(arr(d.h.im)), [0, 0, 0, 0, 0, 1]);
  // K = 1, N = 1: a 1×M row and an M×1 column under layout MKN
  writeMat(file('vec.mat'), [{ name: 'H', dims: [1, 5], re: [1, 2, 3, 4, 5], im: [1, 1, 1, 1, 1] }, { name: 'G', dims: [5, 1], re: [5, 4, 3, 2, 1], im: [0, 0, 0, 0, 0] }]);
  const v = loadChannels(file('vec.mat'));
  assert.deepEqual(v.h.re.shape, [1, 1, 5]);
  assert.deepEqual(Array.from(arr(v.h.re)), [1, 2, 3, 4, 5]);
  const v2 = loadChannels(file('vec.mat'), { variable: 'G', layout: 'MKN' });
  assert.deepEqual(v2.h.re.shape, [1, 1, 5]);
  assert.deepEqual(Array.from(arr(v2.h.re)), [5, 4, 3, 2, 1]);
  // a larger 4-user, 6-antenna, 5-sample set with short (small-format) names, compressed: every value lands right
  const big: MatVar = { name: 'H', dims: [4, 6, 5], re: [], im: [], compress: true, smallName: true };
  forEachIndex([4, 6, 5], true, ([k, m, n]) => { big.re.push(1000 * n + 10 * k + m); (big.im as number[]).push(k - m); });
  writeMat(file('big.mat'), [big]);
  const w = loadChannels(file('big.mat'));
  assert.deepEqual(w.h.re.shape, [5, 4, 6]);
  const wr = arr(w.h.re), wi = arr(w.h.im);
  forEachIndex([5, 4, 6], false, ([n, k, m]) => {
    const i = (n * 4 + k) * 6 + m;
    assert.ok(wr[i] === 1000 * n + 10 * k + m && wi[i] === k - m, `H(${k + 1},${m + 1},${n + 1})`);
  });
  dispose(w.h, v2.h);
  dispose(a.h, b.h, c.h, d.h, v.h);
});

backendTest('json: saveChannelsJson round trip (atomic), nested {re, im}, bare [re, im] pairs', async () => {
  const e = expected();
  const h = complexFromArrays(e.re, e.im, [N, K, M]);
  saveChannelsJson(file('h.json'), h);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  const a = loadChannels(file('h.json'));
  assertReference(a.h, 'json round trip');
  assert.equal(a.meta.layout, 'NKM');
  const nest = (f: (n: number, k: number, m: number) => number) =>
    Array.from({ length: N }, (_, n) => Array.from({ length: K }, (_, k) => Array.from({ length: M }, (_, m) => f(n, k, m))));
  fs.writeFileSync(file('nested.json'), JSON.stringify({ re: nest(valRe), im: nest(valIm) }));
  const b = loadChannels(file('nested.json'));
  assertReference(b.h, 'json nested');
  fs.writeFileSync(file('pairs.json'), JSON.stringify(nest((n, k, m) => [valRe(n, k, m), valIm(n, k, m)] as unknown as number)));
  const c = loadChannels(file('pairs.json'));
  assertReference(c.h, 'json pairs');
  // a KMN-ordered flat file
  const kmn: { re: number[]; im: number[] } = { re: [], im: [] };
  forEachIndex([K, M, N], false, (idx) => { const [r, i] = valueAt('KMN', idx); kmn.re.push(r); kmn.im.push(i); });
  fs.writeFileSync(file('kmn.json'), JSON.stringify({ shape: [K, M, N], layout: 'KMN', ...kmn }));
  const d = loadChannels(file('kmn.json'));
  assertReference(d.h, 'json flat KMN');
  assert.throws(() => loadChannels(file('kmn.json'), { layout: 'NKM' }), /the file says layout 'KMN' but opts.layout is 'NKM'/);
  // a failed save leaves an existing file untouched
  const before = fs.readFileSync(file('h.json'), 'utf8');
  const bad = complexFromArrays([1, NaN], [0, 0], [1, 1, 2]);
  assert.throws(() => saveChannelsJson(file('h.json'), bad), /h\[0, 0, 1\] = NaN \+ 0j is not finite/);
  assert.equal(fs.readFileSync(file('h.json'), 'utf8'), before);
  assert.throws(() => saveChannelsJson(file('no-such-dir/x.json'), h), /saveChannelsJson\(".*no-such-dir\/x.json", h\): cannot write the file/);
  assert.throws(() => saveChannelsJson(file('x.json'), complexFromArrays([1], [1], [1, 1])), /h must be \[N, K, M\] complex/);
  dispose(h, a.h, b.h, c.h, d.h, bad);
});

backendTest('file errors name the path, the variable, the dims, the bad index or the dtype', async () => {
  const missing = file('missing.npy');
  assert.throws(() => loadChannels(missing), (e: Error) => e.message.includes(missing) && /cannot read the file: ENOENT/.test(e.message));
  writeMat(file('vars.mat'), [{ name: 'G', dims: [2, 2], re: [1, 2, 3, 4], im: [0, 0, 0, 0] }, { name: 'X', dims: [1, 1], re: [1] }]);
  assert.throws(() => loadChannels(file('vars.mat')), /variable 'H' not found; the file holds: G, X/);
  writeMat(file('real.mat'), [matVar('H', 'KMN', 're')]);
  assert.throws(() => loadChannels(file('real.mat')), /variable 'H' is real-valued; channels are complex/);
  const real = loadChannels(file('real.mat'), { allowReal: true });
  assert.equal(real.meta.complex, false);
  assert.deepEqual(Array.from(arr(real.h.im)), new Array(N * K * M).fill(0));
  writeMat(file('v73.mat'), [matVar('H', 'KMN')], 0x0200);
  assert.throws(() => loadChannels(file('v73.mat')), /v73.mat"\): a MATLAB v7\.3 \(HDF5\) MAT file; the synchronous loadChannels cannot read HDF5: use await loadChannelsAsync/);
  writeMat(file('v4.mat'), [matVar('H', 'KMN')], 0x0101);
  assert.throws(() => loadChannels(file('v4.mat')), /v4.mat"\): not a MATLAB level-5 MAT file: version 0x0101 at byte 124 \(expected 0x0100\)/);
  fs.writeFileSync(file('junk.mat'), Buffer.alloc(200, 7));
  assert.throws(() => loadChannels(file('junk.mat')), /junk.mat"\): not a MATLAB level-5 MAT file/);
  const whole = fs.readFileSync(file('real.mat'));
  fs.writeFileSync(file('cut.mat'), whole.subarray(0, whole.length - 16));
  assert.throws(() => loadChannels(file('cut.mat')), /truncated or corrupt MAT file/);
  // dims vs layout / expect
  writeMat(file('h.mat'), [matVar('H', 'KMN')]);
  assert.throws(() => loadChannels(file('h.mat'), { expect: { antennas: 8 } }), /layout 'KMN' on shape \[3, 4, 2\] gives antennas = 4; expected 8/);
  writeNpy(file('four.npy'), '<c8', [2, 3, 4, 5], false, new Float32Array(240));
  assert.throws(() => loadChannels(file('four.npy')), /expected a 3-D array for layout 'NKM'; got shape \[2, 3, 4, 5\]/);
  // the first non-finite value is named by its stored index
  const data = npyData('KMN', false, 'complex', false);
  data[2 * ((1 * M + 2) * N + 1) + 1] = Infinity; // imaginary part of stored element [k=1, m=2, n=1]
  writeNpy(file('inf.npy'), '<c8', sizeOf('KMN'), false, data);
  assert.throws(() => loadChannels(file('inf.npy'), { layout: 'KMN' }), /at stored index \[1, 2, 1\] \(0-based, layout 'KMN': k=1, m=2, n=1\) is not finite/);
  const big = Float64Array.from(npyData('NKM', false, 'complex', true));
  big[0] = 1e300;
  writeNpy(file('big.npy'), '<c16', sizeOf('NKM'), false, big);
  assert.throws(() => loadChannels(file('big.npy')), /exceeds float32/);
  // dtypes
  writeNpy(file('int.npy'), '<i4', [2, 3, 4], false, new Int32Array(24));
  assert.throws(() => loadChannels(file('int.npy')), /unsupported dtype 'i4'/);
  writeNpy(file('realf.npy'), '<f4', [2, 3, 4], false, new Float32Array(24));
  assert.throws(() => loadChannels(file('realf.npy')), /real dtype f4 needs a trailing axis of 2 .*allowReal/);
  fs.writeFileSync(file('junk.npy'), 'not numpy');
  assert.throws(() => loadChannels(file('junk.npy')), /not a readable .npy file/);
  // JSON problems
  fs.writeFileSync(file('bad.json'), '{ "re": [1, ');
  assert.throws(() => loadChannels(file('bad.json')), /bad.json"\): not valid JSON/);
  fs.writeFileSync(file('null.json'), JSON.stringify({ shape: [1, 1, 2], re: [1, null], im: [0, 0] }));
  assert.throws(() => loadChannels(file('null.json')), /value NaN \+ 0j at stored index \[0, 0, 1\]/);
  fs.writeFileSync(file('short.json'), JSON.stringify({ shape: [1, 2, 2], re: [1, 2, 3], im: [0, 0, 0] }));
  assert.throws(() => loadChannels(file('short.json')), /'re' must be a flat array of 4 numbers \(shape \[1,2,2\]\); got 3 items/);
  fs.writeFileSync(file('ragged.json'), JSON.stringify({ re: [[[1, 2], [3]]], im: [[[0, 0], [0]]] }));
  assert.throws(() => loadChannels(file('ragged.json')), /ragged array/);
  fs.writeFileSync(file('noim.json'), JSON.stringify({ shape: [1, 1, 1], re: [1] }));
  assert.throws(() => loadChannels(file('noim.json')), /no 'im' field/);
  // options
  assert.throws(() => loadChannels(file('h.mat'), { layout: 'XYZ' as 'NKM' }), /layout must be one of NKM, NMK, KMN, MKN, KNM, MNK/);
  fs.writeFileSync(file('h.txt'), '');
  assert.throws(() => loadChannels(file('h.txt')), /cannot tell the format from the extension '.txt'/);
  dispose(real.h);
});

// ---------------------------------------------------------------------------------------------
// committed fixtures written by SciPy / h5py (tools/fixtures/make_channel_fixtures.py): H is 2×3×4 with
// H(i0, i1, i2) = v − j·v, v = i0 + 10·i1 + 100·i2; read as layout 'KMN' → h[n, k, m] = v(k, m, n)

const FIX = path.resolve(__dirname, '..', 'fixtures', 'channels');
const fixture = (name: string) => path.join(FIX, name);

function assertFixture(h: { re: import('@tensorflow/tfjs').Tensor; im: import('@tensorflow/tfjs').Tensor }, complex: boolean, what: string): void {
  assert.deepEqual(h.re.shape, [4, 2, 3], `${what}: shape`);
  const re = arr(h.re), im = arr(h.im);
  forEachIndex([4, 2, 3], false, ([n, k, m]) => {
    const i = (n * 2 + k) * 3 + m, v = k + 10 * m + 100 * n;
    assert.ok(re[i] === v && im[i] === (complex ? -v : 0), `${what}: h[${n}, ${k}, ${m}] = ${re[i]} + ${im[i]}j; expected ${v}`);
  });
}

backendTest('fixtures: SciPy level-5 files (compressed or not, double/single/int16, big-endian) through loadChannels', async () => {
  for (const name of ['v5_r3_complex_double_z.mat', 'v5_r3_complex_double_u.mat', 'v5_r3_complex_single_z.mat', 'v5_be_r3_complex_double_u.mat', 'v5_mixed_z.mat']) {
    const { h, meta } = loadChannels(fixture(name));
    assertFixture(h, true, name);
    assert.equal(meta.dtype, 'mat:complex');
    assert.deepEqual(meta.sourceShape, [2, 3, 4]);
    dispose(h);
  }
  for (const name of ['v5_r3_real_double_u.mat', 'v5_r3_real_single_u.mat', 'v5_r3_real_int16_u.mat']) {
    assert.throws(() => loadChannels(fixture(name)), new RegExp(`${name}"\\): variable 'H' is real-valued; channels are complex`));
    const { h, meta } = loadChannels(fixture(name), { allowReal: true });
    assertFixture(h, false, name);
    assert.equal(meta.complex, false);
    dispose(h);
  }
  // rank 2 is one channel (N = 1); rank 4 does not fit a layout
  const r2 = loadChannels(fixture('v5_r2_complex_double_z.mat'));
  assert.deepEqual(r2.h.re.shape, [1, 3, 4]);
  assert.deepEqual(Array.from(arr(r2.h.re)), [0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32]);
  dispose(r2.h);
  assert.throws(() => loadChannels(fixture('v5_r4_complex_double_u.mat')), /v5_r4_complex_double_u.mat"\): variable 'H' is 2×3×4×5; layout 'KMN' needs 3 dimensions/);
  for (const [v, cls] of [['C', 'a cell \\(mxCELL_CLASS\\)'], ['S', 'a struct \\(mxSTRUCT_CLASS\\)'], ['T', 'a char \\(mxCHAR_CLASS\\)'], ['L', 'a logical']]) {
    assert.throws(() => loadChannels(fixture('v5_mixed_z.mat'), { variable: v }), new RegExp(`v5_mixed_z.mat"\\) variable '${v}' is ${cls} array; only numeric arrays`));
  }
  assert.throws(() => loadChannels(fixture('v5_mixed_z.mat'), { variable: 'G' }), /variable 'G' not found; the file holds: H, C, S, T, L/);
  assert.throws(() => loadChannels(fixture('v5_r3_complex_double_u.mat'), { maxBytes: 0 }), /opts.maxBytes must be a positive integer \(bytes\); got 0/);
  assert.throws(() => loadChannels(fixture('v5_r3_complex_double_u.mat'), { maxBytes: 100 }), /variable 'H': dimensions 2×3×4 declare 24 elements; at 8 bytes each that exceeds the limit of 100 bytes/);
});

backendTest('fixtures: MATLAB v7.3 (HDF5) through loadChannelsAsync; loadChannels names the async one', async () => {
  const a = await loadChannelsAsync(fixture('v73_r3_complex_double.mat'));
  assertFixture(a.h, true, 'v7.3 complex double');
  assert.equal(a.meta.dtype, 'mat:complex');
  assert.deepEqual(a.meta.sourceShape, [2, 3, 4]);
  const b = await loadChannelsAsync(fixture('v73_r3_real_single.mat'), { allowReal: true });
  assertFixture(b.h, false, 'v7.3 real single');
  await assert.rejects(loadChannelsAsync(fixture('v73_r3_real_single.mat')), /variable 'H' is real-valued; channels are complex/);
  await assert.rejects(loadChannelsAsync(fixture('v73_r3_complex_double.mat'), { variable: 'T' }), /v73_r3_complex_double.mat"\) variable 'T' is a char array/);
  await assert.rejects(loadChannelsAsync(fixture('v73_r3_complex_double.mat'), { variable: 'G' }), /variable 'G' not found; the file holds: H, T/);
  assert.throws(() => loadChannels(fixture('v73_r3_complex_double.mat')),
    /v73_r3_complex_double.mat"\): a MATLAB v7.3 \(HDF5\) MAT file; the synchronous loadChannels cannot read HDF5: use await loadChannelsAsync\(path, opts\), or re-save with save\(..., '-v7'\)/);
  // the async loader reads the other formats as the sync one does
  const c = await loadChannelsAsync(fixture('v5_r3_complex_double_z.mat'));
  assertFixture(c.h, true, 'async level 5');
  const d = await loadChannelsAsync(fixture('json_r3_flat.json'), { layout: 'NKM' });
  assert.deepEqual(d.h.re.shape, [2, 3, 4]);
  await assert.rejects(loadChannelsAsync(file('missing.mat')), /missing.mat"\): cannot read the file: ENOENT/);
  dispose(a.h, b.h, c.h, d.h);
});

backendTest('.npy with a non-numeric shape and deeply nested .json: errors name the file and the limit', async () => {
  /** a .npy file whose header has `shape` as written (spaces pad the header so the data stay at byte 64·j) */
  const npyShaped = (name: string, shape: string): void => {
    let dict = `{'descr': '<c8', 'fortran_order': False, 'shape': ${shape}, }`;
    dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
    const head = Buffer.alloc(10);
    head.write('\x93NUMPY', 0, 'latin1');
    head[6] = 1;
    head.writeUInt16LE(dict.length, 8);
    fs.writeFileSync(file(name), Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.alloc(8 * 24)]));
  };
  npyShaped('shape.npy', "('a', 3)");
  assert.throws(() => loadChannels(file('shape.npy')), /shape.npy"\): not a readable .npy file: 'shape' in the header must be non-negative integers; got \(NaN, 3\)/);
  npyShaped('neg.npy', '(-2, 3, 4)');
  assert.throws(() => loadChannels(file('neg.npy')), /neg.npy"\): not a readable .npy file: 'shape' in the header must be non-negative integers; got \(-2, 3, 4\)/);
  npyShaped('huge.npy', '(8000000, 1000, 1000)');
  assert.throws(() => loadChannels(file('huge.npy')), /huge.npy"\): truncated .npy data: shape \[8000000,1000,1000\] \(c8\) needs 16000000000000 numbers, file has 48/);
  npyShaped('ok.npy', '(2, 3, 4)');
  dispose(loadChannels(file('ok.npy')).h);
  fs.writeFileSync(file('deep.json'), '['.repeat(5000) + ']'.repeat(5000));
  assert.throws(() => loadChannels(file('deep.json')), /deep.json"\): JSON nested deeper than 16 levels \(at character 16\); channel files need at most 5/);
  fs.writeFileSync(file('deep2.json'), `{"re": ${'['.repeat(17)}1${']'.repeat(17)}, "s": "[[[[[[[[[[[[[[[[[[[["}`);
  assert.throws(() => loadChannels(file('deep2.json')), /deep2.json"\): JSON nested deeper than 16 levels/);
  fs.writeFileSync(file('brackets.json'), JSON.stringify({ shape: [1, 1, 1], re: [1], im: [0], note: '[[[[[[[[[[[[[[[[[[[[[[["\\' }));
  const ok = loadChannels(file('brackets.json'));
  assert.deepEqual(Array.from(arr(ok.h.re)), [1]);
  // nested arrays whose first entries promise far more values than the file holds
  const first = Array.from({ length: 1000 }, () => 0);
  const re = [Array.from({ length: 1000 }, () => first), ...Array.from({ length: 999 }, () => [[0]])];
  fs.writeFileSync(file('promise.json'), JSON.stringify({ re, im: re }));
  assert.throws(() => loadChannels(file('promise.json')), /promise.json"\) 're': ragged array: the first entries give shape \[1000, 1000, 1000\] = 1000000000 values, more than the file can hold/);
  dispose(ok.h);
});
