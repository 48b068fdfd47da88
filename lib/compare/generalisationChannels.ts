/**
 * Channel models of the generalisation map (issue 21, part 3): the training model of each paper and the
 * committed QuaDRiGa "Berlin UMa" LoS / NLoS sets of the NNO-C2PO notebook (data/nno-c2po/
 * quadriga_<los|nlos>_eval.mat, made by tools/quadriga/generate.m; see lib/papers/c2po/channels.ts).
 *
 * Those sets are B = 128 antennas × U = 8 single-antenna users. A paper with M ≤ 128 antennas and
 * K ≤ 8 users gets a SUB-ARRAY of them: the first M antennas and the first K users of each channel,
 * rescaled by one scalar per set so that the mean |h_{k,m}|² over the set is 1 (like CN(0, 1) entries).
 * It is a sub-array of the 128-element array of the same drops, not a new QuaDRiGa run at that size
 * (the Octave generator is not run here). Models that do not fit (multi-antenna users, more users or
 * antennas) are skipped with the reason in the map's data.
 *
 * Every channel set is h: [count, K, M] complex (users × antennas), except the MSER paper's clustered and
 * Rayleigh channels [count, K, N_r, N_t].
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import * as c2po from '../papers/c2po';

/** The models of the map: each paper's training model and the QuaDRiGa sets (MSER: its clustered model). */
export type MapChannelModel = 'rayleigh' | 'quadriga-los' | 'quadriga-nlos' | 'clustered';
export const MAP_CHANNEL_MODELS: readonly MapChannelModel[] = ['rayleigh', 'quadriga-los', 'quadriga-nlos', 'clustered'];

export const MAP_CHANNEL_LABELS: Readonly<Record<MapChannelModel, string>> = {
  rayleigh: 'i.i.d. Rayleigh',
  'quadriga-los': 'QuaDRiGa LoS',
  'quadriga-nlos': 'QuaDRiGa NLoS',
  clustered: 'clustered mmWave (MSER eq. (3))',
};

/** The QuaDRiGa sets' array: B antennas, U users (NNO-C2PO §IV-B). */
export const QUADRIGA_DIMS: Readonly<{ antennas: number; users: number }> = Object.freeze({ antennas: 128, users: 8 });

/** The split the map reads: `eval`, disjoint from the drops NNO-C2PO's QuaDRiGa networks were trained on. */
export const QUADRIGA_SPLIT = 'eval';

const loaded = new Map<'los' | 'nlos', { re: Float32Array; im: Float32Array; count: number }>();

/** The committed QuaDRiGa eval set of one condition as plain arrays [N, 8, 128] (read once per process). */
function quadrigaArrays(condition: 'los' | 'nlos'): { re: Float32Array; im: Float32Array; count: number } {
  let a = loaded.get(condition);
  if (!a) {
    const sys = c2po.c2poSystem({ users: QUADRIGA_DIMS.users, antennas: QUADRIGA_DIMS.antennas });
    const h = c2po.loadQuadriga(condition, QUADRIGA_SPLIT, sys);
    try {
      a = { re: Float32Array.from(h.re.dataSync()), im: Float32Array.from(h.im.dataSync()), count: h.re.shape[0] };
    } finally {
      C.dispose(h);
    }
    loaded.set(condition, a);
  }
  return a;
}

/** Whether the committed QuaDRiGa files are there (a clone without them skips the QuaDRiGa columns). */
export function quadrigaPresent(): boolean {
  return c2po.quadrigaAvailable();
}

/** How many channels the QuaDRiGa eval set of `condition` holds. */
export function quadrigaSize(condition: 'los' | 'nlos'): number {
  return quadrigaArrays(condition).count;
}

/**
 * The first `count` channels of a QuaDRiGa eval set as a sub-array: first `users` users, first `antennas`
 * antennas, scaled so that the mean |h|² over all its entries is 1 (module comment). → [count, K, M].
 */
export function quadrigaSubArray(condition: 'los' | 'nlos', opts: { count: number; users: number; antennas: number }): Complex {
  const fn = 'quadrigaSubArray';
  const { count, users: K, antennas: M } = opts;
  const a = quadrigaArrays(condition);
  if (!(Number.isInteger(K) && K >= 1 && K <= QUADRIGA_DIMS.users)) throw new Error(`${fn}(users): an integer in 1..${QUADRIGA_DIMS.users}; got ${K}`);
  if (!(Number.isInteger(M) && M >= 1 && M <= QUADRIGA_DIMS.antennas)) throw new Error(`${fn}(antennas): an integer in 1..${QUADRIGA_DIMS.antennas}; got ${M}`);
  if (!(Number.isInteger(count) && count >= 1 && count <= a.count)) throw new Error(`${fn}(count): an integer in 1..${a.count} (the channels of the ${condition} eval set); got ${count}`);
  const U = QUADRIGA_DIMS.users, B = QUADRIGA_DIMS.antennas;
  const re = new Float32Array(count * K * M), im = new Float32Array(count * K * M);
  let power = 0;
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < K; k++) {
      for (let m = 0; m < M; m++) {
        const src = (n * U + k) * B + m, dst = (n * K + k) * M + m;
        re[dst] = a.re[src];
        im[dst] = a.im[src];
        power += a.re[src] ** 2 + a.im[src] ** 2;
      }
    }
  }
  const mean = power / (count * K * M);
  const g = mean > 0 ? 1 / Math.sqrt(mean) : 1;
  for (let i = 0; i < re.length; i++) {
    re[i] *= g;
    im[i] *= g;
  }
  return { re: tf.tensor3d(re, [count, K, M]), im: tf.tensor3d(im, [count, K, M]) };
}
