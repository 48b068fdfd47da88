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
import { readWmmseRun, recomputeResults, savedNets, savedRunFile, savedTolerance } from '../../../lib/papers/wmmse/saved';
import { monotoneViolations } from '../../../lib/papers/wmmse/analysis';
import { progressiveExtension } from '../../../lib/papers/wmmse/experiments';
import type { WmmsePreset } from '../../../lib/papers/wmmse/presets';

/** How many networks the figures of a preset train: Figs. 2, 4 (both variants, plus the seed spread), 5, 6. */
function recomputedNetCount(p: WmmsePreset): number {
  const chain = (layers: number[]) => Math.max(0, ...layers.map((L) => p.layers.filter((x) => x <= L).length));
  const fig = (spread: number[]) => 2 * p.layers.length + (p.seedSpread.seeds - 1) * chain(spread);
  const fig5 = p.progressive.layers.length * (p.progressive.maxSteps - p.pgdSteps);
  const fig6 = 2 * p.snrFig6.filter((s) => s !== p.snrFig2 && s !== p.snrFig4).length;
  return fig(p.seedSpread.fig2) + fig(p.seedSpread.fig4) + fig5 + fig6;
}
import { setup } from '../../helpers';

test('every saved reproduce network re-evaluates to every saved number; an edited number fails; the claims hold', async () => {
  await setup();
  const run = readWmmseRun(savedRunFile('reproduce'));
  const p = wmmsePreset('reproduce');
  assert.ok(p.testChannels >= 1e4, 'a preset that makes claims uses at least 10^4 test channels');
  const { recomputed, differences } = await reproduceSavedRun(run, recomputeResults, savedTolerance);
  assert.deepEqual(differences, [], 'the saved file differs from what its networks give');
  // every figure was recomputed, every network used
  assert.deepEqual(recomputed.fig2.L, run.results.fig2.L);
  assert.deepEqual(recomputed.fig5.L, run.results.fig5.L);
  assert.equal(recomputed.fig6.snrDb.length, run.results.fig6.snrDb.length);

  // a hand edit anywhere is caught: every figure, deep L, every K, the seed spread, a standard error
  const edits: [string, (r: typeof run.results) => void][] = [
    ['results.fig5.byK.6[2]', (r) => (r.fig5.byK[6][2] += 0.01)],
    ['results.fig5.byK.8[5]', (r) => (r.fig5.byK[8][5] -= 0.01)],
    ['results.fig4.unfolded[4]', (r) => (r.fig4.unfolded[4] += 0.01)],
    ['results.fig4.sameGamma[5]', (r) => (r.fig4.sameGamma[5] -= 0.01)],
    ['results.fig2.unfoldedMinusWmmse[4].se', (r) => (r.fig2.unfoldedMinusWmmse[4].se *= 2)],
    ['results.fig2.seedSpread.unfolded[3][2]', (r) => (r.fig2.seedSpread!.unfolded[3][2] += 0.01)],
    ['results.fig6.wmmse[0]', (r) => (r.fig6.wmmse[0] += 1e-6)],
    ['results.fig6.unfolded[6]', (r) => (r.fig6.unfolded[6] += 0.01)],
    ['results.fig6.sameGamma[3]', (r) => (r.fig6.sameGamma[3] += 0.01)],
  ];
  for (const [path, edit] of edits) {
    const edited = structuredClone(run.results);
    edit(edited);
    const diff = compareResults(edited, recomputed, savedTolerance);
    assert.equal(diff.length, 1, `editing ${path}: ${diff.join('; ')}`);
    assert.ok(diff[0].startsWith(`${path}:`), diff[0]);
  }

  // every curve is non-decreasing in L (and Fig. 5 in K) within 2 s.e.: no network is worse than its parent
  assert.deepEqual(monotoneViolations(recomputed), [], 'a network is worse than the shorter one it extends');
  // the file holds exactly the networks the figures train (none is dead weight that an edit could hide in)
  assert.equal(run.nets.length, recomputedNetCount(p), 'the file holds exactly the networks the figures use');

  const claims = paperClaims(recomputed);
  for (const id of ['fig2-unfolded-ge-wmmse-L1-3', 'fig2-same-gamma-below-unfolded', 'fig2-converged-upper-bound', 'fig4-unfolded-above-wmmse-L1-2']) {
    const c = findClaim(claims, id);
    assert.ok(c.holds, `claim "${c.paper}" fails: ${c.measured}`);
  }
});

test('an edited network of the progressive extension (K > 4) changes Fig. 5 where it is used', async () => {
  await setup();
  const run = readWmmseRun(savedRunFile('reproduce'));
  const p = wmmsePreset('reproduce');
  const nets = savedNets(run);
  const i = nets.findIndex((n) => n.snrDb === p.snrFig4 && n.layers === 3 && n.pgdSteps === 7);
  assert.ok(i >= 0, 'the run has the L = 3, K = 7 network');
  const edited = nets.map((n, j) => (j === i ? { ...n, gamma: n.gamma.map((row) => row.map((g, k) => (k === 6 ? g * 1.5 : g))) } : n));
  const fig4 = run.results.fig4;
  const f5 = await progressiveExtension(p, run.seed, { ...fig4, nets: edited.filter((n) => n.snrDb === p.snrFig4 && n.pgdSteps === p.pgdSteps) }, { saved: edited, trainMissing: false });
  const k7 = f5.byK[7][f5.L.indexOf(3)];
  assert.ok(Math.abs(k7 - run.results.fig5.byK[7][run.results.fig5.L.indexOf(3)]) > 2e-3, `the edited γ changes the recomputed WSR (${k7})`);
});
