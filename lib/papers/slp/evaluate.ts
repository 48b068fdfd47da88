/**
 * Measuring precoders on the same instances: the learned networks' precoders (with the final
 * scaling), the constructive-region check of any precoder, and mean powers.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFinite } from '../../core/validate';
import { robustMarginFactor, scaleToFeasible, SlpInstances } from './problem';
import { disposeTensors, prepareTensors, SlpNet } from './network';

export interface NetPrecoding {
  /** the transmitted w = [Re x; Im x] per instance, after the final scaling: [batch, 2M] */
  w: Float64Array;
  /** ‖w‖² per instance */
  power: Float64Array;
  /** 1 where the (10) precoder could be scaled into every constructive region */
  eq10Feasible: Uint8Array;
  /** 1 where the (10) precoder was used (it was feasible and needed no more power than the IPM iterate) */
  usedEq10: Uint8Array;
  /** the duality gap certificate (‖u⁽ᴸ⁾‖² − g(λ))/‖u⁽ᴸ⁾‖² per instance (unit problem) */
  relativeGap: Float64Array;
}

/** A network's two candidate precoders for a batch of instances, before the final scaling. */
export interface NetDirections {
  /** the (10) precoder −½Ãᵀλ mapped back to the instance's scale: [batch, 2M] */
  eq10: Float64Array;
  /** the last interior-point iterate u⁽ᴸ⁾ mapped back: [batch, 2M] */
  ipm: Float64Array;
  /** the duality gap certificate (‖u⁽ᴸ⁾‖² − g(λ))/‖u⁽ᴸ⁾‖² per instance (unit problem) */
  relativeGap: Float64Array;
}

/** Run the network (inference mode) on every instance, in chunks of `chunk`. */
export function netDirections(net: SlpNet, inst: SlpInstances, opts: { chunk?: number } = {}): NetDirections {
  const N = 2 * inst.antennas;
  const chunk = Math.max(1, Math.floor(opts.chunk ?? 1000));
  const eq10 = new Float64Array(inst.batch * N), ipm = new Float64Array(inst.batch * N);
  const relativeGap = new Float64Array(inst.batch);
  for (let b0 = 0; b0 < inst.batch; b0 += chunk) {
    const n = Math.min(chunk, inst.batch - b0);
    const t = prepareTensors(sliceInstances(inst, b0, n));
    try {
      const f = net.forward(t);
      const w = f.w.dataSync(), u = f.primal.dataSync(), g = f.dual.dataSync();
      for (let b = 0; b < n; b++) {
        let pu = 0;
        for (let i = 0; i < N; i++) {
          eq10[(b0 + b) * N + i] = w[b * N + i] / t.rho[b];
          ipm[(b0 + b) * N + i] = u[b * N + i] / t.rho[b];
          pu += u[b * N + i] ** 2;
        }
        relativeGap[b0 + b] = (pu - g[b]) / Math.max(pu, 1e-30);
      }
      tf.dispose([f.w, f.primal, f.dual, f.lambda]);
    } finally {
      disposeTensors(t);
    }
  }
  return { eq10, ipm, relativeGap };
}

/**
 * The transmitted precoder (ours, stated in the notebook): the (10) precoder scaled to feasibility, or
 * the last interior-point iterate (strictly feasible by construction) scaled the same way, whichever
 * needs less power — both are computed at the transmitter, no optimum is consulted. errorBound ζ > 0:
 * the robust final scaling (worst-case constraints of (11)). Only the directions of `dirs` matter, so
 * directions computed on the same channels and symbols at another common SINR give the same result
 * (the network is scale-equivariant, `./network`: exactly in exact arithmetic, to ≈ 1e-5 relative in
 * float32, where the rounded inputs differ).
 */
export function precodeFromDirections(inst: SlpInstances, dirs: NetDirections, opts: { errorBound?: number } = {}): NetPrecoding {
  const zeta = checkFinite('precodeFromDirections', 'errorBound', opts.errorBound ?? 0, 0);
  const N = 2 * inst.antennas;
  if (dirs.eq10.length !== inst.batch * N) throw new Error(`precodeFromDirections(dirs): computed for ${dirs.eq10.length / N} instances; these are ${inst.batch}`);
  const a = scaleToFeasible(inst, dirs.eq10, { errorBound: zeta });
  const c = scaleToFeasible(inst, dirs.ipm, { errorBound: zeta });
  const out = new Float64Array(inst.batch * N), power = new Float64Array(inst.batch), used = new Uint8Array(inst.batch);
  for (let b = 0; b < inst.batch; b++) {
    const p1 = a.feasible[b] ? norm2(a.w, b, N) : Infinity;
    const p2 = c.feasible[b] ? norm2(c.w, b, N) : Infinity;
    const useA = p1 <= p2;
    used[b] = useA ? 1 : 0;
    out.set((useA ? a.w : c.w).subarray(b * N, (b + 1) * N), b * N);
    power[b] = Math.min(p1, p2);
  }
  return { w: out, power, eq10Feasible: a.feasible, usedEq10: used, relativeGap: dirs.relativeGap };
}

/** Precode every instance with a trained network: `netDirections` then `precodeFromDirections`. */
export function precodeWithNet(net: SlpNet, inst: SlpInstances, opts: { errorBound?: number; chunk?: number } = {}): NetPrecoding {
  return precodeFromDirections(inst, netDirections(net, inst, { chunk: opts.chunk }), { errorBound: opts.errorBound });
}

function norm2(w: Float64Array, b: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += w[b * n + i] ** 2;
  return s;
}

/** Instances b0 … b0 + n − 1 as their own batch (views copied). */
export function sliceInstances(inst: SlpInstances, b0: number, n: number): SlpInstances {
  const K = inst.users, M = inst.antennas, J = 2 * K, N = 2 * M;
  return {
    ...inst,
    batch: n,
    a: inst.a.slice(b0 * J * N, (b0 + n) * J * N),
    c: inst.c.slice(b0 * J, (b0 + n) * J),
    sinr: inst.sinr.slice(b0 * K, (b0 + n) * K),
    phase: inst.phase.slice(b0 * K, (b0 + n) * K),
    phi: inst.phi.slice(b0 * N * K, (b0 + n) * N * K),
  };
}

export interface ConstructiveCheck {
  /** share of instances whose every received symbol lies in its constructive region at its threshold */
  share: number;
  /** count of such instances, and all */
  met: number;
  total: number;
  /** the largest violation max_j (a_jᵀw + cone − c_j)/|c_j| over all instances (≤ 0 when all are met) */
  worstViolation: number;
}

/**
 * The constraint check of (2) (or, with errorBound ζ, of (11)'s worst case) for any precoder:
 * w [batch, 2M]. A tolerance of 1e-9·|c_j| counts as met (float64 rounding of the scaling).
 */
export function constructiveCheck(inst: SlpInstances, w: Float64Array, opts: { errorBound?: number } = {}): ConstructiveCheck {
  const zeta = checkFinite('constructiveCheck', 'errorBound', opts.errorBound ?? 0, 0);
  const J = 2 * inst.users, N = 2 * inst.antennas;
  if (w.length !== inst.batch * N) throw new Error(`constructiveCheck(w): needs batch·2M = ${inst.batch * N} values; got ${w.length}`);
  const cone = zeta * robustMarginFactor(inst.tanTheta);
  let met = 0, worst = -Infinity;
  for (let b = 0; b < inst.batch; b++) {
    const nw = Math.sqrt(norm2(w, b, N));
    let ok = true;
    for (let j = 0; j < J; j++) {
      let v = 0;
      for (let i = 0; i < N; i++) v += inst.a[(b * J + j) * N + i] * w[b * N + i];
      const c = inst.c[b * J + j];
      const rel = (v + cone * nw - c) / Math.abs(c);
      worst = Math.max(worst, rel);
      if (rel > 1e-9) ok = false;
    }
    if (ok) met++;
  }
  return { share: met / inst.batch, met, total: inst.batch, worstViolation: worst };
}

/** Mean of an array (Infinity if any entry is). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}
