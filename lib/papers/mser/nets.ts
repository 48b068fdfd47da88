/**
 * The trained networks of an MSER preset, by key, each trained once or restored from a saved run
 * (`train/checkpoint` @2 with its identity, its start (μ, ϱ₀) and its validation history in the meta):
 *
 *   unfolded@<snr>            the unfolded network of Fig. 8 / Table I at that SNR (paper's dB)
 *   unfolded@<snr>#<r>        replicate r ≥ 1 at the headline SNR (other draws; the 90 % claim over seeds)
 *   cnn-mser@<snr>, cnn-mmse@<snr>   the black-box CNN on the MSER or the MSE loss
 *   curve@N=<n>, curve@lr=<η₀>, curve@L=<l>   Figs. 5–7's runs at the headline SNR (one setting changed)
 *   config@K=<k>,Rr=<r>       Table II: the unfolded network of that system at the studies' SNR
 *   samples@n=<n>             Table III: the preset's system trained on n channels at the studies' SNR
 *   transfer@<snr>            Fig. 10: unfolded@<snr> (mmWave) retrained on Rayleigh channels, its first layers fixed
 *   qam@<snr>                 Fig. 11 / Table VI: the unfolded network of the preset system with 16-QAM
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
import { MserPreset, qamSystem, studySystem } from './presets';
import type { MserSystem } from './system';
import { buildUnfolded, UnfoldedNet } from './unfolded';

export const PAPER = 'mser-hybrid-beamforming';

export type MserNetKind = 'unfolded' | 'cnn-mser' | 'cnn-mmse' | 'curve' | 'config' | 'samples' | 'transfer' | 'qam';

export interface MserNetSpec {
  kind: MserNetKind;
  /** the paper's SNR, dB */
  snrDb: number;
  /** replicate r ≥ 1 (unfolded only) */
  replicate?: number;
  /** curves: the one setting changed; samples: the training channels */
  variant?: Pick<UnfoldedVariant, 'batchChannels' | 'learningRate' | 'layers' | 'trainChannels'>;
  /** config: Table II's (K, R_r) */
  config?: { users: number; rxRf: number };
}

export function netKey(s: MserNetSpec): string {
  if (s.kind === 'curve') {
    const v = s.variant ?? {};
    if (v.batchChannels !== undefined) return `curve@N=${v.batchChannels}`;
    if (v.learningRate !== undefined) return `curve@lr=${v.learningRate}`;
    if (v.layers !== undefined) return `curve@L=${v.layers}`;
    throw new Error('netKey(spec.variant): a curve changes batchChannels, learningRate or layers');
  }
  if (s.kind === 'config') {
    if (!s.config) throw new Error('netKey(spec.config): a config network needs { users, rxRf }');
    return `config@K=${s.config.users},Rr=${s.config.rxRf}`;
  }
  if (s.kind === 'samples') {
    if (s.variant?.trainChannels === undefined) throw new Error('netKey(spec.variant.trainChannels): a samples network needs its training-channel count');
    return `samples@n=${s.variant.trainChannels}`;
  }
  return `${s.kind}@${s.snrDb}${s.replicate ? `#${s.replicate}` : ''}`;
}

/** Table II's configuration of the preset's own system (Table III's run at p.trainChannels, Fig. 10's source), when the studies try it. */
export function baseConfig(p: MserPreset): { users: number; rxRf: number } | undefined {
  return p.studies.configs.find((c) => c.users === p.sys.users && c.rxRf === p.sys.rxRf);
}

/** The networks a preset trains, in order: unfolded per SNR, replicates, CNNs, then Figs. 5–7's curves. */
export function presetNets(p: MserPreset): MserNetSpec[] {
  const out: MserNetSpec[] = p.snrDb.map((snrDb) => ({ kind: 'unfolded' as const, snrDb }));
  for (let r = 1; r < p.replicates; r++) out.push({ kind: 'unfolded', snrDb: p.headlineSnrDb, replicate: r });
  for (const snrDb of p.cnnSnrDb) out.push({ kind: 'cnn-mser', snrDb });
  out.push({ kind: 'cnn-mmse', snrDb: p.headlineSnrDb });
  const h = p.headlineSnrDb;
  for (const n of p.curves.batchSizes) out.push({ kind: 'curve', snrDb: h, variant: { batchChannels: n } });
  // the preset's own η₀ and L with its own N is the same training as curve@N=<its N>: trained once (./results shares it)
  const sharesBase = p.curves.batchSizes.includes(p.unfolded.train.batchChannels);
  for (const lr of p.curves.learningRates) if (!(sharesBase && lr === p.unfolded.train.learningRate)) out.push({ kind: 'curve', snrDb: h, variant: { learningRate: lr } });
  for (const l of p.curves.layers) if (!(sharesBase && l === p.unfolded.layers)) out.push({ kind: 'curve', snrDb: h, variant: { layers: l } });
  const st = p.studies, base = baseConfig(p);
  for (const c of st.configs) out.push({ kind: 'config', snrDb: st.snrDb, config: { users: c.users, rxRf: c.rxRf } });
  // the preset's own count with its own system is the base config network: trained once (./studies shares it)
  for (const n of st.trainChannels) if (!(base && n === p.trainChannels)) out.push({ kind: 'samples', snrDb: st.snrDb, variant: { trainChannels: n } });
  out.push({ kind: 'transfer', snrDb: st.transfer.snrDb });
  for (const snrDb of st.qamSnrDb) out.push({ kind: 'qam', snrDb });
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
  const steps = spec.kind === 'curve' ? p.curves.steps : spec.kind === 'transfer' ? p.studies.transfer.steps : t.steps;
  return { steps, batchSize: v.batchChannels ?? t.batchChannels, channels: v.trainChannels ?? p.trainChannels };
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

const KINDS: readonly MserNetKind[] = ['unfolded', 'cnn-mser', 'cnn-mmse', 'curve', 'config', 'samples', 'transfer', 'qam'];

/** The system a network is built for: Table II's configuration, 16-QAM (Fig. 11), else the preset's. */
export function netSystem(p: MserPreset, spec: MserNetSpec): MserSystem {
  if (spec.kind === 'config' && spec.config) return studySystem(p.sys, spec.config);
  if (spec.kind === 'qam') return qamSystem(p.sys);
  return p.sys;
}

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
  if (spec.kind !== 'cnn-mser' && spec.kind !== 'cnn-mmse') {
    const mu = m.mu as Record<string, unknown> | undefined;
    if (!mu || !MSER_BLOCKS.every((b) => typeof mu[b] === 'number')) throw new Error(`${where}: meta.mu must hold the step sizes { v, w, thetaU, thetaF }`);
    const u = buildUnfolded(new Rng(0), { sys: netSystem(p, spec), layers: num(m, 'layers', where), steps: mu as unknown as GdStepSizes, rho: num(m, 'rho', where), normalisedSteps: m.normalisedSteps === true });
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
export async function trainNet(p: MserPreset, spec: MserNetSpec, opts: { progress?: Progress; done?: ReadonlyMap<string, MserTrainedNet> } = {}): Promise<MserTrainedNet> {
  const key = netKey(spec);
  if (spec.kind === 'config' || spec.kind === 'samples' || spec.kind === 'transfer' || spec.kind === 'qam') {
    const st = p.studies;
    let r: Awaited<ReturnType<typeof trainUnfoldedAt>>;
    if (spec.kind === 'transfer') {
      const srcKey = netKey({ kind: 'unfolded', snrDb: spec.snrDb });
      const src = opts.done?.get(srcKey);
      if (!src || !('unfolded' in src.net)) throw new Error(`trainNet(${key}): needs its source network ${srcKey} first (train or restore it in the same run)`);
      r = await trainUnfoldedAt(p, spec.snrDb, { variant: { channelKind: 'rayleigh', steps: st.transfer.steps }, transfer: { from: src.net.unfolded, frozenLayers: st.transfer.frozenLayers }, progress: opts.progress });
    } else {
      const sys = netSystem(p, spec);
      r = await trainUnfoldedAt(p, spec.snrDb, { sys, variant: spec.kind === 'samples' ? { trainChannels: spec.variant?.trainChannels } : {}, progress: opts.progress });
    }
    const h = r.trained.history;
    return { key, spec, net: { unfolded: r.net }, eta: r.eta, validation: r.trained.validation, valSer: h.validation.map((v) => v.loss), valSteps: h.validation.map((v) => v.epoch), loss: h.loss, seconds: r.seconds };
  }
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
  // the networks made so far (a transfer network starts from its source)
  const done = new Map<string, MserTrainedNet>();
  const keep = (n: MserTrainedNet) => (done.set(n.key, n), n);
  return trainOrRestore<MserNetSpec, MserTrainedNet, Checkpoint>(presetNets(p), {
    ...opts, key: netKey, restore: (c, where) => keep(netFromCheckpoint(c, p, where)), train: async (spec) => keep(await trainNet(p, spec, { ...opts, done })), dispose: disposeNet,
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
