import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import { spawn } from 'node:child_process';
import { declaredParameterList, declaredParameters, injectParameters, parseParam, readNotebook, runNotebook, sourceText } from '../../tools/notebookRunner';
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

function notebook(sources: string[], paramsCell?: string): nb.INotebookContent {
  const cells: nb.ICell[] = sources.map((source) => ({ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source }));
  if (paramsCell !== undefined) cells.unshift({ cell_type: 'code', metadata: { tags: ['parameters'] }, outputs: [], execution_count: null, source: paramsCell });
  return { cells, metadata: {}, nbformat: 4, nbformat_minor: 5 };
}

function writeBook(name: string, book: nb.INotebookContent): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(book));
  return file;
}

test('parameters: non-finite numbers, null, const, multiple declarators, typed defaults, cells without metadata', () => {
  assert.throws(() => parseParam('n=1e400'), /parameter n: Infinity is not a finite number/);
  assert.throws(() => parseParam('n=-1e400'), /parameter n: -Infinity is not a finite number/);
  assert.throws(() => parseParam('n=null'), /parameter n: null is not a parameter value/);
  assert.throws(() => parseParam('L=[1,null]'), /parameter L\[1\]: null is not a parameter value/);
  assert.throws(() => parseParam('o={"a":{"b":1e999}}'), /parameter o\.a\.b: Infinity is not a finite number/);
  assert.deepEqual(parseParam('s="null"'), ['s', 'null'], 'a quoted null is a string');
  assert.deepEqual(declaredParameters('let a = 1, b = 2;\nconst c = 3; let { d } = { d: 4 };'), ['a', 'b', 'c']);
  assert.deepEqual(declaredParameterList('let n: number = f(); let s = "x"; let t = true; let u = -2; let v = [1];').map((p) => p.kind), ['number', 'string', 'boolean', 'number', 'other']);

  const book = notebook(['console.log(a + b)'], 'let a = 1, b = 2;\nconst fixed = 3;\nlet label = "x";\nlet list = [1, 2];');
  const inj = injectParameters(book, { b: 5, list: [3] });
  assert.match(sourceText(inj.cells[1].source), /^\/\/ Injected parameters\nb = 5;\nlist = \[3\];\nundefined;$/);
  assert.throws(() => injectParameters(book, { fixed: 4 }), /parameter fixed is declared with const in the parameters cell and cannot be set; declare it with let/);
  assert.throws(() => injectParameters(book, { zz: 4 }), /unknown parameter\(s\) zz; the parameters cell declares: a, b, label, list$/);
  assert.throws(() => injectParameters(book, { a: 'ten' }), /parameter a is a number in the parameters cell; got a string \("ten"\)/);
  assert.throws(() => injectParameters(book, { label: 3 }), /parameter label is a string in the parameters cell; got a number/);
  assert.throws(() => injectParameters(book, { a: Infinity }), /parameter a: Infinity is not a finite number/);

  // a cell without metadata (some tools drop it) is read, tagged as untagged, and runs
  const bare = notebook(['console.log(1)'], 'let n = 1;');
  delete (bare.cells[1] as Partial<nb.ICell>).metadata;
  const file = writeBook('bare.ipynb', bare);
  const read = readNotebook(file);
  assert.deepEqual(read.cells[1].metadata, {});
  assert.equal(injectParameters(read, { n: 2 }).cells.length, 3);
  const broken = notebook(['1']);
  (broken.cells[0] as unknown as { source: number }).source = 7;
  assert.throws(() => readNotebook(writeBook('broken.ipynb', broken)), /broken\.ipynb: cell 1 has a source that is neither a string nor an array of strings/);
  (broken.cells[0] as unknown as { cell_type: string }).cell_type = 'python';
  assert.throws(() => readNotebook(writeBook('broken2.ipynb', broken)), /cell 1 has cell_type "python"; allowed: "code", "markdown", "raw"/);
});

test('an exception thrown later by a timer or a promise fails the cell that started it, not the next one', async () => {
  const late = writeBook('late.ipynb', notebook([
    'setTimeout(() => { throw new Error("late boom"); }, 300);',
    'await new Promise((r) => setTimeout(r, 800)); console.log("cell 2 done");',
    'console.log("never");',
  ]));
  const res = await runNotebook(late, { out: path.join(tmp, 'late-out.ipynb') });
  assert.equal(res.ok, false);
  assert.equal(res.failure!.cell, 1, 'charged to the cell that set the timer');
  assert.match(res.failure!.message, /UncaughtException after the cell finished \(from a timer or promise it started\): Error: late boom/);
  const book = readNotebook(res.out);
  const outs = (book.cells[0] as nb.ICodeCell).outputs;
  assert.equal(outs[outs.length - 1].output_type, 'error', 'the error is shown under cell 1');
  assert.equal(streams(book.cells[1]), 'cell 2 done\n', 'cell 2 ran cleanly');
  assert.equal((book.cells[2] as nb.ICodeCell).outputs.length, 0, 'the run stopped');

  const during = await runNotebook(writeBook('reject.ipynb', notebook(['Promise.reject(new Error("floating")); await new Promise((r) => setTimeout(r, 50));', 'console.log("never")'])), { out: path.join(tmp, 'reject-out.ipynb') });
  assert.deepEqual([during.ok, during.failure?.cell], [false, 1]);
  assert.match(during.failure!.message, /floating/);

  const last = await runNotebook(writeBook('last.ipynb', notebook(['console.log(1)', 'setTimeout(() => Promise.reject(new Error("after the end")), 200);'])), { out: path.join(tmp, 'last-out.ipynb') });
  assert.deepEqual([last.ok, last.failure?.cell], [false, 2], 'a timer of the last cell is waited for');
  assert.match(last.failure!.message, /UnhandledPromiseRejection after the cell finished .*after the end/);
});

test('an unwritable --out fails before the first cell runs', async () => {
  const marker = path.join(tmp, 'first-cell-ran');
  const file = writeBook('marker.ipynb', notebook([`require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x")`]));
  const blocker = path.join(tmp, 'a-file');
  fs.writeFileSync(blocker, 'x');
  await assert.rejects(runNotebook(file, { out: path.join(blocker, 'sub', 'out.ipynb') }), /the executed notebook \(--out\) .*out\.ipynb cannot be written: .*a-file is a file, not a folder/);
  await assert.rejects(runNotebook(file, { out: tmp }), /the executed notebook \(--out\) .* is a folder, not a file/);
  assert.ok(!fs.existsSync(marker), 'no cell ran');
  assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith('.write-probe')), [], 'the probe leaves nothing');
});

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie is dead
  } catch {
    return false;
  }
}

test('SIGTERM or Ctrl-C to nb run stops the kernel with it', async () => {
  const hang = path.join(__dirname, '..', 'fixtures', 'hang.ipynb');
  const nbCli = path.join(__dirname, '..', '..', 'tools', 'nb.ts');
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const cli = spawn(process.execPath, ['--import', 'tsx', nbCli, 'run', hang, '-p', 'sleepSec=120', '--out', path.join(tmp, `sig-${sig}.ipynb`)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      cli.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/\[cell 4\/4\] running/.test(err)) resolve(); // the busy cell
      });
      cli.on('exit', () => reject(new Error(`nb exited early: ${err}`)));
    });
    const kids = fs.readFileSync(`/proc/${cli.pid}/task/${cli.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    assert.equal(kids.length, 1, 'one kernel process');
    const exit = new Promise<NodeJS.Signals | null>((r) => cli.on('exit', (_c, s) => r(s)));
    cli.kill(sig);
    assert.equal(await exit, sig, `nb run dies of ${sig}`);
    for (let t = 0; t < 100 && alive(kids[0]); t++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!alive(kids[0]), `the kernel stopped with the runner on ${sig}`);
    assert.ok(!fs.existsSync(path.join(tmp, `sig-${sig}.ipynb`)), 'nothing written');
  }
});
