/**
 * Cells run out of order: one useful message instead of a wall of compiler errors.
 *
 * tslab type-checks a cell before running it; a cell that uses a variable of a cell not yet run in
 * this kernel gets one "3:7 - Cannot find name 'fig2'." line per use. With the hint installed (by
 * `setupNotebook()` in the imports cell), those lines of one cell become a single message that names
 * the missing variables and the cells that define them (read from the notebook files in the
 * kernel's folder), e.g.
 *
 *   This cell uses fig2, wsrTable, which no cell run in this kernel defines yet.
 *   In unfolded-wmmse.ipynb they are defined by code cell 6 ("const fig2 = await wmmse.wsrVsLayers(…").
 *   Run the cells above this one first (Run → Run All Above).
 *
 * How: tslab assigns `process.stderr.write` anew for every cell execution and prints the compiler's
 * diagnostics through it, synchronously, one per line. The hint wraps whatever tslab assigns,
 * collects the "Cannot find name" lines of one burst and writes the message at the end of that
 * burst (a microtask, so it lands in the same cell before the kernel replies). Other output passes
 * through untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Write = (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;

const DIAGNOSTIC = /^\s*(\d+):(\d+) - Cannot find name '([A-Za-z_$][\w$]*)'\.(?: Did you mean [^\n]*)?\s*$/;

/** Where a top-level name is declared in a notebook. */
export interface Definition {
  notebook: string;
  /** 1-based position among the notebook's code cells */
  codeCell: number;
  /** the cell's first non-empty line, shortened */
  firstLine: string;
}

function sourceOf(cell: { source?: string | string[] }): string {
  return Array.isArray(cell.source) ? cell.source.join('') : (cell.source ?? '');
}

/** Split `text` at commas outside brackets, braces, parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The top-level names a cell declares: let/const/var (with destructuring and lists), function, class, import. */
export function declaredNames(src: string): Set<string> {
  const names = new Set<string>();
  const id = /[A-Za-z_$][\w$]*/g;
  for (const m of src.matchAll(/^\s*(?:export\s+)?(?:let|const|var)\s+([^;]*?)(?:;|$)/gm)) {
    for (const part of splitTopLevel(m[1])) {
      const lhs = part.split(/=(?!>)/)[0].trim();
      if (/^[{[]/.test(lhs)) {
        // destructuring: the bound names are those not followed by ':' (which renames)
        for (const n of lhs.replace(/[A-Za-z_$][\w$]*\s*:/g, '').matchAll(id)) names.add(n[0]);
      } else {
        const n = /^[A-Za-z_$][\w$]*/.exec(lhs);
        if (n) names.add(n[0]);
      }
    }
  }
  for (const m of src.matchAll(/^\s*(?:export\s+)?(?:async\s+)?(?:function\*?|class)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of src.matchAll(/^\s*import\s+([^;]*?)\s+from\s/gm)) {
    const clause = m[1].replace(/\btype\b/g, '');
    for (const n of clause.replace(/[A-Za-z_$][\w$]*\s+as\s+/g, '').matchAll(id)) names.add(n[0]);
  }
  return names;
}

/** True when `src` declares `name` at top level (let/const/var/function/class/import). */
export function declares(src: string, name: string): boolean {
  return declaredNames(src).has(name);
}

/** The cells of the notebooks in `dir` that declare each of `names` (one notebook: the one declaring most). */
export function findDefinitions(dir: string, names: string[]): { notebook: string; defs: Map<string, Definition> } | undefined {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();
  } catch {
    return undefined;
  }
  let best: { notebook: string; defs: Map<string, Definition> } | undefined;
  for (const f of files) {
    let cells: { cell_type?: string; source?: string | string[] }[];
    try {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cells?: unknown };
      if (!Array.isArray(nb.cells)) continue;
      cells = nb.cells as typeof cells;
    } catch {
      continue;
    }
    const defs = new Map<string, Definition>();
    let codeCell = 0;
    for (const c of cells) {
      if (c.cell_type !== 'code') continue;
      codeCell++;
      const src = sourceOf(c);
      const declared = declaredNames(src);
      for (const name of names) {
        if (!defs.has(name) && declared.has(name)) {
          const first = src.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
          defs.set(name, { notebook: f, codeCell, firstLine: first.length > 60 ? first.slice(0, 59) + '…' : first });
        }
      }
    }
    if (defs.size > 0 && (!best || defs.size > best.defs.size)) best = { notebook: f, defs };
  }
  return best;
}

/** The message for a cell whose `names` are not defined in the kernel (lines of text, newline-ended). */
export function missingNamesMessage(names: string[], dir: string): string {
  const unique = [...new Set(names)];
  const lines = [`This cell uses ${unique.join(', ')}, which no cell run in this kernel defines yet.`];
  const found = findDefinitions(dir, unique);
  if (found) {
    const byCell = new Map<number, { def: Definition; names: string[] }>();
    for (const [name, def] of found.defs) {
      const e = byCell.get(def.codeCell) ?? { def, names: [] };
      e.names.push(name);
      byCell.set(def.codeCell, e);
    }
    const cells = [...byCell.values()].sort((a, b) => a.def.codeCell - b.def.codeCell);
    lines.push(`In ${found.notebook} ${found.defs.size === 1 ? 'it is' : 'they are'} defined by:`);
    for (const c of cells) lines.push(`  code cell ${c.def.codeCell} ("${c.def.firstLine}"): ${c.names.join(', ')}`);
    const unknown = unique.filter((n) => !found.defs.has(n));
    if (unknown.length) lines.push(`No cell of ${found.notebook} defines ${unknown.join(', ')} (a typo?).`);
  }
  lines.push('Run the cells above this one first (Run → Run All Above), or restart the kernel and run all.');
  return lines.join('\n') + '\n';
}

let installedOn: NodeJS.WriteStream | undefined;

/**
 * Install the hint on `stream` (default process.stderr) for notebooks in `dir` (default: the
 * kernel's folder). Idempotent. Returns false when the stream's `write` cannot be wrapped.
 */
export function installCellOrderHints(opts: { stream?: NodeJS.WriteStream; dir?: string } = {}): boolean {
  const stream = opts.stream ?? process.stderr;
  if (installedOn === stream) return true;
  const dir = opts.dir ?? process.cwd();
  let inner: Write = stream.write.bind(stream) as Write;
  let pending: string[] | undefined;
  let target: Write = inner;
  const wrapped: Write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    const names = lines.map((l) => DIAGNOSTIC.exec(l)?.[3]);
    if (lines.length === 0 || names.some((n) => n === undefined)) return inner(chunk, ...rest);
    if (!pending) {
      pending = [];
      target = inner; // the writer of the cell that is being compiled
      queueMicrotask(() => {
        const all = pending ?? [];
        pending = undefined;
        let msg: string;
        try {
          msg = missingNamesMessage(all, dir);
        } catch (e) {
          msg = `This cell uses ${[...new Set(all)].join(', ')}, not defined yet (${(e as Error).message}); run the cells above it first.\n`;
        }
        target(msg);
      });
    }
    pending.push(...(names as string[]));
    return true;
  };
  try {
    Object.defineProperty(stream, 'write', {
      configurable: true,
      enumerable: true,
      get: () => wrapped,
      set: (fn: Write) => {
        inner = fn;
      },
    });
  } catch {
    return false;
  }
  installedOn = stream;
  return true;
}
