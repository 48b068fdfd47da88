/**
 * Unfolded WMMSE (WMMSE paper §IV–V, Algorithm 1, Fig. 1): L layers, each the w update (5a), the
 * u update (5b) and K projected-gradient steps (12) on V with trainable step sizes γ_l^(k).
 *
 *   ∇f(v_i) = −2 α_i w_i u_i h_i + 2 A v_i,   A = Σ_i α_i w_i |u_i|² h_i h_iᴴ          (12), (6)
 *   Ṽ^(k) = V^(k−1) − γ_l^(k) ∇f(V^(k−1)),   V^(k) = Π_C{Ṽ^(k)} = Ṽ √P / (ReLU(‖Ṽ‖ − √P) + √P)  (12), §VI-A
 *
 * In our row convention A = Hᴴ diag(α w |u|²) H and the stacked gradient is 2(A V − Hᴴ diag(α w u)).
 * Everything is batched over channels and differentiable; the loss (14) sums the WSR of every layer.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { checkPositiveInt } from '../../core/validate';
import { checkBeamformers, checkSystem, matchedFilterInit, weightsAndGains, WmmseSystem } from './system';

export interface UnfoldedShape {
  /** L, layers (WMMSE iterations) */
  layers: number;
  /** K, projected-gradient steps per layer */
  pgdSteps: number;
  /** 'same γ' variant of Figs. 2, 4, 6: one step size per layer shared by its K steps */
  sameGamma: boolean;
}

/** Trainable step sizes: [L, K] (or [L, 1] for the 'same γ' variant), initialised to 1 (§VI-A). */
export function initialGamma(shape: UnfoldedShape, value = 1): tf.Variable {
  checkPositiveInt('initialGamma', 'layers', shape.layers);
  checkPositiveInt('initialGamma', 'pgdSteps', shape.pgdSteps);
  const init = tf.fill([shape.layers, shape.sameGamma ? 1 : shape.pgdSteps], value);
  const v = tf.variable(init, true, undefined, 'float32');
  init.dispose(); // the variable holds its own reference
  return v;
}

/**
 * Projection (13) onto {V : Tr(V Vᴴ) ≤ P} without a branch (§VI-A): V √P / (ReLU(‖V‖ − √P) + √P), on the
 * real embedding [Re V; Im V] (the Frobenius norm is the same). vs: [batch, 2M, N].
 */
export function projectPowerReal(vs: tf.Tensor, power: number): tf.Tensor {
  return tf.tidy(() => {
    const sqrtP = Math.sqrt(power);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(vs), [-2, -1], true), 1e-30));
    return tf.mul(vs, tf.div(sqrtP, tf.add(tf.relu(tf.sub(norm, sqrtP)), sqrtP)));
  });
}

/**
 * ∇f(V) of (12) for fixed w, u: 2(A V − Hᴴ diag(α w u)). h: [b, N, M], v: [b, M, N], wgt: [b, N], u: [b, N].
 * Returned as the pieces A and B = Hᴴ diag(α w u) so K steps reuse them: ∇f(V) = 2(A V − B).
 */
export function pgdTerms(h: Complex, wgt: tf.Tensor, u: Complex, alpha: tf.Tensor): { a: Complex; b: Complex } {
  const [ar, ai, br, bi] = tf.tidy(() => {
    const coef = tf.mul(tf.mul(alpha, wgt), C.abs2(u)); // α_i w_i |u_i|²: [b, N]
    const a = C.matmul(C.scale(h, tf.expandDims(coef, -1)), h, true, false); // Hᴴ diag(coef) H: [b, M, M]
    const bu = C.scale(u, tf.mul(alpha, wgt)); // α_i w_i u_i: [b, N]
    const b = C.mul(C.adjoint(h), C.expandDims(bu, 1)); // Hᴴ diag(α w u): [b, M, N]
    return [a.re, a.im, b.re, b.im];
  });
  return { a: { re: ar, im: ai }, b: { re: br, im: bi } };
}

export interface UnfoldedOutput {
  /** V_l after each layer l = 1..L, each [batch, M, N] */
  perLayer: Complex[];
}

/**
 * Forward pass of the unfolded WMMSE. gamma: [L, K] or [L, 1]; h: [batch, N, M] → V after each layer.
 * `v0` defaults to the matched-filter initialisation at full power.
 */
export function unfoldedForward(h: Complex, gamma: tf.Tensor, sys: WmmseSystem, pgdSteps: number, v0?: Complex): UnfoldedOutput {
  const dims = checkSystem('unfoldedForward', sys, h);
  if (v0 !== undefined) checkBeamformers('unfoldedForward', v0, dims);
  if (!(gamma instanceof tf.Tensor) || gamma.rank !== 2) throw new Error(`unfoldedForward(gamma): must be [layers, K] or [layers, 1]; got [${gamma.shape}]`);
  checkPositiveInt('unfoldedForward', 'pgdSteps', pgdSteps);
  const [layers, gk] = gamma.shape;
  if (gk !== 1 && gk !== pgdSteps) throw new Error(`unfoldedForward(gamma): second axis must be 1 or pgdSteps=${pgdSteps}; got ${gk}`);
  const perLayer: Complex[] = [];
  const flat = tf.tidy(() => {
    const alpha = tf.tensor1d(sys.alpha);
    let v = v0 ?? matchedFilterInit(h, sys.power);
    const outs: tf.Tensor[] = [];
    for (let l = 0; l < layers; l++) {
      const { wgt, u } = weightsAndGains(h, v, sys.noiseVar); // (5a), (5b)
      const { a, b } = pgdTerms(h, wgt, u, alpha);
      // The K steps run on the real embedding (NNO-C2PO eq. 8): V as [Re V; Im V] and A as
      // [[Re A, −Im A], [Im A, Re A]], so each step is one real matmul instead of four.
      const a2 = tf.mul(C.realEmbedMatrix(a), 2); // 2A: [b, 2M, 2M]
      const b2 = tf.mul(C.realEmbedVector(b), 2); // 2B: [b, 2M, N]
      let vs = C.realEmbedVector(v);
      for (let k = 0; k < pgdSteps; k++) {
        const g = tf.reshape(tf.slice(gamma, [l, gk === 1 ? 0 : k], [1, 1]), []); // γ_l^(k)
        const grad = tf.sub(tf.matMul(a2, vs), b2); // ∇f(V) = 2(AV − B)  (12)
        vs = projectPowerReal(tf.sub(vs, tf.mul(grad, g)), sys.power); // (12a), (12b)
      }
      v = C.fromRealEmbedVector(vs);
      outs.push(v.re, v.im);
    }
    return outs;
  });
  for (let l = 0; l < layers; l++) perLayer.push({ re: flat[2 * l], im: flat[2 * l + 1] });
  return { perLayer };
}

/** WSR of every layer's output: [L, batch] (uses w_i = 1 + SINR_i). */
export function wsrPerLayer(h: Complex, out: UnfoldedOutput, sys: WmmseSystem): tf.Tensor {
  return tf.tidy(() => {
    const scale = tf.tensor1d(sys.alpha.map((a) => a / Math.LN2));
    return tf.stack(
      out.perLayer.map((v) => {
        const { wgt } = weightsAndGains(h, v, sys.noiseVar);
        return tf.sum(tf.mul(tf.log(wgt), scale), -1);
      }),
    );
  });
}

/** Loss (14): −(1/N_s) Σ_n Σ_l WSR(H_n, V_l; Γ). */
export function unfoldedLoss(h: Complex, gamma: tf.Tensor, sys: WmmseSystem, pgdSteps: number): tf.Scalar {
  return tf.tidy(() => {
    const out = unfoldedForward(h, gamma, sys, pgdSteps);
    return tf.neg(tf.mean(tf.sum(wsrPerLayer(h, out, sys), 0))) as tf.Scalar;
  });
}

/**
 * Progressive extension (§VI-B, Fig. 5): γ with one more PGD step per layer, the trained steps kept
 * and the new (last) step initialised to `init` (default 1, the paper's initial value).
 */
export function extendGamma(gamma: tf.Tensor, init = 1): tf.Tensor {
  if (gamma.rank !== 2) throw new Error(`extendGamma(gamma): must be [layers, K]; got [${gamma.shape}]`);
  return tf.tidy(() => tf.concat([gamma, tf.fill([gamma.shape[0], 1], init)], 1));
}

/** Number of real multiply-adds of one unfolded forward pass per channel (for the complexity table). */
export function unfoldedFlops(opts: { antennas: number; users: number; layers: number; pgdSteps: number }): number {
  const { antennas: m, users: n, layers, pgdSteps } = opts;
  // complex multiply-add = 4 real mult + 4 real add ≈ 8 flops
  const perLayer = 8 * (n * n * m /* HV */ + m * m * n /* A */ + m * n /* B */) + pgdSteps * 8 * (m * m * n /* AV */ + 2 * m * n /* update, projection */);
  return layers * perLayer;
}
