/**
 * The generalisation map (issue 21, part 3): every paper's committed learned network evaluated off its
 * training point, beside its classic counterpart on the same channels, symbols and noise, on a grid of
 *
 * - SNR mismatch: test SNR = the paper's reference SNR (its training SNR where it has one) + offset;
 * - CSI error: both methods precode on Ĥ with H = Ĥ + σ_h Δ, Δ i.i.d. CN(0, 1) (`imperfectCsi`, the
 *   MSER paper's model of §VI), σ_h² relative to unit-variance channel entries; the metric is taken on H;
 * - channel model: the training model (i.i.d. Rayleigh; MSER: its clustered mmWave channel) and the
 *   QuaDRiGa LoS / NLoS sets made at each paper's size (./generalisationChannels).
 *
 * One 2-D map (SNR offset × σ_h²) per channel model per paper. Every cell holds the gain of the learned
 * method over the classic one in the paper's metric, signed so that > 0 means the learned method is
 * better, with its paired standard error and both raw values (./generalisationPapers for the metrics).
 * Every draw comes from one seeded `Rng`, forked per paper, model and cell (the channels and symbols of a
 * model are shared by all its cells, the CSI error by all cells with the same σ_h², the noise and the
 * starts are the cell's own), so a cell's numbers do not depend on which other cells are computed.
 *
 * `tools/generalisation.ts` (`npm run generalisation`) computes the committed map
 * data/compare/generalisation.json; `readGeneralisation` reads it back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { backendInfo } from '../core/backend';
import { writeFileAtomic } from '../core/io';
import { Rng, Seed } from '../core/random';
import { PROJECT_ROOT } from '../kit/paths';
import { array, finite, integer, literal, object, optional, Schema, string } from '../kit/schema';
import { above, meanSe, pairedDiff } from '../kit/stats';
import { wilsonInterval } from '../phy/errorRate';
import { imperfectCsi } from '../phy/channels';
import { silentProgress, Progress, Ticker } from '../train/progress';
import { MAP_CHANNEL_LABELS, MAP_CHANNEL_MODELS, MapChannelModel, quadrigaPresent, quadrigaSet, quadrigaSetFile, quadrigaSize, QUADRIGA_SIZES } from './generalisationChannels';
import { PairedItems, GeneralisationPaperInfo, paperSetup, PaperSetup, PreparedModel } from './generalisationPapers';
import { PAPERS, PaperId } from './runs';
import { tracedValue } from './trace';
import type { FigureSpec, Series } from '../kit/figureSpec';

export { MAP_CHANNEL_LABELS, MAP_CHANNEL_MODELS, QUADRIGA_SIZES, quadrigaSet, quadrigaSetFile } from './generalisationChannels';
export type { MapChannelModel } from './generalisationChannels';
export type { GeneralisationPaperInfo } from './generalisationPapers';

export const GENERALISATION_FORMAT = 'precoding-workbook/generalisation@1';

/** The committed map. */
export const GENERALISATION_FILE = path.join(PROJECT_ROOT, 'data', 'compare', 'generalisation.json');

export type GeneralisationSize = 'quick' | 'full';
export const GENERALISATION_SIZES: readonly GeneralisationSize[] = ['quick', 'full'];

/** One cell: a paper's learned and classic method at one SNR offset, CSI error and channel model. */
export interface GeneralisationCell {
  model: MapChannelModel;
  snrOffsetDb: number;
  /** the test SNR, dB (the paper's reference + offset) */
  snrDb: number;
  /** σ_h², the CSI error variance per entry (0: perfect CSI) */
  csiVar: number;
  /** means over the items, in the paper's metric, with their standard errors */
  learned: number;
  classic: number;
  learnedSe: number;
  classicSe: number;
  /** learned over classic, > 0 = learned better, with its paired standard error */
  gain: number;
  se: number;
  /** error rates counted in bits: 95 % Wilson intervals of the two rates */
  learnedInterval?: [number, number];
  classicInterval?: [number, number];
  /** the items the means are over (channels, SLP instances, or BER batches of channels) */
  items: number;
  /** SLP: share of instances meeting every constructive constraint on the true channel */
  trueChannelShare?: { learned: number; classic: number };
}

/** A channel model of one paper: computed on `channels` channels, or skipped with the reason. */
export interface GeneralisationModel {
  model: MapChannelModel;
  label: string;
  status: 'computed' | 'skipped';
  reason: string;
  channels: number;
}

/** One paper's map. */
export interface PaperGeneralisation extends GeneralisationPaperInfo {
  snrOffsetsDb: number[];
  csiVars: number[];
  models: GeneralisationModel[];
  /** the committed training-point comparison, read from the run at `saved.path` */
  savedValue: number;
  /** the seed label of this paper's stream */
  seed: string;
  seconds: number;
  cells: GeneralisationCell[];
}

export interface GeneralisationMap {
  format: typeof GENERALISATION_FORMAT;
  size: GeneralisationSize;
  seed: string;
  backend: string;
  seconds: number;
  createdAt: string;
  snrOffsetsDb: number[];
  csiVars: number[];
  papers: PaperGeneralisation[];
}

/** Test channels per paper and model (QuaDRiGa: at most what its eval file holds). */
export const GENERALISATION_TEST_CHANNELS: Readonly<Record<GeneralisationSize, Record<PaperId, number>>> = {
  quick: { 'unfolded-wmmse': 200, 'nno-c2po': 40, 'gnn-quantized-precoding': 8, 'slp-quantized-nn-weights': 30, 'mser-hybrid-beamforming': 2 },
  full: { 'unfolded-wmmse': 4000, 'nno-c2po': 1000, 'gnn-quantized-precoding': 300, 'slp-quantized-nn-weights': 1000, 'mser-hybrid-beamforming': 32 },
};

export const GENERALISATION_GRID: Readonly<Record<GeneralisationSize, { snrOffsetsDb: number[]; csiVars: number[] }>> = {
  quick: { snrOffsetsDb: [-5, 0, 5], csiVars: [0, 0.05] },
  full: { snrOffsetsDb: [-10, -5, 0, 5, 10], csiVars: [0, 0.01, 0.05, 0.2] },
};

/** Allowed ranges of the grid options. */
export const GENERALISATION_SNR_RANGE_DB: readonly [number, number] = [-20, 20];
export const GENERALISATION_CSI_RANGE: readonly [number, number] = [0, 1];
export const GENERALISATION_MAX_CHANNELS = 100000;

export interface GeneralisationOptions {
  /** 'quick' (seconds, for tests) or 'full' (the committed map); default 'full' */
  size?: GeneralisationSize;
  /** default 21 (the issue) */
  seed?: Seed;
  /** default all five */
  papers?: PaperId[];
  /** SNR offsets, dB, in [−20, 20], distinct, including 0; default the size's grid */
  snrOffsetsDb?: number[];
  /** σ_h² in [0, 1], distinct, including 0; default the size's grid */
  csiVars?: number[];
  /** channel models (default every one a paper has) */
  models?: MapChannelModel[];
  /** test channels per paper (default the size's) */
  testChannels?: Partial<Record<PaperId, number>>;
  progress?: Progress;
}

interface Resolved {
  size: GeneralisationSize;
  seed: string;
  papers: PaperId[];
  snrOffsetsDb: number[];
  csiVars: number[];
  models: MapChannelModel[];
  testChannels: Record<PaperId, number>;
  progress: Progress;
}

function checkGrid(fn: string, name: string, v: unknown, range: readonly [number, number], unit: string): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${fn}(opts.${name}): a non-empty array of numbers in [${range[0]}, ${range[1]}]${unit}; got ${JSON.stringify(v)}`);
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < range[0] || x > range[1]) throw new Error(`${fn}(opts.${name}): every value must be a number in [${range[0]}, ${range[1]}]${unit}; got ${JSON.stringify(x)}`);
  }
  if (new Set(v).size !== v.length) throw new Error(`${fn}(opts.${name}): values must be distinct; got ${JSON.stringify(v)}`);
  if (!v.includes(0)) throw new Error(`${fn}(opts.${name}): must include 0 (the training point); got ${JSON.stringify(v)}`);
  return [...(v as number[])].sort((a, b) => a - b);
}

function resolve(fn: string, o: GeneralisationOptions): Resolved {
  if (o === null || typeof o !== 'object') throw new Error(`${fn}(opts): an options object { size?, seed?, papers?, snrOffsetsDb?, csiVars?, models?, testChannels?, progress? }; got ${String(o)}`);
  const size = o.size ?? 'full';
  if (!GENERALISATION_SIZES.includes(size)) throw new Error(`${fn}(opts.size): one of ${GENERALISATION_SIZES.join(', ')}; got ${JSON.stringify(size)}`);
  const seed = o.seed ?? 21;
  if (!((typeof seed === 'number' && Number.isFinite(seed)) || (typeof seed === 'string' && seed !== ''))) throw new Error(`${fn}(opts.seed): a finite number or a non-empty string; got ${JSON.stringify(seed)}`);
  const papers = o.papers ?? [...PAPERS];
  if (!Array.isArray(papers) || papers.length === 0) throw new Error(`${fn}(opts.papers): a non-empty array of ${PAPERS.join(', ')}; got ${JSON.stringify(papers)}`);
  for (const p of papers) if (!PAPERS.includes(p)) throw new Error(`${fn}(opts.papers): each one of ${PAPERS.join(', ')}; got ${JSON.stringify(p)}`);
  const models = o.models ?? [...MAP_CHANNEL_MODELS];
  if (!Array.isArray(models) || models.length === 0) throw new Error(`${fn}(opts.models): a non-empty array of ${MAP_CHANNEL_MODELS.join(', ')}; got ${JSON.stringify(models)}`);
  for (const m of models) if (!MAP_CHANNEL_MODELS.includes(m)) throw new Error(`${fn}(opts.models): each one of ${MAP_CHANNEL_MODELS.join(', ')}; got ${JSON.stringify(m)}`);
  const testChannels = { ...GENERALISATION_TEST_CHANNELS[size] };
  for (const [k, v] of Object.entries(o.testChannels ?? {})) {
    if (!PAPERS.includes(k as PaperId)) throw new Error(`${fn}(opts.testChannels): keys must be among ${PAPERS.join(', ')}; got ${JSON.stringify(k)}`);
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= GENERALISATION_MAX_CHANNELS)) throw new Error(`${fn}(opts.testChannels.${k}): an integer in [1, ${GENERALISATION_MAX_CHANNELS}]; got ${JSON.stringify(v)}`);
    testChannels[k as PaperId] = v;
  }
  return {
    size, seed: String(seed), papers: PAPERS.filter((p) => papers.includes(p)), models,
    snrOffsetsDb: checkGrid(fn, 'snrOffsetsDb', o.snrOffsetsDb ?? GENERALISATION_GRID[size].snrOffsetsDb, GENERALISATION_SNR_RANGE_DB, ' dB'),
    csiVars: checkGrid(fn, 'csiVars', o.csiVars ?? GENERALISATION_GRID[size].csiVars, GENERALISATION_CSI_RANGE, ' (σ_h² per unit-variance entry)'),
    testChannels, progress: o.progress ?? silentProgress,
  };
}

/** The channel models of a paper under `models`, each with its status and channel count. */
function modelEntries(s: PaperSetup, r: Resolved): GeneralisationModel[] {
  const count = r.testChannels[s.info.paper];
  return s.models.filter((m) => r.models.includes(m.model)).map((m): GeneralisationModel => {
    const label = MAP_CHANNEL_LABELS[m.model];
    if (m.skip) return { model: m.model, label, status: 'skipped', reason: m.skip, channels: 0 };
    if (m.model === 'quadriga-los' || m.model === 'quadriga-nlos') {
      const size = { antennas: s.info.dimensions.antennas, users: s.info.dimensions.users };
      const cond = m.model === 'quadriga-los' ? 'los' : 'nlos';
      if (!QUADRIGA_SIZES.some((z) => z.antennas === size.antennas && z.users === size.users)) return { model: m.model, label, status: 'skipped', reason: `no QuaDRiGa set is made at the paper's ${size.antennas} antennas × ${size.users} users`, channels: 0 };
      if (!quadrigaPresent(size)) return { model: m.model, label, status: 'skipped', reason: `${path.relative(PROJECT_ROOT, quadrigaSetFile(cond, size))} is not present (tools/quadriga/README.md says how to make it)`, channels: 0 };
      const n = Math.min(count, quadrigaSize(cond, size));
      return { model: m.model, label, status: 'computed', reason: `the first ${n} channels of ${path.relative(PROJECT_ROOT, quadrigaSetFile(cond, size))} (QuaDRiGa, made at the paper's ${size.antennas} × ${size.users})`, channels: n };
    }
    return { model: m.model, label, status: 'computed', reason: m.model === s.info.training.channel ? 'the training model (fresh draws)' : 'drawn from the seed', channels: count };
  });
}

/** The true channels of a model (QuaDRiGa: the committed set at the paper's size; else drawn inside `prepare`). */
function prepareModel(s: PaperSetup, e: GeneralisationModel, rng: Rng): PreparedModel {
  const mrng = rng.fork(e.model);
  if (e.model === 'quadriga-los' || e.model === 'quadriga-nlos') {
    const h = quadrigaSet(e.model === 'quadriga-los' ? 'los' : 'nlos', { count: e.channels, users: s.info.dimensions.users, antennas: s.info.dimensions.antennas });
    return s.prepare(e.model, mrng, e.channels, h);
  }
  return s.prepare(e.model, mrng, e.channels);
}

/**
 * The estimate Ĥ of a model's channels at σ_h² (one draw per model and σ_h², shared by its cells at every
 * SNR offset: H = Ĥ + σ_h Δ); `perfect` (σ_h² = 0 only) returns the true channels themselves, no draw.
 * The caller disposes it unless it is `prep.h`.
 */
function estimateOf(prep: PreparedModel, e: GeneralisationModel, rng: Rng, csiVar: number, perfect = false): Complex {
  if (perfect) return prep.h;
  const pair = imperfectCsi(rng.fork(e.model).fork(`csi/${csiVar}`), prep.h, Math.sqrt(csiVar), 'true');
  C.dispose(pair.hTrue);
  return pair.hEst;
}

/** One cell from the estimate `est` of its σ_h² (noise, starts and symbols of the cell from its own fork). */
function cellOf(s: PaperSetup, prep: PreparedModel, e: GeneralisationModel, rng: Rng, est: Complex, snrOffsetDb: number, csiVar: number): GeneralisationCell {
  const snrDb = s.info.referenceSnrDb + snrOffsetDb;
  const paired: PairedItems = prep.evaluate(est, snrDb, rng.fork(e.model).fork(`cell/${snrOffsetDb}/${csiVar}`));
  const higher = s.info.better === 'higher';
  const d = higher ? pairedDiff(paired.learned, paired.classic) : pairedDiff(paired.classic, paired.learned);
  const l = meanSe(paired.learned), c = meanSe(paired.classic);
  const cell: GeneralisationCell = {
    model: e.model, snrOffsetDb, snrDb, csiVar,
    learned: l.mean, classic: c.mean, learnedSe: l.se, classicSe: c.se, gain: d.mean, se: d.se, items: paired.learned.length,
  };
  if (paired.counts) {
    const { learnedErrors, classicErrors, trials } = paired.counts;
    cell.learned = learnedErrors / trials;
    cell.classic = classicErrors / trials;
    const wl = wilsonInterval(learnedErrors, trials), wc = wilsonInterval(classicErrors, trials);
    cell.learnedInterval = [wl.low, wl.high];
    cell.classicInterval = [wc.low, wc.high];
  }
  if (paired.trueChannelShare) cell.trueChannelShare = paired.trueChannelShare;
  return cell;
}

function savedValueOf(info: GeneralisationPaperInfo): number {
  const json = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, info.run), 'utf8')) as unknown;
  return tracedValue(json, info.saved.path);
}

/** The map of one paper (its setup loaded and disposed here). */
async function paperMap(paper: PaperId, r: Resolved, ticker: Ticker, done: { n: number }): Promise<PaperGeneralisation> {
  const t0 = Date.now();
  const s = paperSetup(paper);
  const rng = new Rng(r.seed).fork(paper);
  try {
    const models = modelEntries(s, r);
    const cells: GeneralisationCell[] = [];
    for (const e of models.filter((m) => m.status === 'computed')) {
      const prep = prepareModel(s, e, rng);
      try {
        for (const csi of r.csiVars) {
          const est = estimateOf(prep, e, rng, csi);
          try {
            for (const off of r.snrOffsetsDb) {
              cells.push(cellOf(s, prep, e, rng, est, off, csi));
              done.n++;
              ticker.tick(done.n, { message: `${paper} ${e.model} ${off >= 0 ? '+' : ''}${off} dB σ²=${csi}` });
              await new Promise<void>((res) => setImmediate(res));
            }
          } finally {
            prep.release(est);
            if (est !== prep.h) C.dispose(est);
          }
        }
      } finally {
        prep.dispose();
      }
    }
    return { ...s.info, snrOffsetsDb: r.snrOffsetsDb, csiVars: r.csiVars, models, savedValue: savedValueOf(s.info), seed: `${r.seed}/${paper}`, seconds: (Date.now() - t0) / 1000, cells };
  } finally {
    s.dispose();
  }
}

/** Cells a map of these options computes (for progress and time estimates). */
function cellCount(r: Resolved): number {
  let n = 0;
  for (const p of r.papers) {
    const models = p === 'mser-hybrid-beamforming' ? ['clustered', 'rayleigh'] : ['rayleigh', 'quadriga-los', 'quadriga-nlos'];
    n += models.filter((m) => r.models.includes(m as MapChannelModel)).length * r.snrOffsetsDb.length * r.csiVars.length;
  }
  return n;
}

/**
 * The generalisation map (module comment): every paper of `opts.papers`, every computed model, every
 * (σ_h², SNR offset). Reports progress per cell ('generalisation'). Leaves no tensor behind.
 */
export async function generalisationMap(opts: GeneralisationOptions = {}): Promise<GeneralisationMap> {
  const r = resolve('generalisationMap', opts);
  const t0 = Date.now();
  const ticker = new Ticker(r.progress, 'generalisation', cellCount(r));
  const done = { n: 0 };
  const papers: PaperGeneralisation[] = [];
  try {
    for (const p of r.papers) papers.push(await paperMap(p, r, ticker, done));
  } finally {
    ticker.end();
  }
  return {
    format: GENERALISATION_FORMAT, size: r.size, seed: r.seed, backend: backendInfo().name, seconds: (Date.now() - t0) / 1000, createdAt: new Date().toISOString(),
    snrOffsetsDb: r.snrOffsetsDb, csiVars: r.csiVars, papers,
  };
}

export interface GeneralisationCellOptions {
  paper: PaperId;
  model: MapChannelModel;
  snrOffsetDb: number;
  csiVar: number;
  size?: GeneralisationSize;
  seed?: Seed;
  testChannels?: number;
  /** skip the CSI error draw: the estimate is the true channel (σ_h² must be 0) */
  perfectCsi?: boolean;
}

/**
 * One cell of the map, computed alone: the same numbers as that cell of `generalisationMap` with the same
 * size, seed and test channels (the draws are forked per paper, model and cell).
 */
export function generalisationCell(opts: GeneralisationCellOptions): GeneralisationCell {
  const fn = 'generalisationCell';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}(opts): needs { paper, model, snrOffsetDb, csiVar, size?, seed?, testChannels?, perfectCsi? }`);
  const r = resolve(fn, {
    size: opts.size, seed: opts.seed, papers: [opts.paper], models: [opts.model], snrOffsetsDb: [0, ...(opts.snrOffsetDb === 0 ? [] : [opts.snrOffsetDb])],
    csiVars: [0, ...(opts.csiVar === 0 ? [] : [opts.csiVar])], testChannels: opts.testChannels !== undefined ? { [opts.paper]: opts.testChannels } : {},
  });
  if (opts.perfectCsi && opts.csiVar !== 0) throw new Error(`${fn}(opts.perfectCsi): only with csiVar = 0; got csiVar ${opts.csiVar}`);
  const s = paperSetup(opts.paper);
  try {
    const e = modelEntries(s, r).find((m) => m.model === opts.model);
    if (!e) throw new Error(`${fn}(opts.model): ${opts.paper} is evaluated on ${s.models.map((m) => m.model).join(', ')}; got ${JSON.stringify(opts.model)}`);
    if (e.status !== 'computed') throw new Error(`${fn}(opts.model): ${opts.paper} skips ${opts.model}: ${e.reason}`);
    const rng = new Rng(r.seed).fork(opts.paper);
    const prep = prepareModel(s, e, rng);
    try {
      const est = estimateOf(prep, e, rng, opts.csiVar, opts.perfectCsi === true);
      try {
        return cellOf(s, prep, e, rng, est, opts.snrOffsetDb, opts.csiVar);
      } finally {
        prep.release(est);
        if (est !== prep.h) C.dispose(est);
      }
    } finally {
      prep.dispose();
    }
  } finally {
    s.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// The committed file
// ---------------------------------------------------------------------------------------------

const pair: Schema<[number, number]> = {
  describe: 'a pair [low, high] of finite numbers',
  check: (v, p) => {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`${p} must be a pair [low, high] of finite numbers; got ${JSON.stringify(v)?.slice(0, 60)}`);
    return [v[0] as number, v[1] as number];
  },
};

function oneOf<T extends string>(values: readonly T[]): Schema<T> {
  const d = `one of ${values.join(', ')}`;
  return { describe: d, check: (v, p) => { if (!values.includes(v as T)) throw new Error(`${p} must be ${d}; got ${JSON.stringify(v)}`); return v as T; } };
}

const nullableFinite: Schema<number | null> = { describe: 'a finite number or null', check: (v, p) => (v === null ? null : finite.check(v, p)) };

const cellSchema: Schema<GeneralisationCell> = object({
  model: oneOf(MAP_CHANNEL_MODELS), snrOffsetDb: finite, snrDb: finite, csiVar: finite,
  learned: finite, classic: finite, learnedSe: finite, classicSe: finite, gain: finite, se: finite,
  learnedInterval: optional(pair), classicInterval: optional(pair), items: integer,
  trueChannelShare: optional(object({ learned: finite, classic: finite })),
});

const paperSchema: Schema<PaperGeneralisation> = object({
  paper: oneOf(PAPERS), learned: string, classic: string, metric: string, unit: string, better: oneOf(['higher', 'lower'] as const), gain: string,
  network: string, run: string,
  training: object({ snrDb: nullableFinite, channel: oneOf(MAP_CHANNEL_MODELS), note: string }),
  referenceSnrDb: finite, snrDefinition: string,
  dimensions: object({ antennas: integer, users: integer, note: string }),
  saved: object({ path: string, metric: string }),
  snrOffsetsDb: array(finite, { minLength: 1 }), csiVars: array(finite, { minLength: 1 }),
  models: array(object({ model: oneOf(MAP_CHANNEL_MODELS), label: string, status: oneOf(['computed', 'skipped'] as const), reason: string, channels: integer })),
  savedValue: finite, seed: string, seconds: finite,
  cells: array(cellSchema),
}) as Schema<PaperGeneralisation>;

const mapSchema: Schema<GeneralisationMap> = object({
  format: literal(GENERALISATION_FORMAT), size: oneOf(GENERALISATION_SIZES), seed: string, backend: string, seconds: finite, createdAt: string,
  snrOffsetsDb: array(finite, { minLength: 1 }), csiVars: array(finite, { minLength: 1 }), papers: array(paperSchema),
}) as Schema<GeneralisationMap>;

/** Check a map's structure and that every computed model has exactly one cell per (σ_h², SNR offset). */
export function checkGeneralisation(v: unknown, where: string): GeneralisationMap {
  const m = mapSchema.check(v, where);
  m.papers.forEach((p, i) => {
    const at = `${where}.papers[${i}] (${p.paper})`;
    for (const e of p.models) {
      const cells = p.cells.filter((c) => c.model === e.model);
      const want = e.status === 'computed' ? p.snrOffsetsDb.length * p.csiVars.length : 0;
      if (cells.length !== want) throw new Error(`${at}.cells: model ${e.model} (${e.status}) needs ${want} cells (one per σ_h² and SNR offset); got ${cells.length}`);
      for (const csi of e.status === 'computed' ? p.csiVars : []) for (const off of p.snrOffsetsDb) {
        const n = cells.filter((c) => c.csiVar === csi && c.snrOffsetDb === off).length;
        if (n !== 1) throw new Error(`${at}.cells: model ${e.model} needs one cell at σ_h² = ${csi}, offset ${off} dB; got ${n}`);
      }
    }
    const stray = p.cells.find((c) => !p.models.some((e) => e.model === c.model && e.status === 'computed'));
    if (stray) throw new Error(`${at}.cells: a cell of model ${stray.model}, which the paper does not compute`);
    p.cells.forEach((c, j) => {
      if (c.snrDb !== p.referenceSnrDb + c.snrOffsetDb) throw new Error(`${at}.cells[${j}].snrDb must be referenceSnrDb + snrOffsetDb = ${p.referenceSnrDb + c.snrOffsetDb}; got ${c.snrDb}`);
      if (!(c.se >= 0)) throw new Error(`${at}.cells[${j}].se must be ≥ 0; got ${c.se}`);
    });
  });
  return m;
}

/** Read and check the committed map (default data/compare/generalisation.json); errors name the file and field. */
export function readGeneralisation(file: string = GENERALISATION_FILE): GeneralisationMap {
  const rel = path.relative(PROJECT_ROOT, file) || file;
  if (!fs.existsSync(file)) throw new Error(`readGeneralisation: ${rel} is missing; compute it with npm run generalisation`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`readGeneralisation: ${rel} is not valid JSON: ${(e as Error).message}`);
  }
  return checkGeneralisation(json, rel);
}

/** Write a map atomically (temporary file, then rename); returns the file. */
export function writeGeneralisation(map: GeneralisationMap, file: string = GENERALISATION_FILE): string {
  checkGeneralisation(map, 'writeGeneralisation(map)');
  writeFileAtomic(file, `${JSON.stringify(map, null, 1)}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Heatmaps, figures, findings
// ---------------------------------------------------------------------------------------------

/** The cell of a paper's map (undefined when not computed). */
export function mapCellAt(p: PaperGeneralisation, model: MapChannelModel, snrOffsetDb: number, csiVar: number): GeneralisationCell | undefined {
  return p.cells.find((c) => c.model === model && c.snrOffsetDb === snrOffsetDb && c.csiVar === csiVar);
}

/** One heatmap: x = test SNR (dB), y = σ_h², z[y][x] = gain (> 0 learned better), se and verdict alike. */
export interface GeneralisationHeatmap {
  paper: PaperId;
  model: MapChannelModel;
  label: string;
  x: number[];
  y: number[];
  z: number[][];
  se: number[][];
  /** `mapCellVerdict`: +1 better, −1 worse, 0 not told apart (within 2 s.e. or below MAP_PRACTICAL_SHARE) */
  verdict: number[][];
  xLabel: string;
  yLabel: string;
  zLabel: string;
}

/** A cell's verdict: 'better' / 'worse' beyond 2 paired s.e., else 'even'. */
/** A gain smaller than this share of the classic value is 'even' however small its s.e. (e.g. SER 1e-13). */
export const MAP_PRACTICAL_SHARE = 1e-3;

/**
 * 'better' / 'worse' when the gain is beyond 2 s.e. AND at least MAP_PRACTICAL_SHARE of the classic
 * method's value in size (a practical threshold: a statistically certain 1e-13 SER is no gain); else 'even'.
 */
export function mapCellVerdict(c: Pick<GeneralisationCell, 'gain' | 'se' | 'classic'>): 'better' | 'worse' | 'even' {
  if (Math.abs(c.gain) < MAP_PRACTICAL_SHARE * Math.abs(c.classic)) return 'even';
  return above({ mean: c.gain, se: c.se }) ? 'better' : above({ mean: -c.gain, se: c.se }) ? 'worse' : 'even';
}

/** The heatmaps of one paper, one per computed channel model. */
export function generalisationHeatmaps(p: PaperGeneralisation): GeneralisationHeatmap[] {
  return p.models.filter((e) => e.status === 'computed').map((e) => {
    const cell = (csi: number, off: number) => {
      const c = mapCellAt(p, e.model, off, csi);
      if (!c) throw new Error(`generalisationHeatmaps: ${p.paper} has no cell ${e.model}, σ_h² = ${csi}, ${off} dB`);
      return c;
    };
    const row = (f: (c: GeneralisationCell) => number) => p.csiVars.map((csi) => p.snrOffsetsDb.map((off) => f(cell(csi, off))));
    const v = { better: 1, worse: -1, even: 0 } as const;
    return {
      paper: p.paper, model: e.model, label: e.label, x: p.snrOffsetsDb.map((o) => p.referenceSnrDb + o), y: [...p.csiVars],
      z: row((c) => c.gain), se: row((c) => c.se), verdict: row((c) => v[mapCellVerdict(c)]),
      xLabel: `test SNR (dB; ${p.training.snrDb === null ? 'reference' : 'trained at'} ${p.referenceSnrDb} dB)`, yLabel: 'CSI error σ_h²', zLabel: `gain (${p.unit}; > 0: learned better)`,
    };
  });
}

const cellText = (g: number, se: number): string => `${g > 0 ? '+' : ''}${num(g)} ± ${num(se)}`;

/**
 * The map of one paper as heatmaps: x = test SNR, y = σ_h², colour = gain (diverging around 0: learned
 * better above, worse below), each cell labelled "gain ± s.e.", with "≈ " in front where `mapCellVerdict`
 * does not tell the two apart (the colour alone shows size, not significance); the channel model switched in
 * the browser.
 */
export function generalisationFigure(p: PaperGeneralisation): FigureSpec {
  const maps = generalisationHeatmaps(p);
  return {
    title: `${p.paper}: gain of the learned method (blue: better, red: worse; ≈: not told apart)`,
    xLabel: maps[0]?.xLabel ?? 'test SNR (dB)', yLabel: 'CSI error σ_h²', series: [],
    heatmaps: maps.map((h) => ({
      name: h.label, x: h.x, y: h.y.map(String), z: h.z, text: h.z.map((row, i) => row.map((g, j) => `${h.verdict[i][j] === 0 ? '≈ ' : ''}${cellText(g, h.se[i][j])}`)),
      zmid: 0, zLabel: `gain (${p.unit})`, group: h.label,
    })),
    ...(maps.length ? { switcher: { label: 'channel model', values: maps.map((h) => h.label), kind: 'dropdown' as const } } : {}),
  };
}

/**
 * The same map as lines: gain vs test SNR, one curve per σ_h² with ±2 s.e. bars, the channel model
 * switched in the browser, and the zero line (learned = classic).
 */
export function generalisationLines(p: PaperGeneralisation): FigureSpec {
  const maps = generalisationHeatmaps(p);
  const series: Series[] = maps.flatMap((h) => h.y.map((csi, i) => ({
    name: csi === 0 ? 'perfect CSI' : `σ_h² = ${csi}`, x: h.x, y: h.z[i],
    yLow: h.z[i].map((g, j) => g - 2 * h.se[i][j]), yHigh: h.z[i].map((g, j) => g + 2 * h.se[i][j]),
    group: h.label,
  })));
  return {
    title: `${p.paper}: ${p.learned} − ${p.classic} off the training point`,
    xLabel: maps[0]?.xLabel ?? 'test SNR (dB)', yLabel: `gain in ${p.metric} (${p.unit}; > 0: learned better)`, series,
    hlines: [{ y: 0, name: 'learned = classic' }],
    ...(maps.length ? { switcher: { label: 'channel model', values: maps.map((h) => h.label), kind: 'dropdown' as const } } : {}),
  };
}

const num = (x: number): string => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : Number(x.toPrecision(3)).toString());
const list = (xs: readonly (number | string)[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** Generated sentences per paper: the training point, where the gain stays positive, where it turns negative. */
export function generalisationFindings(map: GeneralisationMap): string[] {
  return map.papers.map((p) => {
    const train = mapCellAt(p, p.training.channel, 0, 0);
    const parts: string[] = [];
    if (train) {
      const v = mapCellVerdict(train);
      parts.push(`at its ${p.training.snrDb === null ? 'reference point' : 'training point'} (${MAP_CHANNEL_LABELS[p.training.channel]}, ${train.snrDb} dB, perfect CSI${p.training.snrDb === null ? '; it has no training SNR' : ''}) the gain is ${num(train.gain)} ± ${num(train.se)} ${p.unit} (${v === 'better' ? 'learned better' : v === 'worse' ? 'learned worse' : 'not distinguishable'} beyond 2 s.e.; the committed run's ${p.saved.metric}: ${num(p.savedValue)})`);
    }
    for (const e of p.models) {
      if (e.status === 'skipped') {
        parts.push(`${e.label}: skipped (${e.reason})`);
        continue;
      }
      const cells = p.cells.filter((c) => c.model === e.model);
      const better = cells.filter((c) => mapCellVerdict(c) === 'better'), worse = cells.filter((c) => mapCellVerdict(c) === 'worse');
      const perCsi = p.csiVars.map((csi) => ({ csi, cs: cells.filter((c) => c.csiVar === csi) }));
      const allBetter = perCsi.filter((x) => x.cs.every((c) => mapCellVerdict(c) === 'better')).map((x) => x.csi);
      const lo = cells.reduce((a, b) => (b.gain < a.gain ? b : a)), hi = cells.reduce((a, b) => (b.gain > a.gain ? b : a));
      let s = `${e.label}: learned better in ${better.length} of ${cells.length} cells, worse in ${worse.length}`;
      if (allBetter.length) s += `; better at every SNR for σ_h² ∈ {${allBetter.join(', ')}}`;
      if (worse.length) {
        const at = p.csiVars.map((csi) => ({ csi, snrs: worse.filter((c) => c.csiVar === csi).map((c) => c.snrDb).sort((a, b) => a - b) })).filter((x) => x.snrs.length > 0);
        s += `; below ${p.classic} at ${at.map((x) => `σ_h² = ${x.csi}: ${list(x.snrs)} dB`).join('; ')}`;
      } else s += `; never below ${p.classic} (2 s.e. and ${100 * MAP_PRACTICAL_SHARE} % of its value)`;
      s += `; gain from ${num(lo.gain)} (${lo.snrDb} dB, σ_h² = ${lo.csiVar}) to ${num(hi.gain)} (${hi.snrDb} dB, σ_h² = ${hi.csiVar}) ${p.unit}`;
      const shares = cells.filter((c) => c.trueChannelShare && c.csiVar > 0);
      if (shares.length) {
        const worst = shares.reduce((a, b) => (b.csiVar > a.csiVar || (b.csiVar === a.csiVar && b.snrDb < a.snrDb) ? b : a));
        s += `; with σ_h² = ${worst.csiVar} the constructive constraints hold on the true channel for ${num(100 * (worst.trueChannelShare?.learned ?? 0))} % (learned) and ${num(100 * (worst.trueChannelShare?.classic ?? 0))} % (classic) of the instances`;
      }
      parts.push(s);
    }
    return `**${p.paper}** (${p.learned} vs ${p.classic}, ${p.metric}): ${parts.join('. ')}.`;
  });
}
