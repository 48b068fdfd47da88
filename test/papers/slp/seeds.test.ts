import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../lib/core/random';
import { seedSpread } from '../../../lib/papers/slp/experiments';
import { buildSlpNet } from '../../../lib/papers/slp/network';
import { netConfig, SlpNets, specOfMeta, trainingRngs } from '../../../lib/papers/slp/nets';
import { fig5Specs, netKey, presetNets, slpPreset } from '../../../lib/papers/slp/presets';

test('presetNets: replicates 1 … R−1 of the five Fig. 5 networks after the main ones, every key distinct and read back from its meta', () => {
  const p = slpPreset('reproduce');
  const specs = presetNets(p);
  const keys = specs.map(netKey);
  assert.equal(new Set(keys).size, keys.length);
  const main = presetNets({ ...p, replicates: 1 });
  assert.deepEqual(keys.slice(0, main.length), main.map(netKey));
  assert.equal(specs.length, main.length + 5 * (p.replicates - 1));
  assert.ok(keys.includes('sq-binary@0.5#2') && keys.includes('binary#1'));
  for (const s of specs) {
    const meta: Record<string, unknown> = { variant: s.variant, quantRatio: s.quantRatio, ...(s.replicate ? { replicate: s.replicate } : {}) };
    assert.equal(netKey(specOfMeta(meta, 'test')), netKey(s));
  }
  assert.throws(() => specOfMeta({ variant: 'binary', replicate: 1.5 }, 'file.json: nets[3]'), /file\.json: nets\[3\]: meta\.replicate must be an integer ≥ 0; got 1\.5/);
  assert.throws(() => specOfMeta({ variant: 'octal' }, 'f'), /meta\.variant must be one of/);
});

test('trainingRngs: the main network keeps its draws (saved runs stay valid); each replicate draws its own parameters and data', () => {
  const p = slpPreset('reproduce');
  const draw = (r: Rng) => r.fork('x').next();
  const main = trainingRngs(p, { variant: 'binary' });
  assert.equal(draw(main.rng), draw(new Rng(p.seed).fork('net/binary')));
  assert.equal(draw(main.dataRng), draw(new Rng(p.seed).fork('data')));
  const r1 = trainingRngs(p, { variant: 'binary', replicate: 1 }), r2 = trainingRngs(p, { variant: 'binary', replicate: 2 });
  const all = [main, r1, r2];
  assert.equal(new Set(all.map((t) => draw(t.rng))).size, 3);
  assert.equal(new Set(all.map((t) => draw(t.dataRng))).size, 3);
  // the networks of one replicate share their data (paired comparisons within a seed)
  assert.equal(draw(trainingRngs(p, { variant: 'sq-ternary', quantRatio: 0.5, replicate: 1 }).dataRng), draw(r1.dataRng));
});

test('seedSpread: one row per Fig. 5 network with one value per replicate, their mean and s.e.; a missing replicate is named', () => {
  const p = { ...slpPreset('quick'), testSamples: 16, replicates: 2 };
  const nets: SlpNets = new Map();
  try {
    for (const spec of presetNets(p)) {
      if (!fig5Specs(p).some((s) => netKey(s) === netKey({ ...spec, replicate: 0 }))) continue;
      const net = buildSlpNet(new Rng(spec.replicate ?? 0), netConfig(p, spec));
      nets.set(netKey(spec), { key: netKey(spec), spec, net, validation: { start: 0, end: 0 }, valRatios: [], seconds: 0 });
    }
    const rows = seedSpread(p, nets);
    assert.deepEqual(rows.map((r) => r.key), fig5Specs(p).map(netKey));
    for (const r of rows) {
      assert.equal(r.perSeed.length, 2);
      r.perSeed.forEach((v) => assert.ok(v >= -1e-9 && Number.isFinite(v), `${r.key}: ${v}`)); // never below the optimum
      assert.ok(Math.abs(r.overSeeds.mean - (r.perSeed[0] + r.perSeed[1]) / 2) < 1e-12);
      assert.ok(Math.abs(r.overSeeds.se - Math.abs(r.perSeed[0] - r.perSeed[1]) / 2) < 1e-12);
    }
    assert.throws(() => seedSpread({ ...p, replicates: 3 }, nets), /seedSpread: no network "full#2" \(p\.replicates = 3\)/);
  } finally {
    for (const n of nets.values()) n.net.dispose();
  }
});
