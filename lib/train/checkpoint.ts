/**
 * Trained parameters to and from JSON (`data/<notebook>/...json`): named float arrays with shapes,
 * plus free-form metadata (preset, seed, backend, loss). Written atomically.
 */
import * as tf from '@tensorflow/tfjs';
import { readTextFile, writeFileAtomic } from '../core/io';

export const CHECKPOINT_FORMAT = 'precoding-workbook/params@1';

export interface SavedParam {
  shape: number[];
  values: number[];
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  meta: Record<string, unknown>;
  params: Record<string, SavedParam>;
}

/** Snapshot named tensors (one read each) into a plain checkpoint object. */
export function toCheckpoint(params: Record<string, tf.Tensor>, meta: Record<string, unknown> = {}): Checkpoint {
  const out: Record<string, SavedParam> = {};
  for (const [name, t] of Object.entries(params)) {
    const values = Array.from(t.dataSync() as ArrayLike<number>);
    if (!values.every(Number.isFinite)) throw new Error(`params.${name}: contains non-finite values; refusing to save`);
    out[name] = { shape: t.shape.slice(), values };
  }
  return { format: CHECKPOINT_FORMAT, meta, params: out };
}

export function saveCheckpoint(file: string, params: Record<string, tf.Tensor>, meta: Record<string, unknown> = {}): Checkpoint {
  const ckpt = toCheckpoint(params, meta);
  writeFileAtomic(file, JSON.stringify(ckpt, null, 1) + '\n');
  return ckpt;
}

/** Parse and validate a checkpoint file. */
export function loadCheckpoint(file: string): Checkpoint {
  const text = readTextFile(file, 'checkpoint');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`checkpoint ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const c = raw as Partial<Checkpoint>;
  if (!c || c.format !== CHECKPOINT_FORMAT || typeof c.params !== 'object' || c.params === null) {
    throw new Error(`checkpoint ${file}: expected format "${CHECKPOINT_FORMAT}" with a params object`);
  }
  for (const [name, p] of Object.entries(c.params)) {
    const n = Array.isArray(p?.shape) ? p.shape.reduce((a, b) => a * b, 1) : NaN;
    if (!Array.isArray(p?.values) || p.values.length !== n || !p.values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new Error(`checkpoint ${file}: params.${name} must hold ${n} finite numbers for shape [${p?.shape}]`);
    }
  }
  return { format: CHECKPOINT_FORMAT, meta: c.meta ?? {}, params: c.params };
}

/** A saved parameter as a tensor. */
export function paramTensor(ckpt: Checkpoint, name: string): tf.Tensor {
  const p = ckpt.params[name];
  if (!p) throw new Error(`checkpoint has no parameter "${name}"; it has: ${Object.keys(ckpt.params).join(', ')}`);
  return tf.tensor(p.values, p.shape, 'float32');
}

/** Assign saved values to variables of the same names and shapes. */
export function restoreInto(ckpt: Checkpoint, variables: Record<string, tf.Variable>): void {
  for (const [name, v] of Object.entries(variables)) {
    const p = ckpt.params[name];
    if (!p) throw new Error(`checkpoint has no parameter "${name}"; it has: ${Object.keys(ckpt.params).join(', ')}`);
    if (p.shape.length !== v.shape.length || p.shape.some((d, i) => d !== v.shape[i])) {
      throw new Error(`checkpoint parameter "${name}" has shape [${p.shape}], variable has [${v.shape}]`);
    }
  }
  for (const [name, v] of Object.entries(variables)) {
    const t = paramTensor(ckpt, name);
    v.assign(t);
    t.dispose();
  }
}
