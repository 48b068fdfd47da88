/**
 * Every notebook in notebooks/ runs headless, top to bottom, in its quick preset, and writes its
 * results file. (The same runner users call: `npm run nb -- run notebooks/<x>.ipynb -p preset=quick`.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNotebook } from '../tools/notebookRunner';
import { readResults } from '../lib/notebook/results';

const dir = path.join(__dirname, '..', 'notebooks');
const books = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();

test('there are notebooks to run', () => {
  assert.ok(books.includes('00-getting-started.ipynb'), `found: ${books.join(', ')}`);
});

for (const book of books) {
  test(`notebook ${book} runs headless in its quick preset`, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-'));
    const res = await runNotebook(path.join(dir, book), {
      params: { preset: 'quick' },
      out: path.join(tmp, book),
      cellTimeoutSec: 300,
      env: { PRECODING_RESULTS_DIR: tmp, PRECODING_NO_BROWSER: '1' },
    });
    assert.ok(res.ok, `cell ${res.failure?.cell} failed: ${res.failure?.message}`);
    const name = book.replace(/\.ipynb$/, '');
    const r = readResults(path.join(tmp, `${name}.json`));
    assert.equal(r.notebook, name);
    assert.equal(r.preset, 'quick');
    assert.ok(r.seconds > 0 && typeof r.backend.name === 'string');
  });
}
