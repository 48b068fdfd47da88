/**
 * Closed-form gradients of the MSER objective, eqs. (16)–(21) of the MSER paper, in one matrix form.
 *
 * Convention: for a real f of a complex X, g_X = ∂f/∂Re X + j ∂f/∂Im X = 2∂f/∂X* (the paper's ∇_{X*} is
 * ∂f/∂X*, half of it; the factor is absorbed by the step sizes). This is what tfjs's autodiff returns
 * for the (re, im) pair, so the test compares the two directly.
 *
 * QPSK. With the margins a = Re Z ∘ Re S/ϱ, c = Im Z ∘ Im S/ϱ of ./kde and φ the standard normal density,
 *   g_Z = −(1/J)(φ(a) ∘ Re S + j φ(c) ∘ Im S)/ϱ   [B, D, J],   g_M = g_Z Sᴴ   [B, D, D].
 * 16-QAM, the objective (47)–(48) of ./kde: with the turned outputs x + jy = Z ∘ conj(e), e = c/|c|,
 * r = |c|, c = diag M, and the margins a^∓ of level F = Re S (real axis; G = Im S, y for the imaginary one),
 * the derivatives of P̃ w.r.t. x and r of one term are (Q′ = −φ)
 *   γ_x = (1/(Jϱ))([F < 3] φ(a⁺) − [F > −3] φ(a⁻)),
 *   γ_r = (1/(Jϱ))([F > −3] φ(a⁻)(F − 1) − [F < 3] φ(a⁺)(F + 1)),
 * and γ_y, γ_r′ likewise from y, G. Then (x + jy = Z conj(e) ⇒ g_Z = e ∘ g_{x+jy})
 *   g_Z = e ∘ (γ_x + jγ_y)   [B, D, J],
 * and c enters through r = |c| (g = e) and through the turn e (only its phase moves: the part of g_e
 * orthogonal to e, over |c|):
 *   g_c = e ∘ (Σ_j (γ_r + γ_r′) + j Σ_j (γ_x y − γ_y x)/r)   [B, D, 1],
 *   g_M = g_Z Sᴴ + diag(g_c)   [B, D, D].
 * The paper omits the M-QAM gradients ("similar steps", §V-F); these are ours, checked against autodiff.
 * Everything below g_M is the same for both alphabets. Through M = GFV, G_k = W_kᴴU_kH_k, F = exp(jθ_F), U_k = exp(jθ_{U_k}):
 *   (16) g_V = FᴴGᴴ g_M                         [B, R_t, D]   (P_k: its columns of user k)
 *   (19) g_F = Gᴴ g_M Vᴴ                         [B, N_t, R_t]
 *   (17) g_{W_k} = U_kH_k F V (g_M)_kᴴ            [B, K, R_r, D_k]  ((g_M)_k: user k's D_k rows)
 *   (18) g_{U_k} = W_k (g_M)_k VᴴFᴴ H_kᴴ          [B, K, R_r, N_r]
 *   (20)–(21) ∂f/∂θ = Im(conj(X) ∘ g_X) for X = U_k, F   (X = exp(jθ) ⇒ dX = jX dθ).
 * The printed (16)–(19) show one stream's terms (w_{i,k}, b_{i,k}); summed over every stream of every user,
 * as (15) asks, they are these products, cross-user terms included.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { KernelWidth, margins, noiseFreeOutputs, qamKdeSer, qamMargins, qTensor, streamGains } from './kde';
import { analog, analogReceive, HybridState, receiveChain } from './transceiver';
import type { SymbolBlock } from './symbols';

export interface MserGradients {
  /** g_V [B, R_t, D] complex */
  v: Complex;
  /** g_W [B, K, R_r, D_k] complex */
  w: Complex;
  /** ∂P̃/∂θ_U [B, K, R_r, N_r] */
  thetaU: tf.Tensor;
  /** ∂P̃/∂θ_F [B, N_t, R_t] */
  thetaF: tf.Tensor;
  /** P̃ [B] at the point the gradients are taken */
  objective: tf.Tensor;
}

export function disposeGradients(g: MserGradients | undefined): void {
  if (g) tf.dispose([g.v.re, g.v.im, g.w.re, g.w.im, g.thetaU, g.thetaF, g.objective]);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** φ(x) with the exponent floored at −80 (φ < 1e−35, still a normal float32; no scope of its own). */
function pdf(x: tf.Tensor): tf.Tensor {
  // subnormal densities made exp and the following matmul several times slower (bench/mser.bench.ts)
  return tf.mul(tf.exp(tf.maximum(tf.mul(tf.square(x), -0.5), -80)), INV_SQRT_2PI);
}

/** g_M = ∂P̃/∂Re M + j∂P̃/∂Im M [B, D, D] and P̃ [B], from M [B, D, D] (QPSK (12)–(13), 16-QAM (47)–(48)). */
export function effectiveMatrixGradient(m: Complex, sym: SymbolBlock, opts: { rho: KernelWidth; objective?: boolean }): { gM: Complex; objective?: tf.Tensor } {
  if (sym.modulation !== 'qpsk' && sym.modulation !== '16qam') throw new Error(`effectiveMatrixGradient(sym.modulation): 'qpsk' or '16qam'; got ${String(sym.modulation)}`);
  const out = tf.tidy(() => {
    const z = noiseFreeOutputs(m, sym);
    const { gz, gc, objective } = sym.modulation === 'qpsk' ? qpskOutputGradient(z, sym, opts) : qamOutputGradient(z, streamGains(m), sym, opts);
    const [b, d, j] = gz.re.shape;
    let gM = C.reshape(C.matmul(C.reshape(gz, [b * d, j]), sym.sH), [b, d, d]);
    if (gc) {
      const eye = tf.eye(d);
      gM = { re: tf.add(gM.re, tf.mul(gc.re, eye)), im: tf.add(gM.im, tf.mul(gc.im, eye)) }; // + diag(g_c)
    }
    return { gRe: gM.re, gIm: gM.im, objective };
  });
  return { gM: { re: out.gRe, im: out.gIm }, objective: out.objective };
}

/** The derivative of P̃ w.r.t. the outputs Z, g_Z [B, D, J], and the gains c, g_c [B, D, 1] (16-QAM only). */
interface OutputGradient {
  gz: Complex;
  gc?: Complex;
  objective?: tf.Tensor;
}

/** QPSK: g_Z = −(1/J)(φ(a) ∘ Re S + j φ(c) ∘ Im S)/ϱ (from (16)–(19)); no scope of its own. */
function qpskOutputGradient(z: Complex, sym: SymbolBlock, opts: { rho: KernelWidth; objective?: boolean }): OutputGradient {
  const { a, c } = margins(z, sym, opts.rho);
  const objective = opts.objective === false ? undefined : tf.div(tf.sum(tf.add(qTensor(a), qTensor(c)), [1, 2]), sym.count);
  const k = tf.div(-1 / sym.count, typeof opts.rho === 'number' ? tf.scalar(opts.rho) : opts.rho);
  return { gz: { re: tf.mul(tf.mul(pdf(a), sym.s.re), k), im: tf.mul(tf.mul(pdf(c), sym.s.im), k) }, objective };
}

/** 16-QAM: g_Z and g_c of (47)–(48) (module comment) for the gains c = diag M [B, D]; no scope of its own. */
function qamOutputGradient(z: Complex, gains: Complex, sym: SymbolBlock, opts: { rho: KernelWidth; objective?: boolean }): OutputGradient {
  const q = qamMargins(z, sym, gains, opts.rho);
  const objective = opts.objective === false ? undefined : qamKdeSer(q, sym.count);
  const k = tf.div(1 / sym.count, typeof opts.rho === 'number' ? tf.scalar(opts.rho) : opts.rho);
  // per axis: γ_v (w.r.t. the turned output) and γ_r (w.r.t. r = |c|) [B, D, J]
  const axis = (mg: typeof q.re, level: tf.Tensor) => {
    const pLo = tf.mul(mg.loMask, pdf(mg.lo)), pHi = tf.mul(mg.hiMask, pdf(mg.hi));
    return {
      gv: tf.mul(tf.sub(pHi, pLo), k),
      gr: tf.mul(tf.sub(tf.mul(pLo, tf.sub(level, 1)), tf.mul(pHi, tf.add(level, 1))), k),
    };
  };
  const ax = axis(q.re, sym.s.re), ay = axis(q.im, sym.s.im);
  const gz = C.mul(q.e, { re: ax.gv, im: ay.gv }); // e ∘ (γ_x + jγ_y)
  const radial = tf.sum(tf.add(ax.gr, ay.gr), 2, true); // Σ_j ∂P̃/∂r [B, D, 1]
  const turn = tf.div(tf.sum(tf.sub(tf.mul(ax.gv, q.y), tf.mul(ay.gv, q.x)), 2, true), q.r); // Σ_j (γ_x y − γ_y x)/r
  const gc = C.mul(q.e, { re: radial, im: turn });
  return { gz, gc, objective };
}

/** Im(conj(X) ∘ g_X) for X = exp(jθ): the gradient w.r.t. the phases θ. */
export function phaseGradient(x: Complex, g: Complex): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(x.re, g.im), tf.mul(x.im, g.re)));
}

/** The blocks of the transceiver, in the order Algorithm 1 updates them. */
export type MserBlock = 'v' | 'w' | 'thetaU' | 'thetaF';
export const MSER_BLOCKS: readonly MserBlock[] = ['v', 'w', 'thetaU', 'thetaF'];

/** The gradient of one block: complex for V and W, real for the phases. */
export type BlockGradient = { block: 'v' | 'w'; g: Complex; objective?: tf.Tensor } | { block: 'thetaU' | 'thetaF'; g: tf.Tensor; objective?: tf.Tensor };

/**
 * The gradient of P̃ w.r.t. one block at the state `s` (what one step of Algorithm 1 needs), and P̃ [B]
 * unless `objective: false` (a step does not need it; its erf is ≈ 10 % of an iteration).
 */
export function blockGradient(h: Complex, s: HybridState, sym: SymbolBlock, opts: { rho: KernelWidth; block: MserBlock; objective?: boolean }): BlockGradient {
  const block = opts.block;
  if (!MSER_BLOCKS.includes(block)) throw new Error(`blockGradient(opts.block): one of ${MSER_BLOCKS.join(', ')}; got ${String(block)}`);
  const out = tf.tidy(() => {
    const [b, k, , nt] = h.re.shape as [number, number, number, number];
    const dk = s.w.re.shape[3] as number;
    const f = analog(s.thetaF);
    const g = receiveChain(h, s); // G [B, D, N_t]
    const { gM, objective } = effectiveMatrixGradient(C.matmul(g, C.matmul(f, s.v)), sym, opts);
    if (block === 'v') {
      const gv = C.matmul(C.matmul(f, g, true, true), gM); // (16) FᴴGᴴ g_M
      return { re: gv.re, im: gv.im, objective };
    }
    const gmVH = C.matmul(gM, s.v, false, true); // g_M Vᴴ [B, D, R_t]
    if (block === 'thetaF') return { re: phaseGradient(f, C.matmul(g, gmVH, true)), objective }; // (19), (21)
    const gG = C.reshape(C.matmul(gmVH, f, false, true), [b, k, dk, nt]); // (g_M VᴴFᴴ)_k [B, K, D_k, N_t]
    if (block === 'w') {
      const gw = C.matmul(analogReceive(h, s.thetaU), gG, false, true); // (17) U_kH_k (g_G)_kᴴ
      return { re: gw.re, im: gw.im, objective };
    }
    return { re: phaseGradient(analog(s.thetaU), C.matmul(C.matmul(s.w, gG), h, false, true)), objective }; // (18), (20)
  }) as { re: tf.Tensor; im?: tf.Tensor; objective?: tf.Tensor };
  if (block === 'v' || block === 'w') return { block, g: { re: out.re, im: out.im as tf.Tensor }, objective: out.objective };
  return { block, g: out.re, objective: out.objective };
}

/** All four gradients (16)–(21) of P̃ at the state `s` (each channel's own), in one pass. */
export function mserGradients(h: Complex, s: HybridState, sym: SymbolBlock, opts: { rho: KernelWidth }): MserGradients {
  const out = tf.tidy(() => {
    const [b, k, , nt] = h.re.shape as [number, number, number, number];
    const dk = s.w.re.shape[3] as number;
    const f = analog(s.thetaF);
    const fv = C.matmul(f, s.v); // [B, N_t, D]
    const g = receiveChain(h, s); // [B, D, N_t]
    const m = C.matmul(g, fv);
    const { gM, objective } = effectiveMatrixGradient(m, sym, { rho: opts.rho });
    const gmVH = C.matmul(gM, s.v, false, true); // g_M Vᴴ [B, D, R_t]
    const gV = C.matmul(C.matmul(f, g, true, true), gM); // FᴴGᴴ g_M
    const gF = C.matmul(g, gmVH, true); // Gᴴ g_M Vᴴ
    const gG = C.reshape(C.matmul(gmVH, f, false, true), [b, k, dk, nt]); // g_M VᴴFᴴ per user [B, K, D_k, N_t]
    const a = analogReceive(h, s.thetaU); // U_kH_k [B, K, R_r, N_t]
    const gW = C.matmul(a, gG, false, true); // U_kH_k (g_G)_kᴴ [B, K, R_r, D_k]
    const gU = C.matmul(C.matmul(s.w, gG), h, false, true); // W_k (g_G)_k H_kᴴ [B, K, R_r, N_r]
    return {
      vRe: gV.re, vIm: gV.im, wRe: gW.re, wIm: gW.im,
      thetaU: phaseGradient(analog(s.thetaU), gU), thetaF: phaseGradient(f, gF), objective,
    };
  });
  return { v: { re: out.vRe, im: out.vIm }, w: { re: out.wRe, im: out.wIm }, thetaU: out.thetaU, thetaF: out.thetaF, objective: out.objective as tf.Tensor };
}
