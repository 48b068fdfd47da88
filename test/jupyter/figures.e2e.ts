/**
 * Issue 13, in a real browser: in classic Notebook 6, Notebook 7 and JupyterLab 4, every figure of
 * every notebook renders live, after saving and reloading the page, and after reopening the saved
 * notebook in a new browser with the kernel shut down (which needs the saved notebook to be trusted).
 *
 *   bash tools/jupyter-env.sh                                   # once: Jupyter flavors, kernelspecs
 *   node --import tsx --test test/jupyter/figures.e2e.ts        # (npm run jupyter-check runs it)
 *
 * Env: PRECODING_E2E_FLAVORS=classic,notebook7,lab (default all), PRECODING_E2E_NOTEBOOKS=a.ipynb,… (default:
 * getting-started everywhere, unfolded-wmmse in lab),
 * PRECODING_E2E_RUN_TIMEOUT_SEC (per notebook run, default 480), PRECODING_JUPYTER_VENV, PRECODING_CHROMIUM.
 * Not named *.test.ts: `npm test` does not run it. Screenshots of failures go to results/e2e/.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, E2E_DIR, FLAVORS, Flavor, JupyterServer, REPO, missing, startServer } from './server';
import { FigureState, NotebookState, notebookState, pageNotebook, runAll, save, scanFigures, showFirstUndrawn, waitLoaded } from './frontend';

const flavors = (process.env.PRECODING_E2E_FLAVORS ?? FLAVORS.join(',')).split(',').map((s) => s.trim()).filter(Boolean) as Flavor[];
for (const f of flavors) if (!FLAVORS.includes(f)) throw new Error(`PRECODING_E2E_FLAVORS: unknown flavor "${f}" (one of ${FLAVORS.join(', ')})`);
/**
 * Default (CI time budget): the getting-started notebook in every flavor and the unfolded-WMMSE notebook
 * (10 figures, ≈ 70 s a flavor) in JupyterLab only; PRECODING_E2E_NOTEBOOKS sets one list for every flavor.
 */
const notebooksFor = (flavor: Flavor): string[] =>
  (process.env.PRECODING_E2E_NOTEBOOKS ?? (flavor === 'lab' ? '00-getting-started.ipynb,unfolded-wmmse.ipynb' : '00-getting-started.ipynb')).split(',').map((s) => s.trim()).filter(Boolean);
const RUN_TIMEOUT_MS = Number(process.env.PRECODING_E2E_RUN_TIMEOUT_SEC ?? 480) * 1000;
const FIGURE_TIMEOUT_MS = 60_000;
const LOAD_TIMEOUT_MS = 120_000;
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (t0: number) => (Date.now() - t0) / 1000;

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
}
interface Nb {
  cells: { cell_type: string; outputs?: Output[] }[];
}

/** Figure outputs of a notebook: rich outputs whose HTML holds a `.pw-figure` div. */
function figureOutputs(nb: Nb): { cell: number; data: Record<string, unknown> }[] {
  const out: { cell: number; data: Record<string, unknown> }[] = [];
  nb.cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      const html = o.data?.['text/html'];
      const text = Array.isArray(html) ? html.join('') : typeof html === 'string' ? html : '';
      if (text.includes('class="pw-figure"')) out.push({ cell: i, data: o.data! });
    }
  });
  return out;
}

/** The text a cell printed (streams, text/plain), for failure messages. */
function outputText(nb: Nb, index: number): string {
  const join = (v: unknown) => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');
  const outs = (nb.cells[index]?.outputs ?? []) as (Output & { text?: unknown })[];
  const text = outs.map((o) => (o.output_type === 'stream' ? join(o.text) : join(o.data?.['text/plain']))).join('\n');
  return text.length > 1500 ? `…${text.slice(-1500)}` : text || '(nothing)';
}

function launchArgs() {
  return {
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  };
}

for (const flavor of flavors) {
  describe(`Jupyter ${flavor}`, () => {
    let server: JupyterServer | undefined;
    let browser: Browser | undefined;
    const timings: string[] = [];

    before(async () => {
      const lack = missing(flavor);
      if (lack.length) assert.fail(`Jupyter ${flavor}: missing ${lack.join(', ')}; run tools/jupyter-env.sh first (as root on Debian; it installs Jupyter, Chromium and the tslab kernelspecs)`);
      fs.mkdirSync(E2E_DIR, { recursive: true });
      for (const f of fs.readdirSync(E2E_DIR)) if (f.startsWith(`${flavor}-`) && f.endsWith('.png')) fs.rmSync(path.join(E2E_DIR, f));
      const t0 = Date.now();
      server = await startServer(flavor, notebooksFor(flavor).map((n) => path.join(REPO, 'notebooks', n)));
      const { chromium } = require('playwright-core') as typeof import('playwright-core');
      browser = await chromium.launch(launchArgs());
      timings.push(`server + browser start ${secs(t0).toFixed(1)} s`);
    });

    after(async () => {
      try {
        await browser?.close();
      } finally {
        await server?.stop();
      }
      if (timings.length) console.log(`timings, ${flavor}:\n  ${timings.join('\n  ')}`);
    });

    for (const book of notebooksFor(flavor)) {
      const name = book.replace(/\.ipynb$/, '');
      const label = `${flavor} ${name}`;
      let context: BrowserContext | undefined;
      let page: Page | undefined;
      const consoleErrors: string[] = [];
      let ran = false;
      let liveCount = -1;
      let saved: Nb | undefined;

      const openPage = async (ctxLabel: string): Promise<Page> => {
        await context?.close();
        context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
        const p = await context.newPage();
        p.on('dialog', (d) => void d.accept().catch(() => undefined));
        p.on('pageerror', (e) => consoleErrors.push(`[${ctxLabel}] pageerror: ${String(e.message).slice(0, 300)}`));
        p.on('console', (m) => {
          // (classic's font preload from about:blank fails in every run: noise)
          if (m.type() === 'error' && !/about:blank|Failed to load resource/.test(m.text())) consoleErrors.push(`[${ctxLabel}] console: ${m.text().slice(0, 300)}`);
        });
        await p.goto(server!.notebookUrl(book), { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
        await waitLoaded(p, flavor, book, LOAD_TIMEOUT_MS);
        return p;
      };

      const screenshot = async (stage: string): Promise<string> => {
        const file = path.join(E2E_DIR, `${flavor}-${name}-${stage}.png`);
        try {
          await showFirstUndrawn(page!);
          await sleep(300);
          await page!.screenshot({ path: file, timeout: 20_000 });
          return path.relative(REPO, file);
        } catch (e) {
          return `(no screenshot: ${(e as Error).message.split('\n')[0]})`;
        }
      };

      /** Every `.pw-figure` on the page draws within FIGURE_TIMEOUT_MS; `expected` of them. */
      const checkFigures = async (stage: string, expected: number): Promise<void> => {
        const t0 = Date.now();
        let figs: FigureState[] = [];
        while (true) {
          figs = await scanFigures(page!, flavor, book);
          const drawn = figs.filter((f) => f.drawn).length;
          if (drawn === figs.length && figs.length >= expected) break;
          if (figs.some((f) => f.failed) || Date.now() - t0 > FIGURE_TIMEOUT_MS) break;
          await sleep(1000);
        }
        const st = await notebookState(page!, flavor, book).catch(() => undefined);
        const drawn = figs.filter((f) => f.drawn);
        const failed = figs.filter((f) => f.failed);
        const problems: string[] = [];
        if (expected <= 0) problems.push('the notebook has no figure outputs');
        if (figs.length !== expected) problems.push(`${figs.length} .pw-figure elements on the page, ${expected} figure outputs in the notebook`);
        if (drawn.length !== figs.length) problems.push(`${figs.length - drawn.length} of ${figs.length} figures not drawn (no svg.main-svg after ${secs(t0).toFixed(0)} s)`);
        if (failed.length) problems.push(`${failed.length} show "${failed[0].text}"`);
        timings.push(`${name} ${stage}: ${drawn.length}/${expected} figures drawn in ${secs(t0).toFixed(1)} s, trusted=${st?.trusted}`);
        if (problems.length) {
          const shot = await screenshot(stage);
          assert.fail(
            `${label}, ${stage}: ${problems.join('; ')}; notebook trusted=${st?.trusted}; screenshot: ${shot}` +
              (consoleErrors.length ? `\nbrowser errors:\n  ${consoleErrors.slice(-5).join('\n  ')}` : ''),
          );
        }
      };

      const fetchSaved = async (): Promise<Nb> => {
        const m = await server!.api<{ content: Nb }>('GET', `/api/contents/${encodeURIComponent(book)}?type=notebook&content=1`);
        return m.content;
      };

      test(`${label}: opens, runs all cells without error`, { timeout: RUN_TIMEOUT_MS + 2 * LOAD_TIMEOUT_MS }, async () => {
        let t0 = Date.now();
        page = await openPage('live');
        // the kernel (tslab, started in the notebook's folder) is up and idle
        while (true) {
          const st = await notebookState(page, flavor, book);
          if (st.ready && st.kernel === 'idle') break;
          if (Date.now() - t0 > LOAD_TIMEOUT_MS) assert.fail(`${label}: kernel not idle after ${LOAD_TIMEOUT_MS / 1000} s (${st.why ?? st.kernel}); screenshot: ${await screenshot('kernel')}\nserver log:\n${server!.log().slice(-3000)}`);
          await sleep(500);
        }
        timings.push(`${name} open + kernel idle: ${secs(t0).toFixed(1)} s`);
        t0 = Date.now();
        await runAll(page, flavor, book);
        let stable = 0;
        let halted = 0;
        const stuck = async (st: NotebookState, why: string, stage: string) => {
          const pending = st.cells.filter((c) => c.hasSource && c.count == null).map((c) => c.index);
          const lastRun = st.cells.filter((c) => c.count != null).pop();
          const nb = (await pageNotebook(page!, flavor, book).catch(() => undefined)) as Nb | undefined;
          return assert.fail(
            `${label}: ${why} (kernel ${st.kernel}; cells not run: ${pending.join(', ')}); screenshot: ${await screenshot(stage)}` +
              (lastRun && nb ? `\nlast cell run, ${lastRun.index}, printed:\n${outputText(nb, lastRun.index)}` : '') +
              `\nserver log (end):\n${server!.log().slice(-1500)}`,
          );
        };
        while (true) {
          await sleep(1000);
          const st = await notebookState(page, flavor, book);
          const bad = st.cells.find((c) => c.error);
          if (bad) assert.fail(`${label}: cell ${bad.index} failed: ${bad.error}\nscreenshot: ${await screenshot('error')}`);
          const idle = st.ready && st.kernel === 'idle' && !st.cells.some((c) => c.running);
          const done = idle && st.cells.every((c) => !c.hasSource || c.count != null);
          stable = done ? stable + 1 : 0;
          if (stable >= 2) break;
          // nothing running or queued, yet cells not run, or the kernel died: the run stopped
          const dead = /dead|restart|disconnect|unknown|terminat/i.test(st.kernel ?? '');
          halted = (idle && !done) || dead ? halted + 1 : 0;
          // (tslab prints a cell's exception to stderr, not as an error output; the reply aborts the queue)
          if (halted >= 5) await stuck(st, dead ? `the kernel died (${st.kernel})` : 'the run stopped: a cell failed, or the queue was aborted', 'stopped');
          if (Date.now() - t0 > RUN_TIMEOUT_MS) await stuck(st, `not done after ${RUN_TIMEOUT_MS / 1000} s`, 'timeout');
        }
        timings.push(`${name} run all: ${secs(t0).toFixed(1)} s`);
        ran = true;
      });

      test(`${label}: live, every figure draws`, { timeout: 3 * 60_000 }, async (t) => {
        if (!ran) return t.skip('the notebook did not run');
        liveCount = figureOutputs((await pageNotebook(page!, flavor, book)) as Nb).length;
        await checkFigures('live', liveCount);
      });

      test(`${label}: saved, then the page reloaded, every figure draws`, { timeout: 4 * 60_000 }, async (t) => {
        if (!ran) return t.skip('the notebook did not run');
        const t0 = Date.now();
        await save(page!, flavor, book, 60_000);
        saved = await fetchSaved();
        const n = figureOutputs(saved).length;
        timings.push(`${name} save: ${secs(t0).toFixed(1)} s (${n} figure outputs saved)`);
        assert.equal(n, liveCount, `${label}: ${n} figure outputs saved, ${liveCount} in the page`);
        await page!.reload({ waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
        await waitLoaded(page!, flavor, book, LOAD_TIMEOUT_MS);
        await checkFigures('reload', n);
      });

      test(`${label}: reopened (kernel shut down, new browser context), every figure draws`, { timeout: 4 * 60_000 }, async (t) => {
        if (!saved) return t.skip('the notebook was not saved');
        const sessions = await server!.api<{ id: string; path?: string; notebook?: { path: string } }[]>('GET', '/api/sessions');
        for (const s of sessions) if ((s.path ?? s.notebook?.path) === book) await server!.api('DELETE', `/api/sessions/${s.id}`);
        page = await openPage('reopen');
        await checkFigures('reopen', figureOutputs(saved).length);
      });

      test(`${label}: saved figure outputs carry text/plain and ${PLOTLY_MIME} beside text/html`, async (t) => {
        if (!saved) return t.skip('the notebook was not saved');
        const figs = figureOutputs(saved);
        assert.ok(figs.length > 0, `${label}: no figure outputs saved`);
        const bad = figs.filter((f) => !('text/plain' in f.data) || !(PLOTLY_MIME in f.data));
        assert.equal(bad.length, 0, `${label}: ${bad.length} of ${figs.length} figure outputs lack text/plain or ${PLOTLY_MIME}; e.g. cell ${bad[0]?.cell} has ${Object.keys(bad[0]?.data ?? {}).join(', ')}`);
      });
    }
  });
}
