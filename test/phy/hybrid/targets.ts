/** Shared by the hybrid tests: clustered single-user channels in float64 and their fully digital targets. */
import * as tf from '@tensorflow/tfjs';
import type { ComplexBatchF64 } from '../../../lib/core/complexF64';
import { toComplexBatchF64 } from '../../../lib/core/complexF64';
import { svdThin } from '../../../lib/core/linalgF64';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { setup } from '../../helpers';

/** One-user clustered channels h [batch, N_r, N_t] (float64), their ray angles, and F_opt = the top N_s right singular vectors. */
export async function clusteredTargets(seed: string, batch: number, nt: number, nr: number, ns: number, clusters: number, raysPerCluster = 10): Promise<{ h: ComplexBatchF64; fOpt: ComplexBatchF64; aodDeg: Float64Array; aoaDeg: Float64Array }> {
  await setup();
  const ch = clusteredChannel(new Rng(seed), { batch, users: 1, txAntennas: nt, rxAntennas: nr, clusters, raysPerCluster });
  const h = toComplexBatchF64({ re: ch.h.re.reshape([batch, nr, nt]), im: ch.h.im.reshape([batch, nr, nt]) });
  tf.dispose([ch.h.re, ch.h.im]);
  const { v, r } = svdThin(h);
  const fOpt = { batch, rows: nt, cols: ns, re: new Float64Array(batch * nt * ns), im: new Float64Array(batch * nt * ns) };
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < nt; i++) {
      for (let j = 0; j < ns; j++) {
        fOpt.re[(t * nt + i) * ns + j] = v.re[(t * nt + i) * r + j];
        fOpt.im[(t * nt + i) * ns + j] = v.im[(t * nt + i) * r + j];
      }
    }
  }
  return { h, fOpt, aodDeg: ch.aodDeg, aoaDeg: ch.aoaDeg };
}
