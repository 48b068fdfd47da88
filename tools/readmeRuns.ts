/**
 * `npm run readme-runs`: regenerate the README's description of each committed saved run from the run
 * itself (between `<!-- run-summary:<paper>/<preset> -->` and `<!-- /run-summary -->`), so no number in
 * that prose is typed by hand. `--check` only compares and exits 1 when the README is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../lib/core/io';
import { describeRun } from '../lib/papers/wmmse/analysis';
import { readWmmseRun, savedRunFile } from '../lib/papers/wmmse/saved';
import { c2poClaims } from '../lib/papers/c2po/claims';
import { describeRun as describeC2po } from '../lib/papers/c2po/report';
import { readC2poRun, savedNets as c2poNets, savedRunFile as c2poRunFile } from '../lib/papers/c2po/saved';
import { gnnClaims } from '../lib/papers/gnn/claims';
import { gnnPreset } from '../lib/papers/gnn/presets';
import { describeRun as describeGnn } from '../lib/papers/gnn/report';
import { readGnnRun, savedRunFile as gnnRunFile } from '../lib/papers/gnn/saved';
import { slpClaims } from '../lib/papers/slp/claims';
import { slpPreset } from '../lib/papers/slp/presets';
import { describeRun as describeSlp } from '../lib/papers/slp/report';
import { readSlpRun, savedRunFile as slpRunFile } from '../lib/papers/slp/saved';
import { mserClaims } from '../lib/papers/mser/claims';
import { describeRun as describeMser } from '../lib/papers/mser/report';
import { presetOfRun, readMserRun, savedRunFile as mserRunFile } from '../lib/papers/mser/saved';

const README = path.resolve(__dirname, '..', 'README.md');

/** The generated text of each summarised run, by its marker name. */
export function runSummaries(): Record<string, string> {
  const run = readWmmseRun(savedRunFile('reproduce'));
  const c2 = readC2poRun(c2poRunFile('reproduce'));
  const claims = c2poClaims(c2.results);
  const held = claims.filter((c) => c.holds);
  return {
    'unfolded-wmmse/reproduce': `**What the committed \`reproduce\` run shows** (generated from \`data/unfolded-wmmse/reproduce.json\` by \`npm run readme-runs\`; ${run.results.fig2.testChannels} test channels, paired differences ± s.e.): ${describeRun(run.results)}`,
    'nno-c2po/reproduce': [
      `**What the committed \`reproduce\` run shows** (generated from \`data/nno-c2po/reproduce.json\` by \`npm run readme-runs\`; ${c2.nets.length} networks, ${(c2.seconds / 60).toFixed(0)} min of training and evaluation on ${c2.backend}). ` +
        `${held.length} of ${claims.length} of the paper's checked statements hold${claims.length > held.length ? `; not: ${claims.filter((c) => !c.holds).map((c) => `${c.id} (${c.measured})`).join('; ')}` : ''}.`,
      '',
      describeC2po(c2.results, claims, [...c2poNets(c2).values()]),
    ].join('\n'),
    'gnn-quantized-precoding/reproduce': gnnSummary(),
    'slp-quantized-nn-weights/reproduce': slpSummary(),
    'mser-hybrid-beamforming/reproduce': mserSummary(),
  };
}

function gnnSummary(): string {
  const g = readGnnRun(gnnRunFile('reproduce'));
  const claims = gnnClaims(g.results);
  const held = claims.filter((c) => c.holds);
  return [
    `**What the committed \`reproduce\` run shows** (generated from \`data/gnn-quantized-precoding/reproduce.json\` by \`npm run readme-runs\`; ${g.nets.length} networks, ${(g.seconds / 60).toFixed(0)} min of training and evaluation on ${g.backend}, summed over the worker processes). ` +
      `${held.length} of ${claims.length} of the paper's checked statements hold${claims.length > held.length ? `; not: ${claims.filter((c) => !c.holds).map((c) => `${c.id} (${c.measured})`).join('; ')}` : ''}.`,
    '',
    describeGnn(gnnPreset('reproduce'), g.results, claims),
  ].join('\n');
}

function slpSummary(): string {
  const r = readSlpRun(slpRunFile('reproduce'));
  const p = slpPreset('reproduce');
  const claims = slpClaims(r.results, { headlineSinrDb: p.headlineSinrDb, quantRatio: p.quantRatio });
  const held = claims.filter((c) => c.holds);
  return [
    `**What the committed \`reproduce\` run shows** (generated from \`data/slp-quantized-nn-weights/reproduce.json\` by \`npm run readme-runs\`; ${r.nets.length} networks, ${(r.seconds / 60).toFixed(0)} min of training and evaluation on ${r.backend}, summed over the worker processes). ` +
      `${held.length} of ${claims.length} of the paper's checked statements hold${claims.length > held.length ? `; not: ${claims.filter((c) => !c.holds).map((c) => `${c.id} (${c.measured})`).join('; ')}` : ''}.`,
    '',
    describeSlp(p, r.results, claims),
  ].join('\n');
}

function mserSummary(): string {
  const r = readMserRun(mserRunFile('reproduce'));
  const p = presetOfRun(r);
  const claims = mserClaims(r.results, { headlineSnrDb: p.headlineSnrDb });
  const held = claims.filter((c) => c.holds);
  return [
    `**What the committed \`reproduce\` run shows** (generated from \`data/mser-hybrid-beamforming/reproduce.json\` by \`npm run readme-runs\`; ${r.nets.length} networks, ${(r.seconds / 60).toFixed(0)} min of training and evaluation on ${r.backend}, summed over the worker processes). ` +
      `${held.length} of ${claims.length} of the paper's checked statements hold${claims.length > held.length ? `; not: ${claims.filter((c) => !c.holds).map((c) => `${c.id} (${c.measured})`).join('; ')}` : ''}.`,
    '',
    describeMser(p, r.results, claims),
  ].join('\n');
}

/** The README with every marked block replaced by its generated text; errors name a missing marker. */
export function updatedReadme(text: string, summaries: Record<string, string>): string {
  let out = text;
  for (const [name, body] of Object.entries(summaries)) {
    const open = `<!-- run-summary:${name} -->`;
    const at = out.indexOf(open);
    const end = out.indexOf('<!-- /run-summary -->', at);
    if (at < 0 || end < 0) throw new Error(`README.md has no block ${open} … <!-- /run-summary -->`);
    out = out.slice(0, at + open.length) + '\n' + body + '\n' + out.slice(end);
  }
  return out;
}

if (require.main === module) {
  const text = fs.readFileSync(README, 'utf8');
  const next = updatedReadme(text, runSummaries());
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error('README.md: the run summaries are stale; run npm run readme-runs');
      process.exit(1);
    }
  } else if (next !== text) {
    writeFileAtomic(README, next);
    console.error('README.md: run summaries regenerated');
  }
}
