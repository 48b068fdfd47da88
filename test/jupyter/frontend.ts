/**
 * Driving a notebook page in the browser, per Jupyter flavor: classic Notebook 6 through its global
 * `Jupyter.notebook`, Notebook 7 and JupyterLab 4 through `window.jupyterapp` (the server is started
 * with expose_app_in_browser). Page-side code is sent as strings (functions compiled by tsx may
 * reference helpers that do not exist in the page).
 */
import type { Page } from 'playwright-core';
import type { Flavor } from './server';

export interface CellState {
  /** index among all cells */
  index: number;
  count: number | null;
  running: boolean;
  /** the cell has code (empty cells never get an execution count) */
  hasSource: boolean;
  /** text of the first error output, if any */
  error?: string;
}

export interface NotebookState {
  /** the notebook is loaded and has a kernel connection */
  ready: boolean;
  why?: string;
  /** idle | busy | starting | … (classic: from the kernel indicator) */
  kernel: string | null;
  dirty: boolean;
  /** classic: Jupyter.notebook.trusted; lab/nb7: every code cell's model is trusted */
  trusted: boolean;
  cells: CellState[];
}

export interface FigureState {
  id: string;
  drawn: boolean;
  /** the fragment's own failure text ("plotly.js not loaded: …") */
  failed: boolean;
  text: string;
}

/** Lab/NB7: `panel` = the notebook panel of `file` in the main area. */
function labPrelude(file: string): string {
  return `
  const app = window.jupyterapp;
  let panel = null;
  if (app && app.shell) {
    for (const w of app.shell.widgets('main')) {
      if (w && w.content && w.sessionContext && w.context && w.content.model && w.context.path === ${JSON.stringify(file)}) { panel = w; break; }
    }
  }
`;
}

const ERROR_TEXT = `
  const errorText = (outs) => {
    const e = (outs || []).find((o) => o.output_type === 'error');
    if (!e) return undefined;
    const tb = (e.traceback || []).join('\\n').replace(/\\u001b\\[[0-9;]*m/g, '');
    return (e.ename + ': ' + e.evalue + (tb ? '\\n' + tb : '')).slice(0, 3000);
  };
`;

function stateScript(flavor: Flavor, file: string): string {
  if (flavor === 'classic') {
    return `(() => {
      ${ERROR_TEXT}
      const nb = window.Jupyter && window.Jupyter.notebook;
      if (!nb || !nb._fully_loaded) return { ready: false, why: 'notebook not loaded', kernel: null, dirty: false, trusted: false, cells: [] };
      const icon = document.querySelector('#kernel_indicator_icon');
      const cls = icon ? icon.className : '';
      const kernel = /kernel_idle_icon/.test(cls) ? 'idle' : /kernel_busy_icon/.test(cls) ? 'busy' : (cls || 'none');
      const cells = [];
      nb.get_cells().forEach((c, i) => {
        if (c.cell_type !== 'code') return;
        const p = c.input_prompt_number;
        cells.push({ index: i, count: typeof p === 'number' ? p : null, running: p === '*', hasSource: c.get_text().trim().length > 0,
          error: errorText(c.output_area.outputs) });
      });
      const connected = !!(nb.kernel && nb.kernel.is_connected());
      return { ready: connected, why: connected ? undefined : 'kernel not connected', kernel, dirty: !!nb.dirty, trusted: !!nb.trusted, cells };
    })()`;
  }
  return `(() => {
    ${labPrelude(file)}
    ${ERROR_TEXT}
    if (!panel) return { ready: false, why: app ? ${JSON.stringify('no notebook panel for ' + file)} : 'window.jupyterapp missing', kernel: null, dirty: false, trusted: false, cells: [] };
    const m = panel.content.model;
    const session = panel.sessionContext.session;
    const kernel = session && session.kernel ? session.kernel.status : null;
    const cells = [];
    let trusted = true;
    for (let i = 0; i < m.cells.length; i++) {
      const c = m.cells.get(i);
      if (c.type !== 'code') continue;
      const outs = c.outputs.toJSON();
      if (outs.length && !c.trusted) trusted = false;
      cells.push({ index: i, count: c.executionCount == null ? null : c.executionCount, running: c.executionState === 'running',
        hasSource: c.sharedModel.getSource().trim().length > 0, error: errorText(outs) });
    }
    const ready = panel.context.isReady && panel.sessionContext.isReady && !!session && !!session.kernel;
    return { ready, why: ready ? undefined : 'session not ready', kernel, dirty: !!m.dirty, trusted, cells };
  })()`;
}

export async function notebookState(page: Page, flavor: Flavor, file: string): Promise<NotebookState> {
  return (await page.evaluate(stateScript(flavor, file))) as NotebookState;
}

/** The notebook as the page holds it (nbformat JSON). */
export async function pageNotebook(page: Page, flavor: Flavor, file: string): Promise<any> {
  if (flavor === 'classic') return page.evaluate('window.Jupyter.notebook.toJSON()');
  return page.evaluate(`(() => { ${labPrelude(file)} return panel.content.model.toJSON(); })()`);
}

/** The page has loaded the notebook (no kernel needed). */
export async function waitLoaded(page: Page, flavor: Flavor, file: string, timeoutMs: number): Promise<void> {
  const expr =
    flavor === 'classic'
      ? `!!(window.Jupyter && window.Jupyter.notebook && window.Jupyter.notebook._fully_loaded)`
      : `(() => { ${labPrelude(file)} return !!(panel && panel.context.isReady); })()`;
  await page.waitForFunction(expr, undefined, { timeout: timeoutMs, polling: 250 });
}

/** Lab/NB7: make the panel the current widget, which commands without arguments act on. */
const ACTIVATE = `
    app.shell.activateById(panel.id);
    for (let i = 0; i < 100 && app.shell.currentWidget !== panel; i++) await new Promise((r) => setTimeout(r, 50));
    if (app.shell.currentWidget !== panel) throw new Error('could not make the notebook the current widget');
`;

/** Clear the outputs, then start running every cell (does not wait). */
export async function runAll(page: Page, flavor: Flavor, file: string): Promise<void> {
  if (flavor === 'classic') {
    await page.evaluate(`(() => { const nb = window.Jupyter.notebook; nb.clear_all_output(); nb.execute_all_cells(); return true; })()`);
    return;
  }
  await page.evaluate(`(async () => {
    ${labPrelude(file)}
    ${ACTIVATE}
    await app.commands.execute('notebook:clear-all-cell-outputs', { widgetId: panel.id });
    app.commands.execute('notebook:run-all-cells', { widgetId: panel.id });
    return true;
  })()`);
}

/** Save through the UI's own save action; resolves when the page says it is saved. */
export async function save(page: Page, flavor: Flavor, file: string, timeoutMs: number): Promise<void> {
  if (flavor === 'classic') {
    await page.evaluate(`window.Jupyter.notebook.save_notebook().then(() => true)`);
    await page.waitForFunction(`!window.Jupyter.notebook.dirty`, undefined, { timeout: timeoutMs, polling: 250 });
    return;
  }
  await page.evaluate(`(async () => {
    ${labPrelude(file)}
    ${ACTIVATE}
    await app.commands.execute('docmanager:save');
    return true;
  })()`);
  await page.waitForFunction(`(() => { ${labPrelude(file)} return !!panel && !panel.content.model.dirty; })()`, undefined, { timeout: timeoutMs, polling: 250 });
}

/**
 * Scroll the notebook top to bottom (cells outside the viewport may be detached or not laid out,
 * depending on the windowing mode) and note, per `.pw-figure`, whether plotly drew it.
 */
export async function scanFigures(page: Page, flavor: Flavor, file: string): Promise<FigureState[]> {
  const root = flavor === 'classic' ? `document.querySelector('#notebook') || document.body` : `(panel ? panel.node : document.body)`;
  return (await page.evaluate(`(async () => {
    ${flavor === 'classic' ? '' : labPrelude(file)}
    const root = ${root};
    const seen = new Map();
    const collect = () => {
      document.querySelectorAll('.pw-figure').forEach((el, i) => {
        const id = el.id || ('(no id #' + i + ')');
        const s = seen.get(id) || { id, drawn: false, failed: false, text: '' };
        if (el.querySelector('svg.main-svg')) s.drawn = true;
        const text = (el.textContent || '').trim();
        if (text.includes('plotly.js not loaded')) { s.failed = true; s.text = text.slice(0, 200); }
        seen.set(id, s);
      });
    };
    // the scrolling element: the first one at or above/below root that scrolls
    const scrolls = (el) => el && el.scrollHeight > el.clientHeight + 10 && /(auto|scroll)/.test(getComputedStyle(el).overflowY);
    let sc = null;
    for (let el = root; el && !sc; el = el.parentElement) if (scrolls(el)) sc = el;
    if (!sc) sc = Array.from(root.querySelectorAll('*')).find(scrolls) || document.scrollingElement;
    collect();
    if (sc) {
      const start = sc.scrollTop;
      for (let y = 0; y < sc.scrollHeight; y += Math.max(200, sc.clientHeight * 0.8)) {
        sc.scrollTop = y;
        await new Promise((r) => setTimeout(r, 60));
        collect();
      }
      sc.scrollTop = sc.scrollHeight;
      await new Promise((r) => setTimeout(r, 60));
      collect();
      sc.scrollTop = start;
    }
    return Array.from(seen.values());
  })()`)) as FigureState[];
}

/** Bring the first figure that is not drawn into view (for a screenshot). */
export async function showFirstUndrawn(page: Page): Promise<void> {
  await page
    .evaluate(`(() => {
      const el = Array.from(document.querySelectorAll('.pw-figure')).find((e) => !e.querySelector('svg.main-svg'));
      if (el) el.scrollIntoView({ block: 'center' });
      return !!el;
    })()`)
    .catch(() => undefined);
}
