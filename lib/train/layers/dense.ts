/**
 * Fully connected layer y = σ(x W + b).
 *
 * Parameters: `${name}/kernel` [inUnits, outUnits] (W, row-vector convention: the transpose of a
 * paper's W ∈ ℝ^{out×in} in y = σ(W x + b)), `${name}/bias` [outUnits] unless `useBias: false`.
 *
 * Input: x [..., inUnits] float32 (any number of leading dimensions).
 * Output: y [..., outUnits] float32.
 */
import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../../core/validate';
import { checkInitializer, Initializer } from '../init';
import { checkParamName, ParamSet } from '../params';
import { Activation, activate, checkActivation } from './activation';
import { Layer, shapeText } from './layer';
import { linear } from './linear';

export interface DenseOptions {
  inUnits: number;
  outUnits: number;
  /** default 'linear' */
  activation?: Activation;
  /** default true */
  useBias?: boolean;
  /** default 'glorotUniform' */
  kernelInit?: Initializer;
  /** default 'zeros' */
  biasInit?: Initializer;
  /** applied to the kernel at every call (e.g. weight quantisation, `train/quantize`); default none */
  kernelTransform?: (kernel: tf.Tensor) => tf.Tensor;
}

/** Register `name/kernel` (and `name/bias`) in `params`; return x ↦ σ(x W + b). */
export function dense(params: ParamSet, name: string, opts: DenseOptions): Layer {
  const fn = `dense("${checkParamName('dense', name)}")`;
  const inUnits = checkPositiveInt(fn, 'inUnits', opts.inUnits);
  const outUnits = checkPositiveInt(fn, 'outUnits', opts.outUnits);
  const act = opts.activation ?? 'linear';
  checkActivation(`${fn}: activation`, act);
  const kernelInit = opts.kernelInit ?? 'glorotUniform', biasInit = opts.biasInit ?? 'zeros';
  checkInitializer(`${fn}: kernelInit`, kernelInit);
  checkInitializer(`${fn}: biasInit`, biasInit);
  const transform = opts.kernelTransform;
  if (transform !== undefined && typeof transform !== 'function') throw new Error(`${fn}: kernelTransform must be a function kernel → kernel`);
  const kernel = params.add(`${name}/kernel`, { shape: [inUnits, outUnits], init: kernelInit });
  const bias = opts.useBias === false ? undefined : params.add(`${name}/bias`, { shape: [outUnits], init: biasInit });
  return (x) => {
    if (x.rank < 1 || x.shape[x.rank - 1] !== inUnits) {
      throw new Error(`${fn}: input must have shape [..., ${inUnits}] (inUnits); got ${shapeText(x.shape)}`);
    }
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      let y: tf.Tensor = linear(tf.reshape(x, [-1, inUnits]), transform ? transform(kernel) : kernel);
      if (bias) y = tf.add(y, bias);
      return activate(tf.reshape(y, [...lead, outUnits]), act);
    });
  };
}
