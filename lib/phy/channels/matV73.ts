/**
 * A reader for MATLAB -v7.3 MAT-files (HDF5), numeric arrays only, through h5wasm (the HDF5 C library
 * compiled to WebAssembly).
 *
 * Layout (MathWorks, "MAT-File Versions": version 7.3 files are HDF5 files with a 512-byte user block):
 *  - the user block starts with the usual 128-byte MAT header, text 'MATLAB 7.3 MAT-file, …', version
 *    0x0200 at byte 124; the HDF5 superblock (signature \x89HDF\r\n\x1a\n) follows at byte 512;
 *  - each variable is a dataset in the root group with an attribute MATLAB_class ('double', 'single',
 *    'int16', …, or 'char', 'logical', 'cell', 'struct' for what is not channel data); empty arrays carry
 *    MATLAB_empty = 1 and hold their dims instead of data;
 *  - HDF5 dims are MATLAB's dims reversed, so the data, HDF5 row-major, are MATLAB column-major;
 *  - complex arrays are a compound type with members 'real' and 'imag'.
 *
 * h5wasm is an ES module that is ready only after an asynchronous start-up (`await h5wasm.ready`), so this
 * reader is async; `loadChannelsAsync` uses it, and the synchronous `loadChannels` rejects v7.3 files with
 * an error pointing there. The bytes are written into h5wasm's in-memory (emscripten) file system, opened
 * read-only and removed again. The dataset's declared size is checked against `limits.maxBytes` before
 * its data are read.
 */
import type { Dataset, File as H5File } from 'h5wasm';
import { DEFAULT_MAT_MAX_BYTES, MAT_NUMERIC_CLASSES, MatArray, MatContents, MatNumericClass, MatReadLimits } from './matArray';

type H5 = typeof import('h5wasm');

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hasSignatureAt(bytes: Uint8Array, off: number): boolean {
  return bytes.length >= off + 8 && HDF5_SIGNATURE.every((x, i) => bytes[off + i] === x);
}

/**
 * True when the bytes look like a MATLAB -v7.3 file: the header text says 'MATLAB 7.3', or the MAT header
 * has version 0x0200, or an HDF5 signature sits at byte 512 (where MATLAB puts it) or at byte 0.
 */
export function isMatV73(bytes: Uint8Array): boolean {
  if (hasSignatureAt(bytes, 0) || hasSignatureAt(bytes, 512)) return true;
  if (bytes.length < 128) return false;
  const text = String.fromCharCode(...bytes.subarray(0, 19));
  if (text === 'MATLAB 7.3 MAT-file') return true;
  const ind = String.fromCharCode(bytes[126], bytes[127]);
  const version = ind === 'IM' ? bytes[124] | (bytes[125] << 8) : ind === 'MI' ? (bytes[124] << 8) | bytes[125] : -1;
  return version === 0x0200;
}

let h5Module: Promise<H5> | null = null;

/** h5wasm, imported once and started (its emscripten runtime) once per process. */
async function loadH5(where: string): Promise<H5> {
  h5Module ??= import('h5wasm').then(async (m) => {
    await m.ready;
    return m;
  });
  try {
    return await h5Module;
  } catch (e) {
    h5Module = null;
    throw new Error(`${where}: cannot start h5wasm to read a MATLAB v7.3 (HDF5) file: ${(e as Error).message}`);
  }
}

/** The MATLAB_class attribute as text, or null when absent. */
function matlabClass(ds: Dataset): string | null {
  const attr = ds.attrs['MATLAB_class'];
  if (!attr) return null;
  const v = attr.value;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return String(v);
}

/** The numeric class implied by an HDF5 integer/float type (for datasets without MATLAB_class). */
function classOfType(type: number, size: number, signed: boolean): MatNumericClass | null {
  if (type === 1) return size === 8 ? 'double' : size === 4 ? 'single' : null;
  if (type === 0 && [1, 2, 4, 8].includes(size)) return `${signed ? 'int' : 'uint'}${8 * size}` as MatNumericClass;
  return null;
}

function toFloat64(w: string, v: unknown, count: number): Float64Array {
  if (!ArrayBuffer.isView(v) || (v as unknown as ArrayLike<unknown>).length !== count) {
    throw new Error(`${w}: h5wasm returned ${ArrayBuffer.isView(v) ? (v as unknown as ArrayLike<unknown>).length + ' values' : typeof v}; expected ${count} numbers`);
  }
  const a = v as unknown as ArrayLike<number | bigint>;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Number(a[i]);
  return out;
}

function readDataset(where: string, h5: H5, file: H5File, name: string, limits: MatReadLimits): MatArray {
  const w = `${where} variable '${name}'`;
  const ds = file.get(name);
  if (!(ds instanceof h5.Dataset)) {
    throw new Error(`${w} is not a dataset (a MATLAB struct, cell or object in a v7.3 file); only numeric arrays (double, single, int8…uint64) hold channel data`);
  }
  const cls = matlabClass(ds);
  if (cls !== null && !(MAT_NUMERIC_CLASSES as readonly string[]).includes(cls)) {
    throw new Error(`${w} is a ${cls} array; only numeric arrays (double, single, int8…uint64) hold channel data`);
  }
  if (ds.attrs['MATLAB_empty']) throw new Error(`${w} is an empty array; an empty channel set cannot be used`);
  const meta = ds.metadata;
  const shape = meta.shape;
  if (!shape) throw new Error(`${w}: the dataset has no data space (null shape)`);
  const dims = shape.slice().reverse();
  while (dims.length < 2) dims.push(1);
  const count = dims.reduce((p, d) => p * d, 1);
  if (!Number.isSafeInteger(count) || count !== meta.total_size) {
    throw new Error(`${w}: HDF5 dims [${shape.join(', ')}] give ${count} elements but the dataset declares ${meta.total_size}`);
  }
  if (count * meta.size > limits.maxBytes) {
    throw new Error(`${w}: ${dims.join('×')} elements of ${meta.size} bytes exceed the limit of ${limits.maxBytes} bytes (pass a larger maxBytes)`);
  }
  const members = meta.compound_type?.members;
  if (members) {
    const ri = members.findIndex((m) => m.name === 'real');
    const ii = members.findIndex((m) => m.name === 'imag');
    if (ri < 0 || ii < 0) throw new Error(`${w}: a compound dataset with members ${members.map((m) => m.name).join(', ')}; a complex array has 'real' and 'imag'`);
    const className = (cls as MatNumericClass | null) ?? classOfType(members[ri].type, members[ri].size, members[ri].signed);
    if (!className || classOfType(members[ri].type, members[ri].size, true) === null) {
      throw new Error(`${w}: the 'real' member is not numeric (HDF5 type class ${members[ri].type}, ${members[ri].size} bytes)`);
    }
    const rows = ds.value;
    if (!Array.isArray(rows) || rows.length !== count) throw new Error(`${w}: h5wasm returned ${Array.isArray(rows) ? rows.length : typeof rows} rows; expected ${count}`);
    const re = new Float64Array(count);
    const im = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const row = rows[i];
      if (!Array.isArray(row)) throw new Error(`${w}: element ${i} is not a (real, imag) pair`);
      re[i] = Number(row[ri]);
      im[i] = Number(row[ii]);
    }
    return { name, className, dims, re, im };
  }
  const className = (cls as MatNumericClass | null) ?? classOfType(meta.type, meta.size, meta.signed);
  if (!className || classOfType(meta.type, meta.size, true) === null) {
    throw new Error(`${w}: not a numeric dataset (HDF5 type class ${meta.type}, ${meta.size} bytes)`);
  }
  return { name, className, dims, re: toFloat64(w, ds.value, count), im: null };
}

let serial = 0;

/**
 * Read a MATLAB -v7.3 (HDF5) file: the names of the root-level variables, and the numeric arrays named in
 * `wanted` (column-major float64, MATLAB dims). `where` prefixes every error message (it names the file).
 */
export async function readMatV73(where: string, bytes: Uint8Array, wanted: readonly string[], limits: MatReadLimits = { maxBytes: DEFAULT_MAT_MAX_BYTES }): Promise<MatContents> {
  if (!hasSignatureAt(bytes, 512) && !hasSignatureAt(bytes, 0)) {
    throw new Error(`${where}: not a MATLAB v7.3 MAT file: no HDF5 signature at byte 512 (or 0)`);
  }
  const h5 = await loadH5(where);
  const fs = h5.FS;
  if (!fs) throw new Error(`${where}: h5wasm started without a file system`);
  const tmp = `/mat73-${process.pid}-${++serial}.mat`;
  fs.writeFile(tmp, bytes);
  // HDF5 errors become JS exceptions (instead of an error stack printed to stderr); restored below
  h5.Module.activate_throwing_error_handler();
  let file: H5File | null = null;
  try {
    try {
      file = new h5.File(tmp, 'r');
    } catch (e) {
      throw new Error(`${where}: not a readable HDF5 (MATLAB v7.3) file: ${brief(e)}`);
    }
    const names = file.keys().filter((k) => !k.startsWith('#'));
    const arrays = new Map<string, MatArray>();
    for (const name of wanted) if (names.includes(name)) arrays.set(name, readDataset(where, h5, file, name, limits));
    return { names, arrays };
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(where)) throw e;
    throw new Error(`${where}: cannot read the HDF5 (MATLAB v7.3) file: ${brief(e)}`);
  } finally {
    try {
      file?.close();
    } catch {
      // a file that failed half-way may not close; the in-memory copy goes anyway
    } finally {
      h5.Module.deactivate_throwing_error_handler();
      fs.unlink(tmp);
    }
  }
}

/** An HDF5 error stack, shortened to its first lines on one line. */
function brief(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const flat = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 4).join(' | ');
  return flat.length > 400 ? `${flat.slice(0, 400)}…` : flat;
}
