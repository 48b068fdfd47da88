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
import { blockGradient, MSER_BLOCKS, MserBlock } from './gradients';
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
  /** record the mean objective every this many iterations (one data read each; default: every 10) */
  recordEvery?: number;
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

/** One step X ← X − μ g_X of one block; returns a new state sharing the other blocks' tensors with `s`. */
export function stepBlock(h: Complex, s: HybridState, sym: SymbolBlock, block: MserBlock, mu: number | tf.Tensor, rho: KernelWidth, offset?: Complex | tf.Tensor): HybridState {
  const gb = blockGradient(h, s, sym, { rho, block });
  gb.objective.dispose();
  const next = { ...s };
  if (gb.block === 'v' || gb.block === 'w') {
    const x = s[gb.block];
    const g = gb.g;
    const upd = C.tidy(() => {
      // μ ∘ g with a real μ (GD) or a complex α (the unfolded layers (27)–(28)) given as a Complex
      const step = isComplex(mu) ? C.mul(mu, g) : C.scale(g, mu);
      const y = C.sub(x, step);
      return offset ? C.add(y, offset as Complex) : y;
    });
    C.dispose(g);
    next[gb.block] = upd;
  } else {
    const x = s[gb.block];
    const g = gb.g as tf.Tensor;
    const upd = tf.tidy(() => {
      const y = tf.sub(x, tf.mul(g, isComplex(mu) ? mu.re : mu));
      return offset ? tf.add(y, offset as tf.Tensor) : y;
    });
    g.dispose();
    next[gb.block] = upd;
  }
  return next;
}

function isComplex(x: unknown): x is Complex {
  return typeof x === 'object' && x !== null && 're' in x && 'im' in x && !(x instanceof tf.Tensor);
}

/** One iteration of Algorithm 1 (steps 4–8) on a batch of channels; returns a new state, `s` untouched. */
export function gdIteration(h: Complex, s: HybridState, sym: SymbolBlock, sys: MserSystem, opts: Pick<GdOptions, 'steps' | 'rho' | 'normaliseCombiner'>): HybridState {
  let cur = s;
  const made: HybridState[] = [];
  for (const block of MSER_BLOCKS) {
    const next = stepBlock(h, cur, sym, block, opts.steps[block], opts.rho);
    made.push(next);
    cur = next;
  }
  const out = projectState(cur, sys, opts);
  // free the intermediate blocks (each `made[i]` owns only the block it replaced)
  made.forEach((m, i) => {
    const b = MSER_BLOCKS[i];
    if (b === 'v' || b === 'w') C.dispose(m[b]);
    else m[b].dispose();
  });
  return out;
}

function checkSteps(fn: string, st: GdStepSizes): void {
  if (st === null || typeof st !== 'object') throw new Error(`${fn}(opts.steps): needs { v, w, thetaU, thetaF } (μ_P, μ_W, μ_θU, μ_θF)`);
  for (const b of MSER_BLOCKS) checkFinite(fn, `opts.steps.${b}`, st[b], 0);
}

/**
 * Algorithm 1 for T iterations from `init` (not disposed). Runs every channel of the batch at once
 * (they do not interact); yields to the event loop between iterations so progress reaches Jupyter.
 */
export async function mserGd(h: Complex, init: HybridState, sym: SymbolBlock, sys: MserSystem, opts: GdOptions): Promise<GdResult> {
  const fn = 'mserGd';
  checkState(fn, sys, h, init);
  checkSteps(fn, opts.steps);
  const T = checkPositiveInt(fn, 'opts.iterations (T)', opts.iterations);
  const every = checkPositiveInt(fn, 'opts.recordEvery', opts.recordEvery ?? 10);
  if (typeof opts.rho === 'number') checkFinite(fn, 'opts.rho (ϱ)', opts.rho, 0, false);
  const history = { iteration: [] as number[], objective: [] as number[] };
  const record = (t: number, s: HybridState) => {
    const o = tf.tidy(() => tf.mean(mserObjective(h, s, sym, { rho: opts.rho })));
    history.iteration.push(t);
    history.objective.push(o.dataSync()[0]);
    o.dispose();
  };
  let s = projectState(init, sys, opts);
  const ticker = new Ticker(opts.progress ?? silentProgress, opts.phase ?? 'MSER GD', T);
  try {
    record(0, s);
    for (let t = 1; t <= T; t++) {
      const next = gdIteration(h, s, sym, sys, opts);
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
    throw e;
  }
  ticker.end({ loss: history.objective[history.objective.length - 1] });
  return { state: s, history };
}
