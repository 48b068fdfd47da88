/**
 * The QuaDRiGa "Berlin UMa" channel sets of the NNO-C2PO notebook (data/nno-c2po/quadriga_*.mat,
 * made by tools/quadriga/generate.m through tools/quadriga/run_all.sh): each loads through
 * `loadChannels` as h: [N, 8, 128] with N = 500 (train) / 250 (val) / 1000 (eval), every value finite, every
 * user row normalised to ‖h_u‖² = B (mean power 1 per antenna), train, val and eval sets distinct
 * (no sample shared), the documented metadata present; and LoS and NLoS differ as physics says:
 * LoS has the flatter power across the array (Rician), the lower mean user correlation (LoS steering
 * vectors of distinct angles are nearly orthogonal for 128 antennas) and the heavier tail (users
 * sharing a direction: larger 90th-percentile eigenvalue spread, larger worst-pair correlation).
 *
 * Statistics (per set; i.i.d. Rayleigh CN(0, 1), 1000 samples, for comparison), printed as
 * diagnostics:
 *  - eigenvalue spread of H Hᴴ (8×8 Hermitian, Jacobi): λmax/λmin, median and 90th percentile over
 *    samples;
 *  - user correlation |h_i h_jᴴ| / (‖h_i‖ ‖h_j‖): mean over samples and pairs i < j, and the mean
 *    over samples of the largest pair;
 *  - power fluctuation across the array: mean over (sample, user) of the variance over antennas of
 *    |h_ub|² (mean 1 after normalisation). For a Rician entry with K-factor K it is
 *    (1 + 2K)/(1 + K)²: 1 for Rayleigh, → 0 for a pure LoS path.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadChannels } from '../../lib/phy/channels';
import { rayleigh } from '../../lib/phy/channels/rayleigh';
import { readMatV5 } from '../../lib/phy/channels/matV5';
import { dispose, type Complex } from '../../lib/core/complex';
import { eighHermitian } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';
import { setup } from '../helpers';

const DATA = path.resolve(__dirname, '..', '..', 'data', 'nno-c2po');
const U = 8, B = 128;

interface SetSpec { name: string; los: boolean; split: 'train' | 'val' | 'eval'; n: number; seed: number }
const SETS: SetSpec[] = [
  { name: 'quadriga_los_train', los: true, split: 'train', n: 500, seed: 1001 },
  { name: 'quadriga_los_eval', los: true, split: 'eval', n: 1000, seed: 1002 },
  { name: 'quadriga_nlos_train', los: false, split: 'train', n: 500, seed: 2001 },
  { name: 'quadriga_nlos_eval', los: false, split: 'eval', n: 1000, seed: 2002 },
  { name: 'quadriga_los_val', los: true, split: 'val', n: 250, seed: 1003 },
  { name: 'quadriga_nlos_val', los: false, split: 'val', n: 250, seed: 2003 },
];

/** One channel set as flat float32 arrays, row-major [N, U, B]. */
interface Flat { n: number; re: Float32Array; im: Float32Array }

const cache = new Map<string, Flat>();
function fileOf(name: string): string {
  const f = path.join(DATA, `${name}.mat`);
  if (!fs.existsSync(f)) assert.fail(`${f} is missing: regenerate it with tools/quadriga/run_all.sh (see tools/quadriga/README.md)`);
  return f;
}
function load(spec: SetSpec): Flat {
  const hit = cache.get(spec.name);
  if (hit) return hit;
  const { h, meta } = loadChannels(fileOf(spec.name), { expect: { batch: spec.n, users: U, antennas: B } });
  try {
    assert.deepEqual(h.re.shape, [spec.n, U, B], `${spec.name}: shape`);
    assert.deepEqual(meta.sourceShape, [U, B, spec.n], `${spec.name}: stored as U×B×N (layout KMN)`);
    const flat = { n: spec.n, re: h.re.dataSync() as Float32Array, im: h.im.dataSync() as Float32Array };
    cache.set(spec.name, flat);
    return flat;
  } finally {
    dispose(h);
  }
}
function flatOf(h: Complex): Flat {
  return { n: h.re.shape[0], re: h.re.dataSync() as Float32Array, im: h.im.dataSync() as Float32Array };
}

interface Stats { spreadMedian: number; spreadP90: number; corrMean: number; corrMaxMean: number; powerVar: number }

function quantile(xs: Float64Array, q: number): number {
  const s = Float64Array.from(xs).sort();
  const pos = q * (s.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

function stats(x: Flat): Stats {
  const { n, re, im } = x;
  // Gram matrices G = H Hᴴ, [n, U, U], float64
  const gRe = new Float64Array(n * U * U), gIm = new Float64Array(n * U * U);
  let corrSum = 0, corrMaxSum = 0, powerVarSum = 0;
  for (let s = 0; s < n; s++) {
    const h0 = s * U * B, g0 = s * U * U;
    for (let i = 0; i < U; i++) {
      for (let j = i; j < U; j++) {
        let ar = 0, ai = 0;
        for (let b = 0; b < B; b++) {
          const xr = re[h0 + i * B + b], xi = im[h0 + i * B + b];
          const yr = re[h0 + j * B + b], yi = im[h0 + j * B + b];
          ar += xr * yr + xi * yi; // x · conj(y)
          ai += xi * yr - xr * yi;
        }
        gRe[g0 + i * U + j] = ar; gIm[g0 + i * U + j] = ai;
        gRe[g0 + j * U + i] = ar; gIm[g0 + j * U + i] = -ai;
      }
    }
    let maxC = 0;
    for (let i = 0; i < U; i++) {
      for (let j = i + 1; j < U; j++) {
        const c = Math.hypot(gRe[g0 + i * U + j], gIm[g0 + i * U + j]) / Math.sqrt(gRe[g0 + i * U + i] * gRe[g0 + j * U + j]);
        corrSum += c;
        if (c > maxC) maxC = c;
      }
    }
    corrMaxSum += maxC;
    for (let u = 0; u < U; u++) {
      let m1 = 0, m2 = 0;
      for (let b = 0; b < B; b++) {
        const p = re[h0 + u * B + b] ** 2 + im[h0 + u * B + b] ** 2;
        m1 += p; m2 += p * p;
      }
      m1 /= B; m2 /= B;
      powerVarSum += (m2 - m1 * m1) / (m1 * m1);
    }
  }
  const eig = eighHermitian({ batch: n, rows: U, cols: U, re: gRe, im: gIm });
  const spread = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const lo = eig.values[s * U], hi = eig.values[s * U + U - 1];
    assert.ok(lo > 0, `sample ${s}: H Hᴴ is singular (λmin = ${lo})`);
    spread[s] = hi / lo;
  }
  return {
    spreadMedian: quantile(spread, 0.5),
    spreadP90: quantile(spread, 0.9),
    corrMean: corrSum / (n * U * (U - 1) / 2),
    corrMaxMean: corrMaxSum / n,
    powerVar: powerVarSum / (n * U),
  };
}

const fmt = (s: Stats) =>
  `eigenvalue spread median ${s.spreadMedian.toFixed(2)}, p90 ${s.spreadP90.toFixed(2)}; ` +
  `user correlation mean ${s.corrMean.toFixed(4)}, largest pair (mean) ${s.corrMaxMean.toFixed(4)}; ` +
  `power variance across the array ${s.powerVar.toFixed(3)}`;

before(async () => { await setup(); });

for (const spec of SETS) {
  test(`${spec.name}: [${spec.n}, ${U}, ${B}] complex, finite, ‖h_u‖² = ${B} in every sample; metadata`, () => {
    const x = load(spec);
    let worst = 0;
    for (let s = 0; s < spec.n; s++) {
      for (let u = 0; u < U; u++) {
        let p = 0;
        const o = (s * U + u) * B;
        for (let b = 0; b < B; b++) {
          const r = x.re[o + b], i = x.im[o + b];
          if (!Number.isFinite(r) || !Number.isFinite(i)) assert.fail(`${spec.name}: sample ${s} user ${u} antenna ${b} is not finite`);
          p += r * r + i * i;
        }
        worst = Math.max(worst, Math.abs(p / B - 1));
      }
    }
    // float32 storage: the row power is exact up to rounding (~1e-7 relative per entry)
    assert.ok(worst < 1e-5, `${spec.name}: largest |‖h_u‖²/B − 1| is ${worst}`);

    const names = ['seed', 'is_los', 'fc_hz', 'bandwidth_hz', 'bs_height_m', 'ue_height_m', 'element_spacing_wl'];
    const meta = readMatV5(spec.name, fs.readFileSync(fileOf(spec.name)), names);
    const v = (k: string) => {
      const a = meta.arrays.get(k);
      assert.ok(a, `${spec.name}: variable ${k} missing`);
      assert.equal(a.re.length, 1, `${spec.name}: ${k} is a scalar`);
      return a.re[0];
    };
    assert.equal(v('seed'), spec.seed);
    assert.equal(v('is_los'), spec.los ? 1 : 0);
    assert.equal(v('fc_hz'), 2e9);
    assert.equal(v('bandwidth_hz'), 6.8e3);
    assert.equal(v('bs_height_m'), 25);
    assert.equal(v('ue_height_m'), 1.5);
    assert.equal(v('element_spacing_wl'), 0.5);
  });
}

test('train, validation and eval sets are distinct: no sample (nor any user row) of one appears in another set', () => {
  const key = (x: Flat, s: number, u: number) => {
    const o = (s * U + u) * B;
    return `${x.re[o]},${x.im[o]},${x.re[o + 1]},${x.im[o + 1]},${x.re[o + 77]}`;
  };
  const seen = new Map<string, string>();
  for (const spec of SETS) {
    const x = load(spec);
    for (let s = 0; s < x.n; s++) {
      for (let u = 0; u < U; u++) {
        const k = key(x, s, u);
        const prev = seen.get(k);
        if (prev !== undefined) assert.fail(`${spec.name} sample ${s} user ${u} equals ${prev}`);
        seen.set(k, `${spec.name} sample ${s} user ${u}`);
      }
    }
  }
  assert.equal(seen.size, U * (500 + 250 + 1000) * 2);
});

test('LoS vs NLoS vs i.i.d. Rayleigh: LoS Rician and less correlated on average but with a heavier tail; statistics', (t) => {
  const st = new Map<string, Stats>();
  for (const spec of SETS) {
    st.set(spec.name, stats(load(spec)));
    t.diagnostic(`${spec.name}: ${fmt(st.get(spec.name)!)}`);
  }
  const h = rayleigh(new Rng('quadriga-data-rayleigh'), { batch: 1000, users: U, antennas: B });
  let ray: Stats;
  try {
    ray = stats(flatOf(h));
  } finally {
    dispose(h);
  }
  t.diagnostic(`i.i.d. Rayleigh (1000 samples): ${fmt(ray)}`);

  for (const split of ['train', 'eval']) {
    const los = st.get(`quadriga_los_${split}`)!, nlos = st.get(`quadriga_nlos_${split}`)!;
    // The LoS path dominates (Berlin UMa LoS K-factor 2.7 dB median): |h_ub|² fluctuates much less
    // across the array than under NLoS, whose dozens of sub-paths make the entries near-Rayleigh.
    assert.ok(los.powerVar < 0.8 * nlos.powerVar, `${split}: LoS power variance ${los.powerVar} vs NLoS ${nlos.powerVar}`);
    assert.ok(nlos.powerVar > 0.7 && nlos.powerVar < 1.3, `${split}: NLoS power variance ${nlos.powerVar} (Rayleigh: 1)`);
    // With 128 λ/2-spaced antennas, LoS users at distinct angles are nearly orthogonal (array
    // sidelobes), so the MEAN user correlation is lower under LoS than under NLoS (whose scattered
    // energy overlaps in angle); but LoS users that happen to share a direction stay correlated, so
    // LoS has the heavier tail: larger 90th-percentile eigenvalue spread and a larger worst pair.
    assert.ok(los.corrMean < 0.9 * nlos.corrMean, `${split}: mean user correlation LoS ${los.corrMean} vs NLoS ${nlos.corrMean}`);
    assert.ok(los.spreadP90 > 1.2 * nlos.spreadP90, `${split}: p90 eigenvalue spread LoS ${los.spreadP90} vs NLoS ${nlos.spreadP90}`);
    assert.ok(los.corrMaxMean > 1.1 * nlos.corrMaxMean, `${split}: largest-pair correlation LoS ${los.corrMaxMean} vs NLoS ${nlos.corrMaxMean}`);
    // Both are less benign than i.i.d. Rayleigh in the tail, and far from singular in the median.
    for (const [name, s] of [['LoS', los], ['NLoS', nlos]] as const) {
      assert.ok(s.spreadP90 > ray.spreadP90, `${split} ${name}: p90 eigenvalue spread ${s.spreadP90} vs Rayleigh ${ray.spreadP90}`);
      assert.ok(s.corrMaxMean > ray.corrMaxMean, `${split} ${name}: largest-pair correlation ${s.corrMaxMean} vs Rayleigh ${ray.corrMaxMean}`);
      assert.ok(s.spreadMedian > 1 && s.spreadMedian < 10, `${split} ${name}: median eigenvalue spread ${s.spreadMedian}`);
    }
  }
  // Rayleigh reference: E|ρ| = √π/2 · 1/√B ≈ 0.078 for B = 128, and power variance 1.
  assert.ok(Math.abs(ray.corrMean - Math.sqrt(Math.PI / (4 * B))) < 0.005, `Rayleigh mean correlation ${ray.corrMean}`);
  assert.ok(Math.abs(ray.powerVar - 1) < 0.05, `Rayleigh power variance ${ray.powerVar}`);
});
