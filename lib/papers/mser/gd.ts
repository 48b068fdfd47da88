/**
 * The MSER-based gradient-descent hybrid beamforming design, Algorithm 1 of the MSER paper: per
 * iteration, P ← P − μ_P g_P (22), then W (23), θ_U (24) and θ_F (25), each with the gradient at the
 * blocks already updated, then V scaled to the power budget (26). Ours: after (26) every combiner
 * column is normalised, w_{i,k} ← w_{i,k}/‖U_kᴴw_{i,k}‖ (`normaliseCombiner`, default on): with a fixed
 * kernel width ϱ the objective otherwise falls by growing W (ϱ shrinks relative to the outputs) rather
 * than by separating the symbols; detection by signs (6) does not depend on the scale of w.
 * Gradients follow ./gradients (g = 2∂/∂X*), so our μ is half the paper's for the same step.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { yieldToEventLoop } from '../../core/io';
import { Progress, silentProgress, Ticker } from '../../train/progress';
import { BlockGradient, blockGradient, MSER_BLOCKS, MserBlock } from './gradients';
import { KernelWidth, mserObjective } from './kde';
import { MserSystem } from './system';
import type { SymbolBlock } from './symbols';
import { checkState, disposeState, HybridState, normaliseCombiner, scaleToPower } from './transceiver';

/** μ_P, μ_W, μ_θU, μ_θF of (22)–(25) (our gradient convention: g = 2∂/∂X*). */
export interface GdStepSizes {
  v: number;
  w: number;
  thetaU: number;
  thetaF: number;
}

export interface GdOptions {
  steps: GdStepSizes;
  /** ϱ, the kernel width of (10) */
  rho: KernelWidth;
  /** T, iterations */
  iterations: number;
  /** ours: normalise every combiner column after each iteration (default true) */
  normaliseCombiner?: boolean;
  /** ours: relative steps per channel, μ is the move relative to the block's RMS (`relativeFactor`; default false: the paper's plain steps) */
  normalisedSteps?: boolean;
  /** record the mean objective every this many iterations (one data read each; default: every 10) */
  recordEvery?: number;
  /**
   * ours: return, per channel, the recorded iterate with the lowest objective (the start included)
   * rather than the last one; fixed-step descent is not monotone (default false: the last iterate)
   */
  keepBest?: boolean;
  progress?: Progress;
  phase?: string;
}

export interface GdResult {
  state: HybridState;
  /** the iterations at which the objective was recorded (0 = the start) and the mean P̃ over the batch there */
  history: { iteration: number[]; objective: number[] };
}

/** Apply (26) and (ours) the combiner normalisation; returns a new state, `s` untouched. */
export function projectState(s: HybridState, sys: MserSystem, opts: { normaliseCombiner?: boolean } = {}): HybridState {
  const v = scaleToPower(s.v, s.thetaF, sys);
  const w = opts.normaliseCombiner === false ? C.tidy(() => ({ re: tf.clone(s.w.re), im: tf.clone(s.w.im) })) : normaliseCombiner(s.w, s.thetaU);
  return { thetaF: tf.clone(s.thetaF), v, thetaU: tf.clone(s.thetaU), w };
}

/** The gradient of the objective w.r.t. one block at a state (MSER: `blockGradient`; MMSE: ./mmse). */
export type GradientOf = (s: HybridState, block: MserBlock) => BlockGradient;

/** Each channel's RMS over a block's entries [B, 1, …] (re and im together for a complex block); `floor` is added to the mean square. */
export function channelRms(x: tf.Tensor[], floor = 0): tf.Tensor {
  return tf.tidy(() => {
    const axes = x[0].shape.slice(1).map((_, i) => i + 1);
    return tf.sqrt(tf.add(x.map((t) => tf.mean(tf.square(t), axes, true)).reduce((a, b) => tf.add(a, b)), floor));
  });
}

/**
 * The factor [B, 1, …] that turns a channel's gradient into its relative step (ours, `normalisedSteps`):
 * rms(X)/rms(g) for V and W, 1/rms(g) for the phases, so that X − μ·factor·g moves every channel's
 * block by μ of its own RMS (phases: μ radians RMS). The gradient scale varies by orders of magnitude
 * between channels (measured: a few near-singular channels dominate the batch), which makes one fixed
 * μ too small for most channels and too large for some. rms(g) is floored at 1e-15 (a vanishing gradient
 * gives no step; smooth, so the unfolded network differentiates through it).
 */
export function relativeFactor(g: tf.Tensor[], x?: tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => {
    const gr = channelRms(g, 1e-30);
    return x ? tf.div(channelRms(x), gr) : tf.reciprocal(gr);
  });
}

/**
 * One step X ← X − μ g_X of one block (or, `normalised`, X ← X − μ·relativeFactor·g_X per channel);
 * returns a new state sharing the other blocks' tensors with `s`.
 */
export function stepBlock(s: HybridState, block: MserBlock, mu: number, gradient: GradientOf, opts: { normalised?: boolean } = {}): HybridState {
  const gb = gradient(s, block);
  gb.objective?.dispose();
  const next = { ...s };
  if (gb.block === 'v' || gb.block === 'w') {
    const g = gb.g;
    next[gb.block] = C.tidy(() => {
      const x = s[gb.block];
      const gs = opts.normalised ? C.scale(g, relativeFactor([g.re, g.im], [x.re, x.im])) : g;
      return C.sub(s[gb.block], C.scale(gs, mu));
    });
    C.dispose(g);
  } else {
    const g = gb.g as tf.Tensor;
    next[gb.block] = tf.tidy(() => tf.sub(s[gb.block] as tf.Tensor, tf.mul(opts.normalised ? tf.mul(g, relativeFactor([g])) : g, mu)));
    g.dispose();
  }
  return next;
}

/**
 * One block-coordinate descent iteration (Algorithm 1, steps 4–8): V, W, θ_U, θ_F in turn, each with
 * the gradient at the blocks already updated, then (26) and the combiner normalisation; a block with
 * μ = 0 is left as it is (the fully digital designs' fixed analog parts). Returns a new state.
 */
export function descentIteration(s: HybridState, sys: MserSystem, gradient: GradientOf, opts: Pick<GdOptions, 'steps' | 'normaliseCombiner' | 'normalisedSteps'>): HybridState {
  let cur = s;
  const made: [MserBlock, HybridState][] = [];
  for (const block of MSER_BLOCKS) {
    if (opts.steps[block] === 0) continue;
    const next = stepBlock(cur, block, opts.steps[block], gradient, { normalised: opts.normalisedSteps });
    made.push([block, next]);
    cur = next;
  }
  const out = projectState(cur, sys, opts);
  // free the intermediate blocks (each state in `made` owns only the block it replaced)
  for (const [b, m] of made) {
    if (b === 'v' || b === 'w') C.dispose(m[b]);
    else m[b].dispose();
  }
  return out;
}

/** One iteration of Algorithm 1 on a batch of channels; returns a new state, `s` untouched. */
export function gdIteration(h: Complex, s: HybridState, sym: SymbolBlock, sys: MserSystem, opts: Pick<GdOptions, 'steps' | 'rho' | 'normaliseCombiner' | 'normalisedSteps'>): HybridState {
  return descentIteration(s, sys, (st, block) => blockGradient(h, st, sym, { rho: opts.rho, block, objective: false }), opts);
}

/** `GdOptions` with the gradient and objective given instead of ϱ (MSER's KDE or MMSE's MSE). */
export interface DescentOptions extends Omit<GdOptions, 'rho'> {
  gradient: GradientOf;
  /** the objective of every channel [B], recorded every `recordEvery` iterations */
  objective: (s: HybridState) => tf.Tensor;
}

/** Per channel, `a` where `pick` [B] is true, else `b` (new state). */
function selectState(pick: tf.Tensor, a: HybridState, b: HybridState): HybridState {
  const sel = (x: tf.Tensor, y: tf.Tensor) => tf.tidy(() => tf.where(tf.reshape(pick, [pick.shape[0] as number, ...x.shape.slice(1).map(() => 1)]).broadcastTo(x.shape) as tf.Tensor, x, y));
  return { thetaF: sel(a.thetaF, b.thetaF), v: { re: sel(a.v.re, b.v.re), im: sel(a.v.im, b.v.im) }, thetaU: sel(a.thetaU, b.thetaU), w: { re: sel(a.w.re, b.w.re), im: sel(a.w.im, b.w.im) } };
}

/** T iterations of block-coordinate descent from `init` (not disposed), recording the mean objective. */
export async function blockDescent(init: HybridState, sys: MserSystem, opts: DescentOptions): Promise<GdResult> {
  const T = opts.iterations, every = opts.recordEvery ?? 10;
  const history = { iteration: [] as number[], objective: [] as number[] };
  // keepBest: the best recorded iterate per channel and its objective [B]
  let best: HybridState | undefined, bestObj: tf.Tensor | undefined;
  const record = (t: number, s: HybridState) => {
    const per = opts.objective(s);
    const o = tf.tidy(() => tf.mean(per));
    history.iteration.push(t);
    history.objective.push(o.dataSync()[0]);
    o.dispose();
    if (!opts.keepBest) {
      per.dispose();
      return;
    }
    if (!best || !bestObj) {
      const all = tf.tidy(() => tf.onesLike(per).cast('bool'));
      best = selectState(all, s, s);
      all.dispose();
      bestObj = per;
      return;
    }
    // a non-finite objective never replaces a finite best
    const pick = tf.tidy(() => tf.logicalAnd(tf.isFinite(per), tf.less(per, bestObj as tf.Tensor)));
    const nb = selectState(pick, s, best);
    const no = tf.tidy(() => tf.where(pick, per, bestObj as tf.Tensor));
    disposeState(best);
    tf.dispose([bestObj, pick, per]);
    best = nb;
    bestObj = no;
  };
  let s = projectState(init, sys, opts);
  const ticker = new Ticker(opts.progress ?? silentProgress, opts.phase ?? 'block descent', T);
  try {
    record(0, s);
    for (let t = 1; t <= T; t++) {
      const next = descentIteration(s, sys, opts.gradient, opts);
      disposeState(s);
      s = next;
      if (t % every === 0 || t === T) {
        record(t, s);
        ticker.tick(t, { loss: history.objective[history.objective.length - 1] });
        await yieldToEventLoop();
      }
    }
  } catch (e) {
    disposeState(s);
    disposeState(best);
    bestObj?.dispose();
    throw e;
  }
  ticker.end({ loss: history.objective[history.objective.length - 1] });
  if (best) {
    disposeState(s);
    bestObj?.dispose();
    return { state: best, history };
  }
  return { state: s, history };
}

export function checkSteps(fn: string, st: GdStepSizes): void {
  if (st === null || typeof st !== 'object') throw new Error(`${fn}(opts.steps): needs { v, w, thetaU, thetaF } (μ_P, μ_W, μ_θU, μ_θF)`);
  for (const b of MSER_BLOCKS) checkFinite(fn, `opts.steps.${b}`, st[b], 0);
}

export async function mserGd(h: Complex, init: HybridState, sym: SymbolBlock, sys: MserSystem, opts: GdOptions): Promise<GdResult> {
  const fn = 'mserGd';
  checkState(fn, sys, h, init);
  checkSteps(fn, opts.steps);
  checkPositiveInt(fn, 'opts.iterations (T)', opts.iterations);
  checkPositiveInt(fn, 'opts.recordEvery', opts.recordEvery ?? 10);
  if (typeof opts.rho === 'number') checkFinite(fn, 'opts.rho (ϱ)', opts.rho, 0, false);
  return blockDescent(init, sys, {
    ...opts,
    gradient: (st, block) => blockGradient(h, st, sym, { rho: opts.rho, block, objective: false }),
    objective: (st) => mserObjective(h, st, sym, { rho: opts.rho }),
    phase: opts.phase ?? 'MSER GD',
  });
}
