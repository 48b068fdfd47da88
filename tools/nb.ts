/**
 * `npm run nb -- <command>`: notebooks from the command line.
 *
 *   run <notebook.ipynb> [-p name=value]... [--out file] [--timeout seconds (0 = none)] [--inplace]
 *       Execute headless (tslab converter + executor, no Python), inject parameters after the cell
 *       tagged `parameters`, write the executed notebook (default results/executed/<name>.ipynb).
 *       Exits 1 on the first failing cell, naming it.
 *   report <executed.ipynb> [--out file.html] [--png]
 *       One self-contained HTML report (opens offline); --png also writes one PNG per figure
 *       through headless Chromium (Debian `chromium` + playwright-core).
 */
import * as path from 'node:path';
import { cellTimeoutMs, parseParam, ParamValue, runNotebook } from './notebookRunner';
import { exportReport } from './report';

function usage(msg?: string): never {
  if (msg) console.error(`nb: ${msg}`);
  console.error(
    'usage:\n  npm run nb -- run <notebook.ipynb> [-p name=value]... [--out file] [--timeout seconds (0 = none)] [--inplace]\n' +
      '  npm run nb -- report <executed.ipynb> [--out file.html] [--png]',
  );
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, file, ...rest] = argv;
  if (!cmd || !file) usage();
  const params: Record<string, ParamValue> = {};
  let out: string | undefined;
  let timeout: number | undefined;
  let inplace = false;
  let png = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '-p' || a === '--param') {
      const [k, v] = parseParam(rest[++i] ?? usage('-p needs name=value'));
      params[k] = v;
    } else if (a === '--out') out = rest[++i] ?? usage('--out needs a file');
    else if (a === '--timeout') {
      timeout = Number(rest[++i]);
      try {
        cellTimeoutMs(timeout);
      } catch (e) {
        usage(`--timeout: ${(e as Error).message}`);
      }
    } else if (a === '--inplace') inplace = true;
    else if (a === '--png') png = true;
    else usage(`unknown option ${a}`);
  }
  if (cmd === 'run') {
    const res = await runNotebook(file, {
      params,
      out: inplace ? file : out,
      cellTimeoutSec: timeout,
      log: (l) => console.error(l),
    });
    console.error(`nb: wrote ${path.relative(process.cwd(), res.out)} in ${res.seconds.toFixed(1)}s`);
    if (!res.ok) {
      console.error(`nb: ${file}: cell ${res.failure!.cell} failed: ${res.failure!.message}`);
      return 1;
    }
    return 0;
  }
  if (cmd === 'report') {
    const res = await exportReport(file, { out, png });
    console.error(`nb: wrote ${path.relative(process.cwd(), res.html)}${res.pngs.length ? ` and ${res.pngs.length} PNG(s)` : ''}`);
    return 0;
  }
  usage(`unknown command ${cmd}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`nb: ${e.message}`);
    process.exit(1);
  },
);
