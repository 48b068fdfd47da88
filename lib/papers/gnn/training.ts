/**
 * Training the GNN precoder (gnn-quantized-precoding §IV-A/B, §VI-A): Adam on −R_sum (14) with the
 * straight-through Gumbel-softmax (τ = 1), SNR 20 dB, N_s symbol vectors s ~ CN(0, I) per channel,
 * a fresh minibatch of channels every step (the paper: 200 000 channels, 20 epochs, batch 128).
 *
 * Our addition: validation. The rate at inference (argmax, eq. 18) on validation channels drawn apart
 * from training and testing is computed before the first step and every `validateEvery` epochs; the
 * best weights seen, the starting ones included, are kept (train's `validateAtStart`). A trained
 * network is therefore never worse on validation than its initialisation.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { losChannel, rayleigh } from '../../phy/channels';
import { sumRateSnidr } from '../../phy/metrics';
import { train, TrainHistory } from '../../train/loop';
import type { Progress } from '../../train/progress';
import { BUSSGANG, gnnLoss, gnnPrecode } from './loss';
import { buildGnn, GnnArchitecture, GnnModel } from './model';
import { GnnSystem, noiseVarOf } from './system';

/** Rayleigh CN(0, 1) entries, or the pure LoS ULA of eq. (10) with φ_k ~ U{0, …, 180}° (§VI-A). */
export type GnnChannel = 'rayleigh' | 'los';
export const GNN_CHANNELS: readonly GnnChannel[] = ['rayleigh', 'los'];

/** `count` channels h [count, K, M] of the given model from `rng`. */
export function channelsFor(kind: GnnChannel, rng: Rng, count: number, sys: GnnSystem): Complex {
  if (kind === 'rayleigh') return rayleigh(rng, { batch: count, users: sys.users, antennas: sys.antennas });
  if (kind === 'los') return losChannel(rng, { batch: count, users: sys.users, antennas: sys.antennas }).h;
  throw new Error(`channelsFor(kind): one of ${GNN_CHANNELS.join(', ')}; got ${String(kind)}`);
}

/** One channel set with its symbols: h [n, K, M], s [n, K, T] ~ CN(0, 1). */
export interface GnnData {
  h: Complex;
  s: Complex;
}

export function makeGnnData(kind: GnnChannel, rng: Rng, sys: GnnSystem, opts: { channels: number; symbols: number }): GnnData {
  const n = checkPositiveInt('makeGnnData', 'opts.channels', opts.channels);
  const t = checkPositiveInt('makeGnnData', 'opts.symbols (N_s)', opts.symbols);
  const h = channelsFor(kind, rng.fork('h'), n, sys);
  return { h, s: rng.fork('s').complexNormal([n, sys.users, t]) };
}

export function disposeGnnData(d: GnnData | undefined): void {
  if (d) C.dispose(d.h, d.s);
}

export interface GnnTrainSettings {
  /** N_h, d_h (and leak, edge inputs); b comes from the system */
  arch: Omit<GnnArchitecture, 'bits'>;
  channel: GnnChannel;
  /** optimizer steps (paper: 20 epochs × 200 000/128 ≈ 31 250) */
  steps: number;
  /** channels per step (paper: 128) */
  batchChannels: number;
  /** N_s symbol vectors per channel (paper: 125) */
  symbols: number;
  /** Adam learning rate (paper: 5·10⁻³) */
  learningRate: number;
  /** training SNR P_T/σ_v², dB (paper: 20) */
  snrDb: number;
  /** Gumbel-softmax temperature τ (paper: 1) */
  tau: number;
  /** validation channels (paper: 1000, for hyper-parameters) */
  validationChannels: number;
  /** steps between validations */
  validateEvery: number;
  /** λ of the training perturbation a + λg: 1 the paper's Gumbel-ST, 0 straight-through argmax (default 1) */
  noiseScale?: number;
}

export interface TrainedGnn {
  model: GnnModel;
  /** validation sum rate (argmax inference, bit/s/Hz) at the start and of the kept weights (never lower) */
  validation: { start: number; end: number };
  history: TrainHistory;
}

function checkSettings(fn: string, s: GnnTrainSettings): void {
  if (s === null || typeof s !== 'object') throw new Error(`${fn}(settings): needs { arch, channel, steps, batchChannels, symbols, learningRate, snrDb, tau, validationChannels, validateEvery }`);
  if (!GNN_CHANNELS.includes(s.channel)) throw new Error(`${fn}(settings.channel): one of ${GNN_CHANNELS.join(', ')}; got ${String(s.channel)}`);
  checkPositiveInt(fn, 'settings.steps', s.steps);
  checkPositiveInt(fn, 'settings.batchChannels', s.batchChannels);
  checkPositiveInt(fn, 'settings.symbols (N_s)', s.symbols);
  if (s.symbols < 2) throw new Error(`${fn}(settings.symbols): the Bussgang estimate needs N_s ≥ 2 symbol vectors per channel; got ${s.symbols}`);
  checkFinite(fn, 'settings.learningRate', s.learningRate, 0, false);
  checkFinite(fn, 'settings.snrDb', s.snrDb, -50);
  checkFinite(fn, 'settings.tau', s.tau, 0, false);
  checkPositiveInt(fn, 'settings.validationChannels', s.validationChannels);
  checkPositiveInt(fn, 'settings.validateEvery', s.validateEvery);
  if (s.noiseScale !== undefined) checkFinite(fn, 'settings.noiseScale (λ)', s.noiseScale, 0);
}

/** Mean sum rate (9) at inference over a data set. → bit/s/Hz. */
export function meanRate(model: GnnModel, sys: GnnSystem, d: GnnData, noiseVar: number): number {
  const r = tf.tidy(() => {
    const y = gnnPrecode(model, sys, d.h, d.s);
    return tf.mean(sumRateSnidr(d.h, y, d.s, noiseVar, BUSSGANG));
  });
  const v = r.dataSync()[0];
  r.dispose();
  return v;
}

/**
 * Train a GNN for `sys` from weights drawn from `rng.fork('init')`; minibatches from
 * `rng.fork('train')`, Gumbel noise from `rng.fork('gumbel')`, validation data from
 * `rng.fork('validation')`. The caller disposes the returned model's params.
 */
export async function trainGnn(sys: GnnSystem, settings: GnnTrainSettings, rng: Rng, opts: { progress?: Progress; phase?: string } = {}): Promise<TrainedGnn> {
  const fn = 'trainGnn';
  checkSettings(fn, settings);
  const model = buildGnn(rng.fork('init'), { ...settings.arch, bits: sys.bits });
  const noiseVar = noiseVarOf(sys, settings.snrDb);
  let val: GnnData | undefined;
  try {
    val = makeGnnData(settings.channel, rng.fork('validation'), sys, { channels: settings.validationChannels, symbols: settings.symbols });
    const v = val;
    const trainRng = rng.fork('train');
    const gumbel = rng.fork('gumbel');
    const history = await train<GnnData>({
      variables: model.params.variables(),
      batch: (epoch) => makeGnnData(settings.channel, trainRng.fork(String(epoch)), sys, { channels: settings.batchChannels, symbols: settings.symbols }),
      loss: (b) => gnnLoss(model, sys, b.h, b.s, { noiseVar, rng: gumbel, tau: settings.tau, noiseScale: settings.noiseScale }),
      epochs: settings.steps,
      stepsPerEpoch: 1,
      learningRate: settings.learningRate,
      validate: () => {
        const r = meanRate(model, sys, v, noiseVar);
        return Number.isFinite(r) ? -r : Infinity;
      },
      validateEvery: settings.validateEvery,
      validateAtStart: true,
      progress: opts.progress,
      phase: opts.phase ?? `train GNN M=${sys.antennas} K=${sys.users} b=${sys.bits}`,
    });
    const start = -(history.validation[0]?.loss ?? -0);
    const end = -(history.bestValidation?.loss ?? -start);
    return { model, validation: { start, end }, history };
  } catch (e) {
    model.params.dispose();
    throw e;
  } finally {
    disposeGnnData(val);
  }
}
