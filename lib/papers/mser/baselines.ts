/**
 * The non-learned baselines of the MSER paper's Figs. 8–11 that are not gradient descent: the fully
 * digital MMSE transceiver (`phy/transceivers` sumMseTransceiver) and the two hybrid designs that
 * approximate it, OMP (El Ayach et al., spatially sparse precoding; our [6]) and manifold-optimisation
 * alternating minimisation (Yu et al.; the paper's [11]), in float64, returned as hybrid states so that
 * `exactSer` evaluates them like every other scheme.
 *
 * Conventions: sumMseTransceiver assumes unit-energy symbols with ‖V‖² = P_T; our alphabet has E_s, so
 * the fully digital precoder is V/√E_s (the same transmitted signal). The OMP dictionaries are the
 * channel's own ray angles (all users' AoDs for the precoder, user k's AoAs for its combiner), as in El
 * Ayach et al.; E[yyᴴ] of user k for the combiner is H_kFV'V'ᴴFᴴH_kᴴ + σ²I with the chosen hybrid precoder.
 * The combiners map back as U_k = W_RFᴴ, W_k = W_BB (ỹ_k = W_BBᴴW_RFᴴ y_k). Each design then gets (26)
 * and the combiner normalisation (./gd projectState; neither changes the detected symbols).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { ComplexBatchF64, toComplexBatchF64 } from '../../core/complexF64';
import { adjointF64, matmulF64 } from '../../core/linalgF64';
import type { Rng } from '../../core/random';
import { conditionalSer } from '../../phy/conditionalSer';
import { serVectors } from './evaluate';
import { altMinManifold, ompCombiner, ompHybrid, steeringDictionary } from '../../phy/hybrid';
import { sumMseTransceiver } from '../../phy/transceivers';
import { projectState } from './gd';
import { checkSystem, MserSystem, symbolEnergy, totalStreams } from './system';
import { disposeState, HybridState } from './transceiver';

/** h [B, K, N_r, N_t] → float64 [B·K, N_r, N_t]. */
function perUser(h: Complex): ComplexBatchF64 {
  const [b, k, nr, nt] = h.re.shape as [number, number, number, number];
  const flat = tf.tidy(() => ({ re: tf.reshape(h.re, [b * k, nr, nt]), im: tf.reshape(h.im, [b * k, nr, nt]) }));
  const out = toComplexBatchF64(flat);
  tf.dispose([flat.re, flat.im]);
  return out;
}

export interface FdDesign {
  /** V [B, N_t, D] for our alphabet (‖V‖² = P_T/E_s) */
  v: ComplexBatchF64;
  /** W [B·K, N_r, D_k] (ŝ_k = W_kᴴ y_k) */
  w: ComplexBatchF64;
}

/** The fully digital sum-MSE (MMSE) transceiver of every channel. */
export function fdMmseDesign(h: Complex, sys: MserSystem, noiseVar: number, opts: { iterations?: number } = {}): FdDesign {
  checkSystem('fdMmseDesign', sys);
  const r = sumMseTransceiver(perUser(h), { users: sys.users, streams: sys.streams, noiseVar, power: sys.power, iterations: opts.iterations ?? 30 });
  const s = 1 / Math.sqrt(symbolEnergy(sys.modulation));
  return { v: { ...r.v, re: r.v.re.map((x) => x * s), im: r.v.im.map((x) => x * s) }, w: r.w };
}

/** Exact SER [B] of a fully digital design: M = stack_k W_kᴴH_kV, noise σ‖w_{i,k}‖/√2 per axis. */
export function exactSerFd(h: Complex, d: FdDesign, sys: MserSystem, noiseVar: number): Float64Array {
  const hf = perUser(h);
  const K = sys.users, dk = sys.streams, D = totalStreams(sys), B = hf.batch / K;
  const m: ComplexBatchF64 = { batch: B, rows: D, cols: D, re: new Float64Array(B * D * D), im: new Float64Array(B * D * D) };
  const std = new Float64Array(B * D);
  const vRep: ComplexBatchF64 = { batch: B * K, rows: d.v.rows, cols: D, re: new Float64Array(B * K * d.v.rows * D), im: new Float64Array(B * K * d.v.rows * D) };
  for (let t = 0; t < B * K; t++) {
    const b = Math.floor(t / K), n = d.v.rows * D;
    vRep.re.set(d.v.re.subarray(b * n, (b + 1) * n), t * n);
    vRep.im.set(d.v.im.subarray(b * n, (b + 1) * n), t * n);
  }
  const g = matmulF64(matmulF64(d.w, hf, { adjA: true }), vRep); // [B·K, D_k, D]
  for (let t = 0; t < B * K; t++) {
    const b = Math.floor(t / K), k = t % K;
    for (let i = 0; i < dk; i++) {
      m.re.set(g.re.subarray((t * dk + i) * D, (t * dk + i + 1) * D), (b * D + k * dk + i) * D);
      m.im.set(g.im.subarray((t * dk + i) * D, (t * dk + i + 1) * D), (b * D + k * dk + i) * D);
      let n2 = 0;
      for (let r = 0; r < d.w.rows; r++) n2 += d.w.re[(t * d.w.rows + r) * dk + i] ** 2 + d.w.im[(t * d.w.rows + r) * dk + i] ** 2;
      std[b * D + k * dk + i] = Math.sqrt((noiseVar * n2) / 2);
    }
  }
  return conditionalSer(m, { constellation: sys.modulation, noiseStd: std, vectors: serVectors(sys) }).ser;
}

const phase = (re: Float64Array, im: Float64Array) => Float32Array.from(re, (x, i) => Math.atan2(im[i], x));

/** A hybrid state from float64 F_RF [B, N_t, R_t], F_BB [B, R_t, D], W_RF [B·K, N_r, R_r], W_BB [B·K, R_r, D_k], then (26) and the combiner normalisation. */
function toState(sys: MserSystem, fRf: ComplexBatchF64, fBb: ComplexBatchF64, wRf: ComplexBatchF64, wBb: ComplexBatchF64): HybridState {
  const B = fRf.batch, K = sys.users;
  const uA = adjointF64(wRf); // U_k = W_RFᴴ [B·K, R_r, N_r]
  const raw: HybridState = {
    thetaF: tf.tensor3d(phase(fRf.re, fRf.im), [B, sys.txAntennas, sys.txRf]),
    v: { re: tf.tensor3d(Float32Array.from(fBb.re), [B, sys.txRf, totalStreams(sys)]), im: tf.tensor3d(Float32Array.from(fBb.im), [B, sys.txRf, totalStreams(sys)]) },
    thetaU: tf.tensor4d(phase(uA.re, uA.im), [B, K, sys.rxRf, sys.rxAntennas]),
    w: { re: tf.tensor4d(Float32Array.from(wBb.re), [B, K, sys.rxRf, sys.streams]), im: tf.tensor4d(Float32Array.from(wBb.im), [B, K, sys.rxRf, sys.streams]) },
  };
  const s = projectState(raw, sys);
  disposeState(raw);
  return s;
}

/** User k's covariance E[yyᴴ] = H_kFV'V'ᴴFᴴH_kᴴ + σ²I (V' for unit-energy symbols) [B·K, N_r, N_r]. */
function covariances(hf: ComplexBatchF64, fv: ComplexBatchF64, K: number, noiseVar: number): ComplexBatchF64 {
  const rep: ComplexBatchF64 = { batch: hf.batch, rows: fv.rows, cols: fv.cols, re: new Float64Array(hf.batch * fv.rows * fv.cols), im: new Float64Array(hf.batch * fv.rows * fv.cols) };
  const n = fv.rows * fv.cols;
  for (let t = 0; t < hf.batch; t++) {
    const b = Math.floor(t / K);
    rep.re.set(fv.re.subarray(b * n, (b + 1) * n), t * n);
    rep.im.set(fv.im.subarray(b * n, (b + 1) * n), t * n);
  }
  const y = matmulF64(hf, rep);
  const c = matmulF64(y, y, { adjB: true });
  for (let t = 0; t < c.batch; t++) for (let i = 0; i < c.rows; i++) c.re[(t * c.rows + i) * c.rows + i] += noiseVar;
  return c;
}

/** OMP hybrid precoder and combiners (El Ayach Algorithms 1–2) approximating the fully digital MMSE design. */
export function ompDesign(h: Complex, rays: { aodDeg: Float64Array; aoaDeg: Float64Array }, sys: MserSystem, noiseVar: number, fd?: FdDesign): HybridState {
  const target = fd ?? fdMmseDesign(h, sys, noiseVar);
  const hf = perUser(h);
  const B = hf.batch / sys.users;
  const e = Math.sqrt(symbolEnergy(sys.modulation));
  const vUnit = { ...target.v, re: target.v.re.map((x) => x * e), im: target.v.im.map((x) => x * e) };
  const pre = ompHybrid(vUnit, steeringDictionary(rays.aodDeg, { batch: B, antennas: sys.txAntennas }), { rfChains: sys.txRf, power: sys.power });
  const cov = covariances(hf, matmulF64(pre.fRf, pre.fBb), sys.users, noiseVar);
  const comb = ompCombiner(target.w, steeringDictionary(rays.aoaDeg, { batch: B * sys.users, antennas: sys.rxAntennas }), cov, { rfChains: sys.rxRf });
  return toState(sys, pre.fRf, pre.fBb, comb.wRf, comb.wBb);
}

/** MO-AltMin hybrid precoder and combiners (Yu et al.) approximating the fully digital MMSE design. */
export function altMinDesign(h: Complex, sys: MserSystem, noiseVar: number, rng: Rng, fd?: FdDesign): HybridState {
  const target = fd ?? fdMmseDesign(h, sys, noiseVar);
  const e = Math.sqrt(symbolEnergy(sys.modulation));
  const vUnit = { ...target.v, re: target.v.re.map((x) => x * e), im: target.v.im.map((x) => x * e) };
  const pre = altMinManifold(vUnit, { rfChains: sys.txRf, rng: rng.fork('precoder'), power: sys.power });
  const comb = altMinManifold(target.w, { rfChains: sys.rxRf, rng: rng.fork('combiner') });
  return toState(sys, pre.fRf, pre.fBb, comb.fRf, comb.fBb);
}

/** The N×N DFT matrix e^{−j2πmn/N} (unit modulus, AAᴴ = N·I), repeated over `batch` [batch, N, N]. */
function dftF64(n: number, batch: number): ComplexBatchF64 {
  const re = new Float64Array(batch * n * n), im = new Float64Array(batch * n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const a = (-2 * Math.PI * ((i * j) % n)) / n;
    for (let b = 0; b < batch; b++) {
      re[(b * n + i) * n + j] = Math.cos(a);
      im[(b * n + i) * n + j] = Math.sin(a);
    }
  }
  return { batch, rows: n, cols: n, re, im };
}

const scaleF64 = (a: ComplexBatchF64, s: number): ComplexBatchF64 => ({ ...a, re: a.re.map((x) => x * s), im: a.im.map((x) => x * s) });

/**
 * The fully digital system as a hybrid one (ours): R_t = N_t and R_r = N_r RF chains whose analog parts
 * are fixed DFT matrices (unit modulus and, up to a scale, unitary), so every fully digital V, W_k is
 * exactly F·V' and U_kᴴW'_k with V' = FᴴV/N_t and W'_k = U_kW_k/N_r. Algorithm 1 with μ_θU = μ_θF = 0 on
 * this system is the paper's "MSER fully digital GD", and `exactSer` of the state equals `exactSerFd`.
 */
export function fullyDigitalSystem(sys: MserSystem): MserSystem {
  return { ...sys, txRf: sys.txAntennas, rxRf: sys.rxAntennas };
}

/** A fully digital design as a state of `fullyDigitalSystem(sys)` (projected; the same detected symbols and SER). */
export function fdAsHybrid(d: FdDesign, sys: MserSystem): HybridState {
  const fds = fullyDigitalSystem(sys);
  const B = d.v.batch, K = sys.users;
  const f = dftF64(sys.txAntennas, B);
  const wRf = adjointF64(dftF64(sys.rxAntennas, B * K)); // U_k = W_RFᴴ = DFT
  const fBb = scaleF64(matmulF64(f, d.v, { adjA: true }), 1 / sys.txAntennas);
  const wBb = scaleF64(matmulF64(wRf, d.w, { adjA: true }), 1 / sys.rxAntennas);
  return toState(fds, f, fBb, wRf, wBb);
}
