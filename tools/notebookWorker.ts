/**
 * Child process of the headless runner: executes notebook cells with tslab's own converter and
 * executor (the code path of the Jupyter kernel), in the notebook's folder, and sends each cell's
 * outputs back over IPC. Rich output (`tslab.display`, progress bars, figures) arrives through the
 * same hook the kernel uses (`tslab/dist/jupyter`.lastWriteDisplayData); stdout/stderr are captured
 * the way the kernel captures them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkerReply, WorkerRequest, CellOutput } from './notebookProtocol';

interface Converter {
  close(): void;
}
interface Executor {
  execute(src: string): Promise<boolean>;
  close(): void;
}
interface ConverterModule {
  createConverter(opts: { isJS: boolean; isBrowser: boolean }): Converter;
}
interface ExecutorModule {
  createExecutor(
    rootDir: string,
    convs: { node: Converter; browser: Converter; close(): void },
    console: { log(...a: unknown[]): void; error(...a: unknown[]): void },
  ): Executor;
}
interface DisplayMessage {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

// tslab resolved from the notebook's folder upwards, as the kernel does
const conv = require('tslab/dist/converter') as ConverterModule;
const exe = require('tslab/dist/executor') as ExecutorModule;
const hook = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };

let nodeConv: Converter | undefined;
let browserConv: Converter | undefined;
const convs = {
  get node() {
    return (nodeConv ??= conv.createConverter({ isJS: false, isBrowser: false }));
  },
  get browser() {
    return (browserConv ??= conv.createConverter({ isJS: false, isBrowser: true }));
  },
  close() {
    nodeConv?.close();
    browserConv?.close();
  },
};

let outputs: CellOutput[] = [];
let stderrText = '';

function pushStream(name: 'stdout' | 'stderr', text: string): void {
  if (name === 'stderr') stderrText += text;
  const last = outputs[outputs.length - 1];
  if (last && last.output_type === 'stream' && last.name === name) last.text += text;
  else outputs.push({ output_type: 'stream', name, text });
}

const util = require('node:util') as typeof import('node:util');
const cellConsole = {
  log: (...a: unknown[]) => pushStream('stdout', util.format(...a) + '\n'),
  error: (...a: unknown[]) => pushStream('stderr', util.format(...a) + '\n'),
};

const realStdout = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array) => {
  pushStream('stdout', typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return true;
}) as typeof process.stdout.write;
process.stderr.write = ((chunk: string | Uint8Array) => {
  pushStream('stderr', typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return true;
}) as typeof process.stderr.write;

/** display_data / update_display_data, as the kernel would send them. */
hook.lastWriteDisplayData = (msg: DisplayMessage, update: boolean) => {
  const id = msg.transient?.display_id;
  const out: CellOutput = { output_type: 'display_data', data: msg.data, metadata: msg.metadata ?? {}, displayId: id };
  if (update && id) {
    const i = outputs.findIndex((o) => o.output_type === 'display_data' && o.displayId === id);
    if (i >= 0) {
      outputs[i] = out;
      return;
    }
    // the display lives in an earlier cell: tell the parent to update it there
    send({ kind: 'update', displayId: id, output: out });
    return;
  }
  outputs.push(out);
};

const executor = exe.createExecutor(process.cwd(), convs, cellConsole);

function send(msg: WorkerReply): void {
  if (process.send) process.send(msg);
  else realStdout(JSON.stringify(msg) + '\n');
}

/**
 * Which cell started the code that is running: timers and promises created by a cell inherit its
 * index, so an exception thrown later from them is charged to that cell, not to whichever is running.
 */
const cellContext = new AsyncLocalStorage<number>();
/** the cell being executed (-1 between cells) and the last one executed */
let running = -1;
let lastExecuted = -1;
let runningFailed = false;

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Wait (at most `ms`) for timers the cells left pending, so their late exceptions are reported. */
async function drainTimers(ms: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms && activeTimers() > 0) await new Promise((r) => setTimeout(r, 20));
}

process.on('message', async (req: WorkerRequest) => {
  if (req.kind === 'close') {
    await drainTimers(2000);
    send({ kind: 'closed' });
    executor.close();
    convs.close();
    process.exit(0);
  }
  outputs = [];
  stderrText = '';
  running = req.index;
  runningFailed = false;
  const t0 = Date.now();
  let ok = false;
  try {
    ok = await cellContext.run(req.index, () => executor.execute(req.source));
  } catch (e) {
    cellConsole.error(e);
  }
  // let pending stream writes of this cell land
  await new Promise((r) => setImmediate(r));
  running = -1;
  lastExecuted = req.index;
  send({ kind: 'result', index: req.index, ok: ok && !runningFailed, outputs, seconds: (Date.now() - t0) / 1000, stderr: stderrText });
});

/** An exception nobody caught: it fails the cell that started it (or, without context, the running one). */
function uncaught(kind: 'UncaughtException' | 'UnhandledPromiseRejection', err: unknown): void {
  const stack = err instanceof Error ? err.stack ?? String(err) : String(err);
  const origin = cellContext.getStore() ?? (running >= 0 ? running : lastExecuted);
  if (origin === running) {
    runningFailed = true;
    pushStream('stderr', `${kind}: ${stack}\n`);
    return;
  }
  const first = stack.split('\n')[0];
  send({ kind: 'late-error', index: origin, message: `${kind} after the cell finished (from a timer or promise it started): ${first}`, stack });
}
process.on('uncaughtException', (err) => uncaught('UncaughtException', err));
process.on('unhandledRejection', (reason) => uncaught('UnhandledPromiseRejection', reason));
// the runner is gone (killed, or its IPC closed): a kernel never outlives its runner
process.on('disconnect', () => process.exit(1));

send({ kind: 'ready' });
