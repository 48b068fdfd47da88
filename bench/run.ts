/**
 * `npm run bench`: the complex-matmul / precoding cases (complex.bench.ts) and the WMMSE, C2PO, GNN,
 * SLP-DNet and MSER GD cases beside their numpy peers (wmmse.bench.ts, c2po.bench.ts, gnn.bench.ts,
 * slp.bench.ts, mser.bench.ts), written together to results/bench.json.
 * Not a test: speed is never asserted. Benchmark on an otherwise idle machine.
 *
 *   npm run bench                 # complex cases on every installed backend; WMMSE, C2PO, GNN, SLP, MSER on the default one
 *   npm run bench -- wasm cpu     # only these backends (WMMSE, C2PO, GNN, SLP, MSER on each)
 *   npm run bench -- --record     # also data/bench/record.json (committed; with the machine it ran on), which
 *                                 # the side-by-side notebook's throughput table reads
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { BackendName, initBackend } from '../lib/core/backend';
import { writeFileAtomic } from '../lib/core/io';
import { PROJECT_ROOT } from '../lib/notebook/results';
import { backendsFromArgs, benchComplex } from './complex.bench';
import { benchC2po, CASE as C2PO_CASE } from './c2po.bench';
import { benchGnn, CASE as GNN_CASE } from './gnn.bench';
import { benchMser, CASE as MSER_CASE } from './mser.bench';
import { benchSlp, CASE as SLP_CASE } from './slp.bench';
import { benchWmmse, CASE as WMMSE_CASE } from './wmmse.bench';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const record = args.includes('--record');
  const asked = args.filter((a) => a !== '--record');
  const names = backendsFromArgs(asked);
  const rows = await benchComplex(names);
  const wmmseBackends: BackendName[] = asked.length ? names : [(await initBackend()).name];
  const wmmse = await benchWmmse(wmmseBackends);
  const c2po = await benchC2po(wmmseBackends);
  const gnn = await benchGnn(wmmseBackends);
  const slp = await benchSlp(wmmseBackends);
  const mser = await benchMser(wmmseBackends);
  const payload = { date: new Date().toISOString(), cases: { wmmse: WMMSE_CASE, c2po: C2PO_CASE, gnn: GNN_CASE, slp: SLP_CASE, mser: MSER_CASE }, rows, wmmse: { rows: wmmse.rows, peer: wmmse.peer }, c2po: { rows: c2po.rows, peer: c2po.peer }, gnn: { rows: gnn.rows, peer: gnn.peer }, slp: { rows: slp.rows, peer: slp.peer }, mser: { rows: mser.rows, peer: mser.peer } };
  const file = path.join(PROJECT_ROOT, 'results', 'bench.json');
  writeFileAtomic(file, JSON.stringify(payload, null, 1));
  console.log(`written: ${path.relative(process.cwd(), file)}`);
  if (record) {
    const cpus = os.cpus();
    const machine = { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, platform: `${os.platform()} ${os.arch()}`, node: process.version };
    const rec = path.join(PROJECT_ROOT, 'data', 'bench', 'record.json');
    writeFileAtomic(rec, JSON.stringify({ format: 'precoding-workbook/bench@1', machine, ...payload }, null, 1) + '\n');
    console.log(`recorded: ${path.relative(process.cwd(), rec)} (${machine.cpu}, ${machine.cores} cores)`);
  }
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
