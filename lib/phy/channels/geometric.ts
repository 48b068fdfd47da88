/**
 * A simple, explicit LoS / NLoS geometric channel that stands in for QuaDRiGa "Berlin UMa" (NNO-C2PO
 * §IV-B: QuaDRiGa Berlin UMa LoS and NLoS, 2 GHz, 6.8 kHz, B = 128 antennas, U = 8 users; nothing else
 * about the geometry is stated). This is NOT QuaDRiGa: it is a narrowband, 2-D (azimuth-only),
 * single-sector model with numbers taken approximately after 3GPP TR 38.901 UMa (Tables 7.2-1,
 * 7.4.1-1, 7.5-6), quoted from memory, so treat them as "approximately after 38.901".
 *
 * Geometry. BS: ULA of M antennas, spacing d (½ λ), broadside = sector centre. User k: azimuth
 * φ_k ~ U[−S/2, S/2] (S = 120° sector), 2-D distance r_k uniform over the annulus area between rMin
 * and rMax (r² ~ U[rMin², rMax²]); d3D = sqrt(r² + (h_BS − h_UE)²).
 *
 * Large scale. PL_k [dB] = A + 10 n log10(d3D / 1 m) + 20 log10(f_c / 1 GHz) + S_k, S_k ~ N(0, σ_SF²):
 *   LoS  A = 28.0,  n = 2.2,   σ_SF = 4 dB   (38.901 UMa PL1, single slope: the breakpoint is ignored)
 *   NLoS A = 13.54, n = 3.908, σ_SF = 6 dB   (38.901 PL'_UMa-NLOS with h_UE = 1.5 m; the max(·) with LoS ignored)
 *   β_k = 10^(−PL_k/10).
 *
 * Small scale (a(θ) = unit-modulus ULA response of ula.ts, θ from broadside, ‖a‖² = M):
 *   h_k = √β_k [ √(κ/(κ+1)) e^{jψ_k} a(φ_k)ᴴ + √(1/((κ+1) C R)) Σ_{c=1}^{C} Σ_{r=1}^{R} α_{c,r} a(φ_k + ϑ_c + δ_{c,r})ᴴ ]
 *   ψ_k ~ U[0, 2π), α_{c,r} ~ CN(0, 1), cluster offsets ϑ_c ~ N(0, σ_C²), ray offsets δ_{c,r} Laplacian
 *   with standard deviation σ_R. Equal cluster powers (38.901 uses delay-dependent powers; we do not).
 *   LoS: κ = 10^(K_dB/10), K_dB = 9 (38.901 UMa mean; its 3.5 dB spread is not drawn), C = 12,
 *        σ_C ≈ 12° (38.901 UMa LoS ASD at 2 GHz: 10^(1.06 + 0.1114 log10 2) ≈ 12.4°), σ_R = 5° (c_ASD).
 *   NLoS: κ = 0 (no LoS path), C = 20, σ_C ≈ 29° (10^(1.5 − 0.1144 log10 2) ≈ 29.2°), σ_R = 2° (c_ASD).
 *   R = 10 rays per cluster (38.901 uses 20; 10 resolve a few-degree cluster at M = 128 well enough).
 *   Then E‖h_k‖² = β_k M.
 *
 * Normalisation ('large-scale' default): β_k ← 1, so E‖h_k‖² = M (the power per user of the i.i.d.
 * CN(0,1) channel, which is what the 1-bit precoding papers effectively assume, so SNR stays
 * meaningful); 'instantaneous': h_k ← √M h_k/‖h_k‖ (exactly ‖h_k‖² = M); 'none': keep β_k.
 * Users and realisations are independent drops (no spatial consistency between users).
 * Output: h: [batch, K, M] complex (or [...batchShape, K, M] when `batch` is an array of axes).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { angleOffsets } from './clustered';
import { superposePaths } from './ula';
import { checkBatchShape, checkFinite, checkPositiveInt } from '../../core/validate';

export type PropagationCondition = 'los' | 'nlos';
export type ChannelNormalisation = 'large-scale' | 'instantaneous' | 'none';

/** Every parameter of the geometric model (defaults: `geometricScenario(condition)`). */
export interface GeometricScenario {
  /** 'los' (LoS path + weak scattering) or 'nlos' (clusters only) */
  condition: PropagationCondition;
  /** M, BS antennas (ULA); default 128 (NNO-C2PO B) */
  antennas: number;
  /** K, single-antenna users; default 8 (NNO-C2PO U) */
  users: number;
  /** carrier frequency, Hz; default 2e9 (NNO-C2PO). Enters only the path loss */
  carrierHz: number;
  /** ULA element spacing, wavelengths; default ½ */
  spacing: number;
  /** sector width, degrees, centred on broadside; default 120 (3-sector site) */
  sectorDeg: number;
  /** minimum 2-D BS–user distance, m; default 35 (38.901 UMa) */
  rMinM: number;
  /** maximum 2-D BS–user distance, m; default 500 (≈ 38.901 UMa ISD) */
  rMaxM: number;
  /** BS height, m; default 25 (38.901 UMa) */
  bsHeightM: number;
  /** user height, m; default 1.5 */
  ueHeightM: number;
  /** Rician K-factor of the LoS path, dB; default 9 (LoS), ignored for NLoS; Infinity = pure LoS */
  kFactorDb: number;
  /** C, clusters; default 12 (LoS) / 20 (NLoS) */
  clusters: number;
  /** R, rays per cluster; default 10 */
  raysPerCluster: number;
  /** σ_C, std of the cluster directions around the user direction, degrees; default 12 (LoS) / 29 (NLoS) */
  clusterSpreadDeg: number;
  /** σ_R, std of the ray directions around their cluster (Laplacian), degrees; default 5 (LoS) / 2 (NLoS) */
  raySpreadDeg: number;
  /** A, path-loss intercept, dB; default 28.0 (LoS) / 13.54 (NLoS) */
  pathLossInterceptDb: number;
  /** n, path-loss exponent; default 2.2 (LoS) / 3.908 (NLoS) */
  pathLossExponent: number;
  /** σ_SF, log-normal shadowing std, dB; default 4 (LoS) / 6 (NLoS) */
  shadowingStdDb: number;
  /** power normalisation; default 'large-scale' (E‖h_k‖² = M) */
  normalisation: ChannelNormalisation;
}

/** Default scenario for a condition (numbers approximately after 38.901 UMa, see the module comment). */
export function geometricScenario(condition: PropagationCondition = 'los'): GeometricScenario {
  if (condition !== 'los' && condition !== 'nlos') {
    throw new Error(`geometricScenario(condition): condition must be 'los' or 'nlos'; got ${String(condition)}`);
  }
  const los = condition === 'los';
  return {
    condition, antennas: 128, users: 8, carrierHz: 2e9, spacing: 0.5, sectorDeg: 120,
    rMinM: 35, rMaxM: 500, bsHeightM: 25, ueHeightM: 1.5,
    kFactorDb: los ? 9 : -Infinity,
    clusters: los ? 12 : 20, raysPerCluster: 10,
    clusterSpreadDeg: los ? 12 : 29, raySpreadDeg: los ? 5 : 2,
    pathLossInterceptDb: los ? 28.0 : 13.54, pathLossExponent: los ? 2.2 : 3.908,
    shadowingStdDb: los ? 4 : 6, normalisation: 'large-scale',
  };
}

export interface GeometricChannel {
  /** [batch, K, M] (or [...batch, K, M]) complex */
  h: Complex;
  /** the full scenario used (defaults filled in) */
  scenario: GeometricScenario;
  /** user azimuths, degrees from broadside, [batch, K] */
  azimuthDeg: Float64Array;
  /** 2-D distances, m, [batch, K] */
  distanceM: Float64Array;
  /** 10 log10 β_k = −(path loss + shadowing), dB, [batch, K] (reported whatever the normalisation) */
  pathGainDb: Float64Array;
}

function validate(s: GeometricScenario): void {
  const fn = 'geometricChannel(rng, batch, scenario)';
  if (s.condition !== 'los' && s.condition !== 'nlos') throw new Error(`${fn}: scenario.condition must be 'los' or 'nlos'; got ${String(s.condition)}`);
  checkPositiveInt(fn, 'scenario.antennas', s.antennas);
  checkPositiveInt(fn, 'scenario.users', s.users);
  checkPositiveInt(fn, 'scenario.clusters', s.clusters);
  checkPositiveInt(fn, 'scenario.raysPerCluster', s.raysPerCluster);
  checkFinite(fn, 'scenario.carrierHz', s.carrierHz, 0, false);
  checkFinite(fn, 'scenario.spacing', s.spacing, 0, false);
  if (!(checkFinite(fn, 'scenario.sectorDeg', s.sectorDeg, 0) <= 360)) throw new Error(`${fn}: scenario.sectorDeg must be in [0, 360]; got ${s.sectorDeg}`);
  checkFinite(fn, 'scenario.rMinM', s.rMinM, 0);
  if (!(checkFinite(fn, 'scenario.rMaxM', s.rMaxM, 0) >= s.rMinM)) throw new Error(`${fn}: scenario.rMaxM must be >= rMinM = ${s.rMinM}; got ${s.rMaxM}`);
  checkFinite(fn, 'scenario.bsHeightM', s.bsHeightM, 0);
  checkFinite(fn, 'scenario.ueHeightM', s.ueHeightM, 0);
  if (s.condition === 'los' && !(typeof s.kFactorDb === 'number' && !Number.isNaN(s.kFactorDb))) {
    throw new Error(`${fn}: scenario.kFactorDb must be a number of dB (Infinity = pure LoS, −Infinity = no LoS path); got ${String(s.kFactorDb)}`);
  }
  checkFinite(fn, 'scenario.clusterSpreadDeg', s.clusterSpreadDeg, 0);
  checkFinite(fn, 'scenario.raySpreadDeg', s.raySpreadDeg, 0);
  checkFinite(fn, 'scenario.pathLossInterceptDb', s.pathLossInterceptDb);
  checkFinite(fn, 'scenario.pathLossExponent', s.pathLossExponent, 0);
  checkFinite(fn, 'scenario.shadowingStdDb', s.shadowingStdDb, 0);
  if (!['large-scale', 'instantaneous', 'none'].includes(s.normalisation)) {
    throw new Error(`${fn}: scenario.normalisation must be 'large-scale', 'instantaneous' or 'none'; got ${String(s.normalisation)}`);
  }
  // the total distance must be positive for log10
  if (s.rMinM === 0 && s.bsHeightM === s.ueHeightM) throw new Error(`${fn}: scenario.rMinM = 0 with equal heights allows d3D = 0 (log of 0)`);
}

/**
 * LoS / NLoS geometric stand-in for QuaDRiGa Berlin UMa (see the module comment for the model).
 * `batch`: a number of drops, or the batch axes (e.g. [subcarriers, drops]; the draws are those of
 * their product). `scenario` overrides the defaults of `geometricScenario(scenario.condition ?? 'los')`.
 * → h: [batch, K, M] (or [...batch, K, M]) complex, plus the user positions and large-scale gains
 * (row-major over all batch axes and the users).
 */
export function geometricChannel(rng: Rng, batch: number | number[], scenario: Partial<GeometricScenario> = {}): GeometricChannel {
  const fn = 'geometricChannel(rng, batch, scenario)';
  const lead = Array.isArray(batch) ? checkBatchShape(fn, undefined, batch) : checkBatchShape(fn, batch, undefined);
  const drops = lead.reduce((p, d) => p * d, 1);
  const s: GeometricScenario = { ...geometricScenario(scenario.condition ?? 'los'), ...scenario };
  validate(s);
  const { antennas: m, users, clusters, raysPerCluster: rays } = s;
  const groups = drops * users;
  const nScat = clusters * rays;
  const paths = 1 + nScat; // path 0 = LoS (zero gain for NLoS)
  const kappa = s.condition === 'los' ? 10 ** (s.kFactorDb / 10) : 0;
  const wLos = kappa === Infinity ? 1 : Math.sqrt(kappa / (kappa + 1));
  const wScat = kappa === Infinity ? 0 : Math.sqrt(1 / ((kappa + 1) * nScat));
  const RAD = Math.PI / 180;

  // draws, in a fixed order
  const azimuthDeg = rng.uniformArray(groups, -s.sectorDeg / 2, s.sectorDeg / 2);
  const r2 = rng.uniformArray(groups, s.rMinM ** 2, s.rMaxM ** 2);
  const shadow = rng.normalArray(groups, s.shadowingStdDb);
  const psi = rng.uniformArray(groups, 0, 2 * Math.PI);
  const clusterOff = rng.normalArray(groups * clusters, s.clusterSpreadDeg);
  const rayOff = angleOffsets(rng, groups * nScat, s.raySpreadDeg, 'laplacian');
  const alphaRe = rng.normalArray(groups * nScat, Math.SQRT1_2);
  const alphaIm = rng.normalArray(groups * nScat, Math.SQRT1_2);

  const distanceM = r2.map(Math.sqrt);
  const pathGainDb = new Float64Array(groups);
  const gainRe = new Float64Array(groups * paths);
  const gainIm = new Float64Array(groups * paths);
  const txAngleRad = new Float64Array(groups * paths);
  const dh = s.bsHeightM - s.ueHeightM;
  for (let g = 0; g < groups; g++) {
    const d3 = Math.sqrt(r2[g] + dh * dh);
    const pl = s.pathLossInterceptDb + 10 * s.pathLossExponent * Math.log10(d3) + 20 * Math.log10(s.carrierHz / 1e9) + shadow[g];
    pathGainDb[g] = -pl;
    const amp = s.normalisation === 'none' ? 10 ** (-pl / 20) : 1;
    const base = g * paths;
    gainRe[base] = amp * wLos * Math.cos(psi[g]);
    gainIm[base] = amp * wLos * Math.sin(psi[g]);
    txAngleRad[base] = azimuthDeg[g] * RAD;
    for (let c = 0; c < clusters; c++) {
      for (let r = 0; r < rays; r++) {
        const j = (g * clusters + c) * rays + r;
        const p = base + 1 + c * rays + r;
        gainRe[p] = amp * wScat * alphaRe[j];
        gainIm[p] = amp * wScat * alphaIm[j];
        txAngleRad[p] = (azimuthDeg[g] + clusterOff[g * clusters + c] + rayOff[j]) * RAD;
      }
    }
  }
  const { re, im } = superposePaths({
    groups, paths, nRx: 1, nTx: m, gainRe, gainIm, txAngleRad, tx: { spacing: s.spacing, reference: 'broadside' },
  });
  if (s.normalisation === 'instantaneous') {
    for (let g = 0; g < groups; g++) {
      let e = 0;
      for (let i = g * m; i < (g + 1) * m; i++) e += re[i] * re[i] + im[i] * im[i];
      const f = e > 0 ? Math.sqrt(m / e) : 0;
      for (let i = g * m; i < (g + 1) * m; i++) {
        re[i] *= f;
        im[i] *= f;
      }
    }
  }
  const shape = [...lead, users, m];
  const h = { re: tf.tensor(re, shape, 'float32'), im: tf.tensor(im, shape, 'float32') };
  return { h, scenario: s, azimuthDeg, distanceM, pathGainDb };
}
