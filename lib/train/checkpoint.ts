/**
 * Trained parameters to and from JSON: the one format every trained model of every paper is saved in.
 *
 * Format `precoding-workbook/params@2` (files written atomically, one parameter per line):
 *
 *   { "format": "precoding-workbook/params@2",
 *     "meta": { "paper", "preset", "seed", "backend", "trainingBudget": { "steps", "batchSize",
 *               "channels", …more counts }, …free-form extras },
 *     "params": { "<name>": { "shape": [..], "values": [..row-major float32..] }, … } }
 *
 * Values are written as the shortest decimals that read back to the same float32, so a round trip is
 * bit-exact. `@1` files (the same without required meta) still load; everything writes `@2`.
 *
 * Loading checks the format and version, the meta fields (@2), and every parameter's shape and
 * finiteness; `restoreInto` checks that the names and shapes are exactly the model's (no missing, no
 * extra, no mis-shaped parameter) before assigning anything. Every error names the file (or, for a
 * checkpoint embedded in a larger JSON file, the `source` given to `checkpointFromJson`) and the
 * parameter.
 */
import * as tf from '@tensorflow/tfjs';
import { readTextFile, writeFileAtomic } from '../core/io';
import type { Seed } from '../core/random';
import type { ParamSet } from './params';

export const CHECKPOINT_FORMAT = 'precoding-workbook/params@2';
export const CHECKPOINT_FORMAT_V1 = 'precoding-workbook/params@1';
const FORMAT_PREFIX = 'precoding-workbook/params@';

export interface SavedParam {
  shape: number[];
  /** row-major float32 values, shape.reduce(×) of them */
  values: number[];
}

/** What training cost: counts, all non-negative integers. */
export interface TrainingBudget {
  /** optimizer steps */
  steps: number;
  /** samples (channels, or channel-symbol blocks) per step */
  batchSize: number;
  /** distinct training channels drawn */
  channels: number;
  /** more counts (epochs, symbolsPerChannel, …) */
  [extra: string]: number;
}

/** Required meta of an @2 checkpoint, plus free-form extras (loss, wall time, notes, …). */
export interface CheckpointMeta {
  /** the paper folder, e.g. 'gnn' */
  paper: string;
  /** 'quick' | 'reproduce' | 'paper' or another preset name */
  preset: string;
  seed: Seed;
  /** the tfjs backend that trained it, e.g. backendInfo().name */
  backend: string;
  trainingBudget: TrainingBudget;
  [extra: string]: unknown;
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  meta: CheckpointMeta;
  params: Record<string, SavedParam>;
}

/** Names of saved parameters that are state, not trained: batch-norm running statistics (./layers/batchNorm). */
export const SAVED_STATE = /\/running(Mean|Var)$/;

/** How many numbers a checkpoint holds: trained parameters and saved state (batch-norm running statistics). */
export function savedParamCount(ckpt: { params: Record<string, SavedParam> }): { trained: number; state: number } {
  let trained = 0, state = 0;
  for (const [name, p] of Object.entries(ckpt.params)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    if (SAVED_STATE.test(name)) state += n;
    else trained += n;
  }
  return { trained, state };
}

/** An @1 checkpoint: meta was free-form. */
export interface CheckpointV1 {
  format: typeof CHECKPOINT_FORMAT_V1;
  meta: Record<string, unknown>;
  params: Record<string, SavedParam>;
}

export type AnyCheckpoint = Checkpoint | CheckpointV1;

/** Named tensors to save: a model's `ParamSet` or a plain record. */
export type ParamSource = ParamSet | Record<string, tf.Tensor>;

/** Named variables to restore into. */
export type ParamTarget = ParamSet | Record<string, tf.Variable>;

const SOURCE = Symbol('checkpoint source');
type WithSource = { [SOURCE]?: string };

/** Where a checkpoint came from (file path or embedding source), for messages. */
export function checkpointSource(ckpt: AnyCheckpoint): string {
  return (ckpt as WithSource)[SOURCE] ?? '(in memory)';
}

function withSource<T extends AnyCheckpoint>(ckpt: T, source: string): T {
  // non-enumerable: never written when the checkpoint is stringified or embedded
  Object.defineProperty(ckpt, SOURCE, { value: source, enumerable: false });
  return ckpt;
}

const shapeText = (s: readonly number[]) => `[${s.join(',')}]`;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The shortest decimal (for normal floats) that reads back as the same float32 as `x`: bit-exact round trip. */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  if (f === 0 || !Number.isFinite(f)) return f;
  // 9 significant digits always identify a float32. Starting at 6 loses nothing for normal floats:
  // if fewer digits identify f, rounding f to 6 digits gives those same digits (f is within a
  // relative 2^-24 of them); subnormals (< 1.2e-38) may get a longer, still exact, decimal.
  for (let p = 6; p < 9; p++) {
    const y = Number(f.toPrecision(p));
    if (Math.fround(y) === f) return y;
  }
  return Number(f.toPrecision(9));
}

/** Throws `${where}: meta.… must be …` unless `meta` has every required @2 field. */
export function checkCheckpointMeta(where: string, meta: unknown): asserts meta is CheckpointMeta {
  if (!isObject(meta)) throw new Error(`${where}: meta must be an object with paper, preset, seed, backend, trainingBudget; got ${JSON.stringify(meta)}`);
  for (const k of ['paper', 'preset', 'backend'] as const) {
    if (typeof meta[k] !== 'string' || meta[k] === '') throw new Error(`${where}: meta.${k} must be a non-empty string; got ${JSON.stringify(meta[k])}`);
  }
  const seed = meta.seed;
  if (!((typeof seed === 'number' && Number.isFinite(seed)) || (typeof seed === 'string' && seed !== ''))) {
    throw new Error(`${where}: meta.seed must be a finite number or a non-empty string; got ${JSON.stringify(seed)}`);
  }
  const b = meta.trainingBudget;
  if (!isObject(b)) throw new Error(`${where}: meta.trainingBudget must be an object { steps, batchSize, channels, … }; got ${JSON.stringify(b)}`);
  for (const k of ['steps', 'batchSize', 'channels']) {
    if (!(k in b)) throw new Error(`${where}: meta.trainingBudget.${k} is missing (a non-negative integer)`);
  }
  for (const [k, v] of Object.entries(b)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new Error(`${where}: meta.trainingBudget.${k} must be a non-negative integer; got ${JSON.stringify(v)}`);
    }
  }
}

/** A ParamSet, by shape rather than `instanceof` (a notebook may hold another copy of the class). */
function isParamSet(p: ParamSource | ParamTarget): p is ParamSet {
  const q = p as Partial<ParamSet>;
  return typeof q.named === 'function' && typeof q.variables === 'function';
}

function namedTensors(params: ParamSource): Record<string, tf.Tensor> {
  return isParamSet(params) ? params.named() : params;
}

/**
 * Snapshot named tensors (one read each) and meta into a plain @2 checkpoint object: what
 * `saveCheckpoint` writes, and what a larger saved-run JSON file embeds. Refuses non-finite values.
 */
export function checkpointToJson(params: ParamSource, meta: CheckpointMeta): Checkpoint {
  return snapshot('checkpointToJson', params, meta);
}

function snapshot(where: string, params: ParamSource, meta: CheckpointMeta): Checkpoint {
  checkCheckpointMeta(where, meta);
  const named = namedTensors(params);
  if (Object.keys(named).length === 0) throw new Error(`${where}: no parameters to save`);
  const out: Record<string, SavedParam> = {};
  for (const [name, t] of Object.entries(named)) {
    if (!(t instanceof tf.Tensor) || t.isDisposed) throw new Error(`${where}: parameter "${name}" is not a live tensor`);
    const data = t.dataSync() as ArrayLike<number>;
    const values = new Array<number>(data.length);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new Error(`${where}: parameter "${name}" holds a non-finite value (${data[i]} at index ${i}); refusing to save`);
      values[i] = shortestFloat32(data[i]);
    }
    out[name] = { shape: t.shape.slice(), values };
  }
  return { format: CHECKPOINT_FORMAT, meta: { ...meta }, params: out };
}

/** The checkpoint as text: meta indented, one parameter per line. */
function checkpointText(c: Checkpoint): string {
  const params = Object.entries(c.params).map(([n, p]) => `  ${JSON.stringify(n)}: ${JSON.stringify(p)}`);
  return [
    '{',
    ` "format": ${JSON.stringify(c.format)},`,
    ` "meta": ${JSON.stringify(c.meta, null, 1).replace(/\n/g, '\n ')},`,
    ' "params": {',
    params.join(',\n'),
    ' }',
    '}',
    '',
  ].join('\n');
}

/** Write `params` and `meta` to `file` (@2, atomically; nothing is written if a check fails). */
export function saveCheckpoint(file: string, params: ParamSource, meta: CheckpointMeta): Checkpoint {
  const ckpt = snapshot(`saveCheckpoint(${file})`, params, meta);
  writeFileAtomic(file, checkpointText(ckpt));
  return withSource(ckpt, file);
}

function checkParams(where: string, params: unknown): Record<string, SavedParam> {
  if (!isObject(params)) throw new Error(`${where}: "params" must be an object of { shape, values } by name`);
  for (const [name, p] of Object.entries(params)) {
    const at = `${where}: parameter "${name}"`;
    if (!isObject(p)) throw new Error(`${at} must be { shape, values }`);
    const shape = p.shape;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      throw new Error(`${at}: shape must be a list of non-negative integers; got ${JSON.stringify(shape)}`);
    }
    const n = (shape as number[]).reduce((a, b) => a * b, 1);
    const values = p.values;
    if (!Array.isArray(values) || values.length !== n) {
      throw new Error(`${at} must hold ${n} values for shape ${shapeText(shape as number[])}; got ${Array.isArray(values) ? values.length : JSON.stringify(values)}`);
    }
    for (let i = 0; i < n; i++) {
      const v: unknown = values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`${at}: value ${i} is ${JSON.stringify(v)}, not a finite number (JSON writes NaN and ±Infinity as null)`);
      }
    }
  }
  return params as Record<string, SavedParam>;
}

/**
 * Validate a parsed checkpoint (@2 or @1), e.g. one embedded in a saved-run file. `source` names it in
 * every error message and in `restoreInto`'s (e.g. 'data/unfolded-wmmse/reproduce.json: nets.L3').
 */
export function checkpointFromJson(value: unknown, source: string): AnyCheckpoint {
  const where = `checkpoint ${source}`;
  if (!isObject(value)) throw new Error(`${where}: must be an object { format, meta, params }`);
  const format = value.format;
  if (format !== CHECKPOINT_FORMAT && format !== CHECKPOINT_FORMAT_V1) {
    const newer = typeof format === 'string' && format.startsWith(FORMAT_PREFIX);
    throw new Error(`${where}: format ${JSON.stringify(format)} is not readable; this library reads "${CHECKPOINT_FORMAT}" and "${CHECKPOINT_FORMAT_V1}"`
      + (newer ? ' (a newer version of the library wrote it?)' : ''));
  }
  const params = checkParams(where, value.params);
  if (format === CHECKPOINT_FORMAT) {
    checkCheckpointMeta(where, value.meta);
    return withSource<Checkpoint>({ format, meta: value.meta, params }, source);
  }
  const meta = value.meta === undefined ? {} : value.meta;
  if (!isObject(meta)) throw new Error(`${where}: meta must be an object; got ${JSON.stringify(meta)}`);
  return withSource<CheckpointV1>({ format, meta, params }, source);
}

/** Expected meta values a loader can insist on (e.g. the preset the notebook runs). */
export interface ExpectedMeta {
  paper?: string;
  preset?: string;
  seed?: Seed;
}

/** Where a JSON text breaks: the last parameter name that starts before `pos`. */
function parameterBefore(text: string, pos: number): string | undefined {
  const re = /"((?:[^"\\]|\\.)*)"\s*:\s*\{\s*"shape"/g;
  let last: string | undefined;
  for (let m = re.exec(text); m && m.index < pos; m = re.exec(text)) last = m[1];
  return last;
}

/** Read, parse and validate a checkpoint file (@2 or @1); optionally insist on meta values. */
export function loadCheckpoint(file: string, opts: { expect?: ExpectedMeta } = {}): AnyCheckpoint {
  const text = readTextFile(file, 'checkpoint');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /position (\d+)/.exec(msg);
    const param = parameterBefore(text, at ? Number(at[1]) : text.length);
    throw new Error(`checkpoint ${file} is not valid JSON (truncated or edited?): ${msg}` + (param ? `; it breaks in or after parameter "${param}"` : ''));
  }
  const ckpt = checkpointFromJson(raw, file);
  for (const [k, want] of Object.entries(opts.expect ?? {})) {
    const got = ckpt.meta[k];
    if (want !== undefined && String(got) !== String(want)) {
      throw new Error(`checkpoint ${file}: meta.${k} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  }
  return ckpt;
}

/** A saved parameter as a new float32 tensor (the caller disposes it). */
export function paramTensor(ckpt: AnyCheckpoint, name: string): tf.Tensor {
  const p = ckpt.params[name];
  if (!p) throw new Error(`checkpoint ${checkpointSource(ckpt)} has no parameter "${name}"; it has: ${Object.keys(ckpt.params).join(', ')}`);
  return tf.tensor(p.values, p.shape, 'float32');
}

/**
 * Assign every saved value to the model's variable of the same name. Checks first, assigns only if
 * everything fits: the checkpoint must hold exactly the model's names (none missing, none extra), each
 * with the variable's shape and finite values; otherwise one error lists every problem.
 */
export function restoreInto(ckpt: AnyCheckpoint, params: ParamTarget): void {
  const source = checkpointSource(ckpt);
  const vars = isParamSet(params) ? params.named() : params;
  const problems: string[] = [];
  for (const [name, v] of Object.entries(vars)) {
    const p = ckpt.params[name];
    if (!p) problems.push(`missing parameter "${name}" (the model expects ${shapeText(v.shape)})`);
    else if (p.shape.length !== v.shape.length || p.shape.some((d, i) => d !== v.shape[i])) {
      problems.push(`parameter "${name}" has shape ${shapeText(p.shape)}, the model expects ${shapeText(v.shape)}`);
    } else if (p.values.length !== v.size || !p.values.every(Number.isFinite)) {
      problems.push(`parameter "${name}" must hold ${v.size} finite values`);
    }
  }
  for (const name of Object.keys(ckpt.params)) {
    if (!(name in vars)) problems.push(`extra parameter "${name}" ${shapeText(ckpt.params[name].shape)} that the model does not have`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join('; ') + (problems.length > 8 ? `; … ${problems.length - 8} more` : '');
    throw new Error(`checkpoint ${source} does not fit the model: ${shown}. The model has: ${Object.keys(vars).join(', ')}`);
  }
  tf.tidy(() => {
    for (const [name, v] of Object.entries(vars)) v.assign(paramTensor(ckpt, name));
  });
}
