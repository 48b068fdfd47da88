/**
 * The trained networks of an MSER preset, by key, each trained once or restored from a saved run
 * (`train/checkpoint` @2 with its identity, its start (μ, ϱ₀) and its validation history in the meta):
 *
 *   unfolded@<snr>            the unfolded network of Fig. 8 / Table I at that SNR (paper's dB)
 *   unfolded@<snr>#<r>        replicate r ≥ 1 at the headline SNR (other draws; the 90 % claim over seeds)
 *   cnn-mser@<snr>, cnn-mmse@<snr>   the black-box CNN on the MSER or the MSE loss
 *   curve@N=<n>, curve@lr=<η₀>, curve@L=<l>   Figs. 5–7's runs at the headline SNR (one setting changed)
 *
 * An `MserNets` owns its networks; `disposeNets` frees them.
 */
import { backendInfo } from '../../core/backend';
import { Rng } from '../../core/random';
import { trainOrRestore } from '../../kit/savedRun';
import { Checkpoint, checkpointToJson, restoreInto } from '../../train/checkpoint';
import type { Progress } from '../../train/progress';
import { buildCnn, cnnPreset, CnnNet } from './cnn';
import { trainCnnAt, trainUnfoldedAt, UnfoldedVariant } from './experiments';
import { GdStepSizes } from './gd';
import { MSER_BLOCKS } from './gradients';
import { MserPreset } from './presets';
import { buildUnfolded, UnfoldedNet } from './unfolded';

export const PAPER = 'mser-hybrid-beamforming';

export type MserNetKind = 'unfolded' | 'cnn-mser' | 'cnn-mmse' | 'curve';

export interface MserNetSpec {
  kind: MserNetKind;
  /** the paper's SNR, dB */
  snrDb: number;
  /** replicate r ≥ 1 (unfolded only) */
  replicate?: number;
  /** curves: the one setting changed */
  variant?: Pick<UnfoldedVariant, 'batchChannels' | 'learningRate' | 'layers'>;
}

export function netKey(s: MserNetSpec): string {
  if (s.kind === 'curve') {
    const v = s.variant ?? {};
    if (v.batchChannels !== undefined) return `curve@N=${v.batchChannels}`;
    if (v.learningRate !== undefined) return `curve@lr=${v.learningRate}`;
    if (v.layers !== undefined) return `curve@L=${v.layers}`;
    throw new Error('netKey(spec.variant): a curve changes batchChannels, learningRate or layers');
  }
  return `${s.kind}@${s.snrDb}${s.replicate ? `#${s.replicate}` : ''}`;
}

/** The networks a preset trains, in order: unfolded per SNR, replicates, CNNs, then Figs. 5–7's curves. */
export function presetNets(p: MserPreset): MserNetSpec[] {
  const out: MserNetSpec[] = p.snrDb.map((snrDb) => ({ kind: 'unfolded' as const, snrDb }));
  for (let r = 1; r < p.replicates; r++) out.push({ kind: 'unfolded', snrDb: p.headlineSnrDb, replicate: r });
  for (const snrDb of p.cnnSnrDb) out.push({ kind: 'cnn-mser', snrDb });
  out.push({ kind: 'cnn-mmse', snrDb: p.headlineSnrDb });
  const h = p.headlineSnrDb;
  for (const n of p.curves.batchSizes) out.push({ kind: 'curve', snrDb: h, variant: { batchChannels: n } });
  for (const lr of p.curves.learningRates) out.push({ kind: 'curve', snrDb: h, variant: { learningRate: lr } });
  for (const l of p.curves.layers) out.push({ kind: 'curve', snrDb: h, variant: { layers: l } });
  return out;
}

export interface MserTrainedNet {
  key: string;
  spec: MserNetSpec;
  net: { unfolded: UnfoldedNet } | { cnn: CnnNet };
  /** validation mean exact SER: the start (untrained) and the kept parameters (never larger) */
  validation: { start: number; end: number };
  /** every validation in order, at these training steps (the first is the start) */
  valSer: number[];
  valSteps: number[];
  /** training loss per step */
  loss: number[];
  /** training wall time, s */
  seconds: number;
  /** unfolded: its η */
  eta?: number;
}

export type MserNets = Map<string, MserTrainedNet>;

function budget(p: MserPreset, spec: MserNetSpec) {
  if (spec.kind === 'cnn-mser' || spec.kind === 'cnn-mmse') return { steps: p.cnn.train.steps, batchSize: p.cnn.train.batchChannels, channels: p.cnn.trainChannels };
  const t = p.unfolded.train, v = spec.variant ?? {};
  return { steps: spec.kind === 'curve' ? p.curves.steps : t.steps, batchSize: v.batchChannels ?? t.batchChannels, channels: p.trainChannels };
}

export function netToCheckpoint(n: MserTrainedNet, p: MserPreset): Checkpoint {
  const params = 'unfolded' in n.net ? n.net.unfolded.params : n.net.cnn.params;
  const extra = 'unfolded' in n.net ? { layers: n.net.unfolded.config.layers, mu: { ...n.net.unfolded.config.steps }, rho: n.net.unfolded.config.rho, normalisedSteps: n.net.unfolded.config.normalisedSteps === true, eta: n.eta } : {};
  return checkpointToJson(params, {
    paper: PAPER, preset: p.name, seed: p.seed, backend: backendInfo().name, trainingBudget: budget(p, n.spec),
    spec: n.spec, ...extra,
    validationStart: n.validation.start, validationEnd: n.validation.end, valSer: n.valSer, valSteps: n.valSteps, loss: n.loss, seconds: n.seconds,
  });
}

const KINDS: readonly MserNetKind[] = ['unfolded', 'cnn-mser', 'cnn-mmse', 'curve'];

/** The spec a checkpoint's meta names; errors name the file and the field. */
export function specOfMeta(m: Record<string, unknown>, where: string): MserNetSpec {
  const s = m.spec as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') throw new Error(`${where}: meta.spec must be an object { kind, snrDb, … }`);
  if (!KINDS.includes(s.kind as MserNetKind)) throw new Error(`${where}: meta.spec.kind must be one of ${KINDS.join(', ')}; got ${JSON.stringify(s.kind)}`);
  if (typeof s.snrDb !== 'number' || !Number.isFinite(s.snrDb)) throw new Error(`${where}: meta.spec.snrDb must be a finite number`);
  const spec = s as unknown as MserNetSpec;
  netKey(spec);
  return spec;
}

function numbers(m: Record<string, unknown>, k: string, where: string): number[] {
  const v = m[k];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new Error(`${where}: meta.${k} must be a list of numbers`);
  return v as number[];
}

function num(m: Record<string, unknown>, k: string, where: string): number {
  const v = m[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: meta.${k} must be a finite number; got ${JSON.stringify(v)}`);
  return v;
}

export function netFromCheckpoint(c: Checkpoint, p: MserPreset, where: string): MserTrainedNet {
  const m = c.meta as Record<string, unknown>;
  const spec = specOfMeta(m, where);
  let net: MserTrainedNet['net'];
  let eta: number | undefined;
  if (spec.kind === 'unfolded' || spec.kind === 'curve') {
    const mu = m.mu as Record<string, unknown> | undefined;
    if (!mu || !MSER_BLOCKS.every((b) => typeof mu[b] === 'number')) throw new Error(`${where}: meta.mu must hold the step sizes { v, w, thetaU, thetaF }`);
    const u = buildUnfolded(new Rng(0), { sys: p.sys, layers: num(m, 'layers', where), steps: mu as unknown as GdStepSizes, rho: num(m, 'rho', where), normalisedSteps: m.normalisedSteps === true });
    net = { unfolded: u };
    eta = num(m, 'eta', where);
  } else {
    net = { cnn: buildCnn(new Rng(0), cnnPreset(p.cnn.size, p.sys)) };
  }
  const params = 'unfolded' in net ? net.unfolded.params : net.cnn.params;
  try {
    restoreInto(c, params);
  } catch (e) {
    if ('unfolded' in net) net.unfolded.dispose();
    else net.cnn.dispose();
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  return {
    key: netKey(spec), spec, net, eta,
    validation: { start: num(m, 'validationStart', where), end: num(m, 'validationEnd', where) },
    valSer: numbers(m, 'valSer', where), valSteps: numbers(m, 'valSteps', where), loss: numbers(m, 'loss', where), seconds: num(m, 'seconds', where),
  };
}

/** Train one network of the preset. */
export async function trainNet(p: MserPreset, spec: MserNetSpec, opts: { progress?: Progress } = {}): Promise<MserTrainedNet> {
  const key = netKey(spec);
  if (spec.kind === 'cnn-mser' || spec.kind === 'cnn-mmse') {
    const r = await trainCnnAt(p, spec.snrDb, spec.kind === 'cnn-mser' ? 'mser' : 'mse', { progress: opts.progress });
    return { key, spec, net: { cnn: r.net }, validation: r.validation, valSer: r.history.validation.map((v) => v.loss), valSteps: r.history.validation.map((v) => v.epoch), loss: r.history.loss, seconds: r.seconds };
  }
  const variant: UnfoldedVariant = { ...(spec.variant ?? {}), ...(spec.replicate ? { replicate: spec.replicate } : {}), ...(spec.kind === 'curve' ? { steps: p.curves.steps } : {}) };
  const r = await trainUnfoldedAt(p, spec.snrDb, { variant, progress: opts.progress });
  const h = r.trained.history;
  return { key, spec, net: { unfolded: r.net }, eta: r.eta, validation: r.trained.validation, valSer: h.validation.map((v) => v.loss), valSteps: h.validation.map((v) => v.epoch), loss: h.loss, seconds: r.seconds };
}

export interface NetRunOptions {
  saved?: ReadonlyMap<string, Checkpoint>;
  trainMissing?: boolean;
  savedFrom?: string;
  progress?: Progress;
  /** only these keys (one worker's share); default all */
  only?: readonly string[];
}

/** Train (or restore) every network of the preset, in `presetNets` order. */
export async function mserNets(p: MserPreset, opts: NetRunOptions = {}): Promise<MserNets> {
  return trainOrRestore<MserNetSpec, MserTrainedNet, Checkpoint>(presetNets(p), {
    ...opts, key: netKey, restore: (c, where) => netFromCheckpoint(c, p, where), train: (spec) => trainNet(p, spec, opts), dispose: disposeNet,
  });
}

function disposeNet(n: MserTrainedNet): void {
  if ('unfolded' in n.net) n.net.unfolded.dispose();
  else n.net.cnn.dispose();
}

export function disposeNets(nets: MserNets): void {
  for (const n of nets.values()) disposeNet(n);
  nets.clear();
}
