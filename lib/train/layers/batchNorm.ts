/**
 * Batch normalisation over the last (channel) axis, PyTorch's `BatchNorm2d` semantics (the layer
 * tables of SLP-SQ, Table IV, give eps = 10⁻⁶, momentum = 0.1 in PyTorch's convention):
 *   training:  y = γ (x − μ_B)/√(σ²_B + ε) + β with the batch's mean and biased variance over every
 *              axis but the last, and running ← (1 − momentum)·running + momentum·batch (the running
 *              variance takes the unbiased batch variance, as PyTorch does);
 *   inference: the same with the running mean and variance.
 *
 * Parameters: `${name}/gamma` (ones), `${name}/beta` (zeros), trainable; `${name}/runningMean`
 * (zeros), `${name}/runningVar` (ones), saved but not trained. The layer starts in training mode;
 * set `layer.training = false` for evaluation (validation passes must not move the statistics).
 *
 * Input: x [..., channels]; output: the same shape.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { checkParamName, ParamSet } from '../params';
import { Layer, shapeText } from './layer';

export interface BatchNormOptions {
  channels: number;
  /** ε (default 1e-5, PyTorch's; SLP-SQ uses 1e-6) */
  epsilon?: number;
  /** PyTorch convention: weight of the new batch statistic (default 0.1) */
  momentum?: number;
}

export type BatchNormLayer = Layer & { training: boolean };

export function batchNorm(params: ParamSet, name: string, opts: BatchNormOptions): BatchNormLayer {
  const fn = `batchNorm("${checkParamName('batchNorm', name)}")`;
  const C = checkPositiveInt(fn, 'channels', opts.channels);
  const eps = checkFinite(fn, 'epsilon', opts.epsilon ?? 1e-5, 0, false);
  const momentum = checkFinite(fn, 'momentum', opts.momentum ?? 0.1, 0);
  if (momentum > 1) throw new Error(`${fn}: momentum must be in [0, 1]; got ${momentum}`);
  const gamma = params.add(`${name}/gamma`, { shape: [C], init: { kind: 'constant', value: 1 } });
  const beta = params.add(`${name}/beta`, { shape: [C], init: 'zeros' });
  const runMean = params.add(`${name}/runningMean`, { shape: [C], init: 'zeros', trainable: false });
  const runVar = params.add(`${name}/runningVar`, { shape: [C], init: { kind: 'constant', value: 1 }, trainable: false });
  const layer = ((x: tf.Tensor) => {
    if (x.rank < 2 || x.shape[x.rank - 1] !== C) throw new Error(`${fn}: input must have shape [..., ${C}] (channels); got ${shapeText(x.shape)}`);
    return tf.tidy(() => {
      let mean: tf.Tensor, variance: tf.Tensor;
      if (layer.training) {
        const axes = [...Array(x.rank - 1).keys()];
        const n = x.size / C;
        if (n < 2) throw new Error(`${fn}: training mode needs at least 2 values per channel; got ${n}`);
        const m = tf.moments(x, axes);
        mean = m.mean;
        variance = m.variance;
        const bm = mean, bv = variance; // the running update is not part of the loss, so no gradient flows through it
        runMean.assign(tf.add(tf.mul(runMean, 1 - momentum), tf.mul(bm, momentum)));
        runVar.assign(tf.add(tf.mul(runVar, 1 - momentum), tf.mul(bv, (momentum * n) / (n - 1))));
      } else {
        mean = runMean;
        variance = runVar;
      }
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
    });
  }) as BatchNormLayer;
  layer.training = true;
  return layer;
}
