/**
 * The committed reproduce run (data/nno-c2po/reproduce.json): every network in it (τ⁽ᵗ⁾, ρ⁽ᵗ⁾ as
 * train/checkpoint @2), re-evaluated on the regenerated evaluation sets (same seed → same channels,
 * symbols and noise; QuaDRiGa from the committed files), gives back every saved number; an edited
 * number or an edited network fails; no network ends worse on validation than the original C2PO it
 * starts from; the claims the issue names hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults, reproduceSavedRun } from '../../../lib/kit/savedRun';
import { findClaim } from '../../../lib/kit/claims';
import { c2poClaims } from '../../../lib/papers/c2po/claims';
import { fig3 } from '../../../lib/papers/c2po/experiments';
import { c2poPreset } from '../../../lib/papers/c2po/presets';
import { readC2poRun, recomputeResults, savedNets, savedRunFile, savedTolerance } from '../../../lib/papers/c2po/saved';
import { setup } from '../../helpers';

test('every saved NNO-C2PO network re-evaluates to every saved number; an edit fails; nets never worse than their start; claims hold', { timeout: 900_000 }, async () => {
  await setup();
  const run = readC2poRun(savedRunFile('reproduce'));
  const { recomputed, differences } = await reproduceSavedRun(run, recomputeResults, savedTolerance);
  assert.deepEqual(differences, [], 'the saved file differs from what its networks give');
  assert.ok(run.results.quadriga, 'the reproduce run has the QuaDRiGa Figs. 4–5');

  const r = run.results;
  const edits: [string, (x: typeof r) => void][] = [
    ['results.fig3.curves.nno/t8.ber[6]', (x) => (x.fig3.curves['nno/t8'].ber[6] += 1e-5)],
    ['results.fig3.at1e2.tied/t4.snrDb', (x) => (x.fig3.at1e2['tied/t4'].snrDb! += 0.05)],
    ['results.quadriga.tables[1].powerAtTarget.nno-joint[3]', (x) => { const v = x.quadriga!.tables[1].powerAtTarget['nno-joint']; v[3] = (v[3] ?? 0) + 0.1; }],
    ['results.conventions[0].clipped', (x) => (x.conventions[0].clipped += 1e-4)],
    ['results.channelStats[3].userCorrelation', (x) => (x.channelStats[3].userCorrelation += 1e-4)],
  ];
  for (const [path, edit] of edits) {
    const edited = structuredClone(r);
    edit(edited);
    const diff = compareResults(edited, recomputed, savedTolerance);
    assert.equal(diff.length, 1, `editing ${path}: ${diff.join('; ')}`);
    assert.ok(diff[0].startsWith(`${path}:`), diff[0]);
  }

  // no network ends worse on validation than where it started (the original C2PO parameters)
  const nets = savedNets(run);
  for (const [key, n] of nets) {
    assert.ok(n.validation.end <= n.validation.start, `${key}: validation ${n.validation.end} > start ${n.validation.start}`);
    assert.equal(n.valLoss[0], n.validation.start, `${key}: the first validation is the start`);
    assert.equal(Math.min(...n.valLoss), n.validation.end, `${key}: the kept parameters are the best validated`);
  }

  const claims = c2poClaims(recomputed);
  for (const id of ['fig3-nno-not-worse', 'fig3-half-iterations']) {
    const c = findClaim(claims, id);
    assert.ok(c.holds, `claim "${c.paper}" fails: ${c.measured}`);
  }
  for (const id of ['fig3-gain-1e-3', 'figs45-quadriga-joint-robust']) assert.equal(typeof findClaim(claims, id).holds, 'boolean');
});

test('an edited τ⁽ᵗ⁾ of a saved network changes the recomputed Fig. 3', { timeout: 600_000 }, async () => {
  await setup();
  const run = readC2poRun(savedRunFile('reproduce'));
  const nets = savedNets(run);
  const key = 'rayleigh/nno/t2';
  const n = nets.get(key);
  assert.ok(n, `the run has ${key}`);
  const edited = new Map(nets);
  edited.set(key, { ...n, tau: n.tau.map((t, i) => (i === 1 ? t * 1.5 : t)) });
  const p = { ...c2poPreset('reproduce'), iterations: [2], seed: Number(run.seed) };
  const f = await fig3(p, { saved: edited, trainMissing: false });
  const diff = compareResults(run.results.fig3.curves['nno/t2'], f.curves['nno/t2'], savedTolerance, 'nno/t2');
  assert.ok(diff.length > 0, 'the edited step size changes the BER curve');
});
