/**
 * x·W and the leaky ReLU with gradients built for tfjs-wasm.
 *
 * tfjs's own gradient of matMul(x, W) is matMul(dy, W, false, true) and matMul(x, dy, true, false):
 * products with a transpose flag, which tfjs-wasm runs ~8× slower than the same product on
 * explicitly transposed operands (measured: [64000, 32]·[32, 32]ᵀ 159 ms with the flag, 16 ms with
 * tf.transpose first; bench/). `linear` transposes explicitly. Its leaky-ReLU partner
 * `leakyRelu` writes the gradient as dy·(α + (1 − α)·step(x)) instead of tfjs's select kernels
 * (98 ms → ≈ 30 ms on the same tensor). Values are the same as tf.matMul / tf.leakyRelu; gradients
 * agree with autodiff (tested).
 */
import * as tf from '@tensorflow/tfjs';

const linearOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w] = args as [tf.Tensor2D, tf.Tensor2D];
  const save = args[2] as tf.GradSaveFunc;
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)];
    },
  };
});

/** x [..., dIn] · W [dIn, dOut] → [..., dOut] (one 2-D matmul over the flattened leading axes). */
export function linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (w.rank !== 2 || x.shape[x.rank - 1] !== w.shape[0]) {
    throw new Error(`linear: needs x [..., ${w.shape[0]}] and W [dIn, dOut]; got x [${x.shape}], W [${w.shape}]`);
  }
  const [dIn, dOut] = w.shape;
  return tf.tidy(() => tf.reshape(linearOp(tf.reshape(x, [-1, dIn]), w), [...x.shape.slice(0, -1), dOut]));
}

/** max(0, x) + α·min(0, x) = α·x + (1 − α)·relu(x), gradient dy·(α + (1 − α)·step(x)). */
export function leakyRelu(x: tf.Tensor, alpha: number): tf.Tensor {
  if (!(alpha >= 0 && alpha < 1)) throw new Error(`leakyRelu(alpha): must be in [0, 1); got ${alpha}`);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([v]);
    return {
      value: tf.leakyRelu(v, alpha),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.add(tf.mul(tf.step(saved[0]), 1 - alpha), alpha)),
    };
  });
  return f(x);
}
