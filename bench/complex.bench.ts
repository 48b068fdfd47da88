/**
 * Throughput of the hot paths, per installed backend (not a test; speed is never asserted).
 *
 *   npx tsx bench/complex.bench.ts            # every installed backend
 *   npx tsx bench/complex.bench.ts wasm cpu   # only these
 *   (`npm run bench` runs this and the WMMSE bench: bench/run.ts)
 *
 * Prints, per backend: batched complex matmul at the shapes the papers use (GFLOP/s, real flops:
 * 8·m·k·n per complex product), and one linear-precoding iteration (ZF + 1-bit DAC + SINR) in
 * channels per second. Results are printed as a table and written to results/bench.json.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendName, BACKEND_NAMES, describeBackend, initBackend, isAvailable } from '../lib/core/backend';
import * as C from '../lib/core/complex';
import { Rng } from '../lib/core/random';
import { writeFileAtomic } from '../lib/core/io';
import { zf, quantizedPrecode } from '../lib/phy/precoders';
import { oneBit } from '../lib/phy/quantizer';
import { sumRate } from '../lib/phy/metrics';
import { PROJECT_ROOT } from '../lib/notebook/results';
import * as path from 'node:path';

export interface Row {
  backend: string;
  case: string;
  msPerCall: number;
  rate: string;
}

/** Median time of `fn` (which must return a tensor to read) over ~`seconds`. */
function time(fn: () => tf.Tensor, seconds = 1.5): number {
  for (let i = 0; i < 2; i++) tf.tidy(() => fn().dataSync());
  const times: number[] = [];
  const stop = Date.now() + seconds * 1000;
  while (Date.now() < stop || times.length < 3) {
    const t0 = performance.now();
    tf.tidy(() => fn().dataSync());
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function benchBackend(name: BackendName): Promise<Row[]> {
  await initBackend(name);
  console.error(describeBackend());
  const rng = new Rng('bench');
  const rows: Row[] = [];
  const matmuls: [string, number[], number[]][] = [
    ['WMMSE-size [100,4,4]·[100,4,4]', [100, 4, 4], [100, 4, 4]],
    ['GNN-size [128,16,2]·[128,2,125]', [128, 16, 2], [128, 2, 125]],
    ['shared H [8,128]·X[128,1000]', [8, 128], [128, 1000]],
    ['batched [16,128,128]·[16,128,128]', [16, 128, 128], [16, 128, 128]],
  ];
  for (const [label, sa, sb] of matmuls) {
    const a = rng.complexNormal(sa);
    const b = rng.complexNormal(sb);
    const ms = time(() => C.matmul(a, b).re);
    const batch = sa.length === 3 ? sa[0] : 1;
    const flops = 8 * batch * sa[sa.length - 2] * sa[sa.length - 1] * sb[sb.length - 1];
    rows.push({ backend: name, case: `complex matmul ${label}`, msPerCall: ms, rate: `${(flops / ms / 1e6).toFixed(2)} GFLOP/s` });
    C.dispose(a, b);
  }
  // one precoding iteration: ZF for a batch of channels, 1-bit DAC on T symbol vectors, sum rate
  const [batch, K, M, T] = [100, 8, 64, 100];
  const h = rng.complexNormal([batch, K, M]);
  const s = rng.complexNormal([batch, K, T]);
  const q = oneBit(1);
  const ms = time(() => {
    const w = zf(h, { power: M });
    quantizedPrecode(w, s, q);
    return sumRate(h, w, 1);
  });
  rows.push({ backend: name, case: `ZF + 1-bit DAC + sum rate, ${batch}×(K=${K}, M=${M}, T=${T})`, msPerCall: ms, rate: `${((batch / ms) * 1000).toFixed(0)} channels/s` });
  C.dispose(h, s);
  return rows;
}

/** The backends named on the command line (checked), or every installed one. */
export function backendsFromArgs(asked: string[]): BackendName[] {
  for (const a of asked) if (!(BACKEND_NAMES as readonly string[]).includes(a)) throw new Error(`backend "${a}" must be one of ${BACKEND_NAMES.join(', ')}`);
  return (asked.length ? (asked as BackendName[]) : [...BACKEND_NAMES]).filter((b) => isAvailable(b));
}

/** Run the complex-matmul and precoding cases on `names`, print them, return the rows. */
export async function benchComplex(names: BackendName[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of names) rows.push(...(await benchBackend(n)));
  console.table(rows.map((r) => ({ ...r, msPerCall: Number(r.msPerCall.toFixed(3)) })));
  return rows;
}

async function main(): Promise<void> {
  const rows = await benchComplex(backendsFromArgs(process.argv.slice(2)));
  writeFileAtomic(path.join(PROJECT_ROOT, 'results', 'bench.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`bench: ${e.message}`);
    process.exit(1);
  });
}
