/**
 * Starting points of Algorithm 1 and of the unfolded network (Algorithm 1, step 2: "Initialize P_k to
 * satisfy the power constraint. Initialize {W_k, θ_{U_k}, θ_F}"; the paper gives no law; Algorithm 2
 * starts from a "channel alignment" after [6]). Ours:
 * - `randomInit`: θ ~ U[0, 2π) and V, W ~ CN(0, 1) entries;
 * - `alignmentInit`: from the thin SVD H_k = A_k Σ_k B_kᴴ of each user's channel, θ_F takes the phases of
 *   the top R_t/K right singular vectors of each user (user k's columns k·R_t/K …), row r of U_k the
 *   phases of the r-th left singular vector, conjugated (U_k y ≈ A_kᴴ y), P_k the top D_k right singular
 *   vectors of the effective channel U_kH_kF, W_k = U_kH_kFP_k (matched); needs no ray angles, so it
 *   works on Rayleigh channels too (Fig. 10).
 * Both then apply (26) and the combiner normalisation of ./gd.
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { ComplexBatchF64, toComplexBatchF64 } from '../../core/complexF64';
import { matmulF64, svdThin } from '../../core/linalgF64';
import type { Rng } from '../../core/random';
import { checkPositiveInt } from '../../core/validate';
import { projectState } from './gd';
import { checkSystem, MserSystem, totalStreams } from './system';
import { disposeState, HybridState } from './transceiver';

export function randomInit(rng: Rng, batch: number, sys: MserSystem): HybridState {
  checkSystem('randomInit', sys);
  const b = checkPositiveInt('randomInit', 'batch', batch);
  const raw: HybridState = {
    thetaF: rng.fork('thetaF').uniform([b, sys.txAntennas, sys.txRf], 0, 2 * Math.PI),
    v: rng.fork('v').complexNormal([b, sys.txRf, totalStreams(sys)]),
    thetaU: rng.fork('thetaU').uniform([b, sys.users, sys.rxRf, sys.rxAntennas], 0, 2 * Math.PI),
    w: rng.fork('w').complexNormal([b, sys.users, sys.rxRf, sys.streams]),
  };
  const s = projectState(raw, sys);
  disposeState(raw);
  return s;
}

const phaseOf = (re: number, im: number) => Math.atan2(im, re);

/** The channel-alignment start (see above) for channels h [B, K, N_r, N_t]. */
export function alignmentInit(h: Complex, sys: MserSystem): HybridState {
  checkSystem('alignmentInit', sys);
  const [b, k, nr, nt] = h.re.shape as [number, number, number, number];
  if (k !== sys.users || nr !== sys.rxAntennas || nt !== sys.txAntennas) throw new Error(`alignmentInit(h): needs [B, ${sys.users}, ${sys.rxAntennas}, ${sys.txAntennas}]; got [${h.re.shape}]`);
  const { txRf: rt, rxRf: rr, streams: dk } = sys;
  const flat = tf.tidy(() => ({ re: tf.reshape(h.re, [b * k, nr, nt]), im: tf.reshape(h.im, [b * k, nr, nt]) }));
  const hf = toComplexBatchF64(flat);
  tf.dispose([flat.re, flat.im]);
  const svd = svdThin(hf); // u [BK, N_r, r], v [BK, N_t, r], r = min(N_r, N_t)
  const r = svd.r;
  // RF chains per user: R_t/K each, the first R_t mod K users one more
  const per = Array.from({ length: k }, (_, u) => Math.floor(rt / k) + (u < rt % k ? 1 : 0));
  const thetaF = new Float32Array(b * nt * rt);
  const thetaU = new Float32Array(b * k * rr * nr);
  for (let c = 0; c < b; c++) {
    let col = 0;
    for (let u = 0; u < k; u++) {
      const t = c * k + u;
      for (let q = 0; q < per[u]; q++, col++) {
        const sv = Math.min(q, r - 1);
        for (let n = 0; n < nt; n++) {
          const i = (t * nt + n) * r + sv;
          thetaF[(c * nt + n) * rt + col] = phaseOf(svd.v.re[i], svd.v.im[i]);
        }
      }
      for (let q = 0; q < rr; q++) {
        const sv = Math.min(q, r - 1);
        for (let n = 0; n < nr; n++) {
          const i = (t * nr + n) * r + sv;
          thetaU[((t * rr) + q) * nr + n] = phaseOf(svd.u.re[i], -svd.u.im[i]);
        }
      }
    }
  }
  // effective channels E_k = U_k H_k F [BK, R_r, R_t] in float64
  const expM = (th: Float32Array, batch: number, rows: number, cols: number): ComplexBatchF64 => ({
    batch, rows, cols, re: Float64Array.from(th, Math.cos), im: Float64Array.from(th, Math.sin),
  });
  const uA = expM(thetaU, b * k, rr, nr);
  const fA = expM(thetaF, b, nt, rt);
  const fRep: ComplexBatchF64 = { batch: b * k, rows: nt, cols: rt, re: new Float64Array(b * k * nt * rt), im: new Float64Array(b * k * nt * rt) };
  for (let c = 0; c < b; c++) for (let u = 0; u < k; u++) {
    fRep.re.set(fA.re.subarray(c * nt * rt, (c + 1) * nt * rt), (c * k + u) * nt * rt);
    fRep.im.set(fA.im.subarray(c * nt * rt, (c + 1) * nt * rt), (c * k + u) * nt * rt);
  }
  const eff = matmulF64(matmulF64(uA, hf), fRep); // [BK, R_r, R_t]
  const es = svdThin(eff); // v [BK, R_t, min(R_r, R_t)]
  const d = k * dk;
  const v = { re: new Float32Array(b * rt * d), im: new Float32Array(b * rt * d) };
  for (let t = 0; t < b * k; t++) {
    const c = Math.floor(t / k), u = t % k;
    for (let q = 0; q < dk; q++) {
      const sv = Math.min(q, es.r - 1);
      for (let n = 0; n < rt; n++) {
        const i = (t * rt + n) * es.r + sv, o = (c * rt + n) * d + u * dk + q;
        v.re[o] = es.v.re[i];
        v.im[o] = es.v.im[i];
      }
    }
  }
  // W_k = E_k P_k [BK, R_r, D_k]
  const pk: ComplexBatchF64 = { batch: b * k, rows: rt, cols: dk, re: new Float64Array(b * k * rt * dk), im: new Float64Array(b * k * rt * dk) };
  for (let t = 0; t < b * k; t++) {
    const c = Math.floor(t / k), u = t % k;
    for (let n = 0; n < rt; n++) for (let q = 0; q < dk; q++) {
      pk.re[(t * rt + n) * dk + q] = v.re[(c * rt + n) * d + u * dk + q];
      pk.im[(t * rt + n) * dk + q] = v.im[(c * rt + n) * d + u * dk + q];
    }
  }
  const w = matmulF64(eff, pk);
  const raw: HybridState = {
    thetaF: tf.tensor3d(thetaF, [b, nt, rt]),
    v: { re: tf.tensor3d(v.re, [b, rt, d]), im: tf.tensor3d(v.im, [b, rt, d]) },
    thetaU: tf.tensor4d(thetaU, [b, k, rr, nr]),
    w: { re: tf.tensor4d(Float32Array.from(w.re), [b, k, rr, dk]), im: tf.tensor4d(Float32Array.from(w.im), [b, k, rr, dk]) },
  };
  const out = projectState(raw, sys);
  disposeState(raw);
  return out;
}
