import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkClaims, claimRows, claimsSummary, findClaim, Claim } from '../../lib/kit/claims';
import { array, finite, Infer, integer, object, optional, record, string } from '../../lib/kit/schema';
import { checkpointsByKey, compareResults, readSavedRun, reproduceSavedRun, SAVED_RUN_FORMAT, SavedRun, savedRunSchema, trainedOrSaved, trainOrRestore, writeSavedRun } from '../../lib/kit/savedRun';

const net = object({ name: string, w: array(finite) });
const results = object({ wsr: array(finite), byK: record(array(finite)), note: optional(string) });
const schema = savedRunSchema('demo-paper', results, net);
const run: SavedRun<Infer<typeof results>, Infer<typeof net>> = {
  format: SAVED_RUN_FORMAT, paper: 'demo-paper', preset: 'quick', seed: 1, backend: 'cpu', seconds: 2.5,
  results: { wsr: [1.5, 2.5], byK: { 4: [1, 2] } }, nets: [{ name: 'a', w: [0.5, -1] }],
};

test('schemas return typed values and name the path of what is wrong', () => {
  assert.deepEqual(object({ n: integer, s: optional(string) }).check({ n: 3 }, 'f.json'), { n: 3 });
  assert.throws(() => results.check({ wsr: [1, null], byK: {} }, 'f.json'), /^Error: f\.json\.wsr\[1\] must be a finite number; got null$/);
  assert.throws(() => results.check({ wsr: [], byK: { 4: 'x' } }, 'f.json'), /f\.json\.byK\.4 must be an array/);
  assert.throws(() => results.check({ wsr: [], byK: {}, extra: 1 }, 'f.json'), /f\.json has unexpected field extra/);
  assert.throws(() => array(finite, { length: 2 }).check([1], 'x'), /x must have 2 items; got 1/);
});

test('saved runs: write, read back, every failure names the file and the entry', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  const file = path.join(dir, 'quick.json');
  writeSavedRun(file, run, schema);
  assert.deepEqual(readSavedRun(file, schema), run);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 50));
  assert.throws(() => readSavedRun(file, schema), new RegExp(`saved run ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
  fs.writeFileSync(file, JSON.stringify({ ...run, nets: [null] }));
  assert.throws(() => readSavedRun(file, schema), /quick\.json\.nets\[0\] must be an object with name, w; got null/);
  fs.writeFileSync(file, JSON.stringify({ ...run, format: 'precoding-workbook/unfolded-wmmse@1' }));
  assert.throws(() => readSavedRun(file, schema), /quick\.json\.format must be "precoding-workbook\/saved-run@2"/);
  const other = path.join(dir, 'bad.json');
  assert.throws(() => writeSavedRun(other, { ...run, results: { ...run.results, wsr: [NaN] } }, schema), /wsr\[0\] must be a finite number/);
  assert.ok(!fs.existsSync(other), 'nothing written half-way');
});

test('trainedOrSaved: a saved network is used, a missing one trains, or is an error when loading saved results', async () => {
  const saved = new Map([['L1', 'saved-net']]);
  let trained = 0;
  const train = async () => (trained++, 'new-net');
  assert.equal(await trainedOrSaved('L1', saved, train), 'saved-net');
  assert.equal(await trainedOrSaved('L2', saved, train), 'new-net');
  await assert.rejects(trainedOrSaved('L3', saved, train, { trainMissing: false, where: 'data/x/reproduce.json' }), /data\/x\/reproduce\.json: has no network L3, and loading saved results never trains/);
  assert.equal(trained, 1);
});

test('compareResults and reproduceSavedRun: every edited number is found by its path', async () => {
  const tol = (p: string) => (p.endsWith('.note') ? 'skip' : 1e-9);
  assert.deepEqual(compareResults(run.results, structuredClone(run.results), tol), []);
  const edited = structuredClone(run.results);
  edited.byK[4][1] = 2.001;
  assert.deepEqual(compareResults(edited, run.results, tol), ['results.byK.4[1]: saved 2.001, recomputed 2 (tolerance 1e-9)']);
  assert.deepEqual(compareResults({ a: [1, 2] }, { a: [1] }, tol), ['results.a: saved 2 items, recomputed 1 items']);
  const { differences } = await reproduceSavedRun(run, async (r) => ({ ...r.results, wsr: r.results.wsr.map((x) => x + 1e-3) }), () => 1e-4);
  assert.equal(differences.length, 2);
});

test('claims as data: unique ids, rows and summary', () => {
  const c: Claim[] = [
    { id: 'a', figure: 'Fig. 1', paper: 'x beats y', measured: '+0.5 ± 0.1', rule: 'above 2 s.e.', holds: true },
    { id: 'b', figure: 'Fig. 2', paper: 'y equals z', measured: '+0.9 ± 0.1', rule: 'within 1 %', holds: false },
  ];
  assert.equal(checkClaims(c), c);
  assert.throws(() => checkClaims([c[0], c[0]]), /id "a" is empty or used twice/);
  assert.throws(() => checkClaims([{ ...c[0], rule: '' }]), /claim a: rule must be a non-empty string/);
  assert.equal(findClaim(c, 'b').holds, false);
  assert.throws(() => findClaim(c, 'z'), /no claim "z"; there are: a, b/);
  assert.deepEqual(claimRows(c)[1], { figure: 'Fig. 2', 'paper says': 'y equals z', 'we measured': '+0.9 ± 0.1', rule: 'within 1 %', holds: 'NO' });
  assert.equal(claimsSummary(c, 'in the quick preset'), '**1 of 2 claims hold** in the quick preset.\nClaims that do not hold here:\n* Fig. 2: *y equals z* — we measured +0.9 ± 0.1.');
});

test('checkpointsByKey and trainOrRestore: keys from the meta, duplicates named; saved ones restored, missing ones trained (or an error), only a share, everything disposed on an error', async () => {
  const cks = [{ meta: { k: 'a' } }, { meta: { k: 'b' } }];
  const m = checkpointsByKey(cks, (c) => c.meta.k, 'run.json');
  assert.deepEqual([...m.keys()], ['a', 'b']);
  assert.throws(() => checkpointsByKey([...cks, { meta: { k: 'a' } }], (c) => c.meta.k, 'run.json'), /run\.json: nets\[2\] \(a\) appears twice/);
  const log: string[] = [];
  const o = {
    key: (s: string) => s,
    restore: (c: { meta: { k: string } }, where: string) => { log.push(`restore ${c.meta.k} (${where})`); return `restored ${c.meta.k}`; },
    train: async (s: string) => { log.push(`train ${s}`); if (s === 'bad') throw new Error('boom'); return `trained ${s}`; },
    dispose: (n: string) => log.push(`dispose ${n}`),
    saved: m, savedFrom: 'run.json',
  };
  const got = await trainOrRestore(['a', 'c', 'b'], o);
  assert.deepEqual([...got.entries()], [['a', 'restored a'], ['c', 'trained c'], ['b', 'restored b']]);
  assert.ok(log.includes('restore a (run.json: a)'));
  assert.deepEqual([...(await trainOrRestore(['a', 'c', 'b'], { ...o, only: ['c'] })).keys()], ['c']);
  await assert.rejects(trainOrRestore(['a', 'c'], { ...o, trainMissing: false }), /run\.json: has no network c/);
  log.length = 0;
  await assert.rejects(trainOrRestore(['a', 'c', 'bad'], o), /boom/);
  assert.deepEqual(log.filter((l) => l.startsWith('dispose')), ['dispose restored a', 'dispose trained c']);
});
