/**
 * The rooms and arrows of lib/ (README, "Architecture"): core ← phy ← train ← kit ← papers (and the
 * tour) ← compare ← notebook ← index. A file may import its own room or rooms below it; a paper never imports
 * another paper (what two papers need moves down into the kit or below). Read from the sources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB = path.resolve(__dirname, '..', 'lib');
const RANK: Record<string, number> = { core: 0, phy: 1, train: 2, kit: 3, papers: 4, tour: 4, compare: 5, notebook: 6, index: 7 };

/** The room of a file under lib/: its first folder ("papers/wmmse" for a paper), "index" for lib/*.ts. */
export function roomOf(rel: string): string {
  const parts = rel.split('/');
  if (parts.length === 1) return 'index';
  return parts[0] === 'papers' ? `papers/${parts[1]}` : parts[0];
}

function rank(room: string): number {
  const r = RANK[room.split('/')[0]];
  if (r === undefined) throw new Error(`lib/${room}: a room the architecture does not name; add it to README and to RANK`);
  return r;
}

/** Arrows that go the wrong way in a list of (file, imported file) pairs, both relative to lib/. */
export function violations(edges: [string, string][]): string[] {
  const out: string[] = [];
  for (const [from, to] of edges) {
    const a = roomOf(from);
    const b = roomOf(to);
    if (a === b) continue;
    if (a.startsWith('papers/') && b.startsWith('papers/')) out.push(`${from} imports ${to}: a paper imports another paper`);
    else if (rank(b) > rank(a)) out.push(`${from} imports ${to}: ${a} may not import ${b} (a room above it)`);
  }
  return out;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of every lib/ source, as (file, target) pairs relative to lib/. */
function edgesOfLib(): [string, string][] {
  const edges: [string, string][] = [];
  const spec = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const file of sources(LIB)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(spec)) {
      const s = m[1] ?? m[2] ?? m[3];
      if (!s.startsWith('.')) continue;
      const target = path.relative(LIB, path.resolve(path.dirname(file), s));
      if (target.startsWith('..')) {
        edges.push([path.relative(LIB, file), `../${target}`]);
        continue;
      }
      edges.push([path.relative(LIB, file), target]);
    }
  }
  return edges;
}

test('the rule itself: a wrong-way arrow and a paper-to-paper import are reported', () => {
  assert.deepEqual(violations([['phy/precoders.ts', 'core/complex']]), []);
  assert.equal(violations([['core/complex.ts', 'phy/precoders']]).length, 1);
  assert.equal(violations([['train/loop.ts', 'notebook/display']]).length, 1);
  assert.equal(violations([['papers/wmmse/experiments.ts', 'papers/c2po/steps']])[0], 'papers/wmmse/experiments.ts imports papers/c2po/steps: a paper imports another paper');
  assert.deepEqual(violations([['papers/wmmse/saved.ts', 'kit/savedRun'], ['notebook/results.ts', 'kit/paths']]), []);
  assert.throws(() => violations([['widgets/x.ts', 'core/io']]), /a room the architecture does not name/);
});

test('lib/ imports only downwards, papers never import each other, nothing leaves lib/', () => {
  const edges = edgesOfLib();
  assert.ok(edges.length > 50, `read ${edges.length} imports`);
  const outside = edges.filter(([, to]) => to.startsWith('../')).map(([f, t]) => `${f} imports ${t}`);
  assert.deepEqual(outside, [], 'lib/ imports nothing from tools/, test/ or notebooks/');
  assert.deepEqual(violations(edges), []);
});
