/**
 * The float64 kernel of Algorithm 1 (lib/papers/mser/gdF64.ts) against the tfjs Algorithm 1 of ./gd
 * (float32, on every backend): one iteration block by block, 20 iterations of mserGd and its objective
 * history, the constraints (26) and ‖U_kᴴw_{i,k}‖ = 1 after every iteration, determinism (batch vs one
 * channel, one call of n iterations vs n calls), the objective against an independent float64
 * transcription of (15), the fast Q function, per-stream ϱ and odd D (the kernel's general
 * paths), bad input, and no tensor leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { qfunc } from '../../../lib/core/special';
import { clusteredChannel } from '../../../lib/phy/channels';
import { gdIteration, GdStepSizes, mserGd } from '../../../lib/papers/mser/gd';
import {
  ChannelsF64, channelsToF64, cloneStateF64, gdIterationF64, HybridStateF64, kernelWidthToF64, mserGdF64,
  mserObjectiveF64, projectStateF64, qfuncFast, SplitComplexF64, stateFromF64, stateToF64, SymbolBlockF64, symbolsToF64,
} from '../../../lib/papers/mser/gdF64';
import { alignmentInit, randomInit } from '../../../lib/papers/mser/init';
import { mserObjective } from '../../../lib/papers/mser/kde';
import { disposeSymbols, sampleSymbols, SymbolBlock } from '../../../lib/papers/mser/symbols';
import { MserSystem, noiseVarOf, PAPER_SYSTEM, symbolEnergy, totalStreams } from '../../../lib/papers/mser/system';
import { disposeState, HybridState } from '../../../lib/papers/mser/transceiver';
import { RecordingProgress } from '../../../lib/train/progress';
import { backendTest, setup, valuesOf } from '../../helpers';

const SMALL: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };

interface Fixture {
  sys: MserSystem;
  h: Complex;
  sym: SymbolBlock;
  start: HybridState;
  hf: ChannelsF64;
  sf: SymbolBlockF64;
  s0: HybridStateF64;
  noiseVar: number;
  rho: number;
}

/** Clustered channels (2 clusters), a shared symbol block, and the alignment (paper) or a random start. */
function fixture(seed: string, sys: MserSystem, opts: { batch: number; count: number; snrDb: number; init: 'alignment' | 'random' }): Fixture {
  const rng = new Rng(`mser/gdF64-${seed}`);
  const h = clusteredChannel(rng.fork('h'), { batch: opts.batch, users: sys.users, txAntennas: sys.txAntennas, rxAntennas: sys.rxAntennas, clusters: 2 }).h;
  const sym = sampleSymbols(rng.fork('s'), { streams: totalStreams(sys), count: opts.count, modulation: sys.modulation });
  const start = opts.init === 'alignment' ? alignmentInit(h, sys) : randomInit(rng.fork('init'), opts.batch, sys);
  const noiseVar = noiseVarOf(sys, opts.snrDb);
  return { sys, h, sym, start, hf: channelsToF64(h), sf: symbolsToF64(sym), s0: stateToF64(start), noiseVar, rho: Math.sqrt(noiseVar / 2) };
}

function disposeFixture(f: Fixture): void {
  tf.dispose([f.h.re, f.h.im]);
  disposeSymbols(f.sym);
  disposeState(f.start);
}

const BLOCKS = ['v', 'w', 'thetaU', 'thetaF'] as const;
type Block = (typeof BLOCKS)[number];

const flat = (x: Float64Array | SplitComplexF64): Float64Array => {
  if (x instanceof Float64Array) return x;
  const o = new Float64Array(2 * x.re.length);
  o.set(x.re);
  o.set(x.im, x.re.length);
  return o;
};

/** ‖a − b‖/‖b − base‖ (base = 0: the relative error; base = the start: the error of the change). */
function relErr(a: Float64Array, b: Float64Array, base?: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += (b[i] - (base ? base[i] : 0)) ** 2;
  }
  return Math.sqrt(num / den);
}

const blockErr = (ours: HybridStateF64, ref: HybridStateF64, b: Block, start?: HybridStateF64) => relErr(flat(ours[b]), flat(ref[b]), start ? flat(start[b]) : undefined);

/** One tfjs iteration as float64 values (the tfjs state freed). */
function tfIteration(f: Fixture, steps: GdStepSizes, rho: number | tf.Tensor = f.rho, normalisedSteps = false): HybridStateF64 {
  const next = gdIteration(f.h, f.start, f.sym, f.sys, { steps, rho, normalisedSteps });
  const out = stateToF64(next);
  disposeState(next);
  return out;
}

const only = (b: Block, mu: number): GdStepSizes => ({ v: 0, w: 0, thetaU: 0, thetaF: 0, [b]: mu });
const all = (mu: number): GdStepSizes => ({ v: mu, w: mu, thetaU: mu, thetaF: mu });

/** ‖FV‖²_F and ‖U_kᴴw_{i,k}‖ of every channel / stream, by plain loops (independent of the kernel). */
function constraints(s: HybridStateF64): { power: number[]; gain: number[] } {
  const { txAntennas: nt, txRf: rt, users: k, rxAntennas: nr, rxRf: rr, streams: dk } = s.dims;
  const d = k * dk;
  const power: number[] = [], gain: number[] = [];
  for (let b = 0; b < s.batch; b++) {
    let p = 0;
    for (let m = 0; m < nt; m++) {
      for (let e = 0; e < d; e++) {
        let re = 0, im = 0;
        for (let r = 0; r < rt; r++) {
          const th = s.thetaF[(b * nt + m) * rt + r], vr = s.v.re[(b * rt + r) * d + e], vi = s.v.im[(b * rt + r) * d + e];
          re += Math.cos(th) * vr - Math.sin(th) * vi;
          im += Math.cos(th) * vi + Math.sin(th) * vr;
        }
        p += re * re + im * im;
      }
    }
    power.push(p);
    for (let u = 0; u < k; u++) {
      for (let i = 0; i < dk; i++) {
        let g = 0;
        for (let n = 0; n < nr; n++) {
          let re = 0, im = 0;
          for (let r = 0; r < rr; r++) {
            const th = s.thetaU[((b * k + u) * rr + r) * nr + n], wi = ((b * k + u) * rr + r) * dk + i;
            // conj(U) w
            re += Math.cos(th) * s.w.re[wi] + Math.sin(th) * s.w.im[wi];
            im += Math.cos(th) * s.w.im[wi] - Math.sin(th) * s.w.re[wi];
          }
          g += re * re + im * im;
        }
        gain.push(Math.sqrt(g));
      }
    }
  }
  return { power, gain };
}

/** P̃ (15) of every channel by a direct float64 transcription: M = stack_k W_kᴴU_kH_k F V, Z = MS, Σ Q(·)/J. */
function objectiveDirect(h: ChannelsF64, s: HybridStateF64, sym: SymbolBlockF64, rho: number): number[] {
  const { txAntennas: nt, txRf: rt, users: k, rxAntennas: nr, rxRf: rr, streams: dk } = s.dims;
  const d = k * dk, j = sym.count;
  const out: number[] = [];
  for (let b = 0; b < s.batch; b++) {
    // FV [N_t, D]
    const fvRe = new Float64Array(nt * d), fvIm = new Float64Array(nt * d);
    for (let m = 0; m < nt; m++) for (let e = 0; e < d; e++) for (let r = 0; r < rt; r++) {
      const th = s.thetaF[(b * nt + m) * rt + r], vr = s.v.re[(b * rt + r) * d + e], vi = s.v.im[(b * rt + r) * d + e];
      fvRe[m * d + e] += Math.cos(th) * vr - Math.sin(th) * vi;
      fvIm[m * d + e] += Math.cos(th) * vi + Math.sin(th) * vr;
    }
    const mRe = new Float64Array(d * d), mIm = new Float64Array(d * d);
    for (let u = 0; u < k; u++) for (let i = 0; i < dk; i++) for (let n = 0; n < nr; n++) {
      // (W_kᴴU_k)[i, n]
      let gr = 0, gi = 0;
      for (let r = 0; r < rr; r++) {
        const th = s.thetaU[((b * k + u) * rr + r) * nr + n], wi = ((b * k + u) * rr + r) * dk + i;
        const wr = s.w.re[wi], wim = -s.w.im[wi];
        gr += wr * Math.cos(th) - wim * Math.sin(th);
        gi += wr * Math.sin(th) + wim * Math.cos(th);
      }
      for (let m = 0; m < nt; m++) {
        const hi = ((b * k + u) * nr + n) * nt + m;
        const ar = gr * h.re[hi] - gi * h.im[hi], ai = gr * h.im[hi] + gi * h.re[hi];
        for (let e = 0; e < d; e++) {
          mRe[(u * dk + i) * d + e] += ar * fvRe[m * d + e] - ai * fvIm[m * d + e];
          mIm[(u * dk + i) * d + e] += ar * fvIm[m * d + e] + ai * fvRe[m * d + e];
        }
      }
    }
    let sum = 0;
    for (let row = 0; row < d; row++) for (let c = 0; c < j; c++) {
      let zr = 0, zi = 0;
      for (let e = 0; e < d; e++) {
        zr += mRe[row * d + e] * sym.re[e * j + c] - mIm[row * d + e] * sym.im[e * j + c];
        zi += mRe[row * d + e] * sym.im[e * j + c] + mIm[row * d + e] * sym.re[e * j + c];
      }
      sum += qfunc((zr * sym.re[row * j + c]) / rho) + qfunc((zi * sym.im[row * j + c]) / rho);
    }
    out.push(sum / j);
  }
  return out;
}

const sameState = (a: HybridStateF64, b: HybridStateF64) => BLOCKS.every((k) => flat(a[k]).every((v, i) => Object.is(v, flat(b[k])[i])));

backendTest('gdIterationF64: one iteration equals the tfjs gdIteration on every block (paper system J = 512, small system J = 64)', () => {
  const cases = [
    fixture('paper', PAPER_SYSTEM, { batch: 2, count: 512, snrDb: 10, init: 'alignment' }),
    fixture('small', SMALL, { batch: 3, count: 64, snrDb: 10, init: 'random' }),
  ];
  try {
    for (const f of cases) {
      const name = f.sys === SMALL ? 'small' : 'paper';
      // the bench's steps (μ = 0.01σ², every block): the states agree to float32's resolution
      const steps = all(0.01 * f.noiseVar);
      const ours = gdIterationF64(f.hf, f.s0, f.sf, f.sys, { steps, rho: f.rho });
      const ref = tfIteration(f, steps);
      for (const b of BLOCKS) assert.ok(blockErr(ours, ref, b) < 1e-4, `${name} ${b}: relative error ${blockErr(ours, ref, b)}`);
      // each block alone with μ = σ² (so that its change is well above float32's resolution of the state):
      // the change agrees, i.e. the gradient of every block
      for (const b of BLOCKS) {
        const st = only(b, f.noiseVar);
        const e = blockErr(gdIterationF64(f.hf, f.s0, f.sf, f.sys, { steps: st, rho: f.rho }), tfIteration(f, st), b, f.s0);
        assert.ok(e < 1e-3, `${name} ${b} alone: relative error of the change ${e}`);
      }
    }
    // relative steps per channel (./gd normalisedSteps, the experiments' rule): every block moves by η = 0.01 of its RMS
    for (const g of cases) {
      const ours = gdIterationF64(g.hf, g.s0, g.sf, g.sys, { steps: all(0.01), rho: g.rho, normalisedSteps: true });
      const ref = tfIteration(g, all(0.01), g.rho, true);
      for (const b of BLOCKS) assert.ok(blockErr(ours, ref, b, g.s0) < 1e-3, `normalisedSteps, ${b}: change error ${blockErr(ours, ref, b, g.s0)}`);
    }
    // every block in turn with μ = σ² (small system): each gradient at the blocks already updated
    const f = cases[1];
    const ours = gdIterationF64(f.hf, f.s0, f.sf, f.sys, { steps: all(f.noiseVar), rho: f.rho });
    const ref = tfIteration(f, all(f.noiseVar));
    // (float32's error in the blocks updated first reaches the later ones: θ_U's change agrees to ~1e−3 on wasm)
    for (const b of BLOCKS) assert.ok(blockErr(ours, ref, b, f.s0) < 5e-3, `small, every block, μ = σ²: ${b} change error ${blockErr(ours, ref, b, f.s0)}`);
  } finally {
    cases.forEach(disposeFixture);
  }
});

backendTest('gdIterationF64: the general path (odd D: a row left over) and per-stream ϱ match tfjs; 16-QAM is refused', () => {
  const odd: MserSystem = { txAntennas: 16, txRf: 4, users: 1, rxAntennas: 4, rxRf: 3, streams: 3, modulation: 'qpsk', power: 1 };
  const qam: MserSystem = { ...SMALL, modulation: '16qam' };
  const fq = fixture('qam', qam, { batch: 2, count: 96, snrDb: 20, init: 'random' });
  try {
    assert.throws(() => gdIterationF64(fq.hf, fq.s0, fq.sf, fq.sys, { steps: only('v', fq.noiseVar), rho: fq.rho }), /gdIterationF64\(sys\.modulation\): the float64 kernel runs the QPSK objective/);
  } finally {
    disposeFixture(fq);
  }
  const cases = [fixture('odd', odd, { batch: 2, count: 64, snrDb: 10, init: 'random' })];
  try {
    for (const f of cases) {
      for (const b of BLOCKS) {
        const st = only(b, f.noiseVar);
        const e = blockErr(gdIterationF64(f.hf, f.s0, f.sf, f.sys, { steps: st, rho: f.rho }), tfIteration(f, st), b, f.s0);
        assert.ok(e < 1e-3, `${f.sys.modulation} D = ${totalStreams(f.sys)}, ${b} alone: change error ${e}`);
      }
    }
    // ϱ per stream: a tfjs [D, 1] tensor against D float64 values (and the tensor itself)
    const f = cases[0];
    const d = totalStreams(f.sys);
    const perStream = Float64Array.from({ length: d }, (_, i) => f.rho * (0.7 + 0.3 * i));
    const rhoT = tf.tensor2d(Float32Array.from(perStream), [d, 1]);
    try {
      for (const b of BLOCKS) {
        const st = only(b, f.noiseVar);
        const ref = tfIteration(f, st, rhoT);
        for (const rho of [perStream, rhoT]) {
          const e = blockErr(gdIterationF64(f.hf, f.s0, f.sf, f.sys, { steps: st, rho }), ref, b, f.s0);
          assert.ok(e < 1e-3, `per-stream ϱ (${rho instanceof Float64Array ? 'Float64Array' : 'tensor'}), ${b} alone: change error ${e}`);
        }
      }
      assert.deepEqual(Array.from(kernelWidthToF64(rhoT, 2, d) as Float64Array), [...perStream, ...perStream].map((v) => Math.fround(v)));
    } finally {
      rhoT.dispose();
    }
  } finally {
    cases.forEach(disposeFixture);
  }
});

backendTest('mserGdF64: 20 iterations equal mserGd (states and objective history); no tensor leaks', async () => {
  const f = fixture('paper20', PAPER_SYSTEM, { batch: 2, count: 256, snrDb: 10, init: 'alignment' });
  try {
    const opts = { steps: all(0.01 * f.noiseVar), rho: f.rho, iterations: 20, recordEvery: 5 };
    const before = tf.memory().numTensors;
    const ref = await mserGd(f.h, f.start, f.sym, f.sys, opts);
    const refF64 = stateToF64(ref.state);
    const progress = new RecordingProgress();
    const ours = await mserGdF64(f.h, f.start, f.sym, f.sys, { ...opts, progress, phase: 'F64' });
    assert.equal(tf.memory().numTensors, before + 12, 'only the returned states (6 tensors each) are new');
    for (const b of BLOCKS) assert.ok(blockErr(ours.stateF64, refF64, b) < 1e-3, `after 20 iterations, ${b}: relative error ${blockErr(ours.stateF64, refF64, b)}`);
    // the changes over 20 iterations agree too (V and W move visibly; the phases by ~1e−5 rad)
    for (const b of ['v', 'w'] as const) assert.ok(blockErr(ours.stateF64, refF64, b, f.s0) < 1e-2, `${b}: change error ${blockErr(ours.stateF64, refF64, b, f.s0)}`);
    assert.deepEqual(ours.history.iteration, [0, 5, 10, 15, 20]);
    assert.deepEqual(ours.history.iteration, ref.history.iteration);
    ours.history.objective.forEach((v, i) => {
      const r = ref.history.objective[i];
      assert.ok(Math.abs(v - r) <= 1e-3 * r, `objective at ${ours.history.iteration[i]}: ${v} vs tfjs ${r}`);
    });
    assert.ok(ours.history.objective[4] < ours.history.objective[0], 'the objective falls');
    // the tfjs state is the float64 one rounded; progress as blockDescent (start, one tick per record, end)
    const st = stateToF64(ours.state);
    for (const b of BLOCKS) assert.ok(blockErr(st, ours.stateF64, b) < 1e-6);
    assert.deepEqual(progress.events.map((e) => `${e.kind} ${e.done}`), ['start 0', 'update 5', 'update 10', 'update 15', 'update 20', 'end 20']);
    assert.ok(progress.events.every((e) => e.phase === 'F64'));
    disposeState(ours.state);
    disposeState(ref.state);
    assert.equal(tf.memory().numTensors, before);
    // float64 inputs: the same result, no tensors made but the returned state
    const again = await mserGdF64(f.hf, f.s0, f.sf, f.sys, opts);
    assert.ok(sameState(again.stateF64, ours.stateF64), 'tfjs or float64 inputs: the same bits');
    assert.deepEqual(again.history, ours.history);
    disposeState(again.state);
    assert.equal(tf.memory().numTensors, before);
    // the experiments' options: relative steps and, per channel, the best recorded iterate. At 0 dB: at 10 dB
    // the second channel reaches P̃ ≈ 1e−19, which tfjs's float32 objective rounds to 0 (so keepBest keeps
    // its first such iterate while the float64 objective still falls), and with larger steps its densities
    // are all floored, the normalised gradient being float32 rounding of e^{−80} terms
    const g = fixture('paper20-0dB', PAPER_SYSTEM, { batch: 2, count: 256, snrDb: 0, init: 'alignment' });
    const rel = { steps: all(0.01), rho: g.rho, iterations: 20, recordEvery: 4, normalisedSteps: true, keepBest: true };
    const refB = await mserGd(g.h, g.start, g.sym, g.sys, rel);
    const oursB = await mserGdF64(g.h, g.start, g.sym, g.sys, rel);
    const refBF64 = stateToF64(refB.state);
    for (const b of BLOCKS) assert.ok(blockErr(oursB.stateF64, refBF64, b, g.s0) < 1e-3, `normalisedSteps + keepBest, ${b}: change error ${blockErr(oursB.stateF64, refBF64, b, g.s0)}`);
    oursB.history.objective.forEach((v, i) => assert.ok(Math.abs(v - refB.history.objective[i]) <= 1e-3 * refB.history.objective[i], `normalisedSteps: objective ${v} vs ${refB.history.objective[i]}`));
    // keepBest returns the recorded iterate of lowest objective: no worse than the last one
    const bestObj = mserObjectiveF64(g.hf, oursB.stateF64, g.sf, g.sys, { rho: g.rho });
    const last = await mserGdF64(g.hf, g.s0, g.sf, g.sys, { ...rel, keepBest: false });
    const lastObj = mserObjectiveF64(g.hf, last.stateF64, g.sf, g.sys, { rho: g.rho });
    bestObj.forEach((v, i) => assert.ok(v <= lastObj[i], `channel ${i}: best ${v} > last ${lastObj[i]}`));
    disposeFixture(g);
    [refB, oursB, last].forEach((r) => disposeState(r.state));
    assert.equal(tf.memory().numTensors, before);
  } finally {
    disposeFixture(f);
  }
});

test('gdIterationF64: (26) and ‖U_kᴴw_{i,k}‖ = 1 after every iteration; deterministic: batch = one channel at a time, n iterations = n calls, mserGdF64 = projection + T iterations', async () => {
  await setup();
  const f = fixture('constraints', PAPER_SYSTEM, { batch: 3, count: 128, snrDb: 15, init: 'random' });
  try {
    const steps = all(0.05 * f.noiseVar);
    const es = symbolEnergy(f.sys.modulation);
    let s = f.s0;
    const perCall: HybridStateF64[] = [];
    for (let t = 0; t < 6; t++) {
      s = gdIterationF64(f.hf, s, f.sf, f.sys, { steps, rho: f.rho });
      perCall.push(s);
      const c = constraints(s);
      c.power.forEach((p) => assert.ok(Math.abs(p * es - f.sys.power) < 1e-12, `‖FV‖²·E_s = ${p * es}`));
      c.gain.forEach((g) => assert.ok(Math.abs(g - 1) < 1e-12, `‖Uᴴw‖ = ${g}`));
    }
    // determinism and independence of the channels
    const six = gdIterationF64(f.hf, f.s0, f.sf, f.sys, { steps, rho: f.rho, iterations: 6 });
    assert.ok(sameState(six, perCall[5]), 'iterations: 6 = six calls');
    assert.ok(sameState(gdIterationF64(f.hf, f.s0, f.sf, f.sys, { steps, rho: f.rho, iterations: 6 }), six), 'the same call twice');
    const one = (x: HybridStateF64, b: number): HybridStateF64 => {
      const pick = (a: Float64Array) => a.slice((b * a.length) / x.batch, ((b + 1) * a.length) / x.batch);
      return { batch: 1, dims: x.dims, thetaF: pick(x.thetaF), v: { re: pick(x.v.re), im: pick(x.v.im) }, thetaU: pick(x.thetaU), w: { re: pick(x.w.re), im: pick(x.w.im) } };
    };
    const hOne: ChannelsF64 = { ...f.hf, batch: 1, re: f.hf.re.slice((f.hf.re.length / 3) * 2), im: f.hf.im.slice((f.hf.im.length / 3) * 2) };
    assert.ok(sameState(gdIterationF64(hOne, one(f.s0, 2), f.sf, f.sys, { steps, rho: f.rho, iterations: 6 }), one(six, 2)), 'channel 2 alone = channel 2 of the batch');
    // the input is untouched
    assert.ok(sameState(f.s0, stateToF64(f.start)));
    // mserGdF64 projects the start, then iterates
    const r = await mserGdF64(f.hf, f.s0, f.sf, f.sys, { steps, rho: f.rho, iterations: 6, recordEvery: 4 });
    assert.ok(sameState(r.stateF64, gdIterationF64(f.hf, projectStateF64(f.s0, f.sys), f.sf, f.sys, { steps, rho: f.rho, iterations: 6 })));
    assert.deepEqual(r.history.iteration, [0, 4, 6]);
    disposeState(r.state);
    // two runs at once (each yields to the event loop between channels) = the runs one after the other
    const g = fixture('constraints-2', PAPER_SYSTEM, { batch: 2, count: 128, snrDb: 5, init: 'random' });
    try {
      const o2 = { steps, rho: g.rho, iterations: 6, recordEvery: 2 };
      const [a, b] = await Promise.all([mserGdF64(f.hf, f.s0, f.sf, f.sys, { steps, rho: f.rho, iterations: 6, recordEvery: 4 }), mserGdF64(g.hf, g.s0, g.sf, g.sys, o2)]);
      const b1 = await mserGdF64(g.hf, g.s0, g.sf, g.sys, o2);
      assert.ok(sameState(a.stateF64, r.stateF64) && sameState(b.stateF64, b1.stateF64), 'concurrent runs');
      [a, b, b1].forEach((x) => disposeState(x.state));
    } finally {
      disposeFixture(g);
    }
    // a symbol block changed in place is planned afresh
    const sym2: SymbolBlockF64 = { ...f.sf, re: f.sf.re.slice(), im: f.sf.im.slice() };
    const before = gdIterationF64(f.hf, f.s0, sym2, f.sys, { steps, rho: f.rho });
    sym2.re[7] = -sym2.re[7];
    const fresh: SymbolBlockF64 = { ...sym2, re: sym2.re.slice(), im: sym2.im.slice() };
    const after = gdIterationF64(f.hf, f.s0, sym2, f.sys, { steps, rho: f.rho });
    assert.ok(sameState(after, gdIterationF64(f.hf, f.s0, fresh, f.sys, { steps, rho: f.rho })) && !sameState(after, before));
  } finally {
    disposeFixture(f);
  }
});

backendTest('mserObjectiveF64: equals tfjs mserObjective (float32) and a direct float64 transcription of (15); qfuncFast = qfunc', () => {
  const f = fixture('objective', PAPER_SYSTEM, { batch: 3, count: 128, snrDb: 5, init: 'alignment' });
  try {
    const ours = mserObjectiveF64(f.hf, f.s0, f.sf, f.sys, { rho: f.rho });
    const direct = objectiveDirect(f.hf, f.s0, f.sf, f.rho);
    const ref = valuesOf(() => mserObjective(f.h, f.start, f.sym, { rho: f.rho }));
    ours.forEach((v, i) => {
      assert.ok(Math.abs(v - direct[i]) <= 1e-12 * direct[i], `channel ${i}: ${v} vs direct ${direct[i]}`);
      assert.ok(Math.abs(v - ref[i]) <= 1e-4 * ref[i], `channel ${i}: ${v} vs tfjs ${ref[i]}`);
    });
  } finally {
    disposeFixture(f);
  }
});

test('qfuncFast: Q(x) to ~1e−13 relative on [−8, 40] (the Taylor table, the far tail and the sign flip), NaN and ±∞', () => {
  let worst = 0;
  for (let i = 0; i <= 200000; i++) {
    const x = -8 + (48 * i) / 200000;
    const a = qfuncFast(x), b = qfunc(x);
    if (b < 1e-300) assert.ok(a < 1e-300, `Q(${x}) = ${a}, qfunc ${b}`);
    else worst = Math.max(worst, Math.abs(a / b - 1));
  }
  // qfunc's own rounding of x/√2 inside e^{−x²/2} is ≈ x²·1e−16 ≈ 1.5e−13 at x = 38
  assert.ok(worst < 5e-13, `worst relative error ${worst}`);
  assert.ok(Number.isNaN(qfuncFast(NaN)));
  assert.equal(qfuncFast(Infinity), 0);
  assert.equal(qfuncFast(-Infinity), 1);
  assert.equal(qfuncFast(0), 0.5);
});

test('gdF64: bad input names the parameter; converters and the tfjs round trip leak no tensors', async () => {
  await setup();
  const f = fixture('bad', SMALL, { batch: 2, count: 16, snrDb: 10, init: 'random' });
  try {
    const ok = { steps: all(0.01), rho: 0.5 };
    const run = (o: Partial<Parameters<typeof gdIterationF64>[4]> & Record<string, unknown>, h = f.hf, s = f.s0, sym = f.sf, sys = f.sys) =>
      () => gdIterationF64(h, s, sym, sys, { ...ok, ...o } as Parameters<typeof gdIterationF64>[4]);
    assert.throws(run({}, f.hf, f.s0, f.sf, { ...SMALL, txAntennas: 32 }), /gdIterationF64\(h\): needs \[2,2,4,32\]/);
    assert.throws(run({}, { ...f.hf, re: f.hf.re.subarray(1) }), /gdIterationF64\(h\.re\)/);
    assert.throws(run({}, f.hf, { ...f.s0, thetaF: new Float64Array(3) }), /gdIterationF64\(state\.thetaF\): needs a Float64Array of 128 values/);
    assert.throws(run({}, f.hf, f.s0, { ...f.sf, streams: 3 }), /gdIterationF64\(sym\.streams\): needs D = K·D_k = 4/);
    assert.throws(run({}, f.hf, f.s0, { ...f.sf, re: f.sf.re.map((v, i) => (i === 5 ? 0.5 : v)) }), /gdIterationF64\(sym\): entry \[0, 5\] = 0\.5/);
    assert.throws(run({}, f.hf, f.s0, { ...f.sf, modulation: '16qam' }), /gdIterationF64\(sym\.modulation\)/);
    assert.throws(run({ rho: 0 }), /opts\.rho \(ϱ\)/);
    assert.throws(run({ rho: new Float64Array(3) }), /opts\.rho.*D = 4 or B·D = 8/);
    assert.throws(run({ rho: new Float64Array(4) }), /opts\.rho\): every ϱ must be finite and > 0; got 0 at \[0, 0\]/);
    assert.throws(run({ steps: { ...ok.steps, w: -1 } }), /opts\.steps\.w/);
    assert.throws(run({ iterations: 0 }), /opts\.iterations/);
    const bad = tf.zeros([4]);
    assert.throws(() => kernelWidthToF64(bad, 2, 4), /kernelWidthToF64\(rho\).*last axis 1/);
    bad.dispose();
    assert.throws(() => stateToF64({ ...f.start, v: { re: f.start.w.re, im: f.start.w.im } }), /stateToF64\(s\)/);
    await assert.rejects(mserGdF64(f.hf, f.s0, f.sf, f.sys, { ...ok, iterations: 0 }), /mserGdF64: opts\.iterations \(T\)/);
    await assert.rejects(mserGdF64(f.hf, f.s0, f.sf, f.sys, { ...ok, iterations: 2, recordEvery: 0 }), /opts\.recordEvery/);
    await assert.rejects(mserGdF64(f.hf, f.s0, { ...f.sf, modulation: '16qam' }, { ...f.sys, modulation: '16qam' }, { ...ok, iterations: 2 }), /mserGdF64\(sym\): the QPSK objective/);
    // converters: one data read, nothing left behind; float64 → tfjs → float64 is exact up to float32
    const before = tf.memory().numTensors;
    const x = stateToF64(f.start);
    channelsToF64(f.h);
    symbolsToF64(f.sym);
    const rhoT = tf.tensor3d([0.5, 0.6, 0.7, 0.8], [1, 4, 1]);
    assert.deepEqual(Array.from(kernelWidthToF64(rhoT, 2, 4) as Float64Array), [0.5, 0.6, 0.7, 0.8, 0.5, 0.6, 0.7, 0.8].map((v) => Math.fround(v)));
    rhoT.dispose();
    assert.equal(tf.memory().numTensors, before);
    const back = stateFromF64(x);
    assert.ok(sameState(stateToF64(back), x), 'float32 values survive the round trip');
    disposeState(back);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(sameState(cloneStateF64(x), x));
  } finally {
    disposeFixture(f);
  }
});
