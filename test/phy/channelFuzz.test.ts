/**
 * Damaged channel files: from valid fixtures (.npy, .mat level 5 compressed and not, big-endian .mat,
 * .json) a fixed-seed generator makes a few hundred variants — truncations at random offsets, random
 * byte flips, declared sizes inflated to 8·10⁶ and 8·10⁸ elements (dims, tag byte counts, .npy shapes,
 * JSON shapes), corrupted headers — and every `loadChannels` call must either succeed or throw an Error
 * whose message names the file's path: no other exception type, no crash, no hang, and bounded memory.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadChannels } from '../../lib/phy/channels';
import { dispose } from '../../lib/core/complex';
import { backendTest } from '../helpers';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'channels');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'channel-fuzz-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so every run makes the same variants. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (b: Buffer, r: () => number) => Buffer;

const int = (r: () => number, n: number): number => Math.floor(r() * n);
const HUGE = [8e6, 8e8, 2 ** 31 - 1, 0xffffffff, 0];

const truncate: Mutation = (b, r) => b.subarray(0, int(r, b.length));
const flip: Mutation = (b, r) => {
  const c = Buffer.from(b);
  for (let k = 1 + int(r, 4); k > 0; k--) c[int(r, c.length)] ^= 1 << int(r, 8);
  return c;
};
const header: Mutation = (b, r) => {
  const c = Buffer.from(b);
  const span = Math.min(c.length, 128);
  for (let k = 1 + int(r, 6); k > 0; k--) c[int(r, span)] = int(r, 256);
  return c;
};
/** A random aligned 32-bit word set to a huge or zero value (tag byte counts, dims, anything). */
const word: Mutation = (b, r) => {
  const c = Buffer.from(b);
  const at = 4 * int(r, Math.floor(c.length / 4));
  c.writeUInt32LE(HUGE[int(r, HUGE.length)] >>> 0, at);
  return c;
};

/** Offset of the dims values inside an miMATRIX element: tag 8, array flags 16, dims tag 8. */
const DIMS_AT = 8 + 16 + 8;
const dimsValues = (r: () => number): number[] => {
  const total = [8e6, 8e8][int(r, 2)];
  return [[total / 4, 1, 4], [2, total / 8, 4], [2, 3, Math.round(total / 6)], [total, 1, 1]][int(r, 4)];
};
const matDims: Mutation = (b, r) => {
  const c = Buffer.from(b);
  const le = c.toString('latin1', 126, 128) === 'IM';
  dimsValues(r).forEach((d, j) => (le ? c.writeInt32LE(d, 128 + DIMS_AT + 4 * j) : c.writeInt32BE(d, 128 + DIMS_AT + 4 * j)));
  return c;
};
/** Compressed .mat: inflate the variable, damage it with `inner`, deflate it again (so the stream itself is valid). */
const insideZ = (inner: Mutation): Mutation => (b, r) => {
  const el = Buffer.from(zlib.inflateSync(b.subarray(136, 136 + b.readUInt32LE(132))));
  const bad = inner === matDims ? (() => { dimsValues(r).forEach((d, j) => el.writeInt32LE(d, DIMS_AT + 4 * j)); return el; })() : inner(el, r);
  const z = zlib.deflateSync(bad);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(15, 0);
  tag.writeUInt32LE(z.length, 4);
  return Buffer.concat([b.subarray(0, 128), tag, z]);
};
const npyShape: Mutation = (b, r) => {
  const text = b.toString('latin1');
  const shapes = ['(8000000, 1, 1)', '(800000000, 1, 1)', "('a', 3)", '(-1, 3, 4)', '(2, 3)', '(2, 3, 4, 2)', '()', '(1e9, 1, 1)'];
  const to = shapes[int(r, shapes.length)];
  const m = /\(2, 3, 4\)/.exec(text);
  assert.ok(m);
  // keep the header length: pad or cut the spaces that follow the dict
  const out = text.slice(0, m.index) + to + text.slice(m.index + m[0].length);
  const diff = out.length - text.length;
  const end = out.indexOf('\n');
  const fixed = diff > 0 ? out.slice(0, end - diff) + out.slice(end) : out.slice(0, end) + ' '.repeat(-diff) + out.slice(end);
  return Buffer.from(fixed, 'latin1');
};
const jsonShape: Mutation = (b, r) => {
  const text = b.toString('utf8');
  const to = ['[8000000, 1, 1]', '[800000000, 1, 1]', '[2, 3]', '["a", 3, 4]', '[-2, 3, 4]', '[1e300, 1, 1]', '[0, 3, 4]'][int(r, 7)];
  return Buffer.from(text.replace('[2, 3, 4]', to), 'utf8');
};
const jsonDeep: Mutation = (b, r) => {
  const text = b.toString('utf8');
  const depth = [20, 5000, 100000][int(r, 3)];
  return Buffer.from(text.replace('"re": [', `"re": ${'['.repeat(depth)}`), 'utf8');
};

interface Base { file: string; mutations: [string, Mutation][] }
const BASES: Base[] = [
  { file: 'npy_r3_complex64.npy', mutations: [['truncate', truncate], ['flip', flip], ['header', header], ['word', word], ['shape', npyShape]] },
  { file: 'v5_r3_complex_double_u.mat', mutations: [['truncate', truncate], ['flip', flip], ['header', header], ['word', word], ['dims', matDims]] },
  { file: 'v5_be_r3_complex_double_u.mat', mutations: [['truncate', truncate], ['flip', flip], ['word', word], ['dims', matDims]] },
  {
    file: 'v5_r3_complex_double_z.mat',
    mutations: [['truncate', truncate], ['flip', flip], ['header', header], ['dims', insideZ(matDims)], ['inner-word', insideZ(word)], ['inner-flip', insideZ(flip)], ['inner-truncate', insideZ(truncate)]],
  },
  { file: 'v5_mixed_z.mat', mutations: [['truncate', truncate], ['flip', flip], ['word', word]] },
  { file: 'json_r3_flat.json', mutations: [['truncate', truncate], ['flip', flip], ['shape', jsonShape], ['deep', jsonDeep]] },
];

backendTest('fuzz: damaged .npy/.mat/.json files load or fail with an Error naming the file; memory stays bounded', async () => {
  const r = rng(20240615);
  const start = process.memoryUsage();
  let peakRss = start.rss, peakBuffers = start.arrayBuffers;
  const t0 = Date.now();
  const outcomes: Record<string, { ok: number; failed: number }> = {};
  let n = 0;
  for (const base of BASES) {
    const original = fs.readFileSync(path.join(FIX, base.file));
    const ext = path.extname(base.file);
    for (let i = 0; i < 24; i++) {
      for (const [name, mutate] of base.mutations) {
        const key = `${base.file} ${name}`;
        outcomes[key] ??= { ok: 0, failed: 0 };
        const p = path.join(dir, `v${n++}${ext}`);
        fs.writeFileSync(p, mutate(original, r));
        const allowReal = r() < 0.3;
        try {
          const { h } = loadChannels(p, { allowReal });
          dispose(h);
          outcomes[key].ok++;
        } catch (e) {
          if (!(e instanceof Error) || e.constructor !== Error || !e.message.includes(p)) {
            assert.fail(`${key} (#${n - 1}, kept at ${p}): expected an Error naming the path; got ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
          }
          outcomes[key].failed++;
        }
        fs.rmSync(p);
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
      }
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  assert.ok(n >= 500, `${n} variants`);
  assert.ok(peakRss - start.rss < 300e6, `rss grew by ${((peakRss - start.rss) / 1e6).toFixed(0)} MB`);
  assert.ok(peakBuffers - start.arrayBuffers < 100e6, `array buffers grew by ${((peakBuffers - start.arrayBuffers) / 1e6).toFixed(0)} MB`);
  assert.ok(seconds < 20, `${seconds} s`);
  // the inflated sizes are always caught
  for (const key of ['v5_r3_complex_double_u.mat dims', 'v5_be_r3_complex_double_u.mat dims', 'v5_r3_complex_double_z.mat dims', 'json_r3_flat.json deep']) {
    assert.equal(outcomes[key].ok, 0, `${key}: every variant fails`);
  }
  const failed = Object.values(outcomes).reduce((s, o) => s + o.failed, 0);
  assert.ok(failed > n / 2, `${failed} of ${n} variants failed`);
});

backendTest("the issue's cases: a .mat whose few corrupted bytes declare 8·10⁶ or 8·10⁸ elements is a named error, no large allocation", async () => {
  const before = process.memoryUsage();
  for (const name of ['v5_r3_complex_double_u.mat', 'v5_r3_complex_double_z.mat']) {
    const original = fs.readFileSync(path.join(FIX, name));
    for (const [dims, msg] of [
      [[2000, 1000, 4], /variable 'H': dimensions 2000×1000×4 declare 8000000 elements \(64000000 bytes of miDOUBLE\) but its real part holds 192 bytes \(24 elements\)/],
      [[200000, 1000, 4], /variable 'H': dimensions 200000×1000×4 declare 800000000 elements; at 8 bytes each that exceeds the limit of 1073741824 bytes/],
    ] as const) {
      const p = path.join(dir, `issue-${dims[0]}-${name}`);
      const patch: Mutation = (b) => {
        const c = Buffer.from(b);
        dims.forEach((d, j) => c.writeInt32LE(d, DIMS_AT + 4 * j));
        return c;
      };
      const damaged = name.endsWith('_z.mat') ? insideZ(patch)(original, Math.random) : Buffer.concat([original.subarray(0, 128), patch(original.subarray(128), Math.random)]);
      fs.writeFileSync(p, damaged);
      assert.throws(() => loadChannels(p), (e: unknown) => e instanceof Error && e.message.startsWith(`loadChannels("${p}") variable 'H'`) && msg.test(e.message));
    }
  }
  const after = process.memoryUsage();
  assert.ok(after.arrayBuffers - before.arrayBuffers < 16e6, `array buffers grew by ${after.arrayBuffers - before.arrayBuffers} bytes`);
});
