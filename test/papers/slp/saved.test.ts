/**
 * The committed reproduce run (data/slp-quantized-nn-weights/reproduce.json): every network is
 * re-evaluated and every saved number recomputed (an edited number or weight fails), no network ends
 * above its start on validation (never worse than the interior-point schedule it starts from), and the
 * claims the run supports are checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { compareResults } from '../../../lib/kit/savedRun';
import { findClaim } from '../../../lib/kit/claims';
import { presetNets, readSlpRun, recomputeResults, savedRunFile, savedTolerance, slpClaims, slpPreset } from '../../../lib/papers/slp';
import { setup } from '../../helpers';

test('committed SLP-SQ reproduce run: recomputed from its networks, number for number; nets never worse than their start', async () => {
  const info = await setup();
  const run = readSlpRun(savedRunFile('reproduce'));
  assert.equal(run.preset, 'reproduce');
  const p = slpPreset('reproduce');
  assert.equal(run.nets.length, presetNets(p).length, 'every network of the preset is saved');
  for (const n of run.results.nets) assert.ok(n.validationEnd <= n.validationStart, `${n.key}: validation power ratio ${n.validationEnd} > start ${n.validationStart}`);
  if (info.name !== run.backend) console.log(`note: run trained on ${run.backend}, re-evaluated on ${info.name}`);
  const before = tf.memory().numTensors;
  const again = JSON.parse(JSON.stringify(await recomputeResults(run)));
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  const tol = info.name === run.backend ? savedTolerance : (path: string) => (/\.seconds$/.test(path) ? 'skip' as const : 0.05);
  const diffs = compareResults(run.results, again, tol);
  assert.deepEqual(diffs.slice(0, 10), [], `${diffs.length} saved numbers differ from the recomputation`);
  // an edited number is caught
  const edited = JSON.parse(JSON.stringify(run.results));
  edited.fig5[3].power.mean *= 1.01;
  assert.ok(compareResults(edited, again, tol).length > 0, 'a 1 % edit of one saved power is detected');
  const claims = slpClaims(run.results, { headlineSinrDb: p.headlineSinrDb, quantRatio: p.quantRatio });
  // what the committed run must show: the exact baseline, the learned precoders' feasibility, SLP-DNet near the optimum
  for (const id of ['fig5-slp-feasible', 'constraints-met', 'fig5-dnet-near-optimal', 'never-worse', 'table5-ordering']) {
    assert.ok(findClaim(claims, id).holds, `${id}: ${findClaim(claims, id).measured}`);
  }
});
