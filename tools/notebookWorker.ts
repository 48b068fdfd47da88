/**
 * Child process of the headless runner: executes notebook cells with tslab's own converter and
 * executor (the code path of the Jupyter kernel), in the notebook's folder, and sends each cell's
 * outputs back over IPC. Rich output (`tslab.display`, progress bars, figures) arrives through the
 * same hook the kernel uses (`tslab/dist/jupyter`.lastWriteDisplayData); stdout/stderr are captured
 * the way the kernel captures them.
 */
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
const realStderr = process.stderr.write.bind(process.stderr);
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

process.on('message', async (req: WorkerRequest) => {
  if (req.kind === 'close') {
    executor.close();
    convs.close();
    process.exit(0);
  }
  outputs = [];
  stderrText = '';
  const t0 = Date.now();
  let ok = false;
  try {
    ok = await executor.execute(req.source);
  } catch (e) {
    cellConsole.error(e);
  }
  // let pending stream writes of this cell land
  await new Promise((r) => setImmediate(r));
  send({ kind: 'result', index: req.index, ok, outputs, seconds: (Date.now() - t0) / 1000, stderr: stderrText });
});

process.on('uncaughtException', (err) => {
  realStderr(`uncaught exception in notebook code: ${err.stack ?? err}\n`);
  pushStream('stderr', `UncaughtException: ${err.stack ?? err}\n`);
});
process.on('unhandledRejection', (reason) => {
  pushStream('stderr', `UnhandledPromiseRejection: ${String(reason)}\n`);
});

send({ kind: 'ready' });
