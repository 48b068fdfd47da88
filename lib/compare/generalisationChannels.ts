/**
 * Channel models of the generalisation map (issue 21, part 3): the training model of each paper and
 * QuaDRiGa "Berlin UMa" LoS / NLoS sets made by the NNO-C2PO notebook's generator (tools/quadriga/
 * generate.m) at each paper's own size: NNO-C2PO's eval split at its B = 128 × U = 8
 * (data/nno-c2po/quadriga_<los|nlos>_eval.mat), and data/compare/quadriga/quadriga_<los|nlos>_B<M>_U<K>.mat
 * for the others (tools/quadriga/run_all.sh compare: the same scenario, geometry and per-user normalisation
 * ‖h_k‖² = M, only B and U changed). Every entry has mean power 1, like CN(0, 1) channels. A paper whose
 * size has no set (or whose users have several antennas) is skipped with the reason in the map's data.
 *
 * Every channel set is h: [count, K, M] complex (users × antennas), except the MSER paper's clustered and
 * Rayleigh channels [count, K, N_r, N_t].
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { PROJECT_ROOT } from '../kit/paths';
import { loadChannels } from '../phy/channels/files';
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

/** The sizes with a committed QuaDRiGa set (antennas B × single-antenna users U). */
export const QUADRIGA_SIZES: readonly { antennas: number; users: number }[] = [
  { antennas: 128, users: 8 },
  { antennas: 4, users: 4 },
  { antennas: 32, users: 1 },
];

/** The split of NNO-C2PO's sets the map reads: `eval`, disjoint from the drops its QuaDRiGa networks trained on. */
export const QUADRIGA_SPLIT = 'eval';

export interface QuadrigaSize {
  antennas: number;
  users: number;
}

/** The committed QuaDRiGa file of one condition at one size (module comment). */
export function quadrigaSetFile(condition: 'los' | 'nlos', size: QuadrigaSize): string {
  if (size.antennas === 128 && size.users === 8) return c2po.quadrigaFile(condition, QUADRIGA_SPLIT);
  return path.join(PROJECT_ROOT, 'data', 'compare', 'quadriga', `quadriga_${condition}_B${size.antennas}_U${size.users}.mat`);
}

/** Whether both conditions' sets exist at this size (a clone without them skips the QuaDRiGa columns). */
export function quadrigaPresent(size: QuadrigaSize): boolean {
  return (['los', 'nlos'] as const).every((c) => fs.existsSync(quadrigaSetFile(c, size)));
}

/** A whole set as plain arrays [N, K, M] (read once per process; no tensors are kept between calls). */
const loaded = new Map<string, { re: Float32Array; im: Float32Array; count: number }>();

function quadrigaAll(condition: 'los' | 'nlos', size: QuadrigaSize): { re: Float32Array; im: Float32Array; count: number } {
  const file = quadrigaSetFile(condition, size);
  let a = loaded.get(file);
  if (!a) {
    if (!fs.existsSync(file)) throw new Error(`quadrigaSet: ${path.relative(PROJECT_ROOT, file)} is missing; regenerate it with 'bash tools/quadriga/run_all.sh compare' (tools/quadriga/README.md)`);
    const { h } = loadChannels(file, { layout: 'KMN', variable: 'H', expect: { users: size.users, antennas: size.antennas } });
    try {
      a = { re: Float32Array.from(h.re.dataSync()), im: Float32Array.from(h.im.dataSync()), count: h.re.shape[0] };
    } finally {
      C.dispose(h);
    }
    loaded.set(file, a);
  }
  return a;
}

/** How many channels the set of `condition` at `size` holds. */
export function quadrigaSize(condition: 'los' | 'nlos', size: QuadrigaSize): number {
  return quadrigaAll(condition, size).count;
}

/** The first `count` channels of the set of `condition` at the given size: [count, K, M] complex (a copy). */
export function quadrigaSet(condition: 'los' | 'nlos', opts: { count: number } & QuadrigaSize): Complex {
  const fn = 'quadrigaSet';
  const { count, users: K, antennas: M } = opts;
  if (!QUADRIGA_SIZES.some((z) => z.antennas === M && z.users === K)) throw new Error(`${fn}(antennas, users): a committed size, one of ${QUADRIGA_SIZES.map((z) => `${z.antennas} × ${z.users}`).join(', ')}; got ${M} × ${K}`);
  const a = quadrigaAll(condition, { antennas: M, users: K });
  if (!(Number.isInteger(count) && count >= 1 && count <= a.count)) throw new Error(`${fn}(count): an integer in 1..${a.count} (the channels of the ${condition} set at ${M} × ${K}); got ${count}`);
  const n = count * K * M;
  return { re: tf.tensor3d(a.re.subarray(0, n), [count, K, M]), im: tf.tensor3d(a.im.subarray(0, n), [count, K, M]) };
}
