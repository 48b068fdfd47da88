/** File helpers: nothing is written half-way. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Write `data` to `file` through a temporary file in the same folder and a rename. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`could not write ${file}: ${(e as Error).message}`);
  }
}

/**
 * Fail now, naming `what` and the path, if `file` could not be written later by `writeFileAtomic`:
 * it must not be a folder, and its nearest existing folder must take a new file (probed by creating
 * and removing one, so permissions, read-only mounts and a file in the way are all found). Nothing
 * is left behind, not even the missing folders.
 */
export function checkWritableFile(file: string, what = 'output'): void {
  const abs = path.resolve(file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new Error(`${what} ${file} is a folder, not a file`);
  let dir = path.dirname(abs);
  for (;;) {
    let ds: fs.Stats | undefined;
    try {
      ds = fs.statSync(dir);
    } catch {
      ds = undefined;
    }
    if (ds) {
      if (!ds.isDirectory()) throw new Error(`${what} ${file} cannot be written: ${dir} is a file, not a folder`);
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const probe = path.join(dir, `.write-probe.${process.pid}.${Date.now()}`);
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
  } catch (e) {
    throw new Error(`${what} ${file} cannot be written: ${dir} does not take new files (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  fs.rmSync(probe, { force: true });
}

/** Read a UTF-8 text file with an error that names the path. */
export function readTextFile(file: string, what = 'file'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${what} ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

let lastYield = Date.now();

/**
 * Let the event loop run (a macrotask, not a microtask) if `everyMs` passed since the last yield:
 * long loops call this so Jupyter progress messages and Ctrl-C get through while they compute.
 */
export async function yieldToEventLoop(everyMs = 100): Promise<void> {
  if (Date.now() - lastYield < everyMs) return;
  await new Promise<void>((r) => setImmediate(r));
  lastYield = Date.now();
}
