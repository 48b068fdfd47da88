/**
 * The throughput table (lib/compare/throughput): every number read back from the committed bench record
 * at its path; our speed relative to numpy equals the ratio the bench itself stored; a missing or foreign
 * record is refused with what to run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchRecord, throughputTable, tracedValue, valueAt } from '../../lib/compare';
import { PROJECT_ROOT } from '../../lib/kit/paths';

test('throughput: ours and numpy read back from data/bench/record.json; speed = the bench\'s own ratio', () => {
  const rec = benchRecord();
  assert.equal(rec.file, path.join('data', 'bench', 'record.json'));
  assert.ok(rec.machine.cores >= 1 && rec.machine.cpu.length > 0 && !Number.isNaN(Date.parse(rec.date)));
  const json = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, rec.file), 'utf8'));
  const rows = throughputTable(rec);
  assert.deepEqual(rows.map((r) => r.paper), ['unfolded-wmmse', 'nno-c2po', 'gnn-quantized-precoding', 'slp-quantized-nn-weights', 'mser-hybrid-beamforming']);
  const stored: Record<string, string> = { ours: 'ratio', numpyFloat32: 'ratioFloat32', numpyFloat32Ms: 'speedRatioFloat32', peer: 'ratio' };
  for (const r of rows) {
    for (const t of [r.ours, r.numpy]) assert.equal(tracedValue(json, t.path), t.value, `${r.paper} at ${t.path}`);
    assert.ok(r.ours.value > 0 && r.numpy.value > 0 && r.speed > 0, r.paper);
    // the bench stored its own ratio beside the two numbers
    const rowPath = r.numpy.path.replace(/\.[^.]+$/, '');
    const ratioKey = stored[r.numpy.path.split('.').pop()!];
    const own = valueAt(json, `${rowPath}.${ratioKey}`) as number;
    assert.ok(Math.abs(r.speed - own) <= 1e-12 * own, `${r.paper}: speed ${r.speed} vs the bench's ${own}`);
  }
});

test('throughput: a missing or foreign bench record is refused, saying what to run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rec-'));
  assert.throws(() => benchRecord(path.join(dir, 'none.json')), /is missing; run `npm run bench -- --record`/);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"format":"other"}');
  assert.throws(() => benchRecord(path.join(dir, 'bad.json')), /has format "other", not "precoding-workbook\/bench@1"/);
  fs.writeFileSync(path.join(dir, 'broken.json'), '{');
  assert.throws(() => benchRecord(path.join(dir, 'broken.json')), /is not JSON/);
  fs.rmSync(dir, { recursive: true, force: true });
});
