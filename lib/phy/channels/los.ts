/**
 * Pure line-of-sight ULA channel, eq. (10) of the GNN paper (Feys et al.):
 *   h_{m,k} = exp(−j (2π/λ_c) d m cos φ_k),  m = 0..M−1,  d = λ_c/2  ⇒  h_{m,k} = exp(−jπ m cos φ_k),
 * with φ_k the angle of user k measured from the array axis, φ_k ~ U{0, 1, …, 180} integer degrees
 * (§VI-A, used for the radiation patterns). Unit-modulus entries, no path loss: ‖h_k‖² = M.
 * (The paper calls λ_c "the carrier frequency"; it is the carrier wavelength.)
 *
 * Orientation: the paper's H is M×K (column k = user k, r = Hᵀy). Ours is h: [batch, K, M] with
 * h[b, k, m] = h_{m,k}, i.e. H_gnn = hᵀ per realisation. In the shared ULA convention (ula.ts),
 * row k is conj(a(φ_k)) with reference 'endfire'.
 */
import * as tf from '@tensorflow/tfjs';
import { Complex, conj, reshape, tidy } from '../../core/complex';
import type { Rng } from '../../core/random';
import { ulaSteering } from './ula';
import { checkBatchShape, checkFinite, checkPositiveInt } from '../../core/validate';

/** How the user angles are drawn. */
export type LosAngleMode = 'integer-degrees' | 'uniform';

export interface LosOptions {
  /** number of realisations (or give `batchShape`) */
  batch?: number;
  /** leading axes instead of `batch`; the draws are those of batch = their product */
  batchShape?: number[];
  /** K users */
  users: number;
  /** M antennas */
  antennas: number;
  /**
   * 'integer-degrees' (default, the paper: φ_k ~ U{0..180} inclusive), 'uniform' (φ_k ~ U[0°, 180°)),
   * or given angles in degrees: K numbers (the same in every realisation) or batch·K numbers ([batch, K],
   * row-major over all batch axes).
   */
  angles?: LosAngleMode | ArrayLike<number>;
  /** element spacing in wavelengths; default ½ (the paper) */
  spacing?: number;
}

export interface LosChannel {
  /** [batch, K, M] (or [...batchShape, K, M]) complex, h[b,k,m] = exp(−j2πd m cos φ_{b,k}) */
  h: Complex;
  /** the angles used, degrees from the array axis, row-major [batch, K] (or [...batchShape, K]) */
  anglesDeg: Float64Array;
}

const RAD = Math.PI / 180;

/**
 * LoS row response of a user at φ (degrees from the array axis): [exp(−j2πd m cos φ)]_m.
 * This is the paper's h_los(φ̃) used in the radiation patterns (eqs. 11–12).
 * anglesDeg: L numbers (checked finite) → Complex [L, M]; tf.Tensor [...] → Complex [..., M]
 * (differentiable in the angles; values not checked, no data read).
 */
export function losResponse(anglesDeg: ArrayLike<number> | tf.Tensor, antennas: number, spacing = 0.5): Complex {
  const fn = 'losResponse';
  checkPositiveInt(fn, 'antennas (M)', antennas);
  checkFinite(fn, 'spacing (wavelengths)', spacing, 0, false);
  if (!(anglesDeg instanceof tf.Tensor)) {
    for (let i = 0; i < anglesDeg.length; i++) checkFinite(fn, `anglesDeg[${i}] (degrees)`, anglesDeg[i]);
  }
  return tidy(() => {
    const rad = anglesDeg instanceof tf.Tensor ? tf.mul(anglesDeg, RAD) : Float64Array.from(anglesDeg, (a) => a * RAD);
    return conj(ulaSteering(rad, antennas, { spacing, reference: 'endfire' }));
  });
}

function drawAngles(rng: Rng, fn: string, batch: number, users: number, angles: LosOptions['angles']): Float64Array {
  const n = batch * users;
  if (angles === undefined || angles === 'integer-degrees') return Float64Array.from(rng.intArray(n, 181));
  if (angles === 'uniform') return rng.uniformArray(n, 0, 180);
  if (typeof angles === 'string') {
    throw new Error(`${fn}: angles must be 'integer-degrees', 'uniform' or an array of degrees; got '${angles}'`);
  }
  if (angles.length !== users && angles.length !== n) {
    throw new Error(`${fn}: angles must hold K = ${users} or batch·K = ${n} degrees; got ${angles.length}`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = angles[angles.length === n ? i : i % users];
    out[i] = checkFinite(fn, `angles[${angles.length === n ? i : i % users}] (degrees)`, a);
  }
  return out;
}

/** Pure LoS ULA channel, GNN paper eq. (10). → h: [batch, K, M] (or [...batchShape, K, M]) complex and the angles. */
export function losChannel(rng: Rng, opts: LosOptions): LosChannel {
  const fn = 'losChannel(rng, opts)';
  const lead = checkBatchShape(fn, opts.batch, opts.batchShape);
  const batch = lead.reduce((p, d) => p * d, 1);
  const users = checkPositiveInt(fn, 'users (K)', opts.users);
  const antennas = checkPositiveInt(fn, 'antennas (M)', opts.antennas);
  const spacing = checkFinite(fn, 'spacing (wavelengths)', opts.spacing ?? 0.5, 0, false);
  const anglesDeg = drawAngles(rng, fn, batch, users, opts.angles);
  const h = tidy(() => reshape(losResponse(anglesDeg, antennas, spacing), [...lead, users, antennas]));
  return { h, anglesDeg };
}
