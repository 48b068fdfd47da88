/**
 * A real Jupyter server for the browser tests: classic Notebook 6 (Debian's /usr/bin/jupyter-notebook),
 * Notebook 7 or JupyterLab 4 (the venv that tools/jupyter-env.sh makes), on 127.0.0.1, a free port and
 * a fixed token, serving a copy of the notebooks placed inside the repo (results/e2e/<flavor>/), so
 * the tslab kernel, started there, resolves `@precoding-workbook/lib` through the repo's node_modules.
 */
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type Flavor = 'classic' | 'notebook7' | 'lab';
export const FLAVORS: Flavor[] = ['classic', 'notebook7', 'lab'];

export const REPO = path.resolve(__dirname, '..', '..');
export const E2E_DIR = path.join(REPO, 'results', 'e2e');
export const CHROMIUM = process.env.PRECODING_CHROMIUM ?? '/usr/bin/chromium';
const CLASSIC = '/usr/bin/jupyter-notebook';

/** The venv with Notebook 7 and JupyterLab 4 (tools/jupyter-env.sh makes it). */
export function venvDir(): string {
  if (process.env.PRECODING_JUPYTER_VENV) return process.env.PRECODING_JUPYTER_VENV;
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'precoding-workbook', 'jupyter-venv');
}

function command(flavor: Flavor): string[] {
  const jupyter = path.join(venvDir(), 'bin', 'jupyter');
  switch (flavor) {
    case 'classic':
      return [CLASSIC];
    case 'notebook7':
      return [jupyter, 'notebook'];
    case 'lab':
      return [jupyter, 'lab'];
  }
}

/** What is missing to run a flavor (empty when nothing is). */
export function missing(flavor: Flavor): string[] {
  const out: string[] = [];
  const exe = command(flavor)[0];
  if (!fs.existsSync(exe)) out.push(exe);
  if (!fs.existsSync(CHROMIUM)) out.push(CHROMIUM);
  if (!fs.existsSync(path.join(REPO, 'node_modules', '.bin', 'tslab'))) out.push('node_modules/.bin/tslab (npm ci)');
  return out;
}

export interface JupyterServer {
  flavor: Flavor;
  /** http://127.0.0.1:<port> (no trailing slash) */
  url: string;
  token: string;
  /** the server's root dir (the copy of the notebooks) */
  root: string;
  /** where the notebooks write their results */
  resultsDir: string;
  /** the browser URL that opens a notebook (path relative to root), token included; Lab: in a workspace of its own */
  notebookUrl(file: string): string;
  /** a REST call with the token; JSON in and out */
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  /** the server's log so far */
  log(): string;
  stop(): Promise<void>;
}

export const TOKEN = 'precoding-e2e-token';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function args(flavor: Flavor, port: number, root: string, notaryDir: string): string[] {
  // a private trust database and secret: a notebook is trusted only if this run's save signed it
  const common = ['--no-browser', '--allow-root', `--NotebookNotary.data_dir=${notaryDir}`];
  if (flavor === 'classic') {
    return [
      ...common,
      '--NotebookApp.ip=127.0.0.1',
      `--NotebookApp.port=${port}`,
      '--NotebookApp.port_retries=0',
      `--NotebookApp.token=${TOKEN}`,
      `--NotebookApp.notebook_dir=${root}`,
      '--NotebookApp.terminals_enabled=False',
    ];
  }
  const server = [
    ...common,
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${TOKEN}`,
    `--ServerApp.root_dir=${root}`,
    '--ServerApp.terminals_enabled=False',
  ];
  // window.jupyterapp, for commands (notebook:run-all-cells, docmanager:save)
  if (flavor === 'lab') {
    return [...server, '--LabApp.expose_app_in_browser=True', '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'];
  }
  return [...server, '--JupyterNotebookApp.expose_app_in_browser=True'];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of processes whose command line mentions `needle` (our own unique temp dir). */
function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * Start a server of `flavor` serving a fresh copy of `notebooks` (paths) under results/e2e/<flavor>/.
 * Resolves once `/api/status` answers.
 */
export interface ServerOptions {
  timeoutMs?: number;
  /** Lab/NB7 notebook windowing mode (default: Jupyter's own, contentVisibility in Lab 4.6) */
  windowingMode?: string;
  /** where the trust database and secret live (default: a fresh private folder) */
  notaryDir?: string;
}

/** Lab/NB7 user settings: no news toast over the screenshots; a windowing mode when asked. */
function writeLabSettings(dir: string, windowingMode: string | undefined): void {
  const put = (plugin: string, value: object) => {
    const file = path.join(dir, `${plugin}.jupyterlab-settings`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value));
  };
  put('@jupyterlab/apputils-extension/notification', { fetchNews: 'false', checkForUpdates: false });
  if (windowingMode) put('@jupyterlab/notebook-extension/tracker', { windowingMode });
}

export async function startServer(flavor: Flavor, notebooks: string[], opts: ServerOptions = {}): Promise<JupyterServer> {
  const lack = missing(flavor);
  if (lack.length) throw new Error(`Jupyter ${flavor}: missing ${lack.join(', ')}; run tools/jupyter-env.sh (as root on Debian) first`);
  const root = path.join(E2E_DIR, flavor);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  for (const nb of notebooks) fs.copyFileSync(nb, path.join(root, path.basename(nb)));
  // config, runtime (connection files) and results in a private temp dir: no user settings or
  // workspaces leak in, and the kernels are found by their connection-file path when stopping
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `pw-jupyter-${flavor}-`));
  const resultsDir = path.join(tmp, 'results');
  fs.mkdirSync(resultsDir);
  const notaryDir = opts.notaryDir ?? path.join(tmp, 'notary');
  fs.mkdirSync(notaryDir, { recursive: true });
  if (flavor !== 'classic') writeLabSettings(path.join(tmp, 'config', 'lab', 'user-settings'), opts.windowingMode ?? process.env.PRECODING_E2E_WINDOWING);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.join(REPO, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    JUPYTER_CONFIG_DIR: path.join(tmp, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'),
    PRECODING_RESULTS_DIR: resultsDir,
    PRECODING_NO_BROWSER: '1',
    PYTHONUNBUFFERED: '1',
  };
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const [exe, ...pre] = command(flavor);
    const child = spawn(exe, [...pre, ...args(flavor, port, root, notaryDir)], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.length > 2_000_000) log = log.slice(-1_000_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let exited: number | null | undefined;
    const exitP = new Promise<void>((r) => child.on('exit', (code) => ((exited = code), r())));
    const url = `http://127.0.0.1:${port}`;
    const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: { Authorization: `token ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${text.slice(0, 500)}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    const server: JupyterServer = {
      flavor,
      url,
      token: TOKEN,
      root,
      resultsDir,
      notebookUrl: (file) => {
        const p = file.split('/').map(encodeURIComponent).join('/');
        // Lab: one workspace per notebook, or Lab would restore (and start kernels for) the others
        const ws = `e2e-${file.replace(/[^A-Za-z0-9]+/g, '-')}`;
        return flavor === 'lab' ? `${url}/lab/workspaces/${ws}/tree/${p}?token=${TOKEN}` : `${url}/notebooks/${p}?token=${TOKEN}`;
      },
      api,
      log: () => log,
      stop: async () => {
        try {
          if (exited === undefined) {
            const sessions = await api<{ id: string }[]>('GET', '/api/sessions').catch(() => []);
            await Promise.all(sessions.map((s) => api('DELETE', `/api/sessions/${s.id}`).catch(() => undefined)));
          }
        } finally {
          await stopProcess(child, () => exited !== undefined, exitP);
          // kernels run in their own sessions; any left are found by our private runtime dir
          for (const pid of pidsMentioning(env.JUPYTER_RUNTIME_DIR!)) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }
          fs.rmSync(tmp, { recursive: true, force: true });
        }
      },
    };
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs && exited === undefined) {
      try {
        await api('GET', '/api/status');
        return server;
      } catch (e) {
        lastError = e;
        await sleep(300);
      }
    }
    await stopProcess(child, () => exited !== undefined, exitP);
    lastError = new Error(`Jupyter ${flavor} did not answer ${url}/api/status within ${timeoutMs / 1000} s (exit ${exited}); log:\n${log.slice(-4000)}`);
    if (!/address already in use|Errno 98/i.test(log)) break; // only a port race is worth another try
  }
  throw lastError;
}

async function stopProcess(child: ChildProcess, done: () => boolean, exitP: Promise<void>): Promise<void> {
  if (done() || child.pid === undefined) return;
  const group = -child.pid;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([exitP, sleep(10_000)]);
  try {
    process.kill(group, 'SIGKILL'); // whatever is left of the group
  } catch {
    /* all gone */
  }
}
