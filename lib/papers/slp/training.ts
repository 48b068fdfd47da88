/**
 * Training SLP-DNet and its quantised versions (§IV-D of SLP-SQ; Table II): Adam with learning rate
 * η decayed by α = 0.65 (every epoch, our reading of "after every iteration"), minibatches of B
 * instances whose common SINR is drawn Γ ~ U(Γ_low, Γ_high) dB (paper: 0–45 dB).
 *
 * Loss (ours; see `./network`): log(1 + r) of the relative duality gap r = (‖u⁽ᴸ⁾‖² − g(λ))/‖u⁽ᴸ⁾‖² ≥ 0
 * of each instance, averaged over the batch, plus the weight penalty μ‖Ω‖² of (9). r itself is not
 * bounded above (g(λ) < 0 for poor multipliers): on near-singular channels it reaches 10²–10⁴, and as
 * a plain mean a few such channels drove a batch's gradient (measured by the bench's peer: the loss of
 * 200 instances was ~16× that of the 195 typical ones); the logarithm keeps r ≈ log(1 + r) where the
 * gap is small and weighs each instance's gradient by 1/(1 + r). The gap is the sum of the
 * primal excess ‖u⁽ᴸ⁾‖² − P* and the dual gap P* − g(λ) (both ≥ 0, both 0 only at the optimum), so it
 * needs no optimum (unsupervised, as the paper's Lagrangian loss (9)); relative, so that every channel
 * counts alike (mean powers of M = K channels are dominated by a few near-singular ones; a loss weighted
 * by power, tried first, left the networks where they started on a typical channel).
 *
 * Validation (ours): the mean over validation instances at a fixed SINR of the per-instance excess
 * P/P* − 1 of the network's precoder (after the final scaling) over the optimum of problem (2) — the
 * measure the claims use. It runs before the first step and every epoch; the best parameters seen are
 * kept (the starting ones included, with their batch-norm statistics), so a trained network is never
 * worse on validation than the untrained interior-point schedule it starts from.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { train, TrainHistory } from '../../train/loop';
import type { Progress } from '../../train/progress';
import { buildSlpNet, disposeTensors, prepareTensors, SlpNet, SlpNetConfig, SlpTensors } from './network';
import { makeSlpData } from './data';
import { mean, precodeWithNet } from './evaluate';
import { SlpInstances } from './problem';
import { solveSlp } from './solver';

export interface SlpTrainSettings {
  /** Adam steps in all (rounded up to whole epochs) */
  steps: number;
  /** B (paper: 200) */
  batchSize: number;
  /** η (paper: 0.001) */
  learningRate: number;
  /** α, the factor on η after every epoch (paper: 0.65) */
  decay: number;
  /** training instances (paper: 50 000) */
  trainSamples: number;
  /** validation instances (ours) */
  validationSamples: number;
  /** training SINR range, dB (paper: 0–45) */
  trainSinrDb: [number, number];
  /** SINR of the validation instances, dB (ours: 30, the paper's headline point) */
  validationSinrDb: number;
  /** μ of (9) (ours: 1e-6) */
  weightDecay: number;
  /** gradient clipping by global norm (ours: 1) */
  clipNorm: number;
}

export interface TrainedSlpNet {
  net: SlpNet;
  /** validation mean per-instance excess over the optimum: before training and of the returned parameters (never larger) */
  validation: { start: number; end: number };
  history: TrainHistory;
}

export function checkTrainSettings(fn: string, s: SlpTrainSettings): void {
  if (s === null || typeof s !== 'object') throw new Error(`${fn}(settings): needs { steps, batchSize, learningRate, decay, trainSamples, … }`);
  checkPositiveInt(fn, 'settings.steps', s.steps);
  checkPositiveInt(fn, 'settings.batchSize', s.batchSize);
  checkFinite(fn, 'settings.learningRate', s.learningRate, 0, false);
  const d = checkFinite(fn, 'settings.decay', s.decay, 0, false);
  if (d > 1) throw new Error(`${fn}(settings.decay): α must be in (0, 1]; got ${d}`);
  checkPositiveInt(fn, 'settings.trainSamples', s.trainSamples);
  if (s.trainSamples < s.batchSize) throw new Error(`${fn}(settings.trainSamples): needs at least batchSize = ${s.batchSize} instances; got ${s.trainSamples}`);
  checkPositiveInt(fn, 'settings.validationSamples', s.validationSamples);
  if (!Array.isArray(s.trainSinrDb) || s.trainSinrDb.length !== 2 || !(s.trainSinrDb[0] <= s.trainSinrDb[1])) {
    throw new Error(`${fn}(settings.trainSinrDb): needs [low, high] dB with low ≤ high; got ${JSON.stringify(s.trainSinrDb)}`);
  }
  s.trainSinrDb.forEach((v) => checkFinite(fn, 'settings.trainSinrDb', v));
  checkFinite(fn, 'settings.validationSinrDb', s.validationSinrDb);
  checkFinite(fn, 'settings.weightDecay', s.weightDecay, 0);
  checkFinite(fn, 'settings.clipNorm', s.clipNorm, 0, false);
}

/** Mean over instances of P/P* − 1 for the network's precoder (P* the optimum per instance). */
export function excessOverOptimum(net: SlpNet, inst: SlpInstances, opt: Float64Array): number {
  const p = precodeWithNet(net, inst);
  const m = mean(Float64Array.from(p.power, (v, i) => v / opt[i] - 1));
  return Number.isFinite(m) ? m : Infinity;
}

/** The training loss on a batch: the mean of log(1 + relative duality gap) plus μ‖Ω‖². */
export function slpLoss(net: SlpNet, t: SlpTensors, opts: { weightDecay: number; rng?: Rng }): tf.Scalar {
  return tf.tidy(() => {
    const f = net.forward(t, { training: true, rng: opts.rng });
    const pu = tf.sum(tf.square(f.primal), 1);
    let loss = tf.mean(tf.log1p(tf.div(tf.sub(pu, f.dual), tf.maximum(pu, 1e-12))));
    if (opts.weightDecay > 0) {
      const reg = tf.addN(net.trainable().map((v) => tf.sum(tf.square(v))));
      loss = tf.add(loss, tf.mul(reg, opts.weightDecay / net.config.layers));
    }
    return loss as tf.Scalar;
  });
}

/**
 * Train one network. Data: training instances from `dataRng.fork('train')`, validation from
 * `dataRng.fork('validation')` and the minibatch order from `dataRng.fork('shuffle')` (`dataRng`
 * defaults to `rng`; give every network of a figure the same one so they see the same data);
 * parameters from `rng.fork('params')`; SQ partitions from `rng.fork('partitions')`, one stream per step.
 */
export async function trainSlpNet(config: SlpNetConfig, settings: SlpTrainSettings, rng: Rng, opts: { progress?: Progress; phase?: string; dataRng?: Rng } = {}): Promise<TrainedSlpNet> {
  const fn = 'trainSlpNet';
  checkTrainSettings(fn, settings);
  const net = buildSlpNet(rng.fork('params'), config);
  const { users, antennas } = net.config;
  let all: SlpTensors | undefined;
  try {
    const dataRng = opts.dataRng ?? rng;
    const trainI = makeSlpData(dataRng.fork('train'), { count: settings.trainSamples, users, antennas, sinrDb: settings.trainSinrDb });
    const valI = makeSlpData(dataRng.fork('validation'), { count: settings.validationSamples, users, antennas, sinrDb: settings.validationSinrDb });
    const optVal = solveSlp(valI).power;
    all = prepareTensors(trainI);
    const data = all;
    const B = settings.batchSize;
    const stepsPerEpoch = Math.floor(settings.trainSamples / B);
    const epochs = Math.ceil(settings.steps / stepsPerEpoch);
    const order = dataRng.fork('shuffle');
    const parts = rng.fork('partitions');
    let perm: Int32Array = new Int32Array(0);
    const history = await train<{ t: SlpTensors; step: number }>({
      variables: net.trainable(),
      state: net.params.state(),
      batch: (epoch, step) => {
        if (step === 0) perm = shuffled(order.fork(`epoch${epoch}`), settings.trainSamples);
        const idx = tf.tensor1d(perm.subarray(step * B, (step + 1) * B), 'int32');
        const rho = new Float64Array(B);
        perm.subarray(step * B, (step + 1) * B).forEach((i, k) => (rho[k] = data.rho[i]));
        const t: SlpTensors = { a: tf.gather(data.a, idx), at: tf.gather(data.at, idx), x: tf.gather(data.x, idx), u0: tf.gather(data.u0, idx), rho, batch: B };
        idx.dispose();
        return { t, step: epoch * stepsPerEpoch + step };
      },
      loss: (b) => slpLoss(net, b.t, { weightDecay: settings.weightDecay, rng: parts.fork(`step${b.step}`) }),
      epochs,
      stepsPerEpoch,
      learningRate: (g) => settings.learningRate * settings.decay ** Math.floor(g / stepsPerEpoch),
      clipNorm: settings.clipNorm,
      validate: () => excessOverOptimum(net, valI, optVal),
      validateEvery: 1,
      validateAtStart: true,
      onNonFinite: 'skip',
      progress: opts.progress,
      phase: opts.phase ?? `train ${config.variant} L=${net.config.layers}`,
    });
    const v0 = history.validation[0]?.loss ?? Infinity;
    return { net, validation: { start: v0, end: history.bestValidation?.loss ?? v0 }, history };
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    disposeTensors(all);
  }
}

/** A seeded permutation of 0…n−1 (Fisher–Yates). */
function shuffled(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
