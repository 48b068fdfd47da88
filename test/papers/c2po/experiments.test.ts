import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { channelStatistics, scaleConventions } from '../../../lib/papers/c2po/analysis';
import * as fs from 'node:fs';
import { channelsOf, checkModel, loadQuadriga, quadrigaFile } from '../../../lib/papers/c2po/channels';
import { c2poClaims } from '../../../lib/papers/c2po/claims';
import { fig3, iterationsToTarget, learnedParameters, netKey } from '../../../lib/papers/c2po/experiments';
import { C2poPreset, c2poPreset } from '../../../lib/papers/c2po/presets';
import { netFromCheckpoint, netToCheckpoint, toSavedRun, c2poSavedRunSchema } from '../../../lib/papers/c2po/saved';
import { c2poSystem } from '../../../lib/papers/c2po/system';
import { backendTest } from '../../helpers';

/** A tiny preset: B = 16, U = 2, a few epochs (structure and invariants, not the paper's numbers). */
const tiny: C2poPreset = {
  ...c2poPreset('quick'), antennas: 16, users: 2, iterations: [1, 2], trainSamples: 40, epochsPerIteration: 3, learningRate: 1e-3,
  evalSamples: 60, noiseDraws: 1, validationSamples: 20, snrDb: [0, 10, 20], seed: 7,
  figs45: { iterations: [1, 2], snrDb: [0, 10, 20], target: 0.01, evalSamples: 30, noiseDraws: 1, trainSamples: 20, validationSamples: 10, epochsPerIteration: 3, learningRate: 1e-3, geometric: true },
};

backendTest('fig3 on a tiny system: every curve on one grid, nets never worse than their start, reproducible, claims decided, no leaks', async () => {
  const before = tf.memory().numTensors;
  const r = await fig3(tiny);
  assert.equal(tf.memory().numTensors, before, 'tensors left behind');
  assert.deepEqual(Object.keys(r.curves).sort(), ['c2po/t1', 'c2po/t2', 'nno/t1', 'nno/t2', 'tied/t1', 'tied/t2', 'zf', 'zf-1bit']);
  for (const c of Object.values(r.curves)) {
    assert.deepEqual(c.snrDb, tiny.snrDb);
    assert.equal(c.bits, 60 * 2 * 4);
    c.ber.forEach((b, i) => assert.ok(c.low[i] <= b && b <= c.high[i]));
  }
  assert.equal(r.nets.length, 4);
  for (const n of r.nets) assert.ok(n.validation.end <= n.validation.start, `${netKey(n)}: ${n.validation.end} > ${n.validation.start}`);
  const again = await fig3(tiny, { saved: new Map(r.nets.map((n) => [netKey(n), n])), trainMissing: false });
  assert.deepEqual(again.curves, r.curves, 'saved nets give the same curves');
  await assert.rejects(() => fig3(tiny, { saved: new Map(), trainMissing: false, savedFrom: 'x.json' }), /x.json: has no network rayleigh\/tied\/t1/);
  const rows = learnedParameters(r.nets);
  assert.equal(rows.length, 2 * (1 + 2));
  const tied2 = rows.filter((x) => x.net === 'rayleigh/tied/t2');
  assert.equal(tied2[0].tau, tied2[1].tau, 'a tied network repeats its pair');
});

backendTest('Figs. 4–5 on the geometric model: min iterations is the first t_max at or below the target; joint nets trained once; saved-run round trip', async () => {
  const f = await iterationsToTarget(tiny, 'geometric');
  assert.equal(f.tables.length, 2);
  assert.equal(f.nets.length, 2 * 3 * 2, 't_max × {los, nlos, joint} × {tied, nno}');
  for (const tb of f.tables) {
    for (const [m, mins] of Object.entries(tb.minIterations)) {
      mins.forEach((t, si) => {
        const ber = tb.ber[m as keyof typeof tb.ber];
        const first = tb.iterations.findIndex((_, ti) => ber[ti][si] <= tb.target);
        assert.equal(t, first < 0 ? null : tb.iterations[first]);
      });
    }
  }
  const f3 = await fig3(tiny);
  const results = { fig3: f3, geometric: f, conventions: scaleConventions(tiny, { samples: 20 }), channelStats: channelStatistics(tiny, { samples: 20, models: ['rayleigh', 'geometric-los'] }) };
  const run = toSavedRun('quick', tiny.seed, 1, results);
  c2poSavedRunSchema.check(JSON.parse(JSON.stringify(run)), 'run');
  assert.equal(run.nets.length, 4 + 12);
  const back = netFromCheckpoint(run.nets[0], 'nets[0]');
  assert.deepEqual(back, f3.nets[0]);
  const bad = JSON.parse(JSON.stringify(netToCheckpoint(f3.nets[1], { preset: 'quick', seed: 7, backend: 'cpu' })));
  bad.params.rho.values = [1.2, 1.3];
  bad.params.rho.shape = [2];
  assert.throws(() => netFromCheckpoint(bad, 'nets[1]'), /nets\[1\]: parameter "rho" must have shape \[1\]/);
  const claims = c2poClaims(results);
  assert.ok(claims.some((c) => c.id === 'figs45-geometric-joint-robust'));
  assert.ok(claims.every((c) => typeof c.holds === 'boolean'));
});

backendTest('channel statistics match closed forms on Rayleigh (Marchenko–Pastur spread, E|ρ| = √π/(2√B)); LoS: lower mean correlation, heavy-tailed spread', () => {
  const p = c2poPreset('quick');
  const [ray, los] = channelStatistics(p, { samples: 300, models: ['rayleigh', 'geometric-los'] });
  const b = p.antennas, u = p.users;
  assert.ok(Math.abs(ray.powerPerAntenna - 1) < 0.02, `power ${ray.powerPerAntenna}`);
  assert.ok(Math.abs(los.powerPerAntenna - 1) < 1e-4, 'instantaneous normalisation: ‖h_u‖² = B');
  const corr = Math.sqrt(Math.PI) / (2 * Math.sqrt(b));
  assert.ok(Math.abs(ray.userCorrelation - corr) < 0.1 * corr, `Rayleigh correlation ${ray.userCorrelation} vs ${corr}`);
  const mp = 20 * Math.log10((1 + Math.sqrt(u / b)) / (1 - Math.sqrt(u / b))); // λmax/λmin edges, dB
  assert.ok(Math.abs(ray.spreadMedianDb - mp) < 1.5, `Rayleigh spread ${ray.spreadMedianDb} dB vs MP edges ${mp} dB`);
  // LoS on a 128-element ULA: distinct angles give nearly orthogonal steering vectors (lower mean
  // correlation than i.i.d.), but users at close angles are nearly parallel (a heavy tail of the spread)
  assert.ok(los.userCorrelation < ray.userCorrelation, `LoS ${los.userCorrelation} vs Rayleigh ${ray.userCorrelation}`);
  assert.ok(los.spread90Db > ray.spread90Db + 3, `90th percentile spread: LoS ${los.spread90Db} dB, Rayleigh ${ray.spread90Db} dB`);
});

backendTest('scale conventions: the paper\'s (P = 1, unit energy) clips more entries than ±1 ±3 with ξ = 1; same grid, same channels', () => {
  const p = { ...c2poPreset('quick'), iterations: [2] };
  const rows = scaleConventions(p, { samples: 100 });
  assert.equal(rows.length, 2);
  const [ours, theirs] = rows;
  assert.equal(theirs.xi, 1);
  assert.equal(ours.xi, Math.sqrt(1 / 256));
  assert.ok(ours.clipped > theirs.clipped, `clipped: ours ${ours.clipped}, theirs ${theirs.clipped}`);
  assert.ok(ours.clipped > 0.9, `ours ${ours.clipped}`);
});

backendTest('channel models: shapes, bad names and missing QuaDRiGa files are errors naming what to do', () => {
  const sys = c2poSystem({ users: 3, antennas: 12 });
  const h = channelsOf('geometric-nlos', 'train', new Rng(1), 5, sys);
  assert.deepEqual(h.re.shape, [5, 3, 12]);
  C.dispose(h);
  assert.throws(() => checkModel('f', 'quadriga'), /channel model must be one of rayleigh, quadriga-los/);
  if (fs.existsSync(quadrigaFile('los', 'train'))) {
    assert.throws(() => loadQuadriga('los', 'train', sys), /quadriga_los_train.mat.*gives users = 8; expected 3/);
  } else {
    assert.throws(() => loadQuadriga('los', 'train', sys), /tools\/quadriga\/run_all.sh/);
  }
  assert.throws(() => loadQuadriga('los', 'test' as never, sys), /loadQuadriga\(split\): must be one of train, val, eval/);
});
