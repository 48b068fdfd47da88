/**
 * The committed reproduce run (data/gnn-quantized-precoding/reproduce.json): every network is
 * re-evaluated and every saved number recomputed (an edited number or weight fails), no network ends
 * below its start on validation, and the claims the run supports are checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { compareResults } from '../../../lib/kit/savedRun';
import { findClaim } from '../../../lib/kit/claims';
import { gnnClaims, gnnPreset, readGnnRun, recomputeResults, savedRunFile, savedTolerance } from '../../../lib/papers/gnn';
import { setup } from '../../helpers';

test('committed GNN reproduce run: recomputed from its networks, number for number; nets never below their start', async () => {
  const info = await setup();
  const run = readGnnRun(savedRunFile('reproduce'));
  assert.equal(run.preset, 'reproduce');
  const p = gnnPreset('reproduce');
  assert.equal(run.nets.length, p.nets.length, 'every network of the preset is saved');
  for (const n of run.results.nets) assert.ok(n.validationEnd >= n.validationStart, `${n.key}: validation ${n.validationEnd} < start ${n.validationStart}`);
  if (info.name !== run.backend) {
    // another backend rounds differently: the networks still load and evaluate, the numbers are compared loosely
    console.log(`note: run trained on ${run.backend}, re-evaluated on ${info.name}`);
  }
  const before = tf.memory().numTensors;
  const again = await recomputeResults(run);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  const tol = info.name === run.backend ? savedTolerance : (path: string) => (/\.seconds$/.test(path) ? 'skip' as const : 0.05);
  const diffs = compareResults(run.results, JSON.parse(JSON.stringify(again)), tol);
  assert.deepEqual(diffs.slice(0, 10), [], `${diffs.length} saved numbers differ from the recomputation`);
  const claims = gnnClaims(run.results);
  // what the committed run must show: the baselines and the paper's formulas as reproduced
  for (const id of ['table1-mrt', 'figs3-4-distortion-spreads', 'paper-number/maxBandwidth/large', 'paper-number/maxBandwidth/small', 'paper-number/rfDacRatio']) {
    assert.ok(findClaim(claims, id).holds, `${id}: ${findClaim(claims, id).measured}`);
  }
});
