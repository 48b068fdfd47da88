/**
 * The trained networks of a preset (`presetNets`): each trained once (`trainSlpNet`) or restored from
 * a saved run (`train/checkpoint` @2 with its identity, validation and budget in the meta). An
 * `SlpNets` owns the networks; `disposeNets` frees them.
 */
import { backendInfo } from '../../core/backend';
import { Rng } from '../../core/random';
import { checkPositiveInt } from '../../core/validate';
import { trainOrRestore } from '../../kit/savedRun';
import { Checkpoint, checkpointToJson, restoreInto } from '../../train/checkpoint';
import type { Progress } from '../../train/progress';
import { buildSlpNet, SLP_VARIANTS, SlpNet, SlpNetConfig, SlpVariant } from './network';
import { netKey, presetNets, SlpNetSpec, SlpPreset } from './presets';
import { trainSlpNet } from './training';

export const PAPER = 'slp-quantized-nn-weights';

export interface SlpTrainedNet {
  key: string;
  spec: SlpNetSpec;
  net: SlpNet;
  /** validation mean per-instance excess over the optimum: start (untrained IPM schedule) and kept parameters (never larger) */
  validation: { start: number; end: number };
  /** every validation in order (the first is the start) */
  valRatios: number[];
  /** training wall time, s */
  seconds: number;
}

export type SlpNets = Map<string, SlpTrainedNet>;

export function netConfig(p: SlpPreset, spec: SlpNetSpec): SlpNetConfig {
  return { variant: spec.variant, users: p.users, antennas: p.antennas, layers: p.layers, ...(spec.quantRatio !== undefined ? { quantRatio: spec.quantRatio } : {}) };
}

export function netFromCheckpoint(c: Checkpoint, p: SlpPreset, where: string): SlpTrainedNet {
  const m = c.meta as Record<string, unknown>;
  const num = (k: string): number => {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k] as number)) throw new Error(`${where}: meta.${k} must be a finite number; got ${JSON.stringify(m[k])}`);
    return m[k] as number;
  };
  const spec = specOfMeta(m, where);
  const net = buildSlpNet(new Rng(0), netConfig(p, spec));
  try {
    restoreInto(c, net.params);
  } catch (e) {
    net.dispose();
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const valRatios = Array.isArray(m.valRatios) && m.valRatios.every((v) => typeof v === 'number') ? (m.valRatios as number[]) : [];
  return { key: netKey(spec), spec, net, validation: { start: num('validationStart'), end: num('validationEnd') }, valRatios, seconds: num('seconds') };
}

/** Adam steps actually run (whole epochs), batch, distinct training channels, epochs. */
export function trainingBudget(p: SlpPreset): { steps: number; batchSize: number; channels: number; epochs: number } {
  const perEpoch = Math.floor(p.train.trainSamples / p.train.batchSize);
  const epochs = Math.ceil(p.train.steps / perEpoch);
  return { steps: epochs * perEpoch, batchSize: p.train.batchSize, channels: p.train.trainSamples, epochs };
}

export function netToCheckpoint(n: SlpTrainedNet, p: SlpPreset): Checkpoint {
  return checkpointToJson(n.net.params, {
    paper: PAPER, preset: p.name, seed: p.seed, backend: backendInfo().name,
    trainingBudget: trainingBudget(p),
    variant: n.spec.variant, ...(n.spec.quantRatio !== undefined ? { quantRatio: n.spec.quantRatio } : {}), ...(n.spec.replicate ? { replicate: n.spec.replicate } : {}), layers: p.layers,
    validationStart: n.validation.start, validationEnd: n.validation.end, valRatios: n.valRatios, seconds: n.seconds,
  });
}

/**
 * The network a checkpoint's meta names (variant, QR for SQ variants, replicate when ≥ 1); its key is
 * `netKey(specOfMeta(meta))`.
 */
export function specOfMeta(m: Record<string, unknown>, where: string): SlpNetSpec {
  if (!SLP_VARIANTS.includes(m.variant as SlpVariant)) throw new Error(`${where}: meta.variant must be one of ${SLP_VARIANTS.join(', ')}; got ${JSON.stringify(m.variant)}`);
  const variant = m.variant as SlpVariant;
  const r = m.replicate;
  if (r !== undefined && !(Number.isInteger(r) && (r as number) >= 0)) throw new Error(`${where}: meta.replicate must be an integer ≥ 0; got ${JSON.stringify(r)}`);
  return {
    variant,
    ...(variant.startsWith('sq-') && typeof m.quantRatio === 'number' ? { quantRatio: m.quantRatio } : {}),
    ...(r ? { replicate: r as number } : {}),
  };
}

/** The training draws of a network: parameters/partitions, and its training and validation data. */
export function trainingRngs(p: SlpPreset, spec: SlpNetSpec): { rng: Rng; dataRng: Rng } {
  const root = new Rng(p.seed);
  return { rng: root.fork(`net/${netKey(spec)}`), dataRng: root.fork(spec.replicate ? `data#${spec.replicate}` : 'data') };
}

export interface NetRunOptions {
  saved?: ReadonlyMap<string, Checkpoint>;
  trainMissing?: boolean;
  savedFrom?: string;
  progress?: Progress;
  /** train only these keys (one worker's share); default all */
  only?: readonly string[];
}

/** Train (or load) every network of the preset, in `presetNets` order. */
export async function slpNets(p: SlpPreset, opts: NetRunOptions = {}): Promise<SlpNets> {
  checkPositiveInt('slpNets', 'p.replicates', p.replicates);
  return trainOrRestore<SlpNetSpec, SlpTrainedNet, Checkpoint>(presetNets(p), {
    ...opts,
    key: netKey,
    restore: (c, where) => netFromCheckpoint(c, p, where),
    train: async (spec) => {
      const key = netKey(spec);
      const t0 = Date.now();
      const { rng, dataRng } = trainingRngs(p, spec);
      const r = await trainSlpNet(netConfig(p, spec), p.train, rng, { progress: opts.progress, phase: `train ${key}`, dataRng });
      return { key, spec, net: r.net, validation: r.validation, valRatios: r.history.validation.map((v) => v.loss), seconds: (Date.now() - t0) / 1000 };
    },
    dispose: (n) => n.net.dispose(),
  });
}

export function disposeNets(nets: SlpNets): void {
  for (const n of nets.values()) n.net.dispose();
  nets.clear();
}
