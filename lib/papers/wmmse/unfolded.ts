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
import { scalarsOf } from '../../train/scalars';
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
/** γ at the start of training: every PGD step of every layer */
export const GAMMA_START = 1;

export function initialGamma(shape: UnfoldedShape, value = GAMMA_START): tf.Variable {
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
 *
 * Everything runs on the real embedding (NNO-C2PO eq. 8), where a complex product is one real matmul:
 * E = [[Re H, −Im H], [Im H, Re H]] (built once), V as [Re V; Im V]. Per layer:
 * - G = H V as E·[Re V; Im V] = [Re G; Im G] (one matmul), then w (5a) and u (5b) from G's rows;
 * - 2A of (6) embedded as Eᵀ diag([2c; 2c]) E with c_i = α_i w_i |u_i|² (one matmul; embed(Xᴴ) = embed(X)ᵀ);
 * - 2B = 2Hᴴ diag(α w u) embedded, elementwise: [Re; Im] = [Hᵀr; −Hᵀi]·Re(2αwu) + [Hᵀi; Hᵀr]·Im(2αwu);
 * - K steps (12): V ← Π_C{V − γ_l^(k)(2A V − 2B)}, one matmul and four elementwise ops each (13).
 * Same maths as `weightsAndGains` + `pgdTerms` + (12), in fewer and larger tfjs ops (no data read).
 */
export function unfoldedForward(h: Complex, gamma: tf.Tensor, sys: WmmseSystem, pgdSteps: number, v0?: Complex): UnfoldedOutput {
  const dims = checkSystem('unfoldedForward', sys, h);
  if (v0 !== undefined) checkBeamformers('unfoldedForward', v0, dims);
  if (!(gamma instanceof tf.Tensor) || gamma.rank !== 2) throw new Error(`unfoldedForward(gamma): must be [layers, K] or [layers, 1]; got [${gamma.shape}]`);
  checkPositiveInt('unfoldedForward', 'pgdSteps', pgdSteps);
  const [layers, gk] = gamma.shape;
  if (gk !== 1 && gk !== pgdSteps) throw new Error(`unfoldedForward(gamma): second axis must be 1 or pgdSteps=${pgdSteps}; got ${gk}`);
  const [batch, n, m] = dims;
  const perLayer: Complex[] = [];
  const flat = tf.tidy(() => {
    const alpha = tf.tensor1d(sys.alpha); // [N]
    const e = C.realEmbedMatrix(h); // E: [b, 2N, 2M]
    const hT = C.adjoint(h); // Hᴴ: [b, M, N]
    const pRe = tf.concat([hT.re, hT.im], 1); // [Hᵀr; −Hᵀi]: multiplies Re(2αwu)
    const pIm = tf.concat([tf.neg(hT.im), hT.re], 1); // [Hᵀi; Hᵀr]: multiplies Im(2αwu)
    const eyeStack = tf.concat([tf.eye(n), tf.eye(n)], 0); // [I; I]: picks g_ii from [Re G; Im G]
    const steps = scalarsOf(gamma); // γ_l^(k) as scalars, row-major
    let vs = C.realEmbedVector(v0 ?? matchedFilterInit(h, sys.power)); // [b, 2M, N]
    const outs: tf.Tensor[] = [];
    for (let l = 0; l < layers; l++) {
      const g = tf.matMul(e, vs); // [Re G; Im G], G = H V: [b, 2N, N]
      const total = tf.add(tf.sum(tf.reshape(tf.sum(tf.square(g), -1), [batch, 2, n]), 1), sys.noiseVar); // Σ_j |g_ij|² + σ²
      const d = tf.reshape(tf.sum(tf.mul(g, eyeStack), -1), [batch, 2, n]); // (Re, Im) of g_ii
      const w = tf.div(total, tf.maximum(tf.sub(total, tf.sum(tf.square(d), 1)), 1e-18)); // (5a)
      const u = tf.div(d, tf.expandDims(total, 1)); // (5b), (Re, Im): [b, 2, N]
      const aw2 = tf.mul(tf.mul(alpha, w), 2); // 2 α_i w_i: [b, N]
      const c2 = tf.mul(aw2, tf.sum(tf.square(u), 1)); // 2 α_i w_i |u_i|²
      const a2 = tf.matMul(tf.mul(e, tf.expandDims(tf.concat([c2, c2], 1), -1)), e, true, false); // embed(2A): [b, 2M, 2M]
      const [bur, bui] = tf.split(tf.mul(u, tf.expandDims(aw2, 1)), 2, 1); // Re, Im of 2 α w u: [b, 1, N]
      const b2 = tf.add(tf.mul(pRe, bur), tf.mul(pIm, bui)); // [Re 2B; Im 2B]: [b, 2M, N]
      for (let k = 0; k < pgdSteps; k++) {
        const grad = tf.sub(tf.matMul(a2, vs), b2); // ∇f(V) = 2(AV − B)  (12)
        vs = projectPowerReal(tf.sub(vs, tf.mul(grad, steps[l * gk + (gk === 1 ? 0 : k)])), sys.power); // (12a), (12b)
      }
      // [b, 2M, N] → [2, b, M, N]: Re and Im become contiguous halves (a transpose is far cheaper
      // than a strided split in tfjs-wasm)
      const [re, im] = tf.split(tf.transpose(tf.reshape(vs, [batch, 2, m, n]), [1, 0, 2, 3]), 2, 0);
      outs.push(tf.reshape(re, [batch, m, n]), tf.reshape(im, [batch, m, n]));
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

/**
 * Real flops of one unfolded forward pass per channel, counted as `unfoldedForward` does it on the
 * real embedding (a real multiply-add = 2 flops): the matched-filter start 6MN + 3; per layer
 * G = E·[Re V; Im V] 8MN², the statistics and (5a)/(5b) 8N² + 10N, the scaled Eᵀ diag(2c) E of (6)
 * 4MN + 16M²N (the real embedding computes both blocks: twice the 8M²N of the complex product),
 * 2B 6MN + 2N; per PGD step (12) the product 2A·V 8M²N, the update 6MN and the projection (13)
 * 6MN + 6.
 */
export function unfoldedFlops(opts: { antennas: number; users: number; layers: number; pgdSteps: number }): number {
  const { antennas: m, users: n, layers, pgdSteps } = opts;
  const step = 8 * m * m * n + 12 * m * n + 6;
  const perLayer = 8 * m * n * n + 8 * n * n + 12 * n + 16 * m * m * n + 10 * m * n + pgdSteps * step;
  return 6 * m * n + 3 + layers * perLayer;
}
