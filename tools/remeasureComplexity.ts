/**
 * `npm run remeasure-complexity -- [preset]`: re-measure the complexity table of a committed WMMSE run
 * on this machine (operation counts from the current `unfoldedFlops` / `classicFlops`, timings best of
 * 5 after a warm-up) and rewrite only those rows of `data/unfolded-wmmse/<preset>.json`. Every figure
 * and network is left as trained. For when the implementation got faster after the networks were
 * trained; run it on an otherwise idle machine.
 */
import { backendInfo, initBackend } from '../lib/core/backend';
import { complexity } from '../lib/papers/wmmse/experiments';
import { wmmsePreset } from '../lib/papers/wmmse/presets';
import { readWmmseRun, savedRunFile, writeWmmseRun } from '../lib/papers/wmmse/saved';

async function main(): Promise<void> {
  const preset = process.argv[2] ?? 'reproduce';
  const file = savedRunFile(preset);
  const run = readWmmseRun(file);
  await initBackend(run.backend); // the backend the run was trained and timed on
  const rows = complexity(wmmsePreset(preset), { seed: run.seed });
  writeWmmseRun(file, { ...run, results: { ...run.results, complexity: rows } });
  console.error(`${file}: complexity re-measured on ${backendInfo().name}`);
  for (const r of rows) console.error(`  L=${r.L}: unfolded ${r.unfoldedFlops} flops ${(1000 * r.unfoldedMs).toFixed(2)} µs, WMMSE ${r.classicFlops} flops ${(1000 * r.classicMs).toFixed(2)} µs`);
}

main().catch((e: Error) => {
  console.error(`remeasure-complexity: ${e.message}`);
  process.exit(1);
});
