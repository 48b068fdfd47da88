/** Where a paper's committed data lives: data/<paper>/ under the repository root. */
import * as path from 'node:path';

/** The repository root (lib/kit/ → ../..). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** Throws unless `name` is letters, digits, '.', '_' or '-' (no path tricks). */
export function checkName(name: string, what: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`${what} must be letters, digits, '.', '_' or '-'; got "${name}"`);
}

/** Folder of committed data for a paper or notebook: data/<name>/. */
export function dataDir(name: string): string {
  checkName(name, 'notebook');
  return path.join(PROJECT_ROOT, 'data', name);
}

/** data/<paper>/<file>.json */
export function dataFile(paper: string, file: string): string {
  checkName(file, 'data name');
  return path.join(dataDir(paper), `${file}.json`);
}
