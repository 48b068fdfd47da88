/**
 * `npm run bench`: the complex-matmul / precoding cases (complex.bench.ts) and the WMMSE, C2PO, GNN,
 * SLP-DNet and MSER GD cases beside their numpy peers (wmmse.bench.ts, c2po.bench.ts, gnn.bench.ts,
 * slp.bench.ts, mser.bench.ts), written together to results/bench.json.
 * Not a test: speed is never asserted. Benchmark on an otherwise idle machine.
 *
 *   npm run bench                 # complex cases on every installed backend; WMMSE, C2PO, GNN, SLP, MSER on the default one
 *   npm run bench -- wasm cpu     # only these backends (WMMSE, C2PO, GNN, SLP, MSER on each)
 */
import * as path from 'node:path';
import { BackendName, initBackend } from '../lib/core/backend';
import { writeFileAtomic } from '../lib/core/io';
import { PROJECT_ROOT } from '../lib/notebook/results';
import { backendsFromArgs, benchComplex } from './complex.bench';
import { benchC2po } from './c2po.bench';
import { benchGnn } from './gnn.bench';
import { benchMser } from './mser.bench';
import { benchSlp } from './slp.bench';
import { benchWmmse } from './wmmse.bench';

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const names = backendsFromArgs(asked);
  const rows = await benchComplex(names);
  const wmmseBackends: BackendName[] = asked.length ? names : [(await initBackend()).name];
  const wmmse = await benchWmmse(wmmseBackends);
  const c2po = await benchC2po(wmmseBackends);
  const gnn = await benchGnn(wmmseBackends);
  const slp = await benchSlp(wmmseBackends);
  const mser = await benchMser(wmmseBackends);
  const file = path.join(PROJECT_ROOT, 'results', 'bench.json');
  writeFileAtomic(file, JSON.stringify({ date: new Date().toISOString(), rows, wmmse: { rows: wmmse.rows, peer: wmmse.peer }, c2po: { rows: c2po.rows, peer: c2po.peer }, gnn: { rows: gnn.rows, peer: gnn.peer }, slp: { rows: slp.rows, peer: slp.peer }, mser: { rows: mser.rows, peer: mser.peer } }, null, 1));
  console.log(`written: ${path.relative(process.cwd(), file)}`);
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
