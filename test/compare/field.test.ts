/**
 * The field table (lib/compare/field): every number is read back from the committed file at its path;
 * the paired gains equal the difference of the two means they pair (same channels), with the sign that
 * makes > 0 mean "learned better"; parameter counts are recounted from the checkpoints' shapes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { committedRun, FIELD_POINTS, fieldFindings, FieldRow, fieldTable, fieldVerdict, pathKeys, Traced, tracedValue, valueAt } from '../../lib/compare';
import { PROJECT_ROOT } from '../../lib/kit/paths';

const files = new Map<string, unknown>();
const json = (file: string): unknown => {
  if (!files.has(file)) files.set(file, JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
  return files.get(file);
};

test('trace paths: keys, quoted keys, differences and negations; a missing key is named', () => {
  assert.deepEqual(pathKeys('results.fig3.at1e2["nno/t8"].snrDb'), ['results', 'fig3', 'at1e2', 'nno/t8', 'snrDb']);
  assert.deepEqual(pathKeys('nets[12].meta.trainingBudget.channels'), ['nets', 12, 'meta', 'trainingBudget', 'channels']);
  const j = { a: [1, { mean: 5, se: 0.5 }], b: { 'x/y': 2 } };
  assert.equal(tracedValue(j, 'a[0]'), 1);
  assert.equal(tracedValue(j, 'a[1]'), 5);
  assert.equal(tracedValue(j, '−b["x/y"]'), -2);
  assert.equal(tracedValue(j, 'a[1] − b["x/y"]'), 3);
  assert.equal(tracedValue({ v: [1, 2, 6] }, 'mean(v)'), 3);
  assert.throws(() => tracedValue({ v: [] }, 'mean(v)'), /not a non-empty array of finite numbers/);
  assert.throws(() => valueAt(j, 'a[2]'), /"a\[2\]" has no \[2\]/);
  assert.throws(() => valueAt(j, 'b.z'), /has no "z"/);
  assert.throws(() => pathKeys('a..b'), /cannot read/);
});

test('field table: one row per paper, every number read back from its committed file', () => {
  const rows = fieldTable();
  assert.deepEqual(rows.map((r) => r.paper), ['unfolded-wmmse', 'nno-c2po', 'gnn-quantized-precoding', 'slp-quantized-nn-weights', 'mser-hybrid-beamforming']);
  for (const r of rows) {
    const cells: [string, Traced][] = [['learned', r.learnedValue], ['classic', r.classicValue], ['gain', r.gain], ['samples', r.trainingSamples], ['seconds', r.trainingSeconds]];
    for (const [name, c] of cells) {
      assert.ok(c.file.startsWith(`data/${r.paper}/`), `${r.paper} ${name}: read from ${c.file}`);
      assert.equal(tracedValue(json(c.file), c.path), c.value, `${r.paper} ${name} at ${c.path}`);
    }
    // paired gain = difference of the means it pairs (the same channels); > 0 = learned better
    const diff = r.better === 'higher' ? r.learnedValue.value - r.classicValue.value : r.classicValue.value - r.learnedValue.value;
    const scale = Math.max(Math.abs(r.learnedValue.value), Math.abs(r.classicValue.value));
    assert.ok(Math.abs(r.gain.value - diff) <= 1e-9 * scale, `${r.paper}: gain ${r.gain.value} vs ${diff}`);
    if (r.gain.paired) assert.ok(r.gain.se !== undefined && r.gain.se >= 0, `${r.paper}: a paired gain has its s.e.`);
    // trained parameters recounted: every saved array but batch-norm running statistics
    const ckpt = valueAt(json(r.trainedParams.file), r.trainedParams.path) as Record<string, { shape: number[] }>;
    const count = Object.entries(ckpt).filter(([k]) => !/\/running(Mean|Var)$/.test(k)).reduce((s, [, p]) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(r.trainedParams.value, count, `${r.paper} parameters`);
    assert.ok(r.trainingSamples.value > 0 && r.trainingSeconds.value > 0);
  }
  // equal cost: the same operations (NNO-C2PO, MSER) give the row's gain; no counterpart says why
  for (const r of rows) {
    for (const c of [r.equalCost.flops, r.equalCost.time]) {
      if (c.gain === null) assert.ok(c.how.length > 20 && c.from.length === 0, `${r.paper}: why no equal-cost gain`);
    }
  }
  for (const i of [1, 4]) assert.deepEqual([rows[i].equalCost.flops.gain, rows[i].equalCost.time.gain], [rows[i].gain.value, rows[i].gain.value], rows[i].paper);
  // unfolded WMMSE at equal FLOPs and time, recomputed here from the run's curves (piecewise-linear in cost)
  const w = json(rows[0].learnedValue.file) as { results: { fig2: { L: number[]; wmmse: number[]; unfolded: number[] }; complexity: { L: number; unfoldedFlops: number; classicFlops: number; unfoldedMs: number; classicMs: number }[] } };
  const L = FIELD_POINTS.wmmseLayers, f2 = w.results.fig2, cx = w.results.complexity;
  const row = (l: number) => cx.find((c) => c.L === l)!;
  const classicAt = (cost: (c: (typeof cx)[number]) => number, x: number): number => {
    for (let j = 1; j < f2.L.length; j++) {
      const a = cost(row(f2.L[j - 1])), b = cost(row(f2.L[j]));
      if (x >= a && x <= b) return f2.wmmse[j - 1] + ((x - a) / (b - a)) * (f2.wmmse[j] - f2.wmmse[j - 1]);
    }
    return NaN;
  };
  const iL = f2.L.indexOf(L);
  const flopsGain = f2.unfolded[iL] - classicAt((c) => c.classicFlops, row(L).unfoldedFlops);
  const timeGain = f2.unfolded[iL] - classicAt((c) => c.classicMs, row(L).unfoldedMs);
  for (const [got, want] of [[rows[0].equalCost.flops.gain, flopsGain], [rows[0].equalCost.time.gain, timeGain]] as const) {
    if (Number.isNaN(want)) assert.equal(got, null);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
  }
  // the closed-form counts: WMMSE learns γ per layer and user (L·K), NNO-C2PO (τ, ρ) per iteration
  assert.equal(rows[0].trainedParams.value % FIELD_POINTS.wmmseLayers, 0);
  assert.equal(rows[1].trainedParams.value, 2 * FIELD_POINTS.c2poIterations);
});

test('field table: an operating point the runs do not hold is named', () => {
  assert.throws(() => fieldTable({ wmmseLayers: 7 }), /results\.fig2\.L.*L = 7/);
  assert.throws(() => fieldTable({ gnnSnrDb: 12 }), /12 dB/);
});

test('field verdicts: 2 s.e. for a gain with its s.e., disjoint 95 % intervals otherwise; findings say the verdict', () => {
  const rows = fieldTable();
  const row = (i: number, gain: number, se?: number): FieldRow => ({ ...rows[i], gain: { ...rows[i].gain, value: gain, se } });
  // higher-is-better rate (WMMSE): > 2 s.e. above 0 is better, below −2 s.e. worse, between even
  assert.equal(fieldVerdict(row(0, 0.05, 0.02)), 'better');
  assert.equal(fieldVerdict(row(0, 0.03, 0.02)), 'even');
  assert.equal(fieldVerdict(row(0, -0.05, 0.02)), 'worse');
  // the sign convention is the row's: a positive gain is better for lower-is-better metrics too (SLP power)
  assert.equal(fieldVerdict(row(3, 10, 1)), 'better');
  // NNO-C2PO's SNRs (lower is better) by their intervals
  const c = rows[1];
  const iv = (l: [number, number], k: [number, number]): FieldRow => ({
    ...c, intervals: { learned: [{ ...c.intervals!.learned[0], value: l[0] }, { ...c.intervals!.learned[1], value: l[1] }], classic: [{ ...c.intervals!.classic[0], value: k[0] }, { ...c.intervals!.classic[1], value: k[1] }] },
  });
  assert.equal(fieldVerdict(iv([4, 5], [6, 7])), 'better');
  assert.equal(fieldVerdict(iv([4, 6.5], [6, 7])), 'even');
  assert.equal(fieldVerdict(iv([8, 9], [6, 7])), 'worse');
  // the committed rows and their sentences
  const text = fieldFindings(rows);
  rows.forEach((r, i) => {
    const v = fieldVerdict(r);
    assert.match(text[i], new RegExp(v === 'better' ? 'is better than' : v === 'worse' ? 'is worse than' : 'is not distinguishable from'), r.paper);
    assert.ok(text[i].includes(String(r.trainedParams.value)), `${r.paper}: its parameter count`);
  });
});

test('committed runs: an unknown paper is named with the ones there are', () => {
  assert.throws(() => committedRun('no-such-paper' as never), /committedRun\(paper\): one of unfolded-wmmse, nno-c2po/);
});
