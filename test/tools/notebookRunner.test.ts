import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import { declaredParameters, injectParameters, parseParam, readNotebook, runNotebook, sourceText } from '../../tools/notebookRunner';
import { exportReport, markdownToHtml } from '../../tools/report';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'tiny.ipynb');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbrun-'));

function streams(cell: nb.ICell): string {
  return (cell as nb.ICodeCell).outputs.filter((o) => o.output_type === 'stream').map((o) => sourceText((o as nb.IStream).text)).join('');
}

test('parameters: parsing, declared names, papermill-style injection', () => {
  assert.deepEqual(parseParam('snrDb=10'), ['snrDb', 10]);
  assert.deepEqual(parseParam('preset=quick'), ['preset', 'quick']);
  assert.deepEqual(parseParam('L=[1,2]'), ['L', [1, 2]]);
  assert.throws(() => parseParam('novalue'), /must look like name=value/);
  assert.deepEqual(declaredParameters('let a = 1;\nconst b: number = 2; // c\n  var c = "x";'), ['a', 'b', 'c']);
  const book = readNotebook(FIXTURE);
  const inj = injectParameters(book, { n: 5 });
  const at = inj.cells.findIndex((c) => ((c.metadata as { tags?: string[] }).tags ?? []).includes('injected-parameters'));
  assert.equal(at, 2, 'right after the parameters cell');
  assert.match(sourceText(inj.cells[at].source), /^\/\/ Injected parameters\nn = 5;\nundefined;$/);
  assert.equal(injectParameters(inj, { n: 6 }).cells.length, inj.cells.length, 'a re-run replaces the injected cell');
  assert.throws(() => injectParameters(book, { m: 1 }), /unknown parameter\(s\) m; the parameters cell declares: n, label, fail, sleepSec/);
  assert.throws(() => readNotebook(path.join(tmp, 'missing.ipynb')), /cannot be read: ENOENT/);
});

test('headless run: outputs, inline tables and figures, then a self-contained report', async () => {
  const out = path.join(tmp, 'tiny-run.ipynb');
  const res = await runNotebook(FIXTURE, { params: { n: 4, label: 'hello' }, out });
  assert.ok(res.ok, JSON.stringify(res.failure));
  const book = readNotebook(out);
  const code = book.cells.filter((c) => c.cell_type === 'code');
  assert.equal(streams(code[1]), '', 'the injected cell prints nothing');
  assert.equal(streams(code[2]), 'n=4 label=hello\n');
  const displays = (code[3] as nb.ICodeCell).outputs.filter((o) => o.output_type === 'display_data') as nb.IDisplayData[];
  assert.equal(displays.length, 3, 'one table, two figures');
  const html = displays.map((d) => sourceText(d.data['text/html'] as nb.MultilineString));
  assert.match(html[0], /<caption[^>]*>squares<\/caption>/);
  assert.ok(html[1].length > 1e6 && html[2].length < 20000, 'plotly.js embedded in the first figure only');
  assert.deepEqual(code.map((c) => (c as nb.ICodeCell).execution_count), [1, 2, 3, 4, 5]);

  const rep = await exportReport(out, { out: path.join(tmp, 'tiny.html') });
  const page = fs.readFileSync(rep.html, 'utf8');
  assert.equal((page.match(/class="figure"/g) ?? []).length, 2);
  assert.equal((page.match(/Plotly=|window\.Plotly=|\.Plotly=/g) ?? []).length >= 1, true);
  assert.ok(page.length < html[1].length + 2.5e6, 'plotly.js appears once in the report');
  assert.match(page, /class="katex-display"/);
  assert.match(page, /&lt;b&gt;raw&lt;\/b&gt;/, 'raw HTML in markdown is escaped');
  assert.match(page, /@font-face\{[^}]*src:url\(data:font\/woff2;base64,/, 'KaTeX fonts inlined');
  const markup = page.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '');
  assert.ok(!/(src|href)="https?:/.test(markup), 'nothing loaded from the network');
  assert.ok(!/url\(https?:/.test(page.match(/<style>[\s\S]*?<\/style>/)![0]), 'no remote CSS resources');
});

test('a failing cell stops the run and is named; a hung cell hits the time limit', async () => {
  const res = await runNotebook(FIXTURE, { params: { fail: true }, out: path.join(tmp, 'fail.ipynb') });
  assert.equal(res.ok, false);
  assert.deepEqual(res.failure, { cell: 6, message: 'Error: asked to fail with n=3' });
  const book = readNotebook(res.out);
  const last = book.cells[5] as nb.ICodeCell;
  assert.equal(last.outputs[last.outputs.length - 1].output_type, 'error');
  // a fixture without the library import, so only the busy cell can hit the limit on a cold machine
  const hang = path.join(__dirname, '..', 'fixtures', 'hang.ipynb');
  const slow = await runNotebook(hang, { params: { sleepSec: 60 }, cellTimeoutSec: 5, out: path.join(tmp, 'slow.ipynb') });
  assert.equal(slow.ok, false);
  assert.match(slow.failure!.message, /cell 4 exceeded the time limit of 5s/);
  const quick = await runNotebook(hang, { cellTimeoutSec: 60, out: path.join(tmp, 'quick.ipynb') });
  assert.ok(quick.ok, 'the same notebook passes when it does not hang');
});

test('markdown math is rendered by KaTeX, including display math', () => {
  const h = markdownToHtml('Rate $R=\\log_2(1+x)$ and\n\n$$\\sum_k x_k$$\n\n* item');
  assert.match(h, /class="katex"/);
  assert.match(h, /class="katex-display"/);
  assert.match(h, /<li>item<\/li>/);
});

test('a kernel killed by a signal fails the run naming the cell and the signal; time limits are checked, 0 = none', async () => {
  const book = {
    cells: [
      { cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: 'console.log("before");' },
      { cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: 'process.kill(process.pid, "SIGKILL");' },
      { cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: 'console.log("never");' },
    ],
    metadata: {}, nbformat: 4, nbformat_minor: 5,
  };
  const file = path.join(tmp, 'killed.ipynb');
  fs.writeFileSync(file, JSON.stringify(book));
  const res = await runNotebook(file, { out: path.join(tmp, 'killed-out.ipynb') });
  assert.equal(res.ok, false);
  assert.deepEqual(res.failure, { cell: 2, message: 'the kernel process was killed by SIGKILL during cell 2' });
  assert.ok(fs.existsSync(res.out), 'the executed notebook is written');
  for (const bad of [Infinity, 2 ** 31, -1, NaN]) {
    await assert.rejects(runNotebook(file, { cellTimeoutSec: bad }), /cell time limit must be a number of seconds in \[0, 2147483\] \(0 = no limit\)/);
  }
  const noLimit = await runNotebook(path.join(__dirname, '..', 'fixtures', 'hang.ipynb'), { cellTimeoutSec: 0, out: path.join(tmp, 'nolimit.ipynb') });
  assert.ok(noLimit.ok, 'cellTimeoutSec 0 means no limit');
});
