/**
 * The trained networks of a preset: each (channel model, M, K, b) of `preset.nets` trained once
 * (`trainGnn`) or restored from a saved run (`train/checkpoint` @2, its identity and validation in
 * the meta). A `GnnNets` owns the models; `disposeNets` frees them.
 */
import { backendInfo } from '../../core/backend';
import { Rng } from '../../core/random';
import { trainedOrSaved } from '../../kit/savedRun';
import { Checkpoint, checkpointToJson, restoreInto } from '../../train/checkpoint';
import type { Progress } from '../../train/progress';
import { buildGnn, GnnArchitecture, GnnModel } from './model';
import { GnnNetSpec, GnnPreset, netKey } from './presets';
import { gnnSystem, GnnSystem } from './system';
import { GNN_CHANNELS, GnnChannel, trainGnn } from './training';

export const PAPER = 'gnn-quantized-precoding';

/** A trained network: its model and what training found. */
export interface GnnNet {
  key: string;
  spec: GnnNetSpec;
  sys: GnnSystem;
  model: GnnModel;
  /** validation sum rate at 20 dB (argmax inference, bit/s/Hz): start, kept weights (never lower) */
  validation: { start: number; end: number };
  /** the validation rates in order (the first is the start) */
  valRates: number[];
  /** training wall time, s (0 when loaded) */
  seconds: number;
}

export type GnnNets = Map<string, GnnNet>;

export interface NetRunOptions {
  /** networks of a saved run, by key (`netsFromCheckpoints`) */
  saved?: ReadonlyMap<string, Checkpoint>;
  /** false: never train (loading a saved run); a missing network is an error */
  trainMissing?: boolean;
  savedFrom?: string;
  progress?: Progress;
  /** train only these keys (e.g. one worker's share); default all */
  only?: readonly string[];
}

function archOf(p: GnnPreset, bits: number): GnnArchitecture {
  return { ...p.arch, bits };
}

/** A network from its checkpoint; errors name `where`. */
export function netFromCheckpoint(c: Checkpoint, p: GnnPreset, where: string): GnnNet {
  const m = c.meta as Record<string, unknown>;
  const channel = m.channel as GnnChannel;
  if (!GNN_CHANNELS.includes(channel)) throw new Error(`${where}: meta.channel must be one of ${GNN_CHANNELS.join(', ')}; got ${JSON.stringify(m.channel)}`);
  const num = (k: string): number => {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k] as number)) throw new Error(`${where}: meta.${k} must be a finite number; got ${JSON.stringify(m[k])}`);
    return m[k] as number;
  };
  if (m.estimator !== undefined && m.estimator !== 'gumbel-st' && m.estimator !== 'st-argmax') throw new Error(`${where}: meta.estimator must be 'gumbel-st' or 'st-argmax'; got ${JSON.stringify(m.estimator)}`);
  const spec: GnnNetSpec = { channel, antennas: num('antennas'), users: num('users'), bits: num('bits'), steps: num('steps'), ...(m.estimator === 'st-argmax' ? { estimator: 'st-argmax' as const } : {}) };
  const sys = gnnSystem(spec);
  const model = buildGnn(new Rng(0), archOf(p, spec.bits));
  try {
    restoreInto(c, model.params);
  } catch (e) {
    model.params.dispose();
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const valRates = Array.isArray(m.valRates) && m.valRates.every((v) => typeof v === 'number') ? (m.valRates as number[]) : [];
  return { key: netKey(spec), spec, sys, model, validation: { start: num('validationStart'), end: num('validationEnd') }, valRates, seconds: num('seconds') };
}

/** A network as a checkpoint of this run. */
export function netToCheckpoint(n: GnnNet, p: GnnPreset): Checkpoint {
  return checkpointToJson(n.model.params, {
    paper: PAPER, preset: p.name, seed: p.seed, backend: backendInfo().name,
    trainingBudget: { steps: n.spec.steps, batchSize: p.batchChannels, channels: n.spec.steps * p.batchChannels, symbolsPerChannel: p.trainSymbols },
    ...n.spec, arch: { ...p.arch }, validationStart: n.validation.start, validationEnd: n.validation.end, valRates: n.valRates, seconds: n.seconds,
  });
}

/** Train (or load) every network of the preset, in `preset.nets` order. */
export async function gnnNets(p: GnnPreset, opts: NetRunOptions = {}): Promise<GnnNets> {
  const out: GnnNets = new Map();
  try {
    for (const spec of p.nets) {
      const key = netKey(spec);
      if (opts.only && !opts.only.includes(key)) continue;
      const saved = opts.saved?.get(key);
      const net = await trainedOrSaved<GnnNet>(key, saved ? new Map([[key, netFromCheckpoint(saved, p, `${opts.savedFrom ?? 'saved run'}: ${key}`)]]) : undefined, async () => {
        const sys = gnnSystem(spec);
        const t0 = Date.now();
        const r = await trainGnn(sys, {
          arch: archOf(p, spec.bits), channel: spec.channel, steps: spec.steps, batchChannels: p.batchChannels, symbols: p.trainSymbols,
          learningRate: p.learningRate, snrDb: p.trainSnrDb, tau: p.tau, validationChannels: p.validationChannels, validateEvery: p.validateEvery,
          noiseScale: spec.estimator === 'st-argmax' ? 0 : 1,
        }, new Rng(p.seed).fork(`net/${key}`), { progress: opts.progress, phase: `train GNN ${key}` });
        return { key, spec, sys, model: r.model, validation: r.validation, valRates: r.history.validation.map((v) => -v.loss), seconds: (Date.now() - t0) / 1000 };
      }, { trainMissing: opts.trainMissing, where: opts.savedFrom });
      out.set(key, net);
    }
    return out;
  } catch (e) {
    disposeNets(out);
    throw e;
  }
}

export function disposeNets(nets: GnnNets): void {
  for (const n of nets.values()) n.model.params.dispose();
  nets.clear();
}
