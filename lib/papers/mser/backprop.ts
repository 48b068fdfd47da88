/**
 * One layer of the unfolded network back-propagated by hand, as Appendices A–B of the MSER paper do,
 * and by tfjs autodiff, on the same forward (the issue: "autodiff may replace the hand-derived
 * back-propagation of Appendix A/B, but the notebook shows their equivalence on one layer").
 *
 * The layer is ONE block update of ./unfolded (its (27) for V = [P_1 … P_K], or its (30) for θ_F),
 * with the paper's parameters α, O, ρ themselves (./unfolded trains a, o, r with α = μ·a, O = μ·o,
 * ρ_k = ϱ₀·e^{r_k}, so ∂L/∂a = μ ∂L/∂α, ∂L/∂o = μ ∂L/∂O, ∂L/∂r_k = ρ_k ∂L/∂ρ_k):
 *   'v':      V⁺ = V − α ∘ g_V(ρ) + O     α, O [R_t, D] complex (∘: element-wise complex product);
 *             ρ [K], user k's rows of the gradient use ρ_k
 *   'thetaF': θ_F⁺ = θ_F − α ∘ g_θF(ρ) + O   α, O [N_t, R_t] real; ρ [1]
 * then (`project`, default true) (26) V ← √(P_T/E_s)/‖FV‖·V and ./gd's combiner normalisation (a
 * constant here: it depends on W and θ_U only), and the loss (31) as ./training has it: the mean over the
 * B channels of P̃ (15) with the fixed loss width ϱ_L. α, O, ρ are shared by the B channels.
 *
 * Notation (the library's, ./gradients): for a real L of a complex X, G_X = ∂L/∂Re X + j∂L/∂Im X
 * = 2∂L/∂X*, so dL = ⟨G_X, dX⟩ with ⟨A, B⟩ = Re tr(AᴴB) = Σ Re(conj(A) ∘ B); for a real X, G_X = ∂L/∂X.
 * φ is the standard normal density; with M = GFV, Z = MS [B, D, J], a = Re Z ∘ Re S/ρ, c = Im Z ∘ Im S/ρ:
 *   g_Z = −(1/J)(φ(a) ∘ Re S + jφ(c) ∘ Im S)/ρ,  g_M = g_Z Sᴴ,  g_V = FᴴGᴴ g_M (16),
 *   g_θF = Im(conj(F) ∘ Gᴴ g_M Vᴴ) ((19), (21)).
 *
 * Step 1, the gradient at the layer output G⁺ = ∂L/∂X^{l+1} (the one-layer form of (32)), with g̃_V, g̃_θF
 * the closed forms (16), (21) at the projected state X̃ (width ϱ_L) and P = ‖FṼ‖², s = ⟨g̃_V, Ṽ⟩ per channel:
 *   G⁺_V  = c·(g̃_V − (s/P)·FᴴFṼ)/B,   c = √(P_T/E_s)/‖FV⁺‖        (chain through (26), ours)
 *   G⁺_θF = (g̃_θF − (s/P)·Im(conj(F) ∘ FṼṼᴴ))/B                  (the path through ‖FV‖ in (26), ours)
 *   (without `project`: G⁺ = g_X/B at the updated state).
 * Step 2, the parameters (Appendix B, (55)):
 *   ∂L/∂α = −Σ_b G⁺ ∘ conj(g_V)   ('thetaF': −Σ_b G⁺ ∘ g_θF),   ∂L/∂O = Σ_b G⁺,
 *   ∂L/∂ρ_k = −Σ_b ⟨G⁺, α ∘ ∂g_X/∂ρ_k⟩, with ∂g_X/∂ρ the closed form
 *     ġ_Z = ∂g_Z/∂ρ = −(1/J)(φ(a)(a² − 1) ∘ Re S + jφ(c)(c² − 1) ∘ Im S)/ρ²,  ġ_M = ġ_Z Sᴴ,
 *     ∂g_V/∂ρ_k = FᴴGᴴ(ġ_M)_k ((ġ_M)_k: user k's D_k rows, the others zero; (55)'s Σ_i FᴴH_kᴴU_kᴴw_{i,k}…),
 *     ∂g_θF/∂ρ = Im(conj(F) ∘ Gᴴ ġ_M Vᴴ).
 * Step 3, the GCR to the layer input (Appendix A, (53)–(54); of (36) only the path through g_X itself,
 * the block's own Hessian ℋ (the Jacobian of g_X, symmetric in ⟨·,·⟩): a one-block layer has no W, θ_U,
 * θ_F updates after it):
 *   G^l_V = G⁺ − ℋ_V[conj(α) ∘ G⁺],   G^l_θF = G⁺ − ℋ_θF[α ∘ G⁺],
 *   ℋ_V[Δ] = FᴴGᴴ ∂g_M,  ℋ_θF[δ] = −δ ∘ Re(conj(F) ∘ Gᴴ g_M Vᴴ) + Im(conj(F) ∘ Gᴴ ∂g_M Vᴴ),
 *   ∂g_M = ∂g_Z Sᴴ, ∂g_Z = (1/J)(aφ(a) ∘ Re ∂Z ∘ (Re S)² + jcφ(c) ∘ Im ∂Z ∘ (Im S)²)/ρ²,
 *   ∂Z = GFΔS ('v') or G(jF ∘ δ)VS ('thetaF').
 *
 * Where this differs from the printed paper (and why):
 * - Factor 2 / conjugates: the paper writes Tr(G dX) with G = (∂L/∂X)ᵀ and keeps G_X and G_X* apart; its
 *   ∇_{X*} is ∂/∂X*, half of our g. Its ∇_O P̃ = (G^{l+1}_P)ᴴ = ∂L/∂P⁺* is ½ of our ∂L/∂O, and its
 *   ∇_α P̃ = −(G^{l+1}_P)ᴴ ∘ (∇_{Pᴴ}P̃)ᴴ = −¼ G⁺ ∘ conj(g_V) is ours for α_paper = 2α (its α multiplies the
 *   half-size gradient). The conjugate on g is real: α ∘ g is a complex product, so ∂(α∘g)/∂α* pairs with conj(g).
 * - (55) for ρ prints (1 − |b̄|²/(2ρ²)); differentiating (16) gives (1 − (Re b̄)²/ρ²) for the real-part
 *   terms and (1 − (Im b̄)²/ρ²) for the imaginary ones (d/dρ e^{−x²/(2ρ²)} = (x²/ρ³)e^{−x²/(2ρ²)}: no ½;
 *   (12) and (13) have separate margins). The printed (55) also drops the symbol factor Re{b_{i,k}}b_kᴴ
 *   of (16), the imaginary-part terms, and is a matrix: a gradient w.r.t. the scalar ρ_k is its inner
 *   product with G^{l+1} ∘ α, which we take.
 * - (55) for α_θF prints −(G_F)ᴴ ∘ jF* ∘ (∇_F P̃)ᴴ + (G_F*)ᴴ ∘ jF ∘ (∇_F* P̃)ᴴ: one j-factor per term,
 *   which is not −G_θF^{l+1} ∘ ∇_θF P̃ (a product of two real parts (21), (34) is not the real part of
 *   one product). We implement −G⁺ ∘ g_θF, which is what (30) gives; ∇_O θF = (34) is ours exactly.
 * - (26): the paper scales V "in each layer" but gives no back-propagation through the scaling; we chain
 *   through it exactly (Step 1), or, `project: false`, define the loss before it.
 * - (37), the normalisation of the back-propagated gradients, is a training heuristic that changes the
 *   gradient; it is not applied (autodiff does not apply it either).
 * - The loss width ϱ_L is fixed (./training); the paper's (31) writes ρ.
 * Only QPSK ((12)–(13)); ./unfolded's `normalisedSteps` (ours) is not covered: this is the paper's plain layer.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkComplex, checkFinite } from '../../core/validate';
import { projectState } from './gd';
import { blockGradient, phaseGradient } from './gradients';
import { margins, mserObjective, noiseFreeOutputs } from './kde';
import type { SymbolBlock } from './symbols';
import { checkSystem, MserSystem, symbolEnergy, totalStreams } from './system';
import { analog, checkState, HybridState, precoderPower, receiveChain } from './transceiver';

/** The blocks covered: the digital precoder V = [P_1 … P_K] ((27)) and the analog phases θ_F ((30)). */
export type BackpropBlock = 'v' | 'thetaF';
export const BACKPROP_BLOCKS: readonly BackpropBlock[] = ['v', 'thetaF'];

/** α, O, ρ of one block update (the caller owns the tensors). */
export type OneLayerParams =
  /** α, O [R_t, D] complex; ρ [K] (> 0) */
  | { block: 'v'; alpha: Complex; offset: Complex; rho: tf.Tensor }
  /** α, O [N_t, R_t] real; ρ [1] (> 0) */
  | { block: 'thetaF'; alpha: tf.Tensor; offset: tf.Tensor; rho: tf.Tensor };

export interface OneLayerOptions {
  /** ϱ_L, the kernel width of the loss (31) (> 0) */
  lossRho: number;
  /** apply (26) and the combiner normalisation after the update, inside the loss (default true) */
  project?: boolean;
}

/** ∂L/∂(α, O, ρ) and ∂L/∂X^l (the layer input, per channel) in the library's convention, and L. */
export type OneLayerGradients =
  /** alpha, offset [R_t, D]; rho [K]; input [B, R_t, D] */
  | { block: 'v'; alpha: Complex; offset: Complex; rho: tf.Tensor; input: Complex; loss: tf.Scalar }
  /** alpha, offset [N_t, R_t]; rho [1]; input [B, N_t, R_t] */
  | { block: 'thetaF'; alpha: tf.Tensor; offset: tf.Tensor; rho: tf.Tensor; input: tf.Tensor; loss: tf.Scalar };

export function disposeOneLayerGradients(g: OneLayerGradients | undefined): void {
  if (!g) return;
  if (g.block === 'v') tf.dispose([g.alpha.re, g.alpha.im, g.offset.re, g.offset.im, g.rho, g.input.re, g.input.im, g.loss]);
  else tf.dispose([g.alpha, g.offset, g.rho, g.input, g.loss]);
}

export function disposeOneLayerParams(p: OneLayerParams | undefined): void {
  if (!p) return;
  if (p.block === 'v') tf.dispose([p.alpha.re, p.alpha.im, p.offset.re, p.offset.im, p.rho]);
  else tf.dispose([p.alpha, p.offset, p.rho]);
}

/** One gradient as plain data (complex: `im` too). */
export interface GradientValues {
  shape: number[];
  re: Float32Array;
  im?: Float32Array;
}

export interface ParameterGradientValues {
  alpha: GradientValues;
  offset: GradientValues;
  rho: GradientValues;
  /** ∂L/∂X^l, the gradient passed on to the previous layer (Appendix A) */
  input: GradientValues;
}

export type GradientName = keyof ParameterGradientValues;
export const GRADIENT_NAMES: readonly GradientName[] = ['alpha', 'offset', 'rho', 'input'];

export interface OneLayerBackprop {
  block: BackpropBlock;
  /** L of the layer output (both paths compute it; the autodiff value) */
  loss: number;
  hand: ParameterGradientValues;
  autodiff: ParameterGradientValues;
  /** per gradient: max |hand − autodiff| / max |autodiff| over its entries (re and im together) */
  relError: Record<GradientName, number>;
  /** the largest of `relError` */
  maxRelError: number;
}

// ---------------------------------------------------------------------------------------------
// checks

function isComplex(x: Complex | tf.Tensor): x is Complex {
  return !(x instanceof tf.Tensor) && typeof x === 'object' && x !== null && 're' in x && 'im' in x;
}

function checkShape(fn: string, what: string, got: readonly number[], want: readonly number[], note: string): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) throw new Error(`${fn}(${what}): needs shape [${want}] (${note}); got [${got}]`);
}

/** Every shape and option check of this module (reads no tensor data). */
function checkInputs(fn: string, h: Complex, state: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams, opts: OneLayerOptions): void {
  checkSystem(fn, sys);
  checkState(fn, sys, h, state);
  if (sym === null || typeof sym !== 'object' || !sym.s) throw new Error(`${fn}(sym): needs a SymbolBlock (./symbols sampleSymbols)`);
  if (sym.modulation !== 'qpsk') throw new Error(`${fn}(sym.modulation): the hand-derived back-propagation is QPSK's ((12)–(13)); got ${String(sym.modulation)}`);
  if (sym.streams !== totalStreams(sys)) throw new Error(`${fn}(sym.streams): needs D = K·D_k = ${totalStreams(sys)}; got ${sym.streams}`);
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}(opts): needs { lossRho }`);
  checkFinite(fn, 'opts.lossRho (ϱ_L)', opts.lossRho, 0, false);
  if (params === null || typeof params !== 'object') throw new Error(`${fn}(params): needs { block, alpha, offset, rho }`);
  if (!BACKPROP_BLOCKS.includes(params.block)) throw new Error(`${fn}(params.block): one of ${BACKPROP_BLOCKS.join(', ')} (V of (27), θ_F of (30)); got ${String(params.block)}`);
  const d = totalStreams(sys);
  const [shape, note, rhoLen] = params.block === 'v' ? [[sys.txRf, d], 'R_t × D, complex', sys.users] : [[sys.txAntennas, sys.txRf], 'N_t × R_t, real', 1];
  for (const name of ['alpha', 'offset'] as const) {
    const x: Complex | tf.Tensor | undefined = params[name];
    const what = `params.${name} (${name === 'alpha' ? 'α' : 'O'})`;
    if (params.block === 'v') {
      if (x === undefined || !isComplex(x)) throw new Error(`${fn}(${what}): needs a Complex [${shape}] (${note})`);
      checkComplex(`${fn}(${what})`, x);
      checkShape(fn, what, x.re.shape, shape, note);
    } else {
      if (!(x instanceof tf.Tensor)) throw new Error(`${fn}(${what}): needs a real tensor [${shape}] (${note})`);
      checkShape(fn, what, x.shape, shape, note);
    }
  }
  if (!(params.rho instanceof tf.Tensor)) throw new Error(`${fn}(params.rho (ρ)): needs a tensor [${rhoLen}]`);
  checkShape(fn, 'params.rho (ρ)', params.rho.shape, [rhoLen], params.block === 'v' ? 'one width per user, K' : 'one width');
}

// ---------------------------------------------------------------------------------------------
// the forward (the same ops as ./unfolded's layer, with α, O, ρ in place of μa, μo, ϱ₀e^r)

/** The layer's kernel width rows: [D, 1] (user k's D_k rows get ρ_k) for V, [1] for θ_F. */
function layerRho(params: OneLayerParams, sys: MserSystem): tf.Tensor {
  if (params.block === 'thetaF') return params.rho;
  return tf.reshape(tf.tile(tf.reshape(params.rho, [sys.users, 1]), [1, sys.streams]), [totalStreams(sys), 1]);
}

/** The updated state (before (26)): no scope of its own, for use inside a tidy or a gradient. */
function updateRaw(h: Complex, s: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams): { next: HybridState; g: Complex | tf.Tensor } {
  const rho = layerRho(params, sys);
  if (params.block === 'v') {
    const gb = blockGradient(h, s, sym, { rho, block: 'v', objective: false });
    if (gb.block !== 'v') throw new Error('unreachable');
    const v = C.add(C.sub(s.v, C.mul(params.alpha, gb.g)), params.offset); // (27) [B, R_t, D]
    return { next: { ...s, v }, g: gb.g };
  }
  const gb = blockGradient(h, s, sym, { rho, block: 'thetaF', objective: false });
  if (gb.block !== 'thetaF') throw new Error('unreachable');
  const thetaF = tf.add(tf.sub(s.thetaF, tf.mul(params.alpha, gb.g)), params.offset); // (30) [B, N_t, R_t]
  return { next: { ...s, thetaF }, g: gb.g };
}

function lossRaw(h: Complex, s: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams, opts: OneLayerOptions): tf.Scalar {
  const { next } = updateRaw(h, s, sym, sys, params);
  const out = opts.project === false ? next : projectState(next, sys);
  return tf.mean(mserObjective(h, out, sym, { rho: opts.lossRho })) as tf.Scalar;
}

/**
 * The layer's output state: the block update, then (unless `project: false`) (26) and the combiner
 * normalisation. Every tensor is new (the caller disposes it); `state` is untouched.
 */
export function oneLayerForward(h: Complex, state: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams, opts: OneLayerOptions): HybridState {
  checkInputs('oneLayerForward', h, state, sym, sys, params, opts);
  const t = tf.tidy(() => {
    const { next } = updateRaw(h, state, sym, sys, params);
    const o = opts.project === false ? next : projectState(next, sys);
    return [o.thetaF, o.v.re, o.v.im, o.thetaU, o.w.re, o.w.im].map((x) => tf.clone(x));
  });
  return { thetaF: t[0], v: { re: t[1], im: t[2] }, thetaU: t[3], w: { re: t[4], im: t[5] } };
}

/** L, the loss (31) after the layer (mean over the channels of P̃ with width ϱ_L). */
export function oneLayerLoss(h: Complex, state: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams, opts: OneLayerOptions): tf.Scalar {
  checkInputs('oneLayerLoss', h, state, sym, sys, params, opts);
  return tf.tidy(() => lossRaw(h, state, sym, sys, params, opts));
}

// ---------------------------------------------------------------------------------------------
// hand-derived back-propagation (no scopes of their own: called inside the tidy of oneLayerHandGradients)

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** φ(x), with the exponent floored at −80 as in ./gradients (the forward's own g_Z). */
const pdf = (x: tf.Tensor): tf.Tensor => tf.mul(tf.exp(tf.maximum(tf.mul(tf.square(x), -0.5), -80)), INV_SQRT_2PI);

/** ⟨A, B⟩ = Σ Re(conj(A) ∘ B) over `axes` (all when omitted). */
function inner(a: Complex, b: Complex, axes?: number[]): tf.Tensor {
  return tf.sum(tf.add(tf.mul(a.re, b.re), tf.mul(a.im, b.im)), axes);
}

/** X [B, D, J] · Sᴴ [J, D] → [B, D, D] (one [B·D, J] product). */
function timesSH(x: Complex, sym: SymbolBlock): Complex {
  const [b, d, j] = x.re.shape as [number, number, number];
  return C.reshape(C.matmul(C.reshape(x, [b * d, j]), sym.sH), [b, d, d]);
}

/** The KDE quantities at the layer input with the layer's width ρ (rows [D, 1] or [1]). */
interface LayerPoint {
  /** F [B, N_t, R_t] */
  f: Complex;
  /** G = stack_k W_kᴴU_kH_k [B, D, N_t] */
  g: Complex;
  rho: tf.Tensor;
  /** a, c [B, D, J] and φ(a), φ(c) */
  a: tf.Tensor;
  c: tf.Tensor;
  phiA: tf.Tensor;
  phiC: tf.Tensor;
}

function layerPoint(h: Complex, s: HybridState, sym: SymbolBlock, rho: tf.Tensor): LayerPoint {
  const f = analog(s.thetaF);
  const g = receiveChain(h, s);
  const z = noiseFreeOutputs(C.matmul(g, C.matmul(f, s.v)), sym); // Z = GFVS [B, D, J]
  const { a, c } = margins(z, sym, rho);
  return { f, g, rho, a, c, phiA: pdf(a), phiC: pdf(c) };
}

/** g_M = g_Z Sᴴ [B, D, D], g_Z = −(1/J)(φ(a) ∘ Re S + jφ(c) ∘ Im S)/ρ. */
function gM(p: LayerPoint, sym: SymbolBlock): Complex {
  const k = tf.div(-1 / sym.count, p.rho);
  return timesSH({ re: tf.mul(tf.mul(p.phiA, sym.s.re), k), im: tf.mul(tf.mul(p.phiC, sym.s.im), k) }, sym);
}

/** ġ_M = ∂g_M/∂ρ [B, D, D] (every row by its own width): ġ_Z = −(1/J)(φ(a)(a² − 1) ∘ Re S + jφ(c)(c² − 1) ∘ Im S)/ρ². */
function gMRho(p: LayerPoint, sym: SymbolBlock): Complex {
  const k = tf.div(-1 / sym.count, tf.square(p.rho));
  return timesSH({
    re: tf.mul(tf.mul(tf.mul(p.phiA, tf.sub(tf.square(p.a), 1)), sym.s.re), k),
    im: tf.mul(tf.mul(tf.mul(p.phiC, tf.sub(tf.square(p.c), 1)), sym.s.im), k),
  }, sym);
}

/** ∂g_M [B, D, D] in the direction ∂M [B, D, D]: ∂g_Z = (1/J)(aφ(a) ∘ Re ∂Z ∘ (Re S)² + jcφ(c) ∘ Im ∂Z ∘ (Im S)²)/ρ², ∂Z = ∂M·S. */
function gMDirectional(p: LayerPoint, sym: SymbolBlock, dM: Complex): Complex {
  const dz = noiseFreeOutputs(dM, sym);
  const k = tf.div(1 / sym.count, tf.square(p.rho));
  return timesSH({
    re: tf.mul(tf.mul(tf.mul(tf.mul(p.a, p.phiA), dz.re), tf.square(sym.s.re)), k),
    im: tf.mul(tf.mul(tf.mul(tf.mul(p.c, p.phiC), dz.im), tf.square(sym.s.im)), k),
  }, sym);
}

/** Step 1: G⁺ = ∂L/∂X^{l+1} from the closed forms (16), (21) at the layer output and the chain through (26). */
function outputGradient(h: Complex, next: HybridState, sym: SymbolBlock, sys: MserSystem, block: BackpropBlock, opts: OneLayerOptions): Complex | tf.Tensor {
  const b = h.re.shape[0];
  const project = opts.project !== false;
  const out = project ? projectState(next, sys) : next; // X̃
  const at = (blk: BackpropBlock) => blockGradient(h, out, sym, { rho: opts.lossRho, block: blk, objective: false });
  const gbV = block === 'v' || project ? at('v') : undefined;
  const gTildeV = gbV?.block === 'v' ? gbV.g : undefined; // g̃_V [B, R_t, D]
  if (block === 'v') {
    if (!gTildeV) throw new Error('unreachable');
    if (!project) return C.scale(gTildeV, 1 / b);
    const f = analog(out.thetaF);
    const fv = C.matmul(f, out.v); // FṼ [B, N_t, D]
    const pw = tf.reshape(C.frobNorm2(fv), [b, 1, 1]); // ‖FṼ‖²
    const sc = tf.reshape(inner(gTildeV, out.v, [1, 2]), [b, 1, 1]); // ⟨g̃_V, Ṽ⟩
    const c = tf.sqrt(tf.div(sys.power / symbolEnergy(sys.modulation), tf.maximum(tf.reshape(precoderPower(next), [b, 1, 1]), 1e-30))); // (26)
    const tangent = C.sub(gTildeV, C.scale(C.matmul(f, fv, true), tf.div(sc, pw))); // g̃ − (s/P)FᴴFṼ
    return C.scale(tangent, tf.div(c, b));
  }
  const gbF = at('thetaF');
  if (gbF.block !== 'thetaF') throw new Error('unreachable');
  if (!project || !gTildeV) return tf.div(gbF.g, b);
  const f = analog(out.thetaF);
  const fv = C.matmul(f, out.v);
  const pw = tf.reshape(C.frobNorm2(fv), [b, 1, 1]);
  const sc = tf.reshape(inner(gTildeV, out.v, [1, 2]), [b, 1, 1]);
  const viaPower = phaseGradient(f, C.matmul(fv, out.v, false, true)); // Im(conj(F) ∘ FṼṼᴴ) [B, N_t, R_t]
  return tf.div(tf.sub(gbF.g, tf.mul(tf.div(sc, pw), viaPower)), b);
}

/**
 * The hand-derived gradients (Appendices A–B, see the header) of the one-layer loss w.r.t. α, O, ρ
 * and the layer input, and L. New tensors; the caller disposes them (`disposeOneLayerGradients`).
 */
export function oneLayerHandGradients(h: Complex, state: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams, opts: OneLayerOptions): OneLayerGradients {
  checkInputs('oneLayerHandGradients', h, state, sym, sys, params, opts);
  const t = tf.tidy(() => {
    const { next, g } = updateRaw(h, state, sym, sys, params); // g = g_X(ρ) at the layer input
    const loss = tf.mean(mserObjective(h, opts.project === false ? next : projectState(next, sys), sym, { rho: opts.lossRho }));
    const gOut = outputGradient(h, next, sym, sys, params.block, opts); // G⁺ [B, …]
    const p = layerPoint(h, state, sym, layerRho(params, sys));
    const gmRho = gMRho(p, sym); // ġ_M [B, D, D]
    if (params.block === 'v') {
      if (!isComplex(gOut) || !isComplex(g)) throw new Error('unreachable');
      const prod = C.mulConj(gOut, g); // G⁺ ∘ conj(g_V) [B, R_t, D]
      const alpha = { re: tf.neg(tf.sum(prod.re, 0)), im: tf.neg(tf.sum(prod.im, 0)) }; // −Σ_b G⁺ ∘ conj(g_V) [R_t, D]
      const offset = { re: tf.sum(gOut.re, 0), im: tf.sum(gOut.im, 0) }; // Σ_b G⁺ [R_t, D]
      // (55): ∂L/∂ρ_k = −⟨G⁺, α ∘ FᴴGᴴ(ġ_M)_k⟩, (ġ_M)_k the rows of user k
      const dk = sys.streams, d = totalStreams(sys);
      const rho = tf.stack(Array.from({ length: sys.users }, (_, k) => {
        const mask = tf.reshape(tf.tensor1d(Array.from({ length: d }, (_, r) => (Math.floor(r / dk) === k ? 1 : 0))), [d, 1]);
        const dgV = C.matmul(C.matmul(p.f, p.g, true, true), C.scale(gmRho, mask)); // ∂g_V/∂ρ_k [B, R_t, D]
        return tf.neg(inner(gOut, C.mul(params.alpha, dgV)));
      }));
      // (54): G^l = G⁺ − ℋ_V[conj(α) ∘ G⁺]
      const delta = C.mulConj(gOut, params.alpha); // conj(α) ∘ G⁺ [B, R_t, D]
      const dgM = gMDirectional(p, sym, C.matmul(p.g, C.matmul(p.f, delta))); // ∂Z = GFΔS
      const input = C.sub(gOut, C.matmul(C.matmul(p.f, p.g, true, true), dgM)); // [B, R_t, D]
      return [alpha.re, alpha.im, offset.re, offset.im, rho, input.re, input.im, loss];
    }
    if (isComplex(gOut) || isComplex(g)) throw new Error('unreachable');
    const alpha = tf.neg(tf.sum(tf.mul(gOut, g), 0)); // −Σ_b G⁺ ∘ g_θF [N_t, R_t]
    const offset = tf.sum(gOut, 0);
    const dgF = phaseGradient(p.f, C.matmul(C.matmul(p.g, gmRho, true), state.v, false, true)); // ∂g_θF/∂ρ = Im(conj(F) ∘ Gᴴ ġ_M Vᴴ)
    const rho = tf.reshape(tf.neg(tf.sum(tf.mul(gOut, tf.mul(params.alpha, dgF)))), [1]);
    // (54): G^l = G⁺ − ℋ_θF[α ∘ G⁺]
    const delta = tf.mul(params.alpha, gOut); // δ [B, N_t, R_t]
    const dF = C.mul({ re: tf.neg(p.f.im), im: p.f.re }, { re: delta, im: tf.zerosLike(delta) }); // jF ∘ δ
    const dgM = gMDirectional(p, sym, C.matmul(p.g, C.matmul(dF, state.v))); // ∂Z = G(jF ∘ δ)VS
    const y = C.matmul(C.matmul(p.g, gM(p, sym), true), state.v, false, true); // Gᴴ g_M Vᴴ
    const yRe = tf.add(tf.mul(p.f.re, y.re), tf.mul(p.f.im, y.im)); // Re(conj(F) ∘ Gᴴ g_M Vᴴ)
    const hess = tf.add(tf.neg(tf.mul(delta, yRe)), phaseGradient(p.f, C.matmul(C.matmul(p.g, dgM, true), state.v, false, true)));
    return [alpha, offset, rho, tf.sub(gOut, hess), loss];
  });
  return packGradients(params.block, t);
}

function packGradients(block: BackpropBlock, t: tf.Tensor[]): OneLayerGradients {
  if (block === 'v') return { block, alpha: { re: t[0], im: t[1] }, offset: { re: t[2], im: t[3] }, rho: t[4], input: { re: t[5], im: t[6] }, loss: t[7] as tf.Scalar };
  return { block, alpha: t[0], offset: t[1], rho: t[2], input: t[3], loss: t[4] as tf.Scalar };
}

/**
 * The same gradients by tfjs autodiff (`tf.valueAndGrads`) of the same forward, through the closed-form
 * g_X(ρ) of ./gradients (second order for the input). New tensors; the caller disposes them.
 */
export function oneLayerAutodiffGradients(h: Complex, state: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams, opts: OneLayerOptions): OneLayerGradients {
  checkInputs('oneLayerAutodiffGradients', h, state, sym, sys, params, opts);
  const t = tf.tidy(() => {
    if (params.block === 'v') {
      const f = (aRe: tf.Tensor, aIm: tf.Tensor, oRe: tf.Tensor, oIm: tf.Tensor, rho: tf.Tensor, vRe: tf.Tensor, vIm: tf.Tensor): tf.Scalar =>
        lossRaw(h, { ...state, v: { re: vRe, im: vIm } }, sym, sys, { block: 'v', alpha: { re: aRe, im: aIm }, offset: { re: oRe, im: oIm }, rho }, opts);
      const { value, grads } = tf.valueAndGrads(f)([params.alpha.re, params.alpha.im, params.offset.re, params.offset.im, params.rho, state.v.re, state.v.im]);
      return [...grads, value];
    }
    const f = (alpha: tf.Tensor, offset: tf.Tensor, rho: tf.Tensor, thetaF: tf.Tensor): tf.Scalar =>
      lossRaw(h, { ...state, thetaF }, sym, sys, { block: 'thetaF', alpha, offset, rho }, opts);
    const { value, grads } = tf.valueAndGrads(f)([params.alpha, params.offset, params.rho, state.thetaF]);
    return [...grads, value];
  });
  return packGradients(params.block, t);
}

// ---------------------------------------------------------------------------------------------
// the notebook's entry point

function valuesOf(x: Complex | tf.Tensor): GradientValues {
  if (isComplex(x)) return { shape: x.re.shape.slice(), re: x.re.dataSync() as Float32Array, im: x.im.dataSync() as Float32Array };
  return { shape: x.shape.slice(), re: x.dataSync() as Float32Array };
}

function asValues(g: OneLayerGradients): ParameterGradientValues {
  return { alpha: valuesOf(g.alpha), offset: valuesOf(g.offset), rho: valuesOf(g.rho), input: valuesOf(g.input) };
}

/** max |x − y| / max |y| over the entries (re and im together); 0 when both vanish. */
function relativeError(x: GradientValues, y: GradientValues): number {
  let diff = 0, scale = 0;
  const parts: [Float32Array, Float32Array][] = [[x.re, y.re]];
  if (x.im && y.im) parts.push([x.im, y.im]);
  for (const [a, b] of parts) {
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
  }
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-30);
}

/**
 * One layer back-propagated both ways: the hand-derived gradients (Appendices A–B) and tfjs autodiff
 * of the same forward, as plain data side by side, and their relative errors. Reads ρ once to check it is
 * finite and > 0 (an entry point, never differentiated). Leaves no tensor behind.
 */
export function oneLayerBackprop(h: Complex, state: HybridState, sym: SymbolBlock, sys: MserSystem, params: OneLayerParams, opts: OneLayerOptions): OneLayerBackprop {
  const fn = 'oneLayerBackprop';
  checkInputs(fn, h, state, sym, sys, params, opts);
  const rhoValues = params.rho.dataSync();
  if (!Array.from(rhoValues).every((r) => Number.isFinite(r) && r > 0)) throw new Error(`${fn}(params.rho (ρ)): must be finite and > 0; got [${Array.from(rhoValues)}]`);
  let hand: OneLayerGradients | undefined, auto: OneLayerGradients | undefined;
  try {
    hand = oneLayerHandGradients(h, state, sym, sys, params, opts);
    auto = oneLayerAutodiffGradients(h, state, sym, sys, params, opts);
    const hv = asValues(hand), av = asValues(auto);
    const relError = { alpha: 0, offset: 0, rho: 0, input: 0 } as Record<GradientName, number>;
    for (const n of GRADIENT_NAMES) relError[n] = relativeError(hv[n], av[n]);
    return { block: params.block, loss: auto.loss.dataSync()[0], hand: hv, autodiff: av, relError, maxRelError: Math.max(...GRADIENT_NAMES.map((n) => relError[n])) };
  } finally {
    disposeOneLayerGradients(hand);
    disposeOneLayerGradients(auto);
  }
}

/**
 * Non-trivial α, O, ρ for a demonstration: α = μ(1 + εn) (complex for V: μ(1 + εn₁ + jεn₂)),
 * O = μεn₃·`offsetScale`, ρ = ϱ₀e^{εn₄} (n standard normal, ε = `spread`, default 0.3). The caller disposes them.
 */
export function sampleLayerParams(rng: Rng, sys: MserSystem, block: BackpropBlock, opts: { step: number; rho: number; spread?: number; offsetScale?: number }): OneLayerParams {
  const fn = 'sampleLayerParams';
  checkSystem(fn, sys);
  if (!BACKPROP_BLOCKS.includes(block)) throw new Error(`${fn}(block): one of ${BACKPROP_BLOCKS.join(', ')}; got ${String(block)}`);
  const mu = checkFinite(fn, 'opts.step (μ)', opts.step, 0, false);
  const rho0 = checkFinite(fn, 'opts.rho (ϱ₀)', opts.rho, 0, false);
  const eps = checkFinite(fn, 'opts.spread (ε)', opts.spread ?? 0.3, 0);
  const os = checkFinite(fn, 'opts.offsetScale', opts.offsetScale ?? 1, 0);
  const rho = tf.tidy(() => tf.mul(rho0, tf.exp(rng.fork('rho').normal([block === 'v' ? sys.users : 1], eps))));
  if (block === 'v') {
    const shape = [sys.txRf, totalStreams(sys)];
    const alpha = C.tidy(() => ({ re: rng.fork('a-re').normal(shape, eps * mu, mu), im: rng.fork('a-im').normal(shape, eps * mu) }));
    const offset = C.tidy(() => ({ re: rng.fork('o-re').normal(shape, eps * mu * os), im: rng.fork('o-im').normal(shape, eps * mu * os) }));
    return { block, alpha, offset, rho };
  }
  const shape = [sys.txAntennas, sys.txRf];
  return { block, alpha: rng.fork('a').normal(shape, eps * mu, mu), offset: rng.fork('o').normal(shape, eps * mu * os), rho };
}
