/**
 * Headless notebook runner (no Python needed): executes a notebook top to bottom with tslab's own
 * converter and executor in a child process started in the notebook's folder, injects parameters
 * after the cell tagged `parameters` (papermill-style, as a cell tagged `injected-parameters`),
 * enforces a per-cell time limit, and writes the executed notebook with its outputs. On the first
 * failing cell it stops and reports the cell number and the error.
 */
import { fork, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as nb from '@jupyterlab/nbformat';
import { checkWritableFile, writeFileAtomic } from '../lib/core/io';
import type { CellOutput, WorkerReply, WorkerRequest } from './notebookProtocol';
import { injectParameters, ParamValue, sourceText, toSourceLines } from './notebookParams';

export { declaredParameters, declaredParameterList, injectParameters, parseParam, sourceText } from './notebookParams';
export type { ParamValue } from './notebookParams';

export interface RunOptions {
  /** parameters to inject, e.g. { preset: 'quick', snrDb: 10 } */
  params?: Record<string, ParamValue>;
  /** where to write the executed notebook (default results/executed/<name>.ipynb next to the project) */
  out?: string;
  /** per-cell time limit in seconds (default 600) */
  cellTimeoutSec?: number;
  /** echo cell progress to this stream (default: none) */
  log?: (line: string) => void;
  /** extra environment for the kernel process */
  env?: Record<string, string>;
}

export interface CellReport {
  index: number;
  ok: boolean;
  seconds: number;
}

export interface RunResult {
  ok: boolean;
  out: string;
  cells: CellReport[];
  /** set when a cell failed: which (1-based among all cells) and why */
  failure?: { cell: number; message: string };
  seconds: number;
}

/** Read and validate an .ipynb file. */
export function readNotebook(file: string): nb.INotebookContent {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`notebook ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  let json: nb.INotebookContent;
  try {
    json = JSON.parse(text) as nb.INotebookContent;
  } catch (e) {
    throw new Error(`notebook ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json.cells) || json.nbformat !== 4) {
    throw new Error(`notebook ${file} is not an nbformat 4 notebook (needs "nbformat": 4 and a "cells" array)`);
  }
  json.cells.forEach((c: unknown, i: number) => {
    const at = `notebook ${file}: cell ${i + 1}`;
    if (!c || typeof c !== 'object' || Array.isArray(c)) throw new Error(`${at} is not an object`);
    const cell = c as { cell_type?: unknown; source?: unknown; metadata?: unknown; outputs?: unknown };
    if (cell.cell_type !== 'code' && cell.cell_type !== 'markdown' && cell.cell_type !== 'raw') {
      throw new Error(`${at} has cell_type ${JSON.stringify(cell.cell_type)}; allowed: "code", "markdown", "raw"`);
    }
    const src = cell.source;
    if (!(typeof src === 'string' || (Array.isArray(src) && src.every((l) => typeof l === 'string')))) {
      throw new Error(`${at} has a source that is neither a string nor an array of strings`);
    }
    // tolerated and normalised: a cell without metadata (nbformat requires it, some tools drop it)
    if (!cell.metadata || typeof cell.metadata !== 'object' || Array.isArray(cell.metadata)) cell.metadata = {};
    if (cell.cell_type === 'code' && !Array.isArray(cell.outputs)) cell.outputs = [];
  });
  if (!json.metadata || typeof json.metadata !== 'object') json.metadata = {};
  return json;
}

function errorOutput(message: string, stderr: string): CellOutput {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const ename = /^(\w*Error)\b/.exec(lines.find((l) => /Error\b/.test(l)) ?? '')?.[1] ?? 'Error';
  return { output_type: 'error', ename, evalue: message, traceback: lines.length ? lines : [message] };
}

function firstErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return (
    lines.find((l) => /^[A-Za-z]*Error(: |$)/.test(l) || /^Uncaught/.test(l)) ?? // a thrown error
    lines.find((l) => /^(\S+ )?\d+:\d+ - /.test(l)) ?? // a TypeScript diagnostic "line:col - message"
    lines.find((l) => /error|cannot|exceeded|Unhandled/i.test(l)) ??
    lines[0] ??
    'cell failed'
  );
}

function toNbOutput(o: CellOutput): nb.IOutput {
  if (o.output_type === 'display_data') return { output_type: 'display_data', data: o.data, metadata: o.metadata as nb.OutputMetadata };
  if (o.output_type === 'stream') return { output_type: 'stream', name: o.name, text: toSourceLines(o.text) };
  return { output_type: 'error', ename: o.ename, evalue: o.evalue, traceback: o.traceback };
}

/** Longest per-cell limit Node's timers can hold (2³¹ − 1 ms); longer ones would fire at once. */
export const MAX_CELL_TIMEOUT_SEC = Math.floor((2 ** 31 - 1) / 1000);

/** The per-cell limit in ms (default 600 s); 0 means no limit. */
export function cellTimeoutMs(sec: number | undefined): number {
  const s = sec ?? 600;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > MAX_CELL_TIMEOUT_SEC) {
    throw new Error(`cell time limit must be a number of seconds in [0, ${MAX_CELL_TIMEOUT_SEC}] (0 = no limit); got ${String(sec)}`);
  }
  return s * 1000;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

type ExitMessage = { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null };

/** Run a notebook headless. Never throws for cell failures: they are in the result. */
export async function runNotebook(file: string, opts: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const abs = path.resolve(file);
  const book = injectParameters(readNotebook(abs), opts.params ?? {});
  const timeout = cellTimeoutMs(opts.cellTimeoutSec);
  const root = path.resolve(__dirname, '..');
  const out = path.resolve(opts.out ?? path.join(root, 'results', 'executed', path.basename(abs)));
  const log = opts.log ?? (() => undefined);
  // before the first cell: an output that cannot be written would waste the whole run
  checkWritableFile(out, 'the executed notebook (--out)');

  const child: ChildProcess = fork(path.join(__dirname, 'notebookWorker.ts'), [], {
    cwd: path.dirname(abs),
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
    env: { ...process.env, PRECODING_NOTEBOOK: path.basename(abs, '.ipynb'), ...(opts.env ?? {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending: ((m: WorkerReply | ExitMessage) => void)[] = [];
  const queue: (WorkerReply | ExitMessage)[] = [];
  const deliver = (m: WorkerReply | ExitMessage) => {
    const w = pending.shift();
    if (w) w(m);
    else queue.push(m);
  };
  const cellOutputs = new Map<number, CellOutput[]>();
  const lateErrors: Extract<WorkerReply, { kind: 'late-error' }>[] = [];
  child.on('message', (m: WorkerReply) => {
    if (m.kind === 'late-error') {
      lateErrors.push(m);
      log(`[cell ${m.index + 1}/${book.cells.length}] FAILED later: ${m.message}`);
      return;
    }
    if (m.kind === 'update') {
      // a display shown by an earlier cell was updated
      for (const outs of cellOutputs.values()) {
        const i = outs.findIndex((o) => o.output_type === 'display_data' && o.displayId === m.displayId);
        if (i >= 0) outs[i] = m.output;
      }
      return;
    }
    deliver(m);
  });
  child.on('exit', (code, signal) => deliver({ kind: 'exit', code, signal }));
  const next = (ms: number) =>
    new Promise<WorkerReply | ExitMessage | { kind: 'timeout' }>((resolve) => {
      const q = queue.shift();
      if (q) return resolve(q);
      // ms = 0: no limit
      const timer = ms > 0
        ? setTimeout(() => {
            const i = pending.indexOf(done);
            if (i >= 0) pending.splice(i, 1);
            resolve({ kind: 'timeout' });
          }, ms)
        : undefined;
      const done = (m: WorkerReply | ExitMessage) => {
        if (timer) clearTimeout(timer);
        resolve(m);
      };
      pending.push(done);
    });

  // Ctrl-C, SIGTERM or a closed terminal stop the kernel with the runner, then the runner dies of
  // the same signal (nothing is written)
  const onSignal = (sig: NodeJS.Signals) => {
    child.kill('SIGKILL');
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, sig);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);

  const cells: CellReport[] = [];
  let failure: RunResult['failure'];
  /** late exceptions fail the cell that started them (the first one fails the run) */
  const takeLateErrors = () => {
    for (const e of lateErrors.splice(0)) {
      const at = e.index;
      const outs = cellOutputs.get(at) ?? [];
      outs.push(errorOutput(e.message, e.stack));
      cellOutputs.set(at, outs);
      const rep = cells.find((c) => c.index === at);
      if (rep) rep.ok = false;
      failure ??= { cell: at + 1, message: e.message };
    }
  };
  let execCount = 0;
  const ready = await next(120000);
  if (ready.kind !== 'ready') {
    failure = { cell: 0, message: `the notebook kernel did not start (${ready.kind})` };
  }
  for (let i = 0; i < book.cells.length && !failure; i++) {
    const cell = book.cells[i];
    if (cell.cell_type !== 'code') continue;
    const source = sourceText(cell.source);
    const req: WorkerRequest = { kind: 'execute', index: i, source };
    child.send(req);
    log(`[cell ${i + 1}/${book.cells.length}] running…`);
    const reply = await next(timeout);
    const code = cell as nb.ICodeCell;
    code.execution_count = ++execCount;
    if (reply.kind === 'result') {
      cellOutputs.set(i, reply.outputs);
      cells.push({ index: i, ok: reply.ok, seconds: reply.seconds });
      log(`[cell ${i + 1}/${book.cells.length}] ${reply.ok ? 'ok' : 'FAILED'} in ${reply.seconds.toFixed(1)}s`);
      if (!reply.ok) {
        const msg = firstErrorLine(reply.stderr);
        reply.outputs.push(errorOutput(msg, reply.stderr));
        failure = { cell: i + 1, message: msg };
      }
      takeLateErrors();
    } else {
      const msg =
        reply.kind === 'timeout'
          ? `cell ${i + 1} exceeded the time limit of ${timeout / 1000}s`
          : reply.kind === 'exit' && reply.signal
            ? `the kernel process was killed by ${reply.signal} during cell ${i + 1}${reply.signal === 'SIGABRT' ? ' (out of memory?)' : ''}`
            : `the kernel process exited (code ${reply.kind === 'exit' ? reply.code : '?'}) during cell ${i + 1}`;
      cellOutputs.set(i, [errorOutput(msg, msg)]);
      cells.push({ index: i, ok: false, seconds: timeout / 1000 });
      failure = { cell: i + 1, message: msg };
    }
  }
  if (failure?.message.includes('exceeded the time limit')) child.kill('SIGKILL'); // still busy in that cell
  else if (child.connected && child.exitCode === null && child.signalCode === null) {
    // the worker waits (≤ 2 s) for timers the cells left pending, reporting their late exceptions
    child.send({ kind: 'close' } satisfies WorkerRequest);
    await next(10000);
  }
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  // after a death by signal exitCode stays null (signalCode is set) and 'exit' has fired already
  await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
  takeLateErrors();

  for (const [i, outs] of cellOutputs) (book.cells[i] as nb.ICodeCell).outputs = outs.map(toNbOutput);
  book.metadata = {
    ...book.metadata,
    kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
    precoding_workbook: { executedBy: 'nb run (headless)', params: opts.params ?? {}, ok: !failure, failure: failure ?? null },
  } as nb.INotebookMetadata;
  writeFileAtomic(out, JSON.stringify(book, null, 1) + '\n');
  return { ok: !failure, out, cells, failure, seconds: (Date.now() - t0) / 1000 };
}
