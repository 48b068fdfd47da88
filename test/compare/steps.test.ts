/**
 * Learned step sizes side by side (lib/compare/steps): every value read back from its checkpoint path;
 * one curve per PGD step / block with one point per layer; the references are the libraries' own start
 * values; a network whose validation kept its start (validationEnd = validationStart) shows exactly the start.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { committedRuns, learnedSteps, tracedValue, valueAt } from '../../lib/compare';
import { PROJECT_ROOT } from '../../lib/kit/paths';
import * as c2po from '../../lib/papers/c2po';
import * as mser from '../../lib/papers/mser';
import * as wmmse from '../../lib/papers/wmmse';

test('learned steps: values traced to the checkpoints, shapes per layer, references from the libraries', () => {
  const runs = committedRuns();
  const fams = learnedSteps(runs);
  assert.deepEqual(fams.map((f) => f.paper), ['unfolded-wmmse', 'nno-c2po', 'nno-c2po', 'mser-hybrid-beamforming']);
  assert.deepEqual(fams.map((f) => f.reference.value), [wmmse.GAMMA_START, c2po.C2PO_ORIGINAL.tau, c2po.C2PO_ORIGINAL.rho, mser.STEP_FACTOR_START]);
  const json = new Map<string, unknown>();
  for (const f of fams) {
    assert.ok(f.curves.length > 0, f.title);
    for (const c of f.curves) {
      assert.equal(c.layer.length, c.value.length);
      assert.ok(c.layer.every((l, i) => l === i + 1), `${f.title} / ${c.name}: layers 1…L`);
      if (f.switch) assert.ok(c.group !== undefined && f.switch.values.includes(c.group), `${c.name}: group ${c.group}`);
      for (const v of c.value) {
        if (!json.has(v.file)) json.set(v.file, JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, v.file), 'utf8')));
        assert.equal(tracedValue(json.get(v.file), v.path), v.value, `${f.title} at ${v.path}`);
      }
    }
  }
  // unfolded WMMSE: per L, one curve per PGD step, each of length L
  const w = fams[0];
  for (const g of w.switch!.values) {
    const cs = w.curves.filter((c) => c.group === g);
    const L = Number(g.replace('L = ', ''));
    assert.ok(cs.length >= 1 && cs.every((c) => c.layer.length === L), g);
  }
  // MSER: per SNR the four blocks; θ_F has no parameters in the last layer (its plain GD step)
  const m = fams[3];
  for (const g of m.switch!.values) {
    const cs = m.curves.filter((c) => c.group === g);
    assert.equal(cs.length, 4, g);
    const L = cs[0].layer.length;
    assert.equal(cs.find((c) => c.name.startsWith('θ_F'))!.layer.length, L - 1);
  }
  // a network whose validation kept its start has exactly its start parameters
  const nets = valueAt(runs['mser-hybrid-beamforming'].json, 'results.nets') as { key: string; validationStart: number; validationEnd: number }[];
  for (const g of m.switch!.values) {
    const kept = nets.find((n) => n.key === `unfolded@${g.replace(' dB', '')}`)!;
    const vals = m.curves.filter((c) => c.group === g).flatMap((c) => c.value.map((v) => v.value));
    if (kept.validationEnd === kept.validationStart) assert.ok(vals.every((v) => v === mser.STEP_FACTOR_START), `${kept.key} kept its start: every a = 1`);
    else assert.ok(vals.some((v) => v !== mser.STEP_FACTOR_START), `${kept.key} moved: some a ≠ 1`);
  }
});
