import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import type { Complex } from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import {
  BackpropBlock, disposeOneLayerGradients, disposeOneLayerParams, oneLayerAutodiffGradients, oneLayerBackprop, oneLayerForward,
  oneLayerHandGradients, OneLayerParams, sampleLayerParams,
} from '../../../lib/papers/mser/backprop';
import { projectState, stepBlock } from '../../../lib/papers/mser/gd';
import { blockGradient } from '../../../lib/papers/mser/gradients';
import { mserObjective } from '../../../lib/papers/mser/kde';
import { disposeSymbols, sampleSymbols, SymbolBlock } from '../../../lib/papers/mser/symbols';
import { MserSystem, totalStreams } from '../../../lib/papers/mser/system';
import { disposeState, HybridState } from '../../../lib/papers/mser/transceiver';
import { buildUnfolded } from '../../../lib/papers/mser/unfolded';
import { backendTest, valuesOf as read } from '../../helpers';

const SYS: MserSystem = { txAntennas: 8, txRf: 4, users: 2, rxAntennas: 4, rxRf: 3, streams: 2, modulation: 'qpsk', power: 1 };
/** hand-derived vs autodiff, float32: max |hand − auto| / max |auto| per gradient (measured ≤ 4e-7 on cpu and wasm; omitting the (26) chain gives 1e-2–1e-1, the printed (55) ρ factor 0.2–0.4) */
const TOL = 1e-4;
const LAYER_RHO = 0.7, LOSS_RHO = 0.5;

interface Fixture {
  h: Complex;
  s: HybridState;
  sym: SymbolBlock;
}

/** A random state, projected ((26), unit combiners), on clustered channels; J = 16 QPSK vectors. */
function fixture(seed: string, b = 3): Fixture {
  const rng = new Rng(seed);
  const d = totalStreams(SYS);
  const h = clusteredChannel(rng.fork('h'), { batch: b, users: SYS.users, txAntennas: SYS.txAntennas, rxAntennas: SYS.rxAntennas, clusters: 3 }).h;
  const raw: HybridState = {
    thetaF: rng.fork('tf').uniform([b, SYS.txAntennas, SYS.txRf], 0, 2 * Math.PI),
    v: rng.fork('v').complexNormal([b, SYS.txRf, d], 0.05),
    thetaU: rng.fork('tu').uniform([b, SYS.users, SYS.rxRf, SYS.rxAntennas], 0, 2 * Math.PI),
    w: rng.fork('w').complexNormal([b, SYS.users, SYS.rxRf, SYS.streams], 0.1),
  };
  const s = projectState(raw, SYS);
  disposeState(raw);
  return { h, s, sym: sampleSymbols(rng.fork('s'), { streams: d, count: 16, modulation: 'qpsk' }) };
}

function disposeFixture(f: Fixture): void {
  disposeState(f.s);
  disposeSymbols(f.sym);
  tf.dispose([f.h.re, f.h.im]);
}

const rmsOf = (xs: tf.Tensor[]): number => Math.sqrt(xs.map((x) => read(() => tf.mean(tf.square(x)))[0]).reduce((a, b) => a + b, 0));

/** The plain GD step μ that moves the block by 20 % of its RMS (V) or 0.2 rad RMS (θ_F), and rms(g). */
function stepFor(f: Fixture, block: BackpropBlock): { mu: number; gRms: number } {
  const gb = blockGradient(f.h, f.s, f.sym, { rho: LAYER_RHO, block, objective: false });
  const g = gb.block === 'v' || gb.block === 'w' ? [gb.g.re, gb.g.im] : [gb.g as tf.Tensor];
  const gRms = rmsOf(g);
  tf.dispose(g);
  return { mu: block === 'v' ? (0.2 * rmsOf([f.s.v.re, f.s.v.im])) / gRms : 0.2 / gRms, gRms };
}

/** Non-trivial α, O, ρ: α = μ(1 + 0.3n) (complex for V), O ≈ 0.3μ·rms(g), ρ_k = 0.7e^{0.3n}. */
function params(f: Fixture, block: BackpropBlock, seed: string): OneLayerParams {
  const { mu, gRms } = stepFor(f, block);
  return sampleLayerParams(new Rng(seed), SYS, block, { step: mu, rho: LAYER_RHO, spread: 0.3, offsetScale: gRms });
}

backendTest('one layer (27)/(30): hand-derived back-propagation of Appendices A–B equals tfjs autodiff to float32 precision, with and without (26) in the loss', () => {
  const f = fixture('mser/backprop');
  for (const block of ['v', 'thetaF'] as BackpropBlock[]) {
    const p = params(f, block, `mser/backprop/${block}`);
    // the parameters are non-trivial: α is not a multiple of one step, O ≠ 0, the ρ_k differ
    const pa = p.block === 'v' ? [p.alpha.re, p.alpha.im] : [p.alpha];
    assert.ok(read(() => tf.sub(tf.max(pa[0]), tf.min(pa[0])))[0] > 0.1 * read(() => tf.mean(pa[0]))[0], `${block}: α varies`);
    if (block === 'v') assert.ok(Math.abs(read(() => tf.sub(p.rho.slice(0, 1), p.rho.slice(1, 1)))[0]) > 1e-3, 'ρ_1 ≠ ρ_2');
    for (const project of [true, false]) {
      const before = tf.memory().numTensors;
      const r = oneLayerBackprop(f.h, f.s, f.sym, SYS, p, { lossRho: LOSS_RHO, project });
      assert.equal(tf.memory().numTensors, before, `${block}${project ? '' : ' (no projection)'}: oneLayerBackprop leaks no tensor`);
      const what = `${block}${project ? ' with (26)' : ' before (26)'}`;
      for (const [name, e] of Object.entries(r.relError)) assert.ok(e < TOL, `${what}, ∂L/∂${name}: max relative error ${e.toExponential(2)} ≥ ${TOL}`);
      assert.ok(r.maxRelError < TOL, `${what}: ${r.maxRelError}`);
      // shapes the notebook shows: α, O per block; ρ per user (V) or one (θ_F); the input gradient per channel
      const d = totalStreams(SYS);
      const want = block === 'v' ? { alpha: [SYS.txRf, d], rho: [SYS.users], input: [3, SYS.txRf, d] } : { alpha: [SYS.txAntennas, SYS.txRf], rho: [1], input: [3, SYS.txAntennas, SYS.txRf] };
      assert.deepEqual(r.hand.alpha.shape, want.alpha);
      assert.deepEqual(r.hand.offset.shape, want.alpha);
      assert.deepEqual(r.hand.rho.shape, want.rho);
      assert.deepEqual(r.hand.input.shape, want.input);
      assert.equal(r.hand.alpha.im !== undefined, block === 'v', 'complex α for V only');
      // every gradient is non-trivial (the comparison is not 0 = 0)
      for (const n of ['alpha', 'offset', 'rho', 'input'] as const) assert.ok(r.autodiff[n].re.some((x) => Math.abs(x) > 1e-6), `${what}: ∂L/∂${n} ≠ 0`);
      assert.ok(Number.isFinite(r.loss) && r.loss > 0);
    }
    disposeOneLayerParams(p);
  }
  disposeFixture(f);
});

backendTest('one layer: the tensor-returning hand and autodiff paths agree on L and leave nothing behind once disposed', () => {
  const f = fixture('mser/backprop-tensors', 2);
  for (const block of ['v', 'thetaF'] as BackpropBlock[]) {
    const p = params(f, block, `mser/backprop-tensors/${block}`);
    const before = tf.memory().numTensors;
    const hand = oneLayerHandGradients(f.h, f.s, f.sym, SYS, p, { lossRho: LOSS_RHO });
    const auto = oneLayerAutodiffGradients(f.h, f.s, f.sym, SYS, p, { lossRho: LOSS_RHO });
    const out = oneLayerForward(f.h, f.s, f.sym, SYS, p, { lossRho: LOSS_RHO });
    const l = read(() => tf.mean(mserObjective(f.h, out, f.sym, { rho: LOSS_RHO })))[0];
    assert.ok(Math.abs(hand.loss.dataSync()[0] - l) < 1e-6 && Math.abs(auto.loss.dataSync()[0] - l) < 1e-6, `${block}: L`);
    disposeOneLayerGradients(hand);
    disposeOneLayerGradients(auto);
    disposeState(out);
    assert.equal(tf.memory().numTensors, before, `${block}: no tensor leaks`);
    disposeOneLayerParams(p);
  }
  disposeFixture(f);
});

backendTest("one layer is ./unfolded's layer: α = μ, O = 0, ρ = ϱ₀ is Algorithm 1's step and the untrained network; for V the network's own variable gradients are μ∂L/∂α, μ∂L/∂O, ρ∂L/∂ρ", () => {
  const f = fixture('mser/backprop-unfolded', 2);
  const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => read(() => tf.max(tf.abs(tf.sub(a, b))))[0];
  for (const block of ['v', 'thetaF'] as BackpropBlock[]) {
    const { mu } = stepFor(f, block);
    // the network of one layer with only this block stepping (μ = 0 elsewhere: those updates are the identity);
    // for θ_F that is the last layer's plain step (25), so only its plain form is compared
    const net = buildUnfolded(new Rng('net'), { sys: SYS, layers: 1, steps: { v: 0, w: 0, thetaU: 0, thetaF: 0, [block]: mu }, rho: LAYER_RHO });
    const plain: OneLayerParams = block === 'v'
      ? { block, alpha: C.complex(tf.fill([SYS.txRf, totalStreams(SYS)], mu)), offset: C.complex(tf.zeros([SYS.txRf, totalStreams(SYS)])), rho: tf.fill([SYS.users], LAYER_RHO) }
      : { block, alpha: tf.fill([SYS.txAntennas, SYS.txRf], mu), offset: tf.zeros([SYS.txAntennas, SYS.txRf]), rho: tf.tensor1d([LAYER_RHO]) };
    for (const project of [true, false]) {
      const ours = oneLayerForward(f.h, f.s, f.sym, SYS, plain, { lossRho: LOSS_RHO, project });
      const step = stepBlock(f.s, block, mu, (st, b) => blockGradient(f.h, st, f.sym, { rho: LAYER_RHO, block: b, objective: false }));
      const ref = project ? projectState(step, SYS) : step;
      const netOut = project ? net.forward(f.h, f.s, f.sym) : undefined;
      const pairs: [tf.Tensor, tf.Tensor][] = block === 'v' ? [[ours.v.re, ref.v.re], [ours.v.im, ref.v.im]] : [[ours.thetaF, ref.thetaF], [ours.v.re, ref.v.re]];
      for (const [a, b] of pairs) assert.ok(maxDiff(a, b) < 1e-6, `${block}${project ? ' + (26)' : ''}: the plain layer is Algorithm 1's step`);
      if (netOut) {
        for (const [a, b] of [[ours.thetaF, netOut.thetaF], [ours.v.re, netOut.v.re], [ours.v.im, netOut.v.im], [ours.w.re, netOut.w.re]] as [tf.Tensor, tf.Tensor][]) {
          assert.ok(maxDiff(a, b) < 1e-6, `${block}: the plain layer is the untrained one-layer network`);
        }
        disposeState(netOut);
      }
      disposeState(ours);
      if (block === 'v') C.dispose(step.v);
      else step.thetaF.dispose();
      if (project) disposeState(ref);
    }
    disposeOneLayerParams(plain);
    if (block === 'thetaF') {
      net.dispose();
      continue;
    }
    // V: the network's variables a, aIm, o, oIm, r set to α/μ, O/μ, log(ρ/ϱ₀); its autodiff gradients against the hand-derived ones
    const p = params(f, block, `mser/backprop-unfolded/${block}`);
    if (p.block !== 'v') throw new Error('unreachable');
    tf.tidy(() => {
      const set = (name: string, t: tf.Tensor) => net.params.get(`l0/v/${name}`).assign(t);
      set('a', tf.div(p.alpha.re, mu));
      set('aIm', tf.div(p.alpha.im, mu));
      set('o', tf.div(p.offset.re, mu));
      set('oIm', tf.div(p.offset.im, mu));
      set('r', tf.log(tf.div(p.rho, LAYER_RHO)));
    });
    const r = oneLayerBackprop(f.h, f.s, f.sym, SYS, p, { lossRho: LOSS_RHO });
    const vars = net.params.named();
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.mean(mserObjective(f.h, net.forward(f.h, f.s, f.sym), f.sym, { rho: LOSS_RHO })) as tf.Scalar), net.trainable());
    assert.ok(Math.abs(value.dataSync()[0] - r.loss) < 1e-5, `the network's loss ${value.dataSync()[0]} is the one-layer loss ${r.loss}`);
    const rho = p.rho.dataSync();
    const expect: [string, Float32Array, (x: number, i: number) => number][] = [
      ['a', r.hand.alpha.re, (x) => mu * x], ['aIm', r.hand.alpha.im as Float32Array, (x) => mu * x],
      ['o', r.hand.offset.re, (x) => mu * x], ['oIm', r.hand.offset.im as Float32Array, (x) => mu * x],
      ['r', r.hand.rho.re, (x, i) => rho[i] * x],
    ];
    for (const [name, hand, map] of expect) {
      const got = grads[vars[`l0/v/${name}`].name].dataSync();
      const want = Array.from(hand, map);
      const scale = Math.max(...want.map(Math.abs));
      const err = Math.max(...want.map((w, i) => Math.abs(w - got[i]))) / scale;
      assert.ok(scale > 0 && err < TOL, `variable l0/v/${name}: relative error ${err.toExponential(2)}`);
    }
    tf.dispose([value, ...Object.values(grads)]);
    disposeOneLayerParams(p);
    net.dispose();
  }
  disposeFixture(f);
});

backendTest('one layer: bad input gives an error naming the parameter, and allocates nothing', () => {
  const f = fixture('mser/backprop-errors', 1);
  const p0 = params(f, 'v', 'mser/backprop-errors');
  if (p0.block !== 'v') throw new Error('unreachable');
  const p = p0;
  const opts = { lossRho: LOSS_RHO };
  const before = tf.memory().numTensors;
  const d = totalStreams(SYS);
  const wrongAlpha = C.complex(tf.zeros([SYS.txRf, d + 1]));
  const realAlpha = tf.zeros([SYS.txRf, d]);
  const wrongRho = tf.ones([SYS.users + 1]);
  const negRho = tf.tensor1d([0.5, -0.1]);
  const oneRho = tf.ones([1]);
  const sym16 = sampleSymbols(new Rng('qam'), { streams: d, count: 4, modulation: '16qam' });
  const made = tf.memory().numTensors;
  const cases: [string, () => unknown, RegExp][] = [
    ['α shape', () => oneLayerBackprop(f.h, f.s, f.sym, SYS, { ...p, alpha: wrongAlpha }, opts), /oneLayerBackprop\(params\.alpha \(α\)\): needs shape \[4,4\]/],
    ['α real for V', () => oneLayerHandGradients(f.h, f.s, f.sym, SYS, { ...p, alpha: realAlpha as unknown as Complex }, opts), /oneLayerHandGradients\(params\.alpha \(α\)\): needs a Complex/],
    ['O shape', () => oneLayerAutodiffGradients(f.h, f.s, f.sym, SYS, { ...p, offset: wrongAlpha }, opts), /params\.offset \(O\)/],
    ['ρ shape', () => oneLayerBackprop(f.h, f.s, f.sym, SYS, { ...p, rho: wrongRho }, opts), /params\.rho \(ρ\)\): needs shape \[2\]/],
    ['ρ ≤ 0', () => oneLayerBackprop(f.h, f.s, f.sym, SYS, { ...p, rho: negRho }, opts), /params\.rho \(ρ\)\): must be finite and > 0/],
    ['block', () => oneLayerBackprop(f.h, f.s, f.sym, SYS, { ...p, block: 'w' } as unknown as OneLayerParams, opts), /params\.block\): one of v, thetaF/],
    ['θ_F with complex α', () => oneLayerForward(f.h, f.s, f.sym, SYS, { block: 'thetaF', alpha: p.alpha as unknown as tf.Tensor, offset: realAlpha, rho: oneRho }, opts), /params\.alpha \(α\)\): needs a real tensor \[8,4\]/],
    ['ϱ_L', () => oneLayerBackprop(f.h, f.s, f.sym, SYS, p, { lossRho: 0 }), /opts\.lossRho \(ϱ_L\) must be/],
    ['16-QAM', () => oneLayerBackprop(f.h, f.s, sym16, SYS, p, opts), /sym\.modulation\): the hand-derived back-propagation is QPSK's/],
    ['state', () => oneLayerBackprop(f.h, { ...f.s, v: wrongAlpha }, f.sym, SYS, p, opts), /oneLayerBackprop\(state\.v\): needs shape/],
  ];
  for (const [what, run, msg] of cases) assert.throws(run, msg, what);
  assert.equal(tf.memory().numTensors, made, 'the checks allocate nothing');
  tf.dispose([wrongAlpha.re, wrongAlpha.im, realAlpha, wrongRho, negRho, oneRho]);
  disposeSymbols(sym16);
  assert.equal(tf.memory().numTensors, before);
  disposeOneLayerParams(p);
  disposeFixture(f);
});
