/**
 * Issue 21: a figure with a switcher keeps working in an exported report, offline. A notebook with one
 * slider figure and one dropdown figure is exported (tools/report.ts); in headless Chromium, with every
 * network request refused, moving the slider (clicking a step's label) and picking a dropdown entry
 * changes which traces plotly shows, and the screenshot of the figure changes with it. Screenshots go
 * to results/e2e/ for a human look.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import { figureBundle, FigureSpec } from '../../lib/notebook/figure';
import { PROJECT_ROOT } from '../../lib/kit/paths';
import { exportReport } from '../../tools/report';
import { CHROMIUM, launchChromium, refuseNetwork } from './browser';

const haveChromium = fs.existsSync(CHROMIUM);

const values = ['0', '10', '20'];
const spec = (kind: 'slider' | 'dropdown'): FigureSpec => ({
  title: `switch by ${kind}`, xLabel: 'x', yLabel: 'y', width: 600,
  series: [
    ...values.map((v, i) => ({ name: `curve at ${v} dB`, group: v, x: [1, 2, 3], y: [i + 1, 2 * (i + 1), 3 * (i + 1)] })),
    { name: 'always', x: [1, 3], y: [0, 0] },
  ],
  switcher: { label: 'SNR (dB)', values, kind },
});

function notebook(): nb.INotebookContent {
  const cell = (id: string, s: FigureSpec): nb.ICodeCell => ({ cell_type: 'code', id, metadata: {}, execution_count: 1, source: 'show(spec)', outputs: [{ output_type: 'display_data', data: figureBundle(s, { includePlotly: false }) as nb.IMimeBundle, metadata: {} }] });
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', id: 'm', metadata: {}, source: '# Switchers' }, cell('a', spec('slider')), cell('b', spec('dropdown'))] };
}

test('exported report: the slider and the dropdown switch traces in headless Chromium, offline', { skip: haveChromium ? false : `no Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set PRECODING_CHROMIUM)`, timeout: 60000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-switch-'));
  const file = path.join(tmp, 'switch.ipynb');
  fs.writeFileSync(file, JSON.stringify(notebook()));
  const rep = await exportReport(file, { out: path.join(tmp, 'switch.html') });
  const shots = path.join(PROJECT_ROOT, 'results', 'e2e');
  fs.mkdirSync(shots, { recursive: true });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 900, height: 1400 } });
    const requests = await refuseNetwork(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('file://' + rep.html, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length >= 2, undefined, { timeout: 10000 });
    /** which traces plotly shows in figure i (its own data, after restyle) */
    const visible = (i: number) => page.evaluate((k) => {
      const gd = document.querySelectorAll('.js-plotly-plot')[k] as unknown as { data: { visible?: boolean | 'legendonly' }[] };
      return gd.data.map((t) => t.visible !== false && t.visible !== 'legendonly');
    }, i);
    const plots = page.locator('.js-plotly-plot');
    assert.deepEqual(await visible(0), [true, false, false, true], 'slider figure: the first value shown first');
    assert.deepEqual(await visible(1), [true, false, false, true], 'dropdown figure: the first value shown first');
    const before = await plots.nth(0).screenshot({ path: path.join(shots, 'report-slider-before.png') });
    // move the slider: press on its rail at the last step's tick (plotly snaps to the nearest step)
    const tick = await plots.nth(0).locator('rect.slider-tick-rect').nth(2).boundingBox();
    const rail = await plots.nth(0).locator('rect.slider-rail-touch-rect').boundingBox();
    assert.ok(tick && rail, 'the slider is drawn');
    await page.mouse.click(tick.x + tick.width / 2, rail.y + rail.height / 2);
    await page.waitForFunction(() => {
      const gd = document.querySelectorAll('.js-plotly-plot')[0] as unknown as { data: { visible?: boolean }[] };
      return gd.data[2].visible === true;
    }, undefined, { timeout: 5000 });
    assert.deepEqual(await visible(0), [false, false, true, true], 'slider at 20 dB');
    const after = await plots.nth(0).screenshot({ path: path.join(shots, 'report-slider-after.png') });
    assert.ok(!before.equals(after), 'the figure looks different after moving the slider');
    // pick the middle entry of the dropdown
    await plots.nth(1).locator('g.updatemenu-header-group').first().click();
    await plots.nth(1).locator('g.updatemenu-dropdown-button', { hasText: 'SNR (dB): 10' }).first().click();
    await page.waitForFunction(() => {
      const gd = document.querySelectorAll('.js-plotly-plot')[1] as unknown as { data: { visible?: boolean }[] };
      return gd.data[1].visible === true;
    }, undefined, { timeout: 5000 });
    assert.deepEqual(await visible(1), [false, true, false, true], 'dropdown at 10 dB');
    await plots.nth(1).screenshot({ path: path.join(shots, 'report-dropdown-after.png') });
    assert.deepEqual(errors, [], 'no page errors');
    assert.deepEqual(requests, [], 'no network request');
  } finally {
    await browser.close();
    if (!process.env.KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
});
