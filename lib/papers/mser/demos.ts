/**
 * The derivation at work, for the notebook's walkthrough cells (each returns plain data):
 * - `constraintCheck`: the hybrid constraints of a design — |F_mn| = |U_k,mn| = 1 (14c), ‖FV‖² = P_T/E_s (26), ‖U_kᴴw‖ = 1;
 * - `objectiveVsExact`: the KDE objective (12)–(15) at ϱ = σ/√2 against the exact SER, per channel;
 * - `gradientAgreement`: the closed-form gradients (16)–(21) against tfjs autodiff, per block;
 * - `gdConvergence`: Algorithm 1's objective against iteration with the paper's plain steps and with
 *   ours (relative steps per channel), from the MO design;
 * - `backpropAgreement`: Appendices A–B on one layer — the hand-derived gradients of the loss w.r.t. α, O, ρ
 *   and the layer input (./backprop) against tfjs autodiff, for the V and θ_F updates.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/random';
import { BACKPROP_BLOCKS, BackpropBlock, disposeOneLayerParams, GradientName, oneLayerBackprop, OneLayerParams, sampleLayerParams } from './backprop';
import { exactSer } from './evaluate';
import { channelSet, disposeChannel, ourSnrDb } from './experiments';
import { mserGd } from './gd';
import { blockGradient, MSER_BLOCKS, MserBlock } from './gradients';
import { mserObjective } from './kde';
import { MserPreset } from './presets';
import { designStart, MserStart } from './starts';
import { disposeSymbols, sampleSymbols, SymbolBlock } from './symbols';
import { noiseVarOf, symbolEnergy, totalStreams } from './system';
import { analog, combinerNoiseGain, disposeState, HybridState, precoderPower } from './transceiver';
import { relativeSteps } from './tune';

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);

export interface ConstraintRow {
  start: MserStart;
  /** max over channels and entries of ||F_mn| − 1| and ||U_mn| − 1| */
  unitModulusError: number;
  /** max over channels of |E_s‖FV‖²/P_T − 1| */
  powerError: number;
  /** max over channels and streams of |‖U_kᴴw_{i,k}‖ − 1| */
  combinerError: number;
}

/** The constraints of both starts on `channels` test channels at `snrDb` (paper's dB). */
export function constraintCheck(p: MserPreset, opts: { snrDb: number; channels: number }): ConstraintRow[] {
  const sys = p.sys, nv = noiseVarOf(sys, ourSnrDb(p, opts.snrDb));
  const ch = channelSet(p, 'test', opts.channels);
  try {
    return (['alignment', 'mo'] as MserStart[]).map((start) => {
      const s = designStart(ch.h, sys, { start, noiseVar: nv, rng: new Rng(p.seed).fork('demo') });
      try {
        const um = tf.tidy(() => {
          const f = analog(s.thetaF), u = analog(s.thetaU);
          return tf.maximum(tf.max(tf.abs(tf.sub(tf.sqrt(tf.add(tf.square(f.re), tf.square(f.im))), 1))), tf.max(tf.abs(tf.sub(tf.sqrt(tf.add(tf.square(u.re), tf.square(u.im))), 1))));
        });
        const pw = tf.tidy(() => tf.sub(tf.mul(precoderPower(s), symbolEnergy(sys.modulation) / sys.power), 1));
        const cg = tf.tidy(() => tf.sub(combinerNoiseGain(s), 1));
        const row = { start, unitModulusError: maxAbs(um), powerError: maxAbs(pw), combinerError: maxAbs(cg) };
        tf.dispose([um, pw, cg]);
        return row;
      } finally {
        disposeState(s);
      }
    });
  } finally {
    disposeChannel(ch);
  }
}

/** Per channel: the KDE objective P̃ (12)–(15) with ϱ = σ/√2 and J sampled vectors, and the exact SER of the MO design. */
export function objectiveVsExact(p: MserPreset, opts: { snrDb: number; channels: number; symbols: number }): { channel: number; objective: number; exactSer: number; ratio: number }[] {
  const sys = p.sys, nv = noiseVarOf(sys, ourSnrDb(p, opts.snrDb));
  const ch = channelSet(p, 'test', opts.channels);
  let s: HybridState | undefined, sym: SymbolBlock | undefined;
  try {
    s = designStart(ch.h, sys, { start: 'mo', noiseVar: nv, rng: new Rng(p.seed).fork('demo') });
    sym = sampleSymbols(new Rng(p.seed).fork('demo-symbols'), { streams: totalStreams(sys), count: opts.symbols, modulation: sys.modulation });
    const [st, sb] = [s, sym];
    const obj = tf.tidy(() => mserObjective(ch.h, st, sb, { rho: Math.sqrt(nv / 2) }).dataSync());
    const ser = exactSer(ch.h, st, sys, nv);
    return Array.from(ser, (x, i) => ({ channel: i, objective: obj[i], exactSer: x, ratio: x > 0 ? obj[i] / x : NaN }));
  } finally {
    disposeState(s);
    disposeSymbols(sym);
    disposeChannel(ch);
  }
}

/** The closed-form gradient of each block against `tf.grads` of the objective: relative error ‖g − g_auto‖/‖g_auto‖. */
export function gradientAgreement(p: MserPreset, opts: { snrDb: number; channels: number; symbols: number }): { block: MserBlock; relativeError: number; norm: number }[] {
  const sys = p.sys, nv = noiseVarOf(sys, ourSnrDb(p, opts.snrDb)), rho = Math.sqrt(nv / 2);
  const ch = channelSet(p, 'test', opts.channels);
  let s: HybridState | undefined, sym: SymbolBlock | undefined, auto: tf.Tensor[] = [];
  try {
    s = designStart(ch.h, sys, { start: 'alignment', noiseVar: nv, rng: new Rng(p.seed).fork('demo') });
    sym = sampleSymbols(new Rng(p.seed).fork('demo-symbols'), { streams: totalStreams(sys), count: opts.symbols, modulation: sys.modulation });
    const [st, sb] = [s, sym];
    auto = tf.tidy(() => {
      const f = (thetaF: tf.Tensor, vRe: tf.Tensor, vIm: tf.Tensor, thetaU: tf.Tensor, wRe: tf.Tensor, wIm: tf.Tensor) =>
        tf.sum(mserObjective(ch.h, { thetaF, v: { re: vRe, im: vIm }, thetaU, w: { re: wRe, im: wIm } }, sb, { rho }));
      return tf.grads(f)([st.thetaF, st.v.re, st.v.im, st.thetaU, st.w.re, st.w.im]);
    });
    const autoOf: Record<MserBlock, tf.Tensor[]> = { thetaF: [auto[0]], v: [auto[1], auto[2]], thetaU: [auto[3]], w: [auto[4], auto[5]] };
    const rows = MSER_BLOCKS.map((block) => {
      const g = blockGradient(ch.h, st, sb, { rho, block, objective: false });
      const ours = g.block === 'v' || g.block === 'w' ? [g.g.re, g.g.im] : [g.g as tf.Tensor];
      const [err, norm] = tf.tidy(() => {
        const d = ours.map((o, i) => tf.sum(tf.square(tf.sub(o, autoOf[block][i])))).reduce((a, b) => tf.add(a, b));
        const n = autoOf[block].map((a) => tf.sum(tf.square(a))).reduce((a, b) => tf.add(a, b));
        return [Math.sqrt(d.dataSync()[0]), Math.sqrt(n.dataSync()[0])];
      });
      tf.dispose(ours);
      return { block, relativeError: err / Math.max(norm, 1e-30), norm };
    });
    return rows;
  } finally {
    tf.dispose(auto);
    disposeState(s);
    disposeSymbols(sym);
    disposeChannel(ch);
  }
}

export interface ConvergenceCurve {
  rule: 'plain' | 'relative';
  eta: number;
  iteration: number[];
  objective: number[];
  /** mean exact SER of the final (not the best) iterate */
  finalSer: number;
}

/**
 * Algorithm 1 from the MO design on `channels` test channels: the paper's plain steps μ (set by
 * ./tune relativeSteps from the batch RMS, η each) and ours, relative per channel (η each).
 */
export async function gdConvergence(p: MserPreset, opts: { snrDb: number; channels: number; iterations: number; etas: number[] }): Promise<ConvergenceCurve[]> {
  const sys = p.sys, nv = noiseVarOf(sys, ourSnrDb(p, opts.snrDb)), rho = Math.sqrt(nv / 2);
  const ch = channelSet(p, 'test', opts.channels);
  let s0: HybridState | undefined, sym0: SymbolBlock | undefined;
  const out: ConvergenceCurve[] = [];
  try {
    s0 = designStart(ch.h, sys, { start: 'mo', noiseVar: nv, rng: new Rng(p.seed).fork('demo') });
    sym0 = sampleSymbols(new Rng(p.seed).fork('demo-symbols'), { streams: totalStreams(sys), count: p.gd.symbols, modulation: sys.modulation });
    const [s, sym] = [s0, sym0];
    for (const rule of ['plain', 'relative'] as const) {
      for (const eta of opts.etas) {
        const steps = rule === 'plain' ? relativeSteps(ch.h, s, sym, { rho, eta }) : { v: eta, w: eta, thetaU: eta, thetaF: eta };
        const r = await mserGd(ch.h, s, sym, sys, { steps, rho, iterations: opts.iterations, recordEvery: Math.max(1, Math.floor(opts.iterations / 20)), normalisedSteps: rule === 'relative' });
        const ser = exactSer(ch.h, r.state, sys, nv);
        disposeState(r.state);
        out.push({ rule, eta, iteration: r.history.iteration, objective: r.history.objective, finalSer: ser.reduce((a, b) => a + b, 0) / ser.length });
      }
    }
    return out;
  } finally {
    disposeState(s0);
    disposeSymbols(sym0);
    disposeChannel(ch);
  }
}

/**
 * Appendices A–B on one layer at `snrDb` (paper's dB): for the V update (27) and the θ_F update (30) with
 * non-trivial α, O, ρ (./backprop sampleLayerParams), the loss (31) after the layer and (26), the largest
 * relative difference between the hand-derived gradient and autodiff per parameter. The step is a real one:
 * μ moves V by `relStep` of its RMS (θ_F by `relStep` rad) at the gradient's RMS, O ≈ 0.3μ·RMS(g), so the
 * layer's Jacobian (the Hessian term of ∂L/∂X, Appendix A) is exercised, not only the identity.
 */
export function backpropAgreement(p: MserPreset, opts: { snrDb: number; channels: number; symbols: number; relStep?: number }): { block: BackpropBlock; gradient: GradientName; relativeError: number; loss: number }[] {
  const sys = p.sys, nv = noiseVarOf(sys, ourSnrDb(p, opts.snrDb)), rho = Math.sqrt(nv / 2);
  const ch = channelSet(p, 'test', opts.channels);
  let s: HybridState | undefined, sym: SymbolBlock | undefined;
  try {
    s = designStart(ch.h, sys, { start: 'alignment', noiseVar: nv, rng: new Rng(p.seed).fork('demo') });
    sym = sampleSymbols(new Rng(p.seed).fork('demo-symbols'), { streams: totalStreams(sys), count: opts.symbols, modulation: sys.modulation });
    const rows: { block: BackpropBlock; gradient: GradientName; relativeError: number; loss: number }[] = [];
    for (const block of BACKPROP_BLOCKS) {
      let params: OneLayerParams | undefined;
      try {
        const st = s, sb = sym;
        const rms = (xs: tf.Tensor[]) => tf.tidy(() => Math.sqrt(xs.map((x) => tf.sum(tf.square(x)).dataSync()[0]).reduce((a, b) => a + b, 0) / xs.reduce((a, x) => a + x.size, 0)));
        const gb = blockGradient(ch.h, st, sb, { rho, block, objective: false });
        const g = gb.block === 'v' || gb.block === 'w' ? [gb.g.re, gb.g.im] : [gb.g as tf.Tensor];
        const gRms = Math.max(rms(g), 1e-30);
        tf.dispose(g);
        const rel = opts.relStep ?? 0.2;
        const step = block === 'v' ? (rel * rms([st.v.re, st.v.im])) / gRms : rel / gRms;
        params = sampleLayerParams(new Rng(p.seed).fork(`demo-layer/${block}`), sys, block, { step, rho, offsetScale: gRms });
        const r = oneLayerBackprop(ch.h, s, sym, sys, params, { lossRho: rho });
        for (const [gradient, relativeError] of Object.entries(r.relError) as [GradientName, number][]) rows.push({ block, gradient, relativeError, loss: r.loss });
      } finally {
        disposeOneLayerParams(params);
      }
    }
    return rows;
  } finally {
    disposeState(s);
    disposeSymbols(sym);
    disposeChannel(ch);
  }
}
