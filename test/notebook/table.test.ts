import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataFrame, tableHtml, toCsv } from '../../lib/notebook/table';
import { readResults, ResultsWriter } from '../../lib/notebook/results';
import { setup } from '../helpers';

test('tables from rows or columns, HTML escaped, CSV quoted', () => {
  const df = dataFrame([{ L: 1, wsr: 3.14159, note: 'a<b' }, { L: 2, wsr: 1e-5, note: 'x, "y"' }]);
  assert.deepEqual(df.columns, ['L', 'wsr', 'note']);
  const html = tableHtml(df, { caption: 'Fig. 2 <paper>' , digits: 3 });
  assert.match(html, /<th>L<\/th><th>wsr<\/th>/);
  assert.match(html, />3\.14</);
  assert.match(html, />1\.00e-5</);
  assert.match(html, /a&lt;b/);
  assert.match(html, /Fig\. 2 &lt;paper&gt;/);
  assert.equal(toCsv(df), 'L,wsr,note\n1,3.14159,a<b\n2,0.00001,"x, ""y"""\n');
  assert.throws(() => dataFrame({ a: [1, 2], b: [1] }), /columns differ in length: a=2, b=1/);
  assert.throws(() => dataFrame([]), /at least one row/);
});

test('results writer: JSON with backend and seed, CSV tables beside, readable back', async () => {
  await setup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'res-'));
  process.env.PRECODING_RESULTS_DIR = dir;
  try {
    const w = new ResultsWriter('demo-nb', { preset: 'quick', seed: 7 });
    w.table('fig2', dataFrame({ L: [1, 2], wsr: [1.5, 2.5] }));
    const res = w.write({ wsr: [1.5, 2.5], bad: NaN });
    const back = readResults(path.join(dir, 'demo-nb.json'));
    assert.equal(back.preset, 'quick');
    assert.equal(back.seed, 7);
    assert.equal(back.backend.name, res.backend.name);
    assert.equal(back.metrics.bad, 'NaN');
    assert.equal(fs.readFileSync(path.join(dir, 'demo-nb', 'fig2.csv'), 'utf8'), 'L,wsr\n1,1.5\n2,2.5\n');
    assert.throws(() => new ResultsWriter('../evil', { preset: 'quick', seed: 1 }), /notebook must be letters/);
    assert.throws(() => new ResultsWriter('x', { preset: 3 as unknown as string, seed: 1 }), /preset must be a string/);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{}');
    assert.throws(() => readResults(path.join(dir, 'broken.json')), /not a valid results JSON/);
  } finally {
    delete process.env.PRECODING_RESULTS_DIR;
  }
});

test('results writer records the parameters that made the results, and refuses to mix them', async () => {
  await setup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'res-'));
  process.env.PRECODING_RESULTS_DIR = dir;
  try {
    // a notebook passes a function over its current values: editing seed and re-running only some cells
    let seed = 1;
    const preset = 'quick';
    const w = new ResultsWriter('mix-nb', () => ({ preset, seed, useSaved: false }));
    w.table('fig2', dataFrame({ L: [1], wsr: [1] }));
    seed = 2; // the parameters cell is re-run with a new seed …
    w.table('fig4', dataFrame({ L: [1], wsr: [2] })); // … and only the Fig. 4 cell after it
    assert.throws(() => w.write({}), /fig2\.csv was made with other parameters \(seed = 1 then, 2 now\).*Nothing was written/);
    assert.ok(!fs.existsSync(path.join(dir, 'mix-nb.json')), 'nothing written');
    w.table('fig2', dataFrame({ L: [1], wsr: [3] })); // re-run the Fig. 2 cell too
    const res = w.write({});
    assert.equal(res.seed, 2);
    assert.deepEqual(readResults(path.join(dir, 'mix-nb.json')).params, { preset: 'quick', seed: 2, useSaved: false });
  } finally {
    delete process.env.PRECODING_RESULTS_DIR;
  }
});
