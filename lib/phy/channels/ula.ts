/**
 * Uniform linear array (ULA) responses, shared by the LoS, clustered and geometric channel models.
 *
 * One convention for the whole library:
 *   a(θ) = [1, e^{j2πd·u}, e^{j2πd·2u}, …, e^{j2πd(n−1)u}]ᵀ  (optionally divided by √n),
 *   u = sin θ when θ is measured from the array normal ('broadside', MSER paper eq. (3)),
 *   u = cos θ when θ is measured from the array axis ('endfire', GNN paper eq. (10)),
 * with d the element spacing in wavelengths (default ½). A user seen under θ has the channel row
 * h = g·a(θ)ᴴ (users × antennas, y = H x), i.e. entries g·e^{−j2πd·m·u}. The GNN paper's LoS channel
 * h_{m,k} = exp(−jπ m cos φ_k) is therefore conj(a(φ_k)) with reference 'endfire'.
 *
 * Two builders: `ulaSteering` on a tf.Tensor of angles (tf ops, differentiable w.r.t. the angle, for
 * beam patterns) or on plain numbers (phases in float64, then stored as float32); and
 * `superposePaths`, a float64 kernel for Σ_l g_l a_r(θʳ_l) a_t(θᵗ_l)ᴴ over many paths, which never
 * materialises the [groups, paths, antennas] steering tensor (that would be gigabytes for 3GPP-size
 * ray counts). The channel models draw their angles in JavaScript from `Rng`, so they use the kernel.
 *
 * The `check*` helpers are the channel modules' shared argument checks.
 */
import * as tf from '@tensorflow/tfjs';
import { Complex, tidy } from '../../core/complex';
import { checkFinite, checkPositiveInt } from '../../core/validate';

/** How an angle is measured: from the array normal (u = sin θ) or from the array axis (u = cos θ). */
export type AngleReference = 'broadside' | 'endfire';

export interface UlaOptions {
  /** element spacing in wavelengths; default ½ */
  spacing?: number;
  /** divide by √n so ‖a(θ)‖ = 1; default false (unit-modulus entries, ‖a‖² = n) */
  unitNorm?: boolean;
  /** angle reference; default 'broadside' (u = sin θ) */
  reference?: AngleReference;
}

// ---------------------------------------------------------------------------------------------
// shared argument checks (messages name the function, the parameter and the allowed range)

function resolve(fn: string, opts: UlaOptions): { spacing: number; unitNorm: boolean; reference: AngleReference } {
  const spacing = checkFinite(fn, 'spacing (wavelengths)', opts.spacing ?? 0.5, 0, false);
  const reference = opts.reference ?? 'broadside';
  if (reference !== 'broadside' && reference !== 'endfire') {
    throw new Error(`${fn}: reference must be 'broadside' or 'endfire'; got ${String(reference)}`);
  }
  return { spacing, unitNorm: opts.unitNorm ?? false, reference };
}

/** Phase step between neighbouring elements of a(θ), in radians: 2π d u. */
export function ulaPhaseStep(angleRad: number, spacing = 0.5, reference: AngleReference = 'broadside'): number {
  return 2 * Math.PI * spacing * (reference === 'broadside' ? Math.sin(angleRad) : Math.cos(angleRad));
}

/**
 * ULA steering vectors a(θ) (see the module comment for the formula).
 * anglesRad: tf.Tensor [...] → Complex [..., n] (tf ops, differentiable), or
 * anglesRad: numbers (length L) → Complex [L, n] (phases in float64).
 */
export function ulaSteering(anglesRad: tf.Tensor | ArrayLike<number>, n: number, opts: UlaOptions = {}): Complex {
  const fn = 'ulaSteering';
  checkPositiveInt(fn, 'n (antennas)', n);
  const { spacing, unitNorm, reference } = resolve(fn, opts);
  const amp = unitNorm ? 1 / Math.sqrt(n) : 1;
  if (anglesRad instanceof tf.Tensor) {
    return tidy(() => {
      const u = reference === 'broadside' ? tf.sin(anglesRad) : tf.cos(anglesRad);
      const m = tf.range(0, n, 1, 'float32');
      const phase = tf.mul(tf.expandDims(tf.mul(u, 2 * Math.PI * spacing), -1), m); // [..., n]
      return { re: tf.mul(tf.cos(phase), amp), im: tf.mul(tf.sin(phase), amp) };
    });
  }
  const len = anglesRad.length;
  const re = new Float32Array(len * n);
  const im = new Float32Array(len * n);
  for (let l = 0; l < len; l++) {
    const a = anglesRad[l];
    if (!Number.isFinite(a)) throw new Error(`${fn}: anglesRad[${l}] must be finite; got ${a}`);
    // cycles per element, reduced mod 1 before the trig so large m keeps full float64 accuracy
    const cyc = spacing * (reference === 'broadside' ? Math.sin(a) : Math.cos(a));
    for (let m = 0; m < n; m++) {
      const c = cyc * m;
      const ph = 2 * Math.PI * (c - Math.round(c));
      re[l * n + m] = amp * Math.cos(ph);
      im[l * n + m] = amp * Math.sin(ph);
    }
  }
  return { re: tf.tensor2d(re, [len, n]), im: tf.tensor2d(im, [len, n]) };
}

/** Input of `superposePaths`: `groups` independent matrices, each a sum of `paths` plane waves. */
export interface PathSet {
  groups: number;
  paths: number;
  /** receive antennas (1: single-antenna users, then `rxAngleRad` is ignored) */
  nRx: number;
  /** transmit antennas */
  nTx: number;
  /** complex path gains g_l, row-major [groups, paths] */
  gainRe: Float64Array;
  gainIm: Float64Array;
  /** angles of departure, radians, [groups, paths] */
  txAngleRad: Float64Array;
  /** angles of arrival, radians, [groups, paths] (needed when nRx > 1) */
  rxAngleRad?: Float64Array;
  /** array options for both ends (spacing, unitNorm, reference) */
  tx?: UlaOptions;
  rx?: UlaOptions;
}

/**
 * H_g = Σ_l g_l a_r(θʳ_l) a_t(θᵗ_l)ᴴ for every group g, accumulated in float64.
 * Returns row-major float32 [groups, nRx, nTx] (re, im). Cost groups·paths·nRx·nTx, memory O(output).
 */
export function superposePaths(p: PathSet): { re: Float32Array; im: Float32Array } {
  const fn = 'superposePaths';
  const { groups, paths, nRx, nTx } = p;
  checkPositiveInt(fn, 'groups', groups);
  checkPositiveInt(fn, 'paths', paths);
  checkPositiveInt(fn, 'nRx', nRx);
  checkPositiveInt(fn, 'nTx', nTx);
  const n = groups * paths;
  for (const [name, a] of [['gainRe', p.gainRe], ['gainIm', p.gainIm], ['txAngleRad', p.txAngleRad]] as const) {
    if (a.length !== n) throw new Error(`${fn}: ${name} must have groups·paths = ${n} entries; got ${a.length}`);
  }
  if (nRx > 1 && (!p.rxAngleRad || p.rxAngleRad.length !== n)) {
    throw new Error(`${fn}: rxAngleRad must have groups·paths = ${n} entries when nRx > 1`);
  }
  const tx = resolve(fn, p.tx ?? {});
  const rx = resolve(fn, p.rx ?? {});
  const scale = (tx.unitNorm ? 1 / Math.sqrt(nTx) : 1) * (rx.unitNorm ? 1 / Math.sqrt(nRx) : 1);
  const size = nRx * nTx;
  const outRe = new Float32Array(groups * size);
  const outIm = new Float32Array(groups * size);
  const accRe = new Float64Array(size);
  const accIm = new Float64Array(size);
  const tRe = new Float64Array(nTx);
  const tIm = new Float64Array(nTx);
  for (let g = 0; g < groups; g++) {
    accRe.fill(0);
    accIm.fill(0);
    for (let l = 0; l < paths; l++) {
      const i = g * paths + l;
      // conj(a_t): rotate by e^{−jψ} per element, starting from the gain
      const st = ulaPhaseStep(p.txAngleRad[i], tx.spacing, tx.reference);
      const cr = Math.cos(st), ci = -Math.sin(st);
      let zr = p.gainRe[i], zi = p.gainIm[i];
      if (nRx === 1) {
        for (let m = 0; m < nTx; m++) {
          accRe[m] += zr;
          accIm[m] += zi;
          const t = zr * cr - zi * ci;
          zi = zr * ci + zi * cr;
          zr = t;
        }
        continue;
      }
      for (let m = 0; m < nTx; m++) {
        tRe[m] = zr;
        tIm[m] = zi;
        const t = zr * cr - zi * ci;
        zi = zr * ci + zi * cr;
        zr = t;
      }
      // a_r: rotate by e^{+jψ} per receive element; add the outer product row by row
      const sr = ulaPhaseStep((p.rxAngleRad as Float64Array)[i], rx.spacing, rx.reference);
      const rr = Math.cos(sr), ri = Math.sin(sr);
      let ar = 1, ai = 0;
      for (let r = 0; r < nRx; r++) {
        const base = r * nTx;
        for (let m = 0; m < nTx; m++) {
          accRe[base + m] += ar * tRe[m] - ai * tIm[m];
          accIm[base + m] += ar * tIm[m] + ai * tRe[m];
        }
        const t = ar * rr - ai * ri;
        ai = ar * ri + ai * rr;
        ar = t;
      }
    }
    for (let j = 0; j < size; j++) {
      outRe[g * size + j] = scale * accRe[j];
      outIm[g * size + j] = scale * accIm[j];
    }
  }
  return { re: outRe, im: outIm };
}
