/**
 * The committed reproduce run (data/unfolded-wmmse/reproduce.json): loading its trained step sizes
 * and re-evaluating them on the regenerated held-out test set (same seed → same channels) gives the
 * saved metrics back, and the paper's claims named in the issue hold on the re-computed numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadData } from '../../../lib/notebook/results';
import { checkSavedRun, paperClaims, wsrVsLayers } from '../../../lib/papers/wmmse/experiments';
import { wmmsePreset } from '../../../lib/papers/wmmse/presets';
import { setup } from '../../helpers';

test('saved reproduce networks re-evaluate to the saved metrics, and the claims hold', async () => {
  await setup();
  const raw = loadData('unfolded-wmmse', 'reproduce');
  assert.ok(raw, 'data/unfolded-wmmse/reproduce.json must be committed (run the notebook with preset=reproduce saveRun=true)');
  const run = checkSavedRun(raw, 'data/unfolded-wmmse/reproduce.json');
  const p = wmmsePreset('reproduce');
  assert.ok(p.testChannels >= 1e4, 'a preset that makes claims uses at least 10^4 test channels');
  const fig2 = await wsrVsLayers(p, p.snrFig2, run.seed, { saved: run.nets, trainMissing: false });
  const saved2 = run.results.fig2;
  for (const k of ['wmmse', 'unfolded', 'sameGamma'] as const) {
    fig2[k].forEach((v, i) => assert.ok(Math.abs(v - saved2[k][i]) < 2e-3, `Fig. 2 ${k} L=${fig2.L[i]}: ${v} vs saved ${saved2[k][i]}`));
  }
  assert.ok(Math.abs(fig2.converged - saved2.converged) < 1e-6, 'WMMSE at convergence is deterministic (float64)');
  // 20 dB: the networks with L = 1, 2 only (the claim concerns those)
  const fig4 = await wsrVsLayers({ ...p, layers: [1, 2] }, p.snrFig4, run.seed, { saved: run.nets, trainMissing: false });
  for (const k of ['wmmse', 'unfolded', 'sameGamma'] as const) {
    fig4[k].forEach((v, i) => assert.ok(Math.abs(v - run.results.fig4[k][i]) < 2e-3, `Fig. 4 ${k} L=${fig4.L[i]}: ${v} vs saved ${run.results.fig4[k][i]}`));
  }
  const claims = paperClaims({ fig2, fig4, fig5: run.results.fig5, fig6: run.results.fig6 });
  const must = [
    'unfolded WMMSE ≥ WMMSE truncated at the same L, for L = 1, 2, 3',
    "'same γ' is below the unfolded WMMSE for every L",
    'WMMSE at convergence is above all',
    'unfolded WMMSE > WMMSE for L = 1 and L = 2',
  ];
  for (const m of must) {
    const row = claims.find((c) => c.paper.startsWith(m));
    assert.ok(row, `claim "${m}" is checked`);
    assert.ok(row!.holds, `claim "${m}" fails: ${row!.measured}`);
  }
});
