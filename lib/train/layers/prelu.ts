/**
 * Parametric ReLU (He et al. 2015), PyTorch's `nn.PReLU(num_parameters)`: y = max(0, x) + a·min(0, x)
 * with a learned slope a per channel (last axis), initialised to 0.25 as PyTorch does. SLP-SQ
 * (Table IV) uses it in the full-precision networks.
 *
 * Parameter: `${name}/alpha` [channels]. Input x [..., channels]; output the same shape.
 */
import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../../core/validate';
import { checkParamName, ParamSet } from '../params';
import { Layer, shapeText } from './layer';

export function prelu(params: ParamSet, name: string, opts: { channels: number; init?: number }): Layer {
  const fn = `prelu("${checkParamName('prelu', name)}")`;
  const C = checkPositiveInt(fn, 'channels', opts.channels);
  const a0 = opts.init ?? 0.25;
  if (!Number.isFinite(a0)) throw new Error(`${fn}: init must be a finite slope; got ${a0}`);
  const alpha = params.add(`${name}/alpha`, { shape: [C], init: { kind: 'constant', value: a0 } });
  return (x) => {
    if (x.rank < 1 || x.shape[x.rank - 1] !== C) throw new Error(`${fn}: input must have shape [..., ${C}] (channels); got ${shapeText(x.shape)}`);
    // relu(x) − a·relu(−x): elementwise ops only (every backend has their gradients)
    return tf.tidy(() => tf.sub(tf.relu(x), tf.mul(alpha, tf.relu(tf.neg(x)))));
  };
}
