/**
 * Clustered geometric (Saleh–Valenzuela-type) mmWave channel, eq. (3) of the MSER paper (Shi et al.):
 *   H_k = sqrt(N_t N_r / (N_C N_R)) · Σ_{i=1}^{N_C} Σ_{j=1}^{N_R} α_{i,j} a_r(θʳ_{i,j}) a_t(θᵗ_{i,j})ᴴ,
 *   a_t(θ) = (1/√N_t)[1, e^{jπ sinθ}, …, e^{jπ(N_t−1) sinθ}]ᵀ, a_r likewise with N_r (half-wavelength ULAs),
 * α_{i,j} ~ CN(0, σ_α²) so that E‖H_k‖_F² = N_t N_r σ_α² (= N_t N_r for the default σ_α² = 1).
 *
 * The paper gives no values for N_C, N_R, the law of α, the cluster angles or the angular spread; it
 * refers to El Ayach et al. ("Spatially sparse precoding"). Our defaults follow that line of work and
 * are NOT from the MSER paper: N_C = 8 clusters, N_R = 10 rays, α ~ CN(0, 1), cluster mean AoD and AoA
 * independent and uniform on [−90°, 90°) (broadside reference; sin θ then has the same law as for a
 * uniform mean on [0°, 360°)), ray angles = cluster mean + Laplacian offset with standard deviation
 * 7.5° (option: uniform offsets with the same standard deviation). Users are independent (own clusters).
 *
 * Shapes: H_k is N_r × N_t (rows = receive antennas) → h: [batch, K, N_r, N_t] (or, with `batchShape`,
 * [...batchShape, K, N_r, N_t], e.g. per subcarrier). With single-antenna users (N_r = 1) `squeezeRx`
 * gives the library's [..., K, M = N_t].
 */
import { Complex, reshape } from '../../core/complex';
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/random';
import { superposePaths } from './ula';
import { checkBatchShape, checkFinite, checkPositiveInt } from '../../core/validate';

/** Law of a ray's angle offset around its cluster mean (both with standard deviation = the spread). */
export type RayAngleLaw = 'laplacian' | 'uniform';

export interface ClusteredOptions {
  /** number of realisations (or give `batchShape`) */
  batch?: number;
  /** leading axes instead of `batch`; the draws are those of batch = their product */
  batchShape?: number[];
  /** K users, each with its own independent clusters */
  users: number;
  /** N_t, base-station antennas */
  txAntennas: number;
  /** N_r, antennas per user; default 1 */
  rxAntennas?: number;
  /** N_C; default 8 (not given by the paper) */
  clusters?: number;
  /** N_R, rays per cluster; default 10 (not given by the paper) */
  raysPerCluster?: number;
  /** standard deviation of the ray offsets around the cluster mean, degrees; default 7.5 (not given by the paper) */
  angularSpreadDeg?: number;
  /** law of the ray offsets; default 'laplacian' */
  rayLaw?: RayAngleLaw;
  /** range of the uniform cluster mean angles (AoD and AoA), degrees from broadside; default [−90, 90] */
  meanAngleRangeDeg?: [number, number];
  /** E|α|²; default 1 */
  gainVariance?: number;
  /** element spacing in wavelengths at both ends; default ½ (the paper) */
  spacing?: number;
}

export interface ClusteredChannel {
  /** [batch, K, N_r, N_t] (or [...batchShape, K, N_r, N_t]) complex */
  h: Complex;
  /** ray angles of departure, degrees, row-major [batch, K, N_C, N_R] (batch = all batch axes) */
  aodDeg: Float64Array;
  /** ray angles of arrival, degrees, [batch, K, N_C, N_R] (drawn even when N_r = 1, so streams do not shift) */
  aoaDeg: Float64Array;
  /** cluster mean angles of departure / arrival, degrees, [batch, K, N_C] */
  clusterAodDeg: Float64Array;
  clusterAoaDeg: Float64Array;
}

const RAD = Math.PI / 180;

/**
 * n zero-mean angle offsets with standard deviation `std` (Laplacian: scale std/√2; uniform: half-width
 * √3·std). Shared with the geometric model.
 */
export function angleOffsets(rng: Rng, n: number, std: number, law: RayAngleLaw): Float64Array {
  const u = rng.uniformArray(n);
  const out = new Float64Array(n);
  if (law === 'uniform') {
    for (let i = 0; i < n; i++) out[i] = (2 * u[i] - 1) * Math.sqrt(3) * std;
    return out;
  }
  const b = std / Math.SQRT2;
  for (let i = 0; i < n; i++) {
    const v = u[i] - 0.5;
    out[i] = -b * Math.sign(v) * Math.log(Math.max(1 - 2 * Math.abs(v), 1e-300));
  }
  return out;
}

/** Clustered mmWave channel, MSER paper eq. (3). → h: [..., K, N_r, N_t] complex, plus the angles. */
export function clusteredChannel(rng: Rng, opts: ClusteredOptions): ClusteredChannel {
  const fn = 'clusteredChannel(rng, opts)';
  const lead = checkBatchShape(fn, opts.batch, opts.batchShape);
  const batch = lead.reduce((p, d) => p * d, 1);
  const users = checkPositiveInt(fn, 'users (K)', opts.users);
  const nt = checkPositiveInt(fn, 'txAntennas (N_t)', opts.txAntennas);
  const nr = checkPositiveInt(fn, 'rxAntennas (N_r)', opts.rxAntennas ?? 1);
  const nc = checkPositiveInt(fn, 'clusters (N_C)', opts.clusters ?? 8);
  const nrays = checkPositiveInt(fn, 'raysPerCluster (N_R)', opts.raysPerCluster ?? 10);
  const spread = checkFinite(fn, 'angularSpreadDeg', opts.angularSpreadDeg ?? 7.5, 0);
  const gainVar = checkFinite(fn, 'gainVariance', opts.gainVariance ?? 1, 0);
  const spacing = checkFinite(fn, 'spacing (wavelengths)', opts.spacing ?? 0.5, 0, false);
  const law = opts.rayLaw ?? 'laplacian';
  if (law !== 'laplacian' && law !== 'uniform') throw new Error(`${fn}: rayLaw must be 'laplacian' or 'uniform'; got ${String(law)}`);
  const [lo, hi] = opts.meanAngleRangeDeg ?? [-90, 90];
  checkFinite(fn, 'meanAngleRangeDeg[0]', lo);
  if (!(checkFinite(fn, 'meanAngleRangeDeg[1]', hi) >= lo)) {
    throw new Error(`${fn}: meanAngleRangeDeg must be [lo, hi] with lo <= hi; got [${lo}, ${hi}]`);
  }

  const groups = batch * users;
  const paths = nc * nrays;
  // draws in a fixed order: cluster means (AoD, AoA), ray offsets (AoD, AoA), gains
  const clusterAodDeg = rng.uniformArray(groups * nc, lo, hi);
  const clusterAoaDeg = rng.uniformArray(groups * nc, lo, hi);
  const aodDeg = angleOffsets(rng, groups * paths, spread, law);
  const aoaDeg = angleOffsets(rng, groups * paths, spread, law);
  for (let i = 0; i < groups * paths; i++) {
    const c = Math.floor(i / nrays); // (group, cluster) index
    aodDeg[i] += clusterAodDeg[c];
    aoaDeg[i] += clusterAoaDeg[c];
  }
  const gamma = Math.sqrt((nt * nr) / paths);
  const std = Math.sqrt(gainVar / 2) * gamma;
  const gainRe = rng.normalArray(groups * paths, std);
  const gainIm = rng.normalArray(groups * paths, std);

  const array = { spacing, unitNorm: true, reference: 'broadside' as const };
  const { re, im } = superposePaths({
    groups, paths, nRx: nr, nTx: nt, gainRe, gainIm,
    txAngleRad: aodDeg.map((a) => a * RAD), rxAngleRad: aoaDeg.map((a) => a * RAD), tx: array, rx: array,
  });
  const shape = [...lead, users, nr, nt];
  const h = { re: tf.tensor(re, shape, 'float32'), im: tf.tensor(im, shape, 'float32') };
  return { h, aodDeg, aoaDeg, clusterAodDeg, clusterAoaDeg };
}

/** Drop the receive-antenna axis of single-antenna users: [..., K, 1, N_t] → [..., K, N_t]. */
export function squeezeRx(h: Complex): Complex {
  const s = h.re.shape;
  if (s.length < 3 || s[s.length - 2] !== 1) {
    throw new Error(`squeezeRx(h): needs h of shape [..., K, 1, N_t] (N_r = 1); got [${s.join(', ')}]`);
  }
  return reshape(h, [...s.slice(0, -2), s[s.length - 1]]);
}
