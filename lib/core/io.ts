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
