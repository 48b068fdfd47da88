/**
 * Train the GNN notebook's networks in parallel worker processes, then evaluate them together
 * (how data/gnn-quantized-precoding/reproduce.json is made; wasm runs one thread per process).
 *
 *   npx tsx tools/gnnRun.ts train reproduce <out.json> <key> [<key> …]   # one worker: these networks
 *   npx tsx tools/gnnRun.ts merge reproduce <in.json> [<in.json> …]      # every result, saved run written
 *
 * Every draw flows from the preset's seed and the network's key, so the split changes no number: the
 * merged run is what one notebook run with `saveRun = true` writes (the saved-run test recomputes it).
 */
import * as fs from 'node:fs';
import { initBackend } from '../lib/core/backend';
import { writeFileAtomic } from '../lib/core/io';
import { Checkpoint, checkpointFromJson } from '../lib/train/checkpoint';
import { terminalProgress } from '../lib/notebook/display';
import { disposeNets, gnnNets, gnnPreset, netToCheckpoint, runAll, savedRunFile, toSavedRun, writeGnnRun, gnnClaims, savedCheckpoints } from '../lib/papers/gnn';

async function main(): Promise<void> {
  const [mode, presetName, ...rest] = process.argv.slice(2);
  await initBackend();
  const p = gnnPreset(presetName ?? '');
  if (mode === 'train') {
    const [out, ...keys] = rest;
    if (!out || keys.length === 0) throw new Error('usage: train <preset> <out.json> <key> [<key> …]');
    const t0 = Date.now();
    const nets = await gnnNets(p, { only: keys, progress: terminalProgress() });
    const missing = keys.filter((k) => !nets.has(k));
    if (missing.length > 0) throw new Error(`no network ${missing.join(', ')} in preset ${p.name}`);
    writeFileAtomic(out, JSON.stringify({ seconds: (Date.now() - t0) / 1000, nets: [...nets.values()].map((n) => netToCheckpoint(n, p)) }));
    disposeNets(nets);
    console.log(`wrote ${keys.length} networks to ${out}`);
  } else if (mode === 'merge') {
    const saved = new Map<string, Checkpoint>();
    let seconds = 0;
    for (const f of rest) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8')) as { seconds: number; nets: unknown[] };
      seconds += j.seconds;
      const run = { nets: j.nets.map((c, i) => checkpointFromJson(c, `${f}: nets[${i}]`) as Checkpoint) };
      for (const [k, c] of savedCheckpoints(run as never, f)) saved.set(k, c);
    }
    const t0 = Date.now();
    const { nets, results } = await runAll(p, { saved, trainMissing: false, savedFrom: rest.join(', '), progress: terminalProgress() });
    seconds += (Date.now() - t0) / 1000;
    const file = writeGnnRun(savedRunFile(p.name), toSavedRun(p, seconds, results, nets));
    disposeNets(nets);
    const claims = gnnClaims(results);
    console.log(`wrote ${file}: ${saved.size} networks, ${(seconds / 60).toFixed(1)} min of training and evaluation (summed over processes)`);
    for (const c of claims) console.log(`${c.holds ? 'holds ' : 'FAILS '} ${c.id}: ${c.measured}`);
  } else {
    throw new Error('usage: tools/gnnRun.ts train|merge <preset> …');
  }
}

main().catch((e: Error) => {
  console.error(`gnnRun: ${e.message}`);
  process.exit(1);
});
