import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { blockGradient, disposeGradients, effectiveMatrixGradient, MSER_BLOCKS, MserGradients, mserGradients } from '../../../lib/papers/mser/gradients';
import { KernelWidth, kdeSer, mserObjective, noiseFreeOutputs, streamGains } from '../../../lib/papers/mser/kde';
import { disposeSymbols, sampleSymbols, SymbolBlock } from '../../../lib/papers/mser/symbols';
import { checkSystem, MserSystem, totalStreams } from '../../../lib/papers/mser/system';
import { disposeState, effectiveMatrix, HybridState } from '../../../lib/papers/mser/transceiver';
import { backendTest } from '../../helpers';

const SYS: MserSystem = { txAntennas: 8, txRf: 4, users: 2, rxAntennas: 4, rxRf: 3, streams: 2, modulation: 'qpsk', power: 1 };

function randomState(rng: Rng, b: number, sys: MserSystem): HybridState {
  const d = totalStreams(sys);
  return {
    thetaF: rng.fork('tf').uniform([b, sys.txAntennas, sys.txRf], 0, 2 * Math.PI),
    v: rng.fork('v').complexNormal([b, sys.txRf, d], 0.05),
    thetaU: rng.fork('tu').uniform([b, sys.users, sys.rxRf, sys.rxAntennas], 0, 2 * Math.PI),
    w: rng.fork('w').complexNormal([b, sys.users, sys.rxRf, sys.streams], 0.1),
  };
}

const relErr = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0] / Math.max(tf.norm(b).dataSync()[0], 1e-30));

/**
 * The closed-form gradients at (h, s0, sym, ϱ) against tfjs autodiff of the objective, every block (relative
 * error < `tol`), and `blockGradient` against the full set; → the gradients (the caller disposes them).
 */
function checkGradients(h: Complex, s0: HybridState, sym: SymbolBlock, rho: KernelWidth, tol: number, label: string): MserGradients {
  const g = mserGradients(h, s0, sym, { rho });
  const auto = tf.tidy(() => {
    const f = (thetaF: tf.Tensor, vRe: tf.Tensor, vIm: tf.Tensor, thetaU: tf.Tensor, wRe: tf.Tensor, wIm: tf.Tensor) =>
      tf.sum(mserObjective(h, { thetaF, v: { re: vRe, im: vIm }, thetaU, w: { re: wRe, im: wIm } }, sym, { rho }));
    return tf.grads(f)([s0.thetaF, s0.v.re, s0.v.im, s0.thetaU, s0.w.re, s0.w.im]);
  });
  const pairs: [string, tf.Tensor, tf.Tensor][] = [
    ['θ_F (21)', g.thetaF, auto[0]], ['Re V (16)', g.v.re, auto[1]], ['Im V (16)', g.v.im, auto[2]],
    ['θ_U (20)', g.thetaU, auto[3]], ['Re W (17)', g.w.re, auto[4]], ['Im W (17)', g.w.im, auto[5]],
  ];
  for (const [name, ours, ref] of pairs) {
    const e = relErr(ours, ref);
    assert.ok(e < tol, `${label} ${name}: relative error ${e.toExponential(2)} (ρ ${typeof rho === 'number' ? rho : 'per stream'})`);
  }
  tf.dispose(auto);
  for (const block of MSER_BLOCKS) {
    const one = blockGradient(h, s0, sym, { rho, block });
    const full = g[block];
    if (one.block === 'v' || one.block === 'w') {
      const c = full as Complex;
      assert.ok(relErr(one.g.re, c.re) < 1e-6 && relErr(one.g.im, c.im) < 1e-6, `${label} blockGradient ${block}`);
      tf.dispose([one.g.re, one.g.im, one.objective]);
    } else {
      const t = one.g as tf.Tensor;
      assert.ok(relErr(t, full as tf.Tensor) < 1e-6, `${label} blockGradient ${block}`);
      tf.dispose([t, one.objective]);
    }
  }
  return g;
}

/** Three clustered channels, a random state and J sampled symbol vectors of `sys` (one seed per test). */
function gradientCase(seed: string, sys: MserSystem, count: number): { h: Complex; s0: HybridState; sym: SymbolBlock } {
  checkSystem('test', sys);
  const rng = new Rng(seed);
  const b = 3;
  const h = clusteredChannel(rng.fork('h'), { batch: b, users: sys.users, txAntennas: sys.txAntennas, rxAntennas: sys.rxAntennas, clusters: 3 }).h;
  return { h, s0: randomState(rng, b, sys), sym: sampleSymbols(rng.fork('s'), { streams: totalStreams(sys), count, modulation: sys.modulation }) };
}

backendTest('MSER gradients (16)–(21) in closed form equal tfjs autodiff of the objective (15), every block, per-stream kernel widths too', () => {
  const { h, s0, sym } = gradientCase('mser/grad', SYS, 16);
  const before = tf.memory().numTensors;
  for (const rho of [0.7, tf.tensor2d([0.5, 0.8, 1.1, 0.6], [4, 1])]) {
    const g = checkGradients(h, s0, sym, rho, 2e-4, 'QPSK');
    const obj = mserObjective(h, s0, sym, { rho });
    assert.ok(relErr(g.objective, obj) < 1e-6);
    obj.dispose();
    disposeGradients(g);
    if (typeof rho !== 'number') rho.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  disposeState(s0);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});

backendTest('objective (15) equals its definition: Σ over streams of the mean over the J vectors of Q(Re b̄·Re b/ϱ) + Q(Im b̄·Im b/ϱ)', () => {
  const rng = new Rng('mser/objective');
  const b = 2, sys = SYS;
  const h: Complex = clusteredChannel(rng.fork('h'), { batch: b, users: sys.users, txAntennas: sys.txAntennas, rxAntennas: sys.rxAntennas, clusters: 2 }).h;
  const st = randomState(rng, b, sys);
  const sym = sampleSymbols(rng.fork('s'), { streams: 4, count: 8, modulation: 'qpsk' });
  const rho = 0.9;
  const got = mserObjective(h, st, sym, { rho }).arraySync() as number[];
  // float64 reference, element by element
  const H = { re: h.re.arraySync() as number[][][][], im: h.im.arraySync() as number[][][][] };
  const tF = st.thetaF.arraySync() as number[][][], tU = st.thetaU.arraySync() as number[][][][];
  const V = { re: st.v.re.arraySync() as number[][][], im: st.v.im.arraySync() as number[][][] };
  const W = { re: st.w.re.arraySync() as number[][][][], im: st.w.im.arraySync() as number[][][][] };
  const S = { re: sym.s.re.arraySync() as number[][], im: sym.s.im.arraySync() as number[][] };
  const q = (x: number) => 0.5 * erfcRef(x / Math.SQRT2);
  for (let c = 0; c < b; c++) {
    let total = 0;
    for (let k = 0; k < sys.users; k++) {
      for (let i = 0; i < sys.streams; i++) {
        for (let j = 0; j < 8; j++) {
          // x = F V s_j [N_t]; y = H_k x [N_r]; r = U_k y [R_r]; b̄ = w_{i,k}ᴴ r
          const x: [number, number][] = [];
          for (let n = 0; n < sys.txAntennas; n++) {
            let xr = 0, xi = 0;
            for (let r = 0; r < sys.txRf; r++) {
              let vr = 0, vi = 0;
              for (let d = 0; d < 4; d++) {
                vr += V.re[c][r][d] * S.re[d][j] - V.im[c][r][d] * S.im[d][j];
                vi += V.re[c][r][d] * S.im[d][j] + V.im[c][r][d] * S.re[d][j];
              }
              const fr = Math.cos(tF[c][n][r]), fi = Math.sin(tF[c][n][r]);
              xr += fr * vr - fi * vi;
              xi += fr * vi + fi * vr;
            }
            x.push([xr, xi]);
          }
          let br = 0, bi = 0;
          for (let r = 0; r < sys.rxRf; r++) {
            let rr = 0, ri = 0;
            for (let m = 0; m < sys.rxAntennas; m++) {
              let yr = 0, yi = 0;
              for (let n = 0; n < sys.txAntennas; n++) {
                yr += H.re[c][k][m][n] * x[n][0] - H.im[c][k][m][n] * x[n][1];
                yi += H.re[c][k][m][n] * x[n][1] + H.im[c][k][m][n] * x[n][0];
              }
              const ur = Math.cos(tU[c][k][r][m]), ui = Math.sin(tU[c][k][r][m]);
              rr += ur * yr - ui * yi;
              ri += ur * yi + ui * yr;
            }
            const wr = W.re[c][k][r][i], wi = W.im[c][k][r][i];
            br += wr * rr + wi * ri; // conj(w)·r
            bi += wr * ri - wi * rr;
          }
          const d = k * sys.streams + i;
          total += (q((br * S.re[d][j]) / rho) + q((bi * S.im[d][j]) / rho)) / 8;
        }
      }
    }
    assert.ok(Math.abs(got[c] - total) < 1e-5 * Math.max(1, total), `channel ${c}: ${got[c]} vs ${total}`);
  }
  disposeState(st);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});

/** erfc by its continued-fraction-free series/asymptotics (reference only; |error| < 1e-12 for the range used). */
function erfcRef(x: number): number {
  if (x < 0) return 2 - erfcRef(-x);
  if (x < 3) {
    // erf by its Taylor series
    let sum = x, term = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // asymptotic expansion
  let s = 1, t = 1;
  for (let n = 1; n < 12; n++) {
    t *= -(2 * n - 1) / (2 * x * x);
    s += t;
  }
  return (Math.exp(-x * x) / (x * Math.sqrt(Math.PI))) * s;
}

const QAM_SYS: MserSystem = { ...SYS, modulation: '16qam' };

backendTest('16-QAM: the closed-form gradients (g_Z and g_c of (47)–(48), then (16)–(21)) equal tfjs autodiff of the objective, every block, per-stream kernel widths too', () => {
  const { h, s0, sym } = gradientCase('mser/grad-16qam', QAM_SYS, 32);
  const before = tf.memory().numTensors;
  // ϱ below most stream gains |c| (0.14–3.2 here): the threshold terms are neither all 0 nor all saturated
  for (const rho of [0.25, tf.tensor2d([0.2, 0.3, 0.4, 0.25], [4, 1])]) {
    // measured ≤ 4.2e-7 (cpu and wasm): float32 precision
    const g = checkGradients(h, s0, sym, rho, 1e-5, '16-QAM');
    const obj = g.objective.arraySync() as number[];
    obj.forEach((o, i) => assert.ok(o > 0.05 && o < 3 * totalStreams(QAM_SYS), `channel ${i}: P̃ ${o} (not a saturated test point)`));
    // g_M itself, diagonal (the gains c = diag M of (45)) included, against autodiff of kdeSer w.r.t. M
    const m = effectiveMatrix(h, s0);
    const { gM } = effectiveMatrixGradient(m, sym, { rho, objective: false });
    const autoM = tf.tidy(() => tf.grads((re: tf.Tensor, im: tf.Tensor) => tf.sum(kdeSer(noiseFreeOutputs({ re, im }, sym), sym, { rho, gains: streamGains({ re, im }) })))([m.re, m.im]));
    assert.ok(relErr(gM.re, autoM[0]) < 1e-5 && relErr(gM.im, autoM[1]) < 1e-5, `g_M: ${relErr(gM.re, autoM[0])}, ${relErr(gM.im, autoM[1])}`);
    tf.dispose([m.re, m.im, gM.re, gM.im, ...autoM]);
    const ref = mserObjective(h, s0, sym, { rho });
    assert.ok(relErr(g.objective, ref) < 1e-6);
    ref.dispose();
    disposeGradients(g);
    if (typeof rho !== 'number') rho.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  disposeState(s0);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});
