/**
 * The generalisation map (lib/compare/generalisation): the quick map computes on the current backend and
 * frees every tensor; the same seed gives the same numbers whatever else is computed; σ_h² = 0 is perfect
 * CSI exactly; bad options are named with their allowed range; the committed map validates, agrees at
 * each paper's training point with that paper's committed run, and one of its cells is recomputed here
 * (which ties the committed numbers to this code).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  mapCellAt, mapCellVerdict, MAP_PRACTICAL_SHARE, checkGeneralisation, generalisationCell, generalisationFigure, generalisationFindings, generalisationHeatmaps, generalisationLines,
  generalisationMap, GeneralisationMap, GENERALISATION_GRID, quadrigaSet, QUADRIGA_SIZES, readGeneralisation, GENERALISATION_TEST_CHANNELS,
} from '../../lib/compare/generalisation';
import { PAPERS } from '../../lib/compare/runs';
import { valueAt } from '../../lib/compare/trace';
import { PROJECT_ROOT } from '../../lib/kit/paths';
import { toPlotly } from '../../lib/notebook/figure';
import { RecordingProgress } from '../../lib/train/progress';
import { setup } from '../helpers';

let quick: GeneralisationMap | undefined;
async function quickMap(): Promise<GeneralisationMap> {
  if (!quick) quick = await generalisationMap({ size: 'quick', seed: 5 });
  return quick;
}

test('quick map: every paper and model on the current backend, progress per cell, no tensor left behind', { timeout: 120_000 }, async () => {
  await setup();
  const before = tf.memory().numTensors;
  const rec = new RecordingProgress();
  quick = await generalisationMap({ size: 'quick', seed: 5, progress: rec });
  assert.equal(tf.memory().numTensors, before, 'tensors before and after the map');
  const m = checkGeneralisation(JSON.parse(JSON.stringify(quick)), 'quick map');
  assert.deepEqual(m.papers.map((p) => p.paper), [...PAPERS]);
  const cells = m.papers.reduce((n, p) => n + p.cells.length, 0);
  assert.equal(rec.events.filter((e) => e.kind === 'update').length, cells, 'one progress update per cell');
  assert.equal(rec.events[rec.events.length - 1].kind, 'end');
  for (const p of m.papers) {
    assert.deepEqual(p.snrOffsetsDb, GENERALISATION_GRID.quick.snrOffsetsDb);
    assert.deepEqual(p.csiVars, GENERALISATION_GRID.quick.csiVars);
    for (const c of p.cells) {
      const diff = p.better === 'higher' ? c.learned - c.classic : c.classic - c.learned;
      assert.ok(Math.abs(c.gain - diff) <= 1e-9 * Math.max(1, Math.abs(c.learned)), `${p.paper} ${c.model}: gain = the signed difference of the means`);
    }
  }
  // QuaDRiGa: computed for the four papers with single-antenna users, skipped with a reason for MSER
  const mser = m.papers.find((p) => p.paper === 'mser-hybrid-beamforming')!;
  assert.ok(mser.models.filter((e) => e.model.startsWith('quadriga')).every((e) => e.status === 'skipped' && /single-antenna users/.test(e.reason)));
  for (const p of m.papers.filter((x) => x.paper !== 'mser-hybrid-beamforming')) {
    assert.ok(p.models.filter((e) => e.model.startsWith('quadriga')).every((e) => e.status === 'computed' && e.channels === GENERALISATION_TEST_CHANNELS.quick[p.paper]), p.paper);
  }
  // BER cells carry the Wilson intervals of both rates; SLP cells the constructive share on the true channel
  assert.ok(m.papers.find((p) => p.paper === 'nno-c2po')!.cells.every((c) => c.learnedInterval && c.classicInterval && c.learnedInterval[0] <= c.learned && c.learned <= c.learnedInterval[1]));
  assert.ok(m.papers.find((p) => p.paper === 'slp-quantized-nn-weights')!.cells.every((c) => c.trueChannelShare !== undefined));
});

test('same seed, same numbers: a map of two papers and a cell computed alone equal the whole map; another seed differs', { timeout: 60_000 }, async () => {
  await setup();
  const all = await quickMap();
  const part = await generalisationMap({ size: 'quick', seed: 5, papers: ['nno-c2po', 'unfolded-wmmse'], models: ['quadriga-nlos', 'rayleigh'] });
  for (const p of part.papers) {
    const q = all.papers.find((x) => x.paper === p.paper)!;
    for (const c of p.cells) assert.deepEqual(c, mapCellAt(q, c.model, c.snrOffsetDb, c.csiVar), `${p.paper} ${c.model} ${c.snrOffsetDb} dB σ² ${c.csiVar}`);
  }
  const gnn = all.papers.find((p) => p.paper === 'gnn-quantized-precoding')!;
  const alone = generalisationCell({ paper: 'gnn-quantized-precoding', model: 'quadriga-los', snrOffsetDb: 5, csiVar: 0.05, size: 'quick', seed: 5 });
  assert.deepEqual(alone, mapCellAt(gnn, 'quadriga-los', 5, 0.05));
  const other = generalisationCell({ paper: 'gnn-quantized-precoding', model: 'quadriga-los', snrOffsetDb: 5, csiVar: 0.05, size: 'quick', seed: 6 });
  assert.notEqual(other.gain, alone.gain, 'another seed draws other symbols and CSI errors');
});

test('σ_h² = 0 is perfect CSI exactly', { timeout: 30_000 }, async () => {
  await setup();
  for (const paper of ['unfolded-wmmse', 'slp-quantized-nn-weights'] as const) {
    const o = { paper, model: 'rayleigh' as const, snrOffsetDb: 5, csiVar: 0, size: 'quick' as const, seed: 5 };
    assert.deepEqual(generalisationCell(o), generalisationCell({ ...o, perfectCsi: true }), paper);
  }
});

test('QuaDRiGa sets at each paper size: [count, K, M], every user normalised to ‖h_k‖² = M (the generator\'s rule)', async () => {
  await setup();
  const n0 = tf.memory().numTensors;
  for (const size of QUADRIGA_SIZES) {
    for (const cond of ['los', 'nlos'] as const) {
      const h = quadrigaSet(cond, { count: 20, ...size });
      try {
        assert.deepEqual(h.re.shape, [20, size.users, size.antennas]);
        const norms = tf.tidy(() => tf.sum(tf.add(tf.square(h.re), tf.square(h.im)), -1).dataSync());
        for (const v of norms) assert.ok(Math.abs(v / size.antennas - 1) < 1e-4, `${cond} ${size.antennas} × ${size.users}: ‖h_k‖² = ${v}`);
      } finally {
        tf.dispose([h.re, h.im]);
      }
    }
  }
  assert.equal(tf.memory().numTensors, n0, 'no tensors kept');
  assert.throws(() => quadrigaSet('los', { count: 10, users: 3, antennas: 4 }), /quadrigaSet\(antennas, users\): a committed size, one of 128 × 8, 4 × 4, 32 × 1; got 4 × 3/);
  assert.throws(() => quadrigaSet('nlos', { count: 100000, users: 1, antennas: 32 }), /quadrigaSet\(count\): an integer in 1\.\.\d+/);
});

test('bad options are named with their allowed range', async () => {
  await assert.rejects(generalisationMap({ size: 'huge' as never }), /generalisationMap\(opts\.size\): one of quick, full; got "huge"/);
  await assert.rejects(generalisationMap({ snrOffsetsDb: [0, 30] }), /opts\.snrOffsetsDb\): every value must be a number in \[-20, 20\] dB; got 30/);
  await assert.rejects(generalisationMap({ csiVars: [0.1] }), /opts\.csiVars\): must include 0/);
  await assert.rejects(generalisationMap({ csiVars: [0, 2] }), /opts\.csiVars\): every value must be a number in \[0, 1\]/);
  await assert.rejects(generalisationMap({ csiVars: [0, 0] }), /opts\.csiVars\): values must be distinct/);
  await assert.rejects(generalisationMap({ papers: ['nope' as never] }), /opts\.papers\): each one of unfolded-wmmse/);
  await assert.rejects(generalisationMap({ models: ['ula' as never] }), /opts\.models\): each one of rayleigh, quadriga-los/);
  await assert.rejects(generalisationMap({ testChannels: { 'unfolded-wmmse': 0 } }), /opts\.testChannels\.unfolded-wmmse\): an integer in \[1, 100000\]/);
  await assert.rejects(generalisationMap({ seed: Number.NaN }), /opts\.seed\): a finite number or a non-empty string/);
  assert.throws(() => generalisationCell({ paper: 'unfolded-wmmse', model: 'rayleigh', snrOffsetDb: 0, csiVar: 0.05, perfectCsi: true }), /perfectCsi\): only with csiVar = 0/);
  assert.throws(() => generalisationCell({ paper: 'unfolded-wmmse', model: 'clustered', snrOffsetDb: 0, csiVar: 0, size: 'quick' }), /unfolded-wmmse is evaluated on rayleigh, quadriga-los, quadriga-nlos; got "clustered"/);
});

test('the committed map validates; a damaged copy is named by file and field', () => {
  const m = readGeneralisation();
  assert.equal(m.size, 'full');
  assert.deepEqual(m.papers.map((p) => p.paper), [...PAPERS]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'generalisation-'));
  try {
    const bad = (edit: (j: { papers: { cells: unknown[]; savedValue?: unknown }[] }) => void, re: RegExp) => {
      const j = JSON.parse(JSON.stringify(m)) as { papers: { cells: unknown[]; savedValue?: unknown }[] };
      edit(j);
      const f = path.join(dir, 'g.json');
      fs.writeFileSync(f, JSON.stringify(j));
      assert.throws(() => readGeneralisation(f), re);
    };
    bad((j) => j.papers[0].cells.pop(), /g\.json\.papers\[0\] \(unfolded-wmmse\)\.cells: model .* needs 20 cells \(one per σ_h² and SNR offset\); got 19/);
    bad((j) => { (j.papers[1].cells[3] as { gain: unknown }).gain = null; }, /g\.json\.papers\[1\]\.cells\[3\]\.gain must be a finite number; got null/);
    bad((j) => { j.papers[2].savedValue = 'x'; }, /papers\[2\]\.savedValue must be a finite number/);
    assert.throws(() => readGeneralisation(path.join(dir, 'none.json')), /none\.json is missing; compute it with npm run generalisation/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('committed map at each training point: the sign (and roughly the size) of the paper\'s committed result', () => {
  const m = readGeneralisation();
  for (const p of m.papers) {
    const c = mapCellAt(p, p.training.channel, 0, 0);
    assert.ok(c, `${p.paper}: a cell at its training point`);
    assert.equal(Math.sign(c.gain), Math.sign(p.savedValue), `${p.paper}: map ${c.gain} ± ${c.se} vs committed ${p.savedValue} (${p.saved.metric})`);
    assert.notEqual(mapCellVerdict(c), 'even', `${p.paper}: decided beyond 2 s.e. at the training point`);
    // the same metric as the committed number (all but NNO-C2PO, whose run stores the SNR at BER 1e-2): roughly
    // its size, within 4 s.e. of the difference of two estimates on independent test channels
    if (p.paper !== 'nno-c2po') {
      const saved = valueAt(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, p.run), 'utf8')), p.saved.path.replace(/^−/, '')) as { se: number };
      assert.ok(Math.abs(c.gain - p.savedValue) <= 4 * Math.hypot(c.se, saved.se), `${p.paper}: ${c.gain} ± ${c.se} vs ${p.savedValue} ± ${saved.se}`);
    }
  }
});

test('one committed cell recomputed here (unfolded WMMSE on QuaDRiGa NLoS, +5 dB, σ_h² = 0.05)', { timeout: 30_000 }, async () => {
  await setup();
  const m = readGeneralisation();
  const p = m.papers.find((x) => x.paper === 'unfolded-wmmse')!;
  const want = mapCellAt(p, 'quadriga-nlos', 5, 0.05)!;
  const got = generalisationCell({ paper: 'unfolded-wmmse', model: 'quadriga-nlos', snrOffsetDb: 5, csiVar: 0.05, size: m.size, seed: m.seed });
  assert.equal(got.items, want.items);
  assert.ok(Math.abs(got.classic - want.classic) < 1e-9, `classic WMMSE (float64): ${got.classic} vs ${want.classic}`);
  for (const k of ['learned', 'gain'] as const) assert.ok(Math.abs(got[k] - want[k]) < 2e-3, `${k}: ${got[k]} vs committed ${want[k]}`);
  assert.ok(Math.abs(got.se - want.se) < 2e-4, `se: ${got.se} vs ${want.se}`);
});

test('heatmaps, the switcher figure and the findings are generated from the map', async () => {
  const m = readGeneralisation();
  for (const p of m.papers) {
    const maps = generalisationHeatmaps(p);
    assert.equal(maps.length, p.models.filter((e) => e.status === 'computed').length);
    for (const h of maps) {
      assert.equal(h.z.length, p.csiVars.length);
      assert.ok(h.z.every((row) => row.length === p.snrOffsetsDb.length));
      assert.equal(h.z[0][p.snrOffsetsDb.indexOf(0)], mapCellAt(p, h.model, 0, 0)!.gain);
    }
    const fig = generalisationFigure(p);
    assert.equal(fig.heatmaps?.length, maps.length);
    assert.deepEqual(fig.switcher?.values, maps.map((h) => h.label));
    const plotly = toPlotly(fig);
    assert.equal(plotly.data.filter((d) => d.type === 'heatmap').length, maps.length);
    // "≈ " marks exactly the cells the verdict rule does not tell apart
    fig.heatmaps!.forEach((hm, k) => hm.text!.forEach((row, i) => row.forEach((t, j) => {
      const c = mapCellAt(p, maps[k].model, p.snrOffsetsDb[j], p.csiVars[i])!;
      assert.equal(t.startsWith('≈ '), mapCellVerdict(c) === 'even', `${p.paper} ${maps[k].model} σ² ${p.csiVars[i]} offset ${p.snrOffsetsDb[j]}: "${t}"`);
    })));
    const lines = generalisationLines(p);
    assert.equal(lines.series.length, maps.length * p.csiVars.length);
    toPlotly(lines);
  }
  const text = generalisationFindings(m);
  assert.equal(text.length, m.papers.length);
  m.papers.forEach((p, i) => {
    for (const e of p.models) assert.ok(text[i].includes(e.label), `${p.paper}: says something about ${e.label}`);
    const c = mapCellAt(p, p.training.channel, 0, 0)!;
    assert.ok(text[i].includes(mapCellVerdict(c) === 'better' ? 'learned better beyond 2 s.e.' : 'learned worse beyond 2 s.e.'), p.paper);
  });
});

test('cell verdicts: beyond 2 s.e. and at least MAP_PRACTICAL_SHARE of the classic value, else even', () => {
  assert.equal(mapCellVerdict({ gain: 0.05, se: 0.01, classic: 5 }), 'better');
  assert.equal(mapCellVerdict({ gain: -0.05, se: 0.01, classic: 5 }), 'worse');
  assert.equal(mapCellVerdict({ gain: 0.015, se: 0.01, classic: 5 }), 'even', 'within 2 s.e.');
  assert.equal(mapCellVerdict({ gain: 1e-13, se: 1e-16, classic: 3e-5 }), 'even', 'certain but negligible (SER 1e-13 against 3e-5)');
  assert.equal(mapCellVerdict({ gain: 4e-3, se: 1e-4, classic: 5 }), 'even', `below ${MAP_PRACTICAL_SHARE} of the classic value`);
  assert.equal(mapCellVerdict({ gain: 6e-3, se: 1e-4, classic: 5 }), 'better');
});
