/**
 * The README's "API by module" section names only what lib/index.ts exports: every `name(` or
 * `name` in backticks at the start of a code span, outside code blocks, is a runtime export (under its
 * namespace where the paragraph says `complex.*`, `channels.*`, …) or an exported type or class.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lib from '../lib/index';

const ROOT = path.resolve(__dirname, '..');

function apiSection(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## API by module');
  assert.ok(start >= 0, 'README has an "API by module" section');
  const end = readme.indexOf('\n## ', start + 5);
  return readme.slice(start, end < 0 ? undefined : end).replace(/```[\s\S]*?```/g, '');
}

/** Names of exported types, interfaces and classes anywhere in lib/ (type-only names have no runtime value). */
function exportedTypeNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/export\s+(?:interface|type|class|abstract\s+class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, 'lib'));
  return names;
}

test("every name in the README's API section is exported by lib/index.ts", () => {
  const types = exportedTypeNames();
  const exported = lib as unknown as Record<string, unknown>;
  const missing: string[] = [];
  let checked = 0;
  for (const para of apiSection().split(/\n\s*\n/)) {
    const ns = /\(`([a-z]+)\.\*`\)/.exec(para)?.[1];
    const scope = ns ? (exported[ns] as Record<string, unknown> | undefined) : exported;
    if (ns) assert.ok(scope, `README names the namespace ${ns}.* but lib/index.ts does not export it`);
    for (const m of para.matchAll(/`(?:new\s+)?([A-Za-z_$][\w$]*)(?=[(`])/g)) {
      const name = m[1];
      if (/^[A-Z][A-Z0-9_]+$/.test(name)) continue; // environment variables (CI, PRECODING_…)
      if (/^[a-z]+$/.test(name) && ns === undefined && ['complex', 'linalg', 'channels', 'quantizer', 'tour', 'wmmse', 'schema'].includes(name) && exported[name]) {
        checked++;
        continue;
      }
      checked++;
      if (scope && name in scope) continue;
      if (name in exported || types.has(name)) continue;
      missing.push(ns ? `${ns}.${name}` : name);
    }
  }
  assert.ok(checked > 80, `checked ${checked} names`);
  assert.deepEqual(missing, [], 'named in README but not exported');
});
