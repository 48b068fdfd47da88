/**
 * Fuzz: a few hundred damaged notebooks (truncated, bytes flipped, fields retyped or removed) are
 * read and given parameters the way `nb run` does before its first cell. Each either works or fails
 * with an Error naming the file; nothing else escapes (no TypeError from deep inside, no hang).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import { Rng } from '../../lib/core/random';
import { injectParameters, readNotebook } from '../../tools/notebookRunner';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'tiny.ipynb');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbfuzz-'));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const ODD: Json[] = [null, 0, -1, 'x', '', [], {}, [null], { tags: 7 }, true, 1e308, ['a', 3]];

/** Paths to every value inside a JSON document. */
function paths(x: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...at, i], out));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) paths(v, [...at, k], out);
  return out;
}

function mutate(doc: Json, where: (string | number)[], value: Json | undefined): Json {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  if (where.length === 0) return value ?? null;
  let parent = copy as { [k: string]: Json } | Json[];
  for (const k of where.slice(0, -1)) parent = (parent as Record<string | number, Json>)[k] as { [k: string]: Json };
  const last = where[where.length - 1];
  if (value === undefined && !Array.isArray(parent)) delete (parent as Record<string, Json>)[last as string];
  else (parent as Record<string | number, Json>)[last] = value ?? null;
  return copy;
}

test('damaged notebooks give named errors only', () => {
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const doc = JSON.parse(text) as Json;
  const all = paths(doc);
  const rng = new Rng(20261128);
  const pick = (n: number) => rng.int(n);
  let ok = 0;
  let named = 0;
  for (let t = 0; t < 400; t++) {
    let bytes: string;
    if (t % 4 === 0) bytes = text.slice(0, pick(text.length)); // truncated
    else if (t % 4 === 1) {
      const b = Buffer.from(text);
      for (let f = 0; f < 1 + pick(4); f++) b[pick(b.length)] = pick(256);
      bytes = b.toString('latin1');
    } else {
      const where = all[pick(all.length)];
      const value = t % 4 === 2 ? ODD[pick(ODD.length)] : undefined; // retyped or removed
      bytes = JSON.stringify(mutate(doc, where, value));
    }
    const file = path.join(tmp, `case-${t}.ipynb`);
    fs.writeFileSync(file, bytes, 'latin1');
    try {
      const book: nb.INotebookContent = readNotebook(file);
      injectParameters(book, { n: 2 });
      ok++;
    } catch (e) {
      assert.ok(e instanceof Error, `case ${t}: threw a non-Error`);
      assert.ok(!(e instanceof TypeError) && !(e instanceof RangeError), `case ${t}: ${e.name}: ${e.message}`);
      const namesFile = e.message.includes(file);
      const namesParam = /parameter|parameters/.test(e.message);
      assert.ok(namesFile || namesParam, `case ${t}: error names neither the file nor the parameter: ${e.message}`);
      named++;
    }
  }
  assert.ok(named > 100 && ok > 20, `both outcomes are exercised (${ok} read, ${named} refused)`);
});
