/**
 * The MAT readers against files written by SciPy and h5py (test/fixtures/channels/, made by
 * tools/fixtures/make_channel_fixtures.py): every element of every rank agrees with the value the
 * Python script encoded, value(i0, i1, …) = Σ i_j·10^j (imaginary part −value); and every declared size
 * that does not fit the bytes is an error naming the file, the variable and the numbers, without a large
 * allocation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readMatV5 } from '../../lib/phy/channels/matV5';
import { isMatV73, readMatV73 } from '../../lib/phy/channels/matV73';
import type { MatArray } from '../../lib/phy/channels/matArray';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'channels');
const read = (name: string): Buffer => fs.readFileSync(path.join(FIX, name));
const SHAPES: Record<number, number[]> = { 2: [3, 4], 3: [2, 3, 4], 4: [2, 3, 4, 5] };

/** Check every element: linear (column-major) index t ↔ index tuple ↔ encoded value. */
function assertEncoded(a: MatArray, dims: number[], complex: boolean, what: string): void {
  assert.deepEqual(a.dims, dims, `${what}: dims`);
  assert.equal(a.im !== null, complex, `${what}: complex`);
  const total = dims.reduce((p, d) => p * d, 1);
  assert.equal(a.re.length, total, `${what}: element count`);
  for (let t = 0; t < total; t++) {
    let r = t, v = 0;
    for (let j = 0; j < dims.length; j++) {
      v += (r % dims[j]) * 10 ** j;
      r = Math.floor(r / dims[j]);
    }
    if (a.re[t] !== v || (a.im !== null && a.im[t] !== -v)) {
      assert.fail(`${what}: element ${t} is ${a.re[t]} + ${a.im?.[t] ?? 0}j; expected ${v} − ${v}j`);
    }
  }
}

test('level 5 (SciPy): ranks 2, 3, 4; complex and real; double, single, int16; compressed and not: every element', () => {
  let files = 0;
  for (const rank of [2, 3, 4]) {
    for (const [kind, cls, z] of [['complex', 'double', 'z'], ['complex', 'double', 'u'], ['real', 'double', 'z'], ['real', 'double', 'u'], ['complex', 'single', 'z'], ['real', 'single', 'u']]) {
      const name = `v5_r${rank}_${kind}_${cls}_${z}.mat`;
      const c = readMatV5(name, read(name), ['H']);
      assert.deepEqual(c.names, ['H']);
      const h = c.arrays.get('H');
      assert.ok(h, name);
      assert.equal(h.className, cls, name);
      assertEncoded(h, SHAPES[rank], kind === 'complex', name);
      files++;
    }
  }
  const i16 = readMatV5('int16', read('v5_r3_real_int16_u.mat'), ['H']).arrays.get('H');
  assert.ok(i16);
  assert.equal(i16.className, 'int16');
  assertEncoded(i16, SHAPES[3], false, 'int16');
  assert.equal(files, 18);
});

test('level 5 big-endian (MI) with the imaginary part stored as miINT16', () => {
  const h = readMatV5('be', read('v5_be_r3_complex_double_u.mat'), ['H']).arrays.get('H');
  assert.ok(h);
  assert.equal(h.className, 'double');
  assertEncoded(h, SHAPES[3], true, 'big-endian');
});

test('v7.3 (h5py, MATLAB layout): complex double and real single rank 3, every element; classes and errors', async () => {
  const cb = read('v73_r3_complex_double.mat');
  assert.ok(isMatV73(cb));
  assert.ok(!isMatV73(read('v5_r3_complex_double_u.mat')));
  const c = await readMatV73('v73c', cb, ['H']);
  assert.deepEqual(c.names.sort(), ['H', 'T']);
  const h = c.arrays.get('H');
  assert.ok(h);
  assert.equal(h.className, 'double');
  assertEncoded(h, SHAPES[3], true, 'v7.3 complex');
  const r = (await readMatV73('v73r', read('v73_r3_real_single.mat'), ['H'])).arrays.get('H');
  assert.ok(r);
  assert.equal(r.className, 'single');
  assertEncoded(r, SHAPES[3], false, 'v7.3 real single');
  await assert.rejects(readMatV73('v73c', cb, ['T']), /^Error: v73c variable 'T' is a char array; only numeric arrays/);
  await assert.rejects(readMatV73('v73c', cb, ['H'], { maxBytes: 100 }), /v73c variable 'H': 2×3×4 elements of 16 bytes exceed the limit of 100 bytes/);
  await assert.rejects(readMatV73('junk', read('v5_r3_complex_double_u.mat'), ['H']), /junk: not a MATLAB v7.3 MAT file: no HDF5 signature/);
  const cut = Buffer.from(cb.subarray(0, 900));
  await assert.rejects(readMatV73('cut', cut, ['H']), /^Error: cut: (not a readable HDF5|cannot read the HDF5)/);
  // the reader keeps nothing: the in-memory file system is cleaned up, repeated reads work
  for (let i = 0; i < 5; i++) assert.ok((await readMatV73('again', cb, ['H'])).arrays.get('H'));
});

test('level 5 non-numeric variables are listed, and asking for one names its class', () => {
  const b = read('v5_mixed_z.mat');
  const c = readMatV5('mixed', b, ['H']);
  assert.deepEqual(c.names, ['H', 'C', 'S', 'T', 'L']);
  assertEncoded(c.arrays.get('H') as MatArray, SHAPES[3], true, 'mixed H');
  assert.throws(() => readMatV5('mixed', b, ['C']), /^Error: mixed variable 'C' is a cell \(mxCELL_CLASS\) array; only numeric arrays/);
  assert.throws(() => readMatV5('mixed', b, ['S']), /variable 'S' is a struct \(mxSTRUCT_CLASS\) array/);
  assert.throws(() => readMatV5('mixed', b, ['T']), /variable 'T' is a char \(mxCHAR_CLASS\) array/);
  assert.throws(() => readMatV5('mixed', b, ['L']), /variable 'L' is a logical array/);
});

// ---------------------------------------------------------------------------------------------
// declared sizes

/** Offset of the dims values inside an miMATRIX element starting at `el`: tag 8, flags 8+8, dims tag 8. */
const DIMS_AT = 8 + 16 + 8;

/** Uncompressed fixture with dims [d0, d1, d2] written over the 2×3×4 dims. */
function withDims(name: string, dims: number[]): Buffer {
  const b = Buffer.from(read(name));
  dims.forEach((d, j) => b.writeInt32LE(d, 128 + DIMS_AT + 4 * j));
  return b;
}

/** Compressed fixture: inflate, overwrite the dims, deflate again. */
function withDimsZ(name: string, dims: number[]): Buffer {
  const b = read(name);
  const inner = Buffer.from(zlib.inflateSync(b.subarray(136, 136 + b.readUInt32LE(132))));
  dims.forEach((d, j) => inner.writeInt32LE(d, DIMS_AT + 4 * j));
  const z = zlib.deflateSync(inner);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(15, 0);
  tag.writeUInt32LE(z.length, 4);
  return Buffer.concat([b.subarray(0, 128), tag, z]);
}

test('dims declaring 8·10⁶ and 8·10⁸ elements: a named error with the numbers, no large allocation', () => {
  const before = process.memoryUsage().arrayBuffers;
  for (const [make, name] of [[withDims, 'v5_r3_complex_double_u.mat'], [withDimsZ, 'v5_r3_complex_double_z.mat']] as const) {
    assert.throws(() => readMatV5('f.mat', make(name, [2000, 1000, 4]), ['H']),
      /^Error: f.mat variable 'H': dimensions 2000×1000×4 declare 8000000 elements \(64000000 bytes of miDOUBLE\) but its real part holds 192 bytes \(24 elements\)$/);
    assert.throws(() => readMatV5('f.mat', make(name, [200000, 1000, 4]), ['H']),
      /^Error: f.mat variable 'H': dimensions 200000×1000×4 declare 800000000 elements; at 8 bytes each that exceeds the limit of 1073741824 bytes/);
    assert.throws(() => readMatV5('f.mat', make(name, [2, -3, 4]), ['H']), /variable 'H': corrupt dimensions \[2, -3, 4\] \(negative\)/);
    // a variable not asked for is not decoded, so its dims cannot hurt
    assert.deepEqual(readMatV5('f.mat', make(name, [200000, 1000, 4]), ['G']).names, ['H']);
  }
  assert.ok(process.memoryUsage().arrayBuffers - before < 16e6, 'no large buffer was allocated');
});

test('tag byte counts beyond the data, small data elements, truncation at every offset, the inflate bound', () => {
  const u = read('v5_r3_complex_double_u.mat');
  const big = Buffer.from(u);
  big.writeUInt32LE(0x7fffffff, 132); // the miMATRIX byte count
  assert.throws(() => readMatV5('f.mat', big, ['H']), /^Error: f.mat: truncated or corrupt MAT file: the data element at byte 128 declares 2147483647 bytes but only 448 remain$/);
  const small = Buffer.from(u);
  small.writeUInt32LE((40 << 16) | 1, 128 + 48); // the name tag (after tag 8, flags 16, dims 8 + 16) as a small element of 40 bytes
  assert.throws(() => readMatV5('f.mat', small, ['H']), /f.mat: corrupt MAT file: name of the variable at byte 128 at byte 176 is a small data element declaring 40 bytes \(at most 4\)/);
  for (const name of ['v5_r3_complex_double_u.mat', 'v5_r3_complex_double_z.mat', 'v5_be_r3_complex_double_u.mat']) {
    const b = read(name);
    let ok = 0;
    for (let cut = 0; cut < b.length; cut++) {
      // a cut right after the header is a file with no variables; one in the final padding loses no data
      let c: ReturnType<typeof readMatV5>;
      try {
        c = readMatV5('cut.mat', b.subarray(0, cut), ['H']);
      } catch (e) {
        assert.ok(e instanceof Error && e.message.startsWith('cut.mat'), `${name} cut at ${cut}: ${String(e)}`);
        continue;
      }
      ok++;
      const h = c.arrays.get('H');
      if (h) assertEncoded(h, SHAPES[3], true, `${name} cut at ${cut}`);
      else assert.equal(cut, 128, `${name} cut at ${cut} reads no variable`);
    }
    assert.ok(ok <= 8, `${name}: ${ok} cuts read`);
  }
  // a compressed element that inflates past the limit (a small "zip bomb": 1 MB of zeros) stops at the limit
  const z = zlib.deflateSync(Buffer.alloc(1 << 20));
  const ztag = Buffer.alloc(8);
  ztag.writeUInt32LE(15, 0);
  ztag.writeUInt32LE(z.length, 4);
  const bomb = Buffer.concat([u.subarray(0, 128), ztag, z]);
  assert.throws(() => readMatV5('z.mat', bomb, ['H'], { maxBytes: 1000 }), /^Error: z.mat: the compressed variable at byte 128 inflates to more than the limit of 1000 bytes/);
  assert.throws(() => readMatV5('z.mat', bomb, ['H']), /^Error: z.mat: corrupt MAT file: the compressed element at byte 128 holds type 0, not miMATRIX \(14\)$/);
  assert.throws(() => readMatV5('u.mat', read('v5_r4_complex_double_u.mat'), ['H'], { maxBytes: 100 }),
    /^Error: u.mat variable 'H': dimensions 2×3×4×5 declare 120 elements; at 8 bytes each that exceeds the limit of 100 bytes/);
  assert.throws(() => readMatV5('h.mat', u.subarray(0, 100), ['H']), /^Error: h.mat: not a MATLAB MAT file \(100 bytes; the level-5 header alone is 128 bytes\)$/);
  assert.throws(() => readMatV5('h.mat', read('v73_r3_real_single.mat'), ['H']), /h.mat: a MATLAB v7.3 \(HDF5\) MAT file, not level 5; read it with loadChannelsAsync/);
});
