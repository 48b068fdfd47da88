/**
 * Where output goes: a Jupyter cell (tslab kernel) or the terminal.
 *
 * Inside a tslab kernel, `tslab.newDisplay()` gives an output that can be overwritten in place
 * (progress bars). tslab's kernel loads the project's own `node_modules/tslab`, so this module and
 * the notebook's cells share one tslab instance; `inJupyter()` asks it whether a kernel is attached.
 * The headless runner (tools/nb) attaches its own display sink the same way.
 */
import type { Display } from 'tslab';
import { setExecutionToken } from '../core/interrupt';
import { formatEvent, Progress, ProgressEvent } from '../train/progress';

interface TslabModule {
  newDisplay(): Display;
  display: Display;
}

/** One display_data message as tslab's kernel sends it. */
export interface DisplayMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

interface JupyterHook {
  /** set by the kernel for each execute request (a new function per cell execution) */
  lastWriteDisplayData: ((msg: DisplayMessage, update: boolean) => void) | null;
}

function jupyterHook(): JupyterHook | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const hook = require('tslab/dist/jupyter') as JupyterHook;
    return hook.lastWriteDisplayData == null ? undefined : hook;
  } catch {
    return undefined;
  }
}

function loadTslab(): TslabModule | undefined {
  if (!jupyterHook()) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('tslab') as TslabModule;
  } catch {
    return undefined;
  }
}

/**
 * The current cell execution: tslab's kernel installs a new output function for every execute
 * request, so its identity names the execution (undefined outside a kernel).
 */
export function cellToken(): object | undefined {
  return jupyterHook()?.lastWriteDisplayData ?? undefined;
}

// Inside a kernel, an interrupt stops the loops of the cell that was running (lib/core/interrupt).
if (jupyterHook()) setExecutionToken(cellToken);

/**
 * Show one output with several representations (MIME type → content), e.g. text/html beside
 * text/plain and a JSON type; the frontend picks the richest it can render. False outside Jupyter.
 */
export function showBundle(data: Record<string, unknown>): boolean {
  const hook = jupyterHook();
  if (!hook?.lastWriteDisplayData) return false;
  hook.lastWriteDisplayData({ data, metadata: {}, transient: {} }, false);
  return true;
}

/** True when running inside a tslab kernel (or the headless runner), where rich output is shown. */
export function inJupyter(): boolean {
  return loadTslab() !== undefined;
}

/** A display that can be rewritten in place; undefined outside Jupyter. */
export function newDisplay(): Display | undefined {
  return loadTslab()?.newDisplay();
}

/** Show HTML in the current cell (inside Jupyter); returns false elsewhere. */
export function showHtml(html: string): boolean {
  const t = loadTslab();
  if (!t) return false;
  t.display.html(html);
  return true;
}

/** Show markdown in the current cell (inside Jupyter); prints it as text elsewhere. */
export function showMarkdown(md: string): void {
  const t = loadTslab();
  if (t) t.display.markdown(md);
  else console.log(md);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A Progress that renders start and end always, updates at most once per `intervalMs`. */
function throttled(intervalMs: number, render: (e: ProgressEvent) => void): Progress {
  let last = 0;
  return {
    report(e: ProgressEvent) {
      const now = Date.now();
      if (e.kind === 'update' && now - last < intervalMs) return;
      last = now;
      render(e);
    },
  };
}

/**
 * Progress in the terminal: rewrites one line on a TTY, else prints a line at most every
 * `intervalSec` seconds (CI logs stay short), always the start and the end.
 */
export function terminalProgress(opts: { stream?: NodeJS.WriteStream; intervalSec?: number } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  return throttled((opts.intervalSec ?? (tty ? 0.2 : 10)) * 1000, (e) => {
    const line = formatEvent(e);
    if (tty) stream.write(`\r\x1b[2K${line}${e.kind === 'end' ? '\n' : ''}`);
    else if (e.kind !== 'start') stream.write(line + '\n');
  });
}

/** Progress in a Jupyter cell: one HTML progress bar updated in place (throttled). */
export function jupyterProgress(opts: { intervalSec?: number } = {}): Progress {
  let display: Display | undefined;
  return throttled((opts.intervalSec ?? 0.25) * 1000, (e) => {
    display ??= newDisplay();
    if (!display) return;
    const max = Math.max(e.total, 1);
    display.html(
      `<div style="font-family:monospace;font-size:12px"><progress value="${Math.min(e.done, max)}" max="${max}" style="width:240px;vertical-align:middle"></progress> ` +
        `${escapeHtml(formatEvent(e, 0).replace(' [] ', ' '))}</div>`,
    );
  });
}

/** The right renderer for where we run: a Jupyter cell, else the terminal. */
export function autoProgress(): Progress {
  return inJupyter() ? jupyterProgress() : terminalProgress();
}
