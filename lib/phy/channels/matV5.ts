/**
 * A reader for MATLAB level-5 MAT-files (what `save` writes with -v6 and -v7), numeric arrays only.
 *
 * Format: MathWorks, "MAT-File Format", Version 7 (the level-5 chapter):
 *  - a 128-byte header: 116 bytes of text, 8 bytes of subsystem data offset, a 2-byte version (0x0100)
 *    and a 2-byte endian indicator ('IM' when the writer was little-endian, 'MI' when big-endian; both
 *    byte orders are read);
 *  - then data elements, each an 8-byte tag (uint32 data type, uint32 byte count) and its data padded to
 *    a multiple of 8 bytes; or, for at most 4 bytes of data, the "small data element" format where one
 *    uint32 holds the byte count (upper 16 bits) and the type (lower 16 bits) and the data follow in the
 *    next 4 bytes;
 *  - a variable is an miMATRIX element (type 14), or an miCOMPRESSED element (type 15, no padding)
 *    whose zlib stream inflates to one miMATRIX element;
 *  - miMATRIX holds sub-elements: array flags (miUINT32: class in the low byte, complex 0x0800,
 *    global 0x0400, logical 0x0200), dimensions (miINT32, rank ≥ 2), array name (miINT8), real part,
 *    imaginary part (when complex). The parts may use any numeric storage type (miINT8 … miUINT64,
 *    miSINGLE, miDOUBLE), which need not match the class (MATLAB stores integer-valued doubles compactly);
 *    data are in column-major order.
 *
 * Safety: every declared size is checked against the bytes present before anything is allocated: a tag's
 * byte count against the rest of the file (or of its parent element), the product of the dimensions
 * against the limit and against the byte count of the real and imaginary parts; inflation is bounded by
 * `limits.maxBytes`. Errors name the file (`where`), the variable and the numbers. Cell, struct, object,
 * char, sparse, logical and function arrays are listed but not decoded; asking for one is an error naming
 * its class.
 */
import * as zlib from 'node:zlib';
import { DEFAULT_MAT_MAX_BYTES, MatArray, MatContents, MatNumericClass, MatReadLimits } from './matArray';

/** Data types of tags (Table 1-1). */
const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15 } as const;

/** Numeric storage types: name and bytes per element. */
const STORAGE: Record<number, { name: string; size: number }> = {
  1: { name: 'miINT8', size: 1 }, 2: { name: 'miUINT8', size: 1 }, 3: { name: 'miINT16', size: 2 }, 4: { name: 'miUINT16', size: 2 },
  5: { name: 'miINT32', size: 4 }, 6: { name: 'miUINT32', size: 4 }, 7: { name: 'miSINGLE', size: 4 }, 9: { name: 'miDOUBLE', size: 8 },
  12: { name: 'miINT64', size: 8 }, 13: { name: 'miUINT64', size: 8 },
};

/** Array classes (Table 1-3): 6..15 are numeric. */
const CLASS_NAMES: Record<number, string> = {
  1: 'cell (mxCELL_CLASS)', 2: 'struct (mxSTRUCT_CLASS)', 3: 'object (mxOBJECT_CLASS)', 4: 'char (mxCHAR_CLASS)', 5: 'sparse (mxSPARSE_CLASS)',
  6: 'double', 7: 'single', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
  16: 'function handle (mxFUNCTION_CLASS)', 17: 'opaque (mxOPAQUE_CLASS)',
};

const FLAG_COMPLEX = 0x0800;
const FLAG_LOGICAL = 0x0200;

/** A byte range of the file (or of an inflated element) read in the file's byte order. */
class Bytes {
  readonly view: DataView;
  constructor(readonly u8: Uint8Array, readonly le: boolean) {
    this.view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  }
  u32(o: number): number {
    return this.view.getUint32(o, this.le);
  }
}

interface Tag {
  type: number;
  nbytes: number;
  /** start of the data */
  data: number;
  /** start of the next element */
  next: number;
}

/**
 * The tag at `off` inside [off, end): regular or small format. The declared byte count must fit before
 * `end`; a missing final padding is tolerated (the data themselves must be complete).
 */
function readTag(w: string, b: Bytes, off: number, end: number, what: string): Tag {
  if (off + 4 > end) throw new Error(`${w}: truncated or corrupt MAT file: ${what} at byte ${off} has no room for its tag (${end - off} bytes left)`);
  const word = b.u32(off);
  if (word >>> 16 !== 0) {
    const nbytes = word >>> 16;
    if (nbytes > 4) throw new Error(`${w}: corrupt MAT file: ${what} at byte ${off} is a small data element declaring ${nbytes} bytes (at most 4)`);
    if (off + 4 + nbytes > end) throw new Error(`${w}: truncated or corrupt MAT file: ${what} at byte ${off} runs past the end`);
    return { type: word & 0xffff, nbytes, data: off + 4, next: Math.min(off + 8, end) };
  }
  if (off + 8 > end) throw new Error(`${w}: truncated or corrupt MAT file: ${what} at byte ${off} has no room for its 8-byte tag (${end - off} bytes left)`);
  const nbytes = b.u32(off + 4);
  const left = end - off - 8;
  if (nbytes > left) {
    throw new Error(`${w}: truncated or corrupt MAT file: ${what} at byte ${off} declares ${nbytes} bytes but only ${left} remain`);
  }
  const padded = word === MI.COMPRESSED ? nbytes : nbytes + ((8 - (nbytes % 8)) % 8);
  return { type: word, nbytes, data: off + 8, next: Math.min(off + 8 + padded, end) };
}

/** Decode `count` elements of storage type `type` at `off` to float64. The caller has checked the bytes exist. */
function toFloat64(b: Bytes, type: number, off: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const v = b.view, le = b.le;
  switch (type) {
    case MI.INT8: for (let i = 0; i < count; i++) out[i] = v.getInt8(off + i); break;
    case MI.UINT8: for (let i = 0; i < count; i++) out[i] = v.getUint8(off + i); break;
    case MI.INT16: for (let i = 0; i < count; i++) out[i] = v.getInt16(off + 2 * i, le); break;
    case MI.UINT16: for (let i = 0; i < count; i++) out[i] = v.getUint16(off + 2 * i, le); break;
    case MI.INT32: for (let i = 0; i < count; i++) out[i] = v.getInt32(off + 4 * i, le); break;
    case MI.UINT32: for (let i = 0; i < count; i++) out[i] = v.getUint32(off + 4 * i, le); break;
    case MI.SINGLE: for (let i = 0; i < count; i++) out[i] = v.getFloat32(off + 4 * i, le); break;
    case MI.DOUBLE: for (let i = 0; i < count; i++) out[i] = v.getFloat64(off + 8 * i, le); break;
    case MI.INT64: for (let i = 0; i < count; i++) out[i] = Number(v.getBigInt64(off + 8 * i, le)); break;
    case MI.UINT64: for (let i = 0; i < count; i++) out[i] = Number(v.getBigUint64(off + 8 * i, le)); break;
    default: throw new Error(`internal: storage type ${type} is not numeric`);
  }
  return out;
}

/** One variable's header as parsed; `decode` reads its data (only called for the variables asked for). */
interface Parsed {
  name: string;
  decode: () => MatArray;
}

/** Parse the miMATRIX element whose data occupy [start, end) of `b` (`at`: its byte offset, for messages). */
function parseMatrix(where: string, b: Bytes, start: number, end: number, at: string, limits: MatReadLimits): Parsed | null {
  if (start === end) return null; // an empty miMATRIX (e.g. an empty cell slot): no name, nothing to read
  const flags = readTag(where, b, start, end, `array flags of the variable ${at}`);
  if (flags.type !== MI.UINT32 || flags.nbytes !== 8) {
    throw new Error(`${where}: corrupt MAT file: the variable ${at} should start with 8 bytes of miUINT32 array flags; found type ${flags.type}, ${flags.nbytes} bytes`);
  }
  const flagWord = b.u32(flags.data);
  const cls = flagWord & 0xff;
  const dimsTag = readTag(where, b, flags.next, end, `dimensions of the variable ${at}`);
  if (dimsTag.type !== MI.INT32 || dimsTag.nbytes % 4 !== 0 || dimsTag.nbytes < 8) {
    throw new Error(`${where}: corrupt MAT file: dimensions of the variable ${at} must be ≥ 2 miINT32 values; found type ${dimsTag.type}, ${dimsTag.nbytes} bytes`);
  }
  const rank = dimsTag.nbytes / 4;
  const dims: number[] = [];
  for (let j = 0; j < rank; j++) dims.push(b.view.getInt32(dimsTag.data + 4 * j, b.le));
  const nameTag = readTag(where, b, dimsTag.next, end, `name of the variable ${at}`);
  if (nameTag.type !== MI.INT8 && nameTag.type !== MI.UINT8) {
    throw new Error(`${where}: corrupt MAT file: the name of the variable ${at} should be miINT8 text; found type ${nameTag.type}`);
  }
  let name = '';
  for (let i = 0; i < nameTag.nbytes; i++) name += String.fromCharCode(b.u8[nameTag.data + i]);
  const w = `${where} variable '${name}'`;
  const decode = (): MatArray => {
    const className = CLASS_NAMES[cls];
    if (cls < 6 || cls > 15) {
      throw new Error(`${w} is a ${className ?? `class-${cls}`} array; only numeric arrays (double, single, int8…uint64) hold channel data`);
    }
    if (flagWord & FLAG_LOGICAL) throw new Error(`${w} is a logical array; only numeric arrays (double, single, int8…uint64) hold channel data`);
    if (dims.some((d) => d < 0)) throw new Error(`${w}: corrupt dimensions [${dims.join(', ')}] (negative)`);
    const maxCount = Math.floor(limits.maxBytes / 8);
    let count = 1;
    for (const d of dims) {
      count *= d;
      if (count > maxCount) {
        throw new Error(
          `${w}: dimensions ${dims.join('×')} declare ${dims.reduce((p, x) => p * x, 1)} elements; at 8 bytes each that exceeds ` +
            `the limit of ${limits.maxBytes} bytes (a corrupt file, or pass a larger maxBytes)`,
        );
      }
    }
    const part = (tagOff: number, which: string): { tag: Tag; data: Float64Array } => {
      const tag = readTag(where, b, tagOff, end, `${which} part of variable '${name}'`);
      const st = STORAGE[tag.type];
      if (!st) throw new Error(`${w}: its ${which} part has data type ${tag.type}, not a numeric storage type (miINT8…miUINT64, miSINGLE, miDOUBLE)`);
      if (tag.nbytes !== count * st.size) {
        throw new Error(
          `${w}: dimensions ${dims.join('×')} declare ${count} elements (${count * st.size} bytes of ${st.name}) but its ${which} part ` +
            `holds ${tag.nbytes} bytes (${tag.nbytes / st.size} elements)`,
        );
      }
      return { tag, data: toFloat64(b, tag.type, tag.data, count) };
    };
    const re = part(nameTag.next, 'real');
    const im = flagWord & FLAG_COMPLEX ? part(re.tag.next, 'imaginary').data : null;
    return { name, className: className as MatNumericClass, dims, re: re.data, im };
  };
  return { name, decode };
}

function inflate(where: string, data: Uint8Array, at: number, limits: MatReadLimits): Buffer {
  try {
    return zlib.inflateSync(data, { maxOutputLength: Math.max(1, Math.min(limits.maxBytes + 4096, 2 ** 31 - 1)) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${where}: the compressed variable at byte ${at} inflates to more than the limit of ${limits.maxBytes} bytes (a corrupt file, or pass a larger maxBytes)`);
    }
    throw new Error(`${where}: corrupt compressed variable at byte ${at}: ${err.message}`);
  }
}

/** The endianness of a level-5 header, or an error naming what is wrong with it. */
function readHeader(where: string, u8: Uint8Array): boolean {
  if (u8.length < 128) throw new Error(`${where}: not a MATLAB MAT file (${u8.length} bytes; the level-5 header alone is 128 bytes)`);
  const ind = String.fromCharCode(u8[126], u8[127]);
  if (ind !== 'IM' && ind !== 'MI') throw new Error(`${where}: not a MATLAB level-5 MAT file (no 'IM'/'MI' endian indicator at byte 126)`);
  const le = ind === 'IM';
  const version = le ? u8[124] | (u8[125] << 8) : (u8[124] << 8) | u8[125];
  if (version === 0x0200) throw new Error(`${where}: a MATLAB v7.3 (HDF5) MAT file, not level 5; read it with loadChannelsAsync`);
  if (version !== 0x0100) throw new Error(`${where}: not a MATLAB level-5 MAT file: version 0x${version.toString(16).padStart(4, '0')} at byte 124 (expected 0x0100)`);
  return le;
}

/**
 * Read a level-5 MAT file: the names of all variables, and the numeric arrays named in `wanted`
 * (column-major float64, MATLAB dims). `where` prefixes every error message (it names the file).
 */
export function readMatV5(where: string, bytes: Uint8Array, wanted: readonly string[], limits: MatReadLimits = { maxBytes: DEFAULT_MAT_MAX_BYTES }): MatContents {
  const le = readHeader(where, bytes);
  const file = new Bytes(bytes, le);
  const names: string[] = [];
  const arrays = new Map<string, MatArray>();
  const take = (p: Parsed | null): void => {
    if (!p || names.includes(p.name)) return;
    names.push(p.name);
    if (wanted.includes(p.name)) arrays.set(p.name, p.decode());
  };
  let off = 128;
  while (off < bytes.length) {
    const tag = readTag(where, file, off, bytes.length, 'the data element');
    if (tag.type === MI.COMPRESSED) {
      const inner = new Bytes(inflate(where, bytes.subarray(tag.data, tag.data + tag.nbytes), off, limits), le);
      const el = readTag(where, inner, 0, inner.u8.length, `the inflated element at byte ${off}`);
      if (el.type !== MI.MATRIX) throw new Error(`${where}: corrupt MAT file: the compressed element at byte ${off} holds type ${el.type}, not miMATRIX (14)`);
      take(parseMatrix(where, inner, el.data, el.data + el.nbytes, `in the compressed element at byte ${off}`, limits));
    } else if (tag.type === MI.MATRIX) {
      take(parseMatrix(where, file, tag.data, tag.data + tag.nbytes, `at byte ${off}`, limits));
    } else {
      throw new Error(`${where}: corrupt MAT file: data element at byte ${off} has type ${tag.type}; a variable is miMATRIX (14) or miCOMPRESSED (15)`);
    }
    off = tag.next;
  }
  return { names, arrays };
}
