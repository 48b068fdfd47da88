/**
 * Every notebook in notebooks/ runs headless, top to bottom, in its quick preset, and writes its
 * results file (the same runner users call: `npm run nb -- run notebooks/<x>.ipynb -p preset=quick`).
 * Then, as users do, every code cell after the parameters and imports runs once more: the notebook
 * must end with as many tensors as after the first pass (re-running a cell may not leak what its
 * previous run kept).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import { readNotebook, runNotebook, sourceText } from '../tools/notebookRunner';
import { readResults } from '../lib/notebook/results';

const dir = path.join(__dirname, '..', 'notebooks');
const books = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort();

function probe(tag: string): nb.ICodeCell {
  return {
    cell_type: 'code', metadata: {}, outputs: [], execution_count: null,
    source: `console.log("TENSORS ${tag}", (await import("@tensorflow/tfjs")).memory().numTensors)`,
  };
}

test('there are notebooks to run', () => {
  assert.ok(books.includes('00-getting-started.ipynb'), `found: ${books.join(', ')}`);
});

for (const book of books) {
  test(`notebook ${book} runs headless in its quick preset, and re-running each cell leaks no tensors`, async () => {
    const src = readNotebook(path.join(dir, book));
    const code = src.cells.filter((c): c is nb.ICodeCell => c.cell_type === 'code');
    // the parameters cell and the imports cell (it creates the backend and the results writer) run once
    const rerun = code.filter((c) => !(c.metadata.tags as string[] | undefined)?.includes('parameters')).slice(1);
    const cells = [...code, probe('first'), ...rerun.flatMap((c, i) => [c, probe(`rerun ${i}`)])];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rerun-'));
    // written beside the notebook so the kernel resolves the library from the same folder
    const file = path.join(dir, `.rerun-${process.pid}-${book}`);
    fs.writeFileSync(file, JSON.stringify({ ...src, cells }));
    try {
      const res = await runNotebook(file, {
        params: { preset: 'quick' }, out: path.join(tmp, book), cellTimeoutSec: 300,
        env: { PRECODING_RESULTS_DIR: tmp, PRECODING_NO_BROWSER: '1' },
      });
      assert.ok(res.ok, `cell ${res.failure?.cell} failed: ${res.failure?.message}`);
      const name = book.replace(/\.ipynb$/, '');
      const r = readResults(path.join(tmp, `${name}.json`));
      assert.equal(r.notebook, name);
      assert.equal(r.preset, 'quick');
      assert.ok(r.seconds > 0 && typeof r.backend.name === 'string');
      const out = readNotebook(path.join(tmp, book));
      const counts = new Map<string, number>();
      for (const c of out.cells) {
        for (const o of (c as nb.ICodeCell).outputs ?? []) {
          const m = o.output_type === 'stream' ? /TENSORS (.+) (\d+)/.exec(sourceText((o as nb.IStream).text)) : null;
          if (m) counts.set(m[1], Number(m[2]));
        }
      }
      const first = counts.get('first');
      assert.ok(first !== undefined, 'the probe after the first pass ran');
      const leaks = rerun
        .map((c, i) => ({ cell: sourceText(c.source).split('\n')[0], n: (counts.get(`rerun ${i}`) ?? NaN) - (counts.get(i === 0 ? 'first' : `rerun ${i - 1}`) ?? NaN) }))
        .filter((r) => r.n !== 0);
      assert.equal(counts.get(`rerun ${rerun.length - 1}`), first, `tensors after re-running every cell vs after the first pass; per cell: ${JSON.stringify(leaks)}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
}
