/** The out-of-order hint: names found in the right cells; one message for one burst of compiler lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { declares, installCellOrderHints, missingNamesMessage } from '../../lib/notebook/cellOrder';

test('declarations: let/const/function/class/import forms, not uses', () => {
  assert.ok(declares('let preset = "quick";', 'preset'));
  assert.ok(declares('const a = 1, b = 2;', 'b'));
  assert.ok(declares('const { x, y } = f();', 'y'));
  assert.ok(declares('async function wsrFigure(f) {}', 'wsrFigure'));
  assert.ok(declares('class Net {}', 'Net'));
  assert.ok(declares('import {\n  initBackend, wmmse,\n} from "@precoding-workbook/lib";', 'wmmse'));
  assert.ok(declares('import * as tf from "@tensorflow/tfjs";', 'tf'));
  assert.ok(declares('let preset = "quick", seed = f(1, 2), cb = (a, b) => a;', 'cb'));
  assert.ok(declares('const { a: renamed, b } = o;', 'renamed') && !declares('const { a: renamed } = o;', 'a'));
  assert.ok(declares('import { wsr as rate } from "x";', 'rate'));
  assert.ok(!declares('console.log(preset);', 'preset'));
  assert.ok(!declares('const presetName = preset;', 'preset'));
});

test('the message names each missing variable with the code cell that defines it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-'));
  const cell = (source: string, cell_type = 'code') => ({ cell_type, metadata: {}, source: source.split(/(?<=\n)/) });
  fs.writeFileSync(path.join(dir, 'a.ipynb'), JSON.stringify({ cells: [cell('# Title', 'markdown'), cell('let seed = 1;'), cell('import { wmmse } from "x";\nconst p = 1;'), cell('\nconst fig2 = g();')] }));
  fs.writeFileSync(path.join(dir, 'other.ipynb'), JSON.stringify({ cells: [cell('let seed = 2;')] }));
  fs.writeFileSync(path.join(dir, 'broken.ipynb'), '{ not json');
  const msg = missingNamesMessage(['fig2', 'seed', 'fig2', 'typo'], dir);
  assert.equal(
    msg,
    'This cell uses fig2, seed, typo, which no cell run in this kernel defines yet.\n' +
      'In a.ipynb they are defined by:\n' +
      '  code cell 1 ("let seed = 1;"): seed\n' +
      '  code cell 3 ("const fig2 = g();"): fig2\n' +
      'No cell of a.ipynb defines typo (a typo?).\n' +
      'Run the cells above this one first (Run → Run All Above), or restart the kernel and run all.\n',
  );
  assert.match(missingNamesMessage(['x'], path.join(dir, 'absent')), /^This cell uses x, which no cell run in this kernel defines yet\.\nRun the cells above/);
});

test('a burst of "Cannot find name" lines becomes one message; other output passes; later writers are wrapped too', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-'));
  fs.writeFileSync(path.join(dir, 'n.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, source: 'const fig2 = 1;\nconst p = 2;' }] }));
  const written: string[] = [];
  const stream = { write: (s: string) => (written.push(`old:${s}`), true) } as unknown as NodeJS.WriteStream;
  assert.ok(installCellOrderHints({ stream, dir }));
  // the kernel assigns a new writer for the next cell execution
  (stream as unknown as { write: unknown }).write = (s: string) => (written.push(s), true);
  stream.write('plain output\n');
  stream.write("3:7 - Cannot find name 'fig2'.\n");
  stream.write("4:1 - Cannot find name 'p'.\n");
  stream.write("5:1 - Cannot find name 'fig2'.\n");
  assert.deepEqual(written, ['plain output\n'], 'compiler lines are held back until the burst ends');
  await Promise.resolve();
  assert.equal(written.length, 2);
  assert.match(written[1], /^This cell uses fig2, p, which no cell run in this kernel defines yet\.\nIn n\.ipynb they are defined by:\n  code cell 1 \("const fig2 = 1;"\): fig2, p\n/);
  stream.write("1:1 - Type 'string' is not assignable to type 'number'.\n");
  assert.equal(written[2], "1:1 - Type 'string' is not assignable to type 'number'.\n", 'other diagnostics pass untouched');
});
