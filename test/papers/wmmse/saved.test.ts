/**
 * The committed reproduce run (data/unfolded-wmmse/reproduce.json): every network in it, re-evaluated
 * on the regenerated held-out test set (same seed → same channels), gives back every saved number of
 * every figure (lib/kit's reproduceSavedRun); a number edited by hand makes that check fail; and the
 * paper's claims named in the issue hold on the recomputed numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults, reproduceSavedRun } from '../../../lib/kit/savedRun';
import { findClaim } from '../../../lib/kit/claims';
import { paperClaims } from '../../../lib/papers/wmmse/claims';
import { wmmsePreset } from '../../../lib/papers/wmmse/presets';
import { readWmmseRun, recomputeResults, savedRunFile, savedTolerance } from '../../../lib/papers/wmmse/saved';
import { setup } from '../../helpers';

test('every saved reproduce network re-evaluates to every saved number; an edited number fails; the claims hold', async () => {
  await setup();
  const run = readWmmseRun(savedRunFile('reproduce'));
  assert.ok(wmmsePreset('reproduce').testChannels >= 1e4, 'a preset that makes claims uses at least 10^4 test channels');
  const { recomputed, differences } = await reproduceSavedRun(run, recomputeResults, savedTolerance);
  assert.deepEqual(differences, [], 'the saved file differs from what its networks give');
  // every figure was recomputed, every network used
  assert.deepEqual(recomputed.fig2.L, run.results.fig2.L);
  assert.deepEqual(recomputed.fig5.L, run.results.fig5.L);
  assert.equal(recomputed.fig6.snrDb.length, run.results.fig6.snrDb.length);

  // a hand edit anywhere is caught: a WSR of Fig. 5, a standard error of Fig. 2, the Fig. 6 WMMSE curve
  const edits: [string, (r: typeof run.results) => void][] = [
    ['results.fig5.byK.6[2]', (r) => (r.fig5.byK[6][2] += 0.01)],
    ['results.fig2.unfoldedMinusWmmse[4].se', (r) => (r.fig2.unfoldedMinusWmmse[4].se *= 2)],
    ['results.fig6.wmmse[0]', (r) => (r.fig6.wmmse[0] += 1e-6)],
  ];
  for (const [path, edit] of edits) {
    const edited = structuredClone(run.results);
    edit(edited);
    const diff = compareResults(edited, recomputed, savedTolerance);
    assert.equal(diff.length, 1, `editing ${path}: ${diff.join('; ')}`);
    assert.ok(diff[0].startsWith(`${path}:`), diff[0]);
  }

  const claims = paperClaims(recomputed);
  for (const id of ['fig2-unfolded-ge-wmmse-L1-3', 'fig2-same-gamma-below-unfolded', 'fig2-converged-upper-bound', 'fig4-unfolded-above-wmmse-L1-2']) {
    const c = findClaim(claims, id);
    assert.ok(c.holds, `claim "${c.paper}" fails: ${c.measured}`);
  }
});
