/**
 * Train the SLP-SQ notebook's networks in parallel worker processes, then evaluate them together
 * (how data/slp-quantized-nn-weights/reproduce.json is made; wasm runs one thread per process).
 *
 *   npx tsx tools/slpRun.ts train reproduce <out.json> <key> [<key> …]   # one worker: these networks
 *   npx tsx tools/slpRun.ts merge reproduce <in.json> [<in.json> …]      # every result, saved run written
 *
 * Every draw flows from the preset's seed and the network's key, so the split changes no number.
 */
import * as fs from 'node:fs';
import { initBackend } from '../lib/core/backend';
import { writeFileAtomic } from '../lib/core/io';
import { Checkpoint, checkpointFromJson } from '../lib/train/checkpoint';
import { terminalProgress } from '../lib/notebook/display';
import { disposeNets, netToCheckpoint, slpNets, specOfMeta } from '../lib/papers/slp/nets';
import { netKey, slpPreset } from '../lib/papers/slp/presets';

async function main(): Promise<void> {
  const [mode, presetName, ...rest] = process.argv.slice(2);
  await initBackend();
  const p = slpPreset(presetName ?? '');
  if (mode === 'train') {
    const [out, ...keys] = rest;
    if (!out || keys.length === 0) throw new Error('usage: train <preset> <out.json> <key> [<key> …]');
    const t0 = Date.now();
    const nets = await slpNets(p, { only: keys, progress: terminalProgress() });
    const missing = keys.filter((k) => !nets.has(k));
    if (missing.length > 0) throw new Error(`no network ${missing.join(', ')} in preset ${p.name}`);
    writeFileAtomic(out, JSON.stringify({ seconds: (Date.now() - t0) / 1000, nets: [...nets.values()].map((n) => netToCheckpoint(n, p)) }));
    for (const n of nets.values()) console.log(`${n.key}: validation ${n.validation.start.toFixed(4)} → ${n.validation.end.toFixed(4)} (${n.seconds.toFixed(0)} s)`);
    disposeNets(nets);
    console.log(`wrote ${keys.length} networks to ${out}`);
  } else if (mode === 'merge') {
    const saved = new Map<string, Checkpoint>();
    for (const f of rest) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8')) as { seconds: number; nets: unknown[] };
      j.nets.forEach((c, i) => {
        const ck = checkpointFromJson(c, `${f}: nets[${i}]`) as Checkpoint;
        saved.set(netKey(specOfMeta(ck.meta as Record<string, unknown>, `${f}: nets[${i}]`)), ck);
      });
    }
    const { mergeRun } = await import('../lib/papers/slp/saved');
    await mergeRun(p, saved, rest);
  } else {
    throw new Error('usage: tools/slpRun.ts train|merge <preset> …');
  }
}

main().catch((e: Error) => {
  console.error(`slpRun: ${e.message}`);
  process.exit(1);
});
