/**
 * Inference throughput, ours against the numpy peer of the same work (issue 21, part 1's last columns),
 * read from the committed bench record `data/bench/record.json` (`npm run bench -- --record`, with the
 * machine it ran on). One row per paper: the learned method's hot path as `bench/` times it. Every
 * number is a `Traced` into the record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataFile, PROJECT_ROOT } from '../kit/paths';
import { FIELD_POINTS } from './field';
import { PaperId } from './runs';
import { indexWhere, traced, Traced, valueAt } from './trace';

export const BENCH_RECORD_FORMAT = 'precoding-workbook/bench@1';

/** The committed bench record as JSON, with its file relative to the repository root. */
export interface BenchRecord {
  json: unknown;
  file: string;
  machine: { cpu: string; cores: number; platform: string; node: string };
  date: string;
}

/** data/bench/record.json (or `file`); a missing or foreign file is an error saying how to make one. */
export function benchRecord(file: string = dataFile('bench', 'record')): BenchRecord {
  const rel = path.relative(PROJECT_ROOT, file);
  if (!fs.existsSync(file)) throw new Error(`benchRecord: ${rel} is missing; run \`npm run bench -- --record\` on an idle machine`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`benchRecord: ${rel} is not JSON (${(e as Error).message})`);
  }
  const fmt = (json as { format?: unknown }).format;
  if (fmt !== BENCH_RECORD_FORMAT) throw new Error(`benchRecord: ${rel} has format ${JSON.stringify(fmt)}, not "${BENCH_RECORD_FORMAT}"`);
  for (const k of ['machine', 'date', 'cases', 'wmmse', 'c2po', 'gnn', 'slp', 'mser']) valueAt(json, k);
  return { json, file: rel, machine: valueAt(json, 'machine') as BenchRecord['machine'], date: valueAt(json, 'date') as string };
}

export interface ThroughputRow {
  paper: PaperId;
  /** what is timed, with its sizes (from the record's cases) */
  what: string;
  backend: string;
  unit: string;
  better: 'higher' | 'lower';
  ours: Traced;
  numpy: Traced;
  /** ours relative to numpy: > 1 = ours faster */
  speed: number;
}

function row(rec: BenchRecord, paper: PaperId, section: string, pick: (r: Record<string, unknown>) => boolean, what: string, fields: { ours: string; numpy: string; unit: string; better: 'higher' | 'lower' }): ThroughputRow {
  const i = indexWhere<Record<string, unknown>>(rec.json, `${section}.rows`, pick, what);
  const ours = traced(rec.json, rec.file, `${section}.rows[${i}].${fields.ours}`);
  const numpy = traced(rec.json, rec.file, `${section}.rows[${i}].${fields.numpy}`);
  const speed = fields.better === 'higher' ? ours.value / numpy.value : numpy.value / ours.value;
  return { paper, what, backend: valueAt(rec.json, `${section}.rows[${i}].backend`) as string, unit: fields.unit, better: fields.better, ours, numpy, speed };
}

/** One row per paper from the committed bench record (`backend`: the tfjs rows of this backend; default the record's first). */
export function throughputTable(rec: BenchRecord = benchRecord(), opts: { backend?: string } = {}): ThroughputRow[] {
  const c = (p: string) => valueAt(rec.json, `cases.${p}`) as Record<string, unknown>;
  const backend = opts.backend ?? (valueAt(rec.json, 'wmmse.rows[0].backend') as string);
  const tf = (r: Record<string, unknown>) => r.backend === backend;
  const w = c('wmmse'), cp = c('c2po'), g = c('gnn'), s = c('slp'), m = c('mser');
  const L = FIELD_POINTS.wmmseLayers;
  return [
    row(rec, 'unfolded-wmmse', 'wmmse', (r) => tf(r) && r.algorithm === 'unfolded forward' && r.L === L,
      `unfolded WMMSE forward, L = ${L}, K = ${w.users}, M = ${w.antennas}, ${w.channels} channels per call`, { ours: 'ours', numpy: 'peer', unit: 'channels/s', better: 'higher' }),
    row(rec, 'nno-c2po', 'c2po', (r) => tf(r) && r.case === 'perSample',
      `C2PO / NNO-C2PO (the same operations), t_max = ${cp.iterations}, B = ${cp.antennas}, U = ${cp.users}, one channel per precode, ${cp.perSample} per call`, { ours: 'ours', numpy: 'numpyFloat32', unit: 'precodes/s', better: 'higher' }),
    row(rec, 'gnn-quantized-precoding', 'gnn', (r) => tf(r) && r.case === 'forward',
      `GNN forward, M = ${g.antennas}, K = ${g.users}, b = ${g.bits}, N_h = ${g.hiddenLayers}, d_h = ${g.features}`, { ours: 'ours', numpy: 'numpyFloat32', unit: 'symbol vectors/s', better: 'higher' }),
    row(rec, 'slp-quantized-nn-weights', 'slp', (r) => tf(r) && r.case === 'forward',
      `SLP-DNet forward (full precision, ${s.layers} layers), M = ${s.antennas}, K = ${s.users}, batch ${valueAt(rec.json, 'cases.slp.forward.batch')}`, { ours: 'ours', numpy: 'numpyFloat32', unit: 'instances/s', better: 'higher' }),
    row(rec, 'mser-hybrid-beamforming', 'mser', (r) => r.backend === 'float64 JS' && r.case === 'one',
      `one MSER GD iteration (= one unfolded layer's operations), float64 JS kernel, J = ${m.count}, one channel`, { ours: 'oursMs', numpy: 'numpyFloat32Ms', unit: 'ms per iteration', better: 'lower' }),
  ];
}
