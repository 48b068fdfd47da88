import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compareResults } from '../../../lib/kit/savedRun';
import { disposeNets, gnnClaims, gnnPreset, readGnnRun, recomputeResults, runAll, savedTolerance, toSavedRun, writeGnnRun } from '../../../lib/papers/gnn';
import { setup } from '../../helpers';

test('quick preset: train, save, reload, recompute bit-for-bit; an edited number or weight is caught; nets never below their start', async () => {
  await setup();
  const p = gnnPreset('quick');
  const before = tf.memory().numTensors;
  const t0 = Date.now();
  const { nets, results } = await runAll(p);
  const run = toSavedRun(p, (Date.now() - t0) / 1000, results, nets);
  disposeNets(nets);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  for (const n of results.nets) assert.ok(n.validationEnd >= n.validationStart, `${n.key}: ${n.validationEnd} < ${n.validationStart}`);
  const claims = gnnClaims(results);
  assert.ok(claims.some((c) => c.id === 'table1-mrt'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gnn-run-'));
  const file = path.join(dir, 'quick.json');
  writeGnnRun(file, run);
  const back = readGnnRun(file);
  const again = await recomputeResults(back);
  assert.deepEqual(compareResults(back.results, JSON.parse(JSON.stringify(again)), savedTolerance), []);
  // an edited result
  const edited = JSON.parse(JSON.stringify(back));
  edited.results.table1Mrt[0].mrtDb += 0.01;
  assert.ok(compareResults(edited.results, JSON.parse(JSON.stringify(again)), savedTolerance).length > 0, 'edited NMSE caught');
  // an edited weight changes what the network computes
  const w = edited.nets[0].params['out/W_neigh_bs'].values;
  w[0] += 0.5;
  w[1] -= 0.5;
  const re = await recomputeResults(edited);
  assert.ok(compareResults(back.results, JSON.parse(JSON.stringify(re)), savedTolerance).length > 0, 'edited weight caught');
  assert.throws(() => readGnnRun(path.join(dir, 'missing.json')), /missing\.json/);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"format": "precoding-workbook/saved-run@2", "paper": "gnn-quantized-precoding"');
  assert.throws(() => readGnnRun(path.join(dir, 'bad.json')), /not valid JSON/);
  fs.rmSync(dir, { recursive: true });
});
