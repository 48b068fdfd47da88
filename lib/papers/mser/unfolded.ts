/**
 * The deep-unfolded network of the MSER paper (§IV-A, eqs. (27)–(30), Fig. 3): layer l is one
 * iteration of Algorithm 1 whose step sizes become trainable Hadamard factors α^l, with trainable
 * offsets O^l and kernel widths ρ^l in the gradients:
 *   X^{l+1} = X^l − α^l_X ∘ g_X(ρ^l_X) + O^l_X,   X = P (all P_k: V), W_k, θ_{U_k}, θ_F in that order,
 * then (26) and (ours) the combiner normalisation of ./gd.
 *
 * Parameterisation (ours; the paper trains α, O, ρ directly and "initialises them randomly"):
 * α^l_X = μ_X·a^l_X and O^l_X = μ_X·o^l_X with μ_X the GD step of Algorithm 1 and a, o dimensionless
 * (complex for V and W, real for the phases), ρ^l_X = ϱ₀·exp(r^l_X) per user (user k's rows of the
 * gradient use ρ_{X,k}; one ρ for θ_F). a = 1, o = 0, r = 0 at the start, so the untrained network is
 * exactly L iterations of Algorithm 1 from the same start (and training keeps the best validated
 * parameters, the start included: it never ends worse). Shapes per layer: a_V, o_V [R_t, D] complex;
 * a_W, o_W [K, R_r, D_k] complex; a_θU, o_θU [K, R_r, N_r]; a_θF, o_θF [N_t, R_t]; r_V, r_W, r_U [K];
 * r_F [1]. In the last layer θ_F takes the plain GD step (25) with μ_θF and ϱ₀ and has no parameters
 * (the count of §V-C: 2(L−1)R_tN_t for θ_F). With `normalisedSteps` (ours) every gradient is first scaled
 * per channel as in ./gd (relative steps), so α^l is a relative step. The gradients are ./gradients' closed forms, built from
 * tfjs ops; autodiff differentiates through them (in place of Appendices A–B, as the issue allows).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { ParamSet } from '../../train/params';
import { blockGradient, MSER_BLOCKS, MserBlock } from './gradients';
import { GdStepSizes, projectState, relativeFactor } from './gd';
import { KernelWidth } from './kde';
import { checkSystem, MserSystem, totalStreams } from './system';
import type { SymbolBlock } from './symbols';
import type { HybridState } from './transceiver';

export interface UnfoldedConfig {
  sys: MserSystem;
  /** L (paper: 15) */
  layers: number;
  /** μ of Algorithm 1: the scale of α and O, and the last layer's θ_F step */
  steps: GdStepSizes;
  /** ϱ₀, the kernel width the ρ start from (and the last θ_F step's) */
  rho: number;
  /** ours: per-channel relative steps, as ./gd `normalisedSteps` (default false: the paper's plain steps) */
  normalisedSteps?: boolean;
}

export interface UnfoldedNet {
  config: UnfoldedConfig;
  params: ParamSet;
  /**
   * The L layers from `init` (the state is not disposed; the output is new). Builds tensors for
   * autodiff: call it inside `tf.tidy` or a loss.
   */
  forward: (h: Complex, init: HybridState, sym: SymbolBlock) => HybridState;
  trainable: () => tf.Variable[];
  dispose: () => void;
}

const COMPLEX_BLOCKS = new Set<MserBlock>(['v', 'w']);

/** a^l_X at the start: α = μ·a = μ, Algorithm 1's own step (Re a; Im a starts at 0) */
export const STEP_FACTOR_START = 1;

function blockShape(sys: MserSystem, b: MserBlock): number[] {
  if (b === 'v') return [sys.txRf, totalStreams(sys)];
  if (b === 'w') return [sys.users, sys.rxRf, sys.streams];
  if (b === 'thetaU') return [sys.users, sys.rxRf, sys.rxAntennas];
  return [sys.txAntennas, sys.txRf];
}

export function checkUnfoldedConfig(fn: string, c: UnfoldedConfig): void {
  checkSystem(fn, c.sys);
  checkPositiveInt(fn, 'config.layers (L)', c.layers);
  for (const b of MSER_BLOCKS) checkFinite(fn, `config.steps.${b}`, c.steps?.[b], 0);
  checkFinite(fn, 'config.rho (ϱ₀)', c.rho, 0, false);
}

/** The network with its parameters at the start (a = 1, o = 0, r = 0: Algorithm 1 itself). */
export function buildUnfolded(rng: Rng, config: UnfoldedConfig): UnfoldedNet {
  checkUnfoldedConfig('buildUnfolded', config);
  const { sys, layers: L } = config;
  const params = new ParamSet(rng);
  const K = sys.users, dk = sys.streams;
  for (let l = 0; l < L; l++) {
    for (const b of MSER_BLOCKS) {
      if (l === L - 1 && b === 'thetaF') continue;
      const shape = blockShape(sys, b);
      params.add(`l${l}/${b}/a`, { shape, init: { kind: 'constant', value: STEP_FACTOR_START } });
      params.add(`l${l}/${b}/o`, { shape, init: 'zeros' });
      if (COMPLEX_BLOCKS.has(b)) {
        params.add(`l${l}/${b}/aIm`, { shape, init: 'zeros' });
        params.add(`l${l}/${b}/oIm`, { shape, init: 'zeros' });
      }
      params.add(`l${l}/${b}/r`, { shape: [b === 'thetaF' ? 1 : K], init: 'zeros' });
    }
  }
  /** ρ rows [D, 1] of a block: user k's D_k rows get ϱ₀·exp(r_k) */
  const rhoRows = (r: tf.Tensor): tf.Tensor => {
    const rho = tf.mul(config.rho, tf.exp(r));
    return r.shape[0] === 1 ? rho : tf.reshape(tf.tile(tf.reshape(rho, [K, 1]), [1, dk]), [K * dk, 1]);
  };
  const forward = (h: Complex, init: HybridState, sym: SymbolBlock): HybridState => {
    let cur: HybridState = init;
    for (let l = 0; l < L; l++) {
      for (const b of MSER_BLOCKS) {
        const mu = config.steps[b];
        const last = l === L - 1 && b === 'thetaF';
        const rho: KernelWidth = last ? config.rho : rhoRows(params.get(`l${l}/${b}/r`));
        const gb = blockGradient(h, cur, sym, { rho, block: b, objective: false });
        const next = { ...cur };
        if (gb.block === 'v' || gb.block === 'w') {
          const x = cur[gb.block];
          const g = config.normalisedSteps ? C.scale(gb.g, relativeFactor([gb.g.re, gb.g.im], [x.re, x.im])) : gb.g;
          const a: Complex = { re: params.get(`l${l}/${b}/a`), im: params.get(`l${l}/${b}/aIm`) };
          const o: Complex = { re: params.get(`l${l}/${b}/o`), im: params.get(`l${l}/${b}/oIm`) };
          next[gb.block] = C.add(C.sub(cur[gb.block], C.scale(C.mul(a, g), mu)), C.scale(o, mu));
        } else {
          const g = config.normalisedSteps ? tf.mul(gb.g as tf.Tensor, relativeFactor([gb.g as tf.Tensor])) : (gb.g as tf.Tensor);
          const x = cur[gb.block];
          next[gb.block] = last ? tf.sub(x, tf.mul(g, mu)) : tf.add(tf.sub(x, tf.mul(tf.mul(params.get(`l${l}/${b}/a`), g), mu)), tf.mul(params.get(`l${l}/${b}/o`), mu));
        }
        cur = next;
      }
      cur = projectState(cur, sys);
    }
    return cur;
  };
  return { config, params, forward, trainable: () => params.variables(), dispose: () => params.dispose() };
}
