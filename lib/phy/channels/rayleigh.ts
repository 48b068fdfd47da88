/**
 * I.i.d. Rayleigh fading: every entry of H is CN(0, variance).
 *
 * Used by the GNN paper (§VI-A, [H]_{i,j} ~ CN(0,1)) and NNO-C2PO (§IV-A, "Rayleigh fading"; the
 * variance is not stated there, 1 is our choice). The distribution is invariant to transposition,
 * so the GNN paper's M×K channel H_gnn is simply hᵀ of ours.
 */
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkBatchShape, checkFinite, checkPositiveInt } from '../../core/validate';

export interface RayleighOptions {
  /** number of channel realisations (or give `batchShape`) */
  batch?: number;
  /** leading axes instead of `batch`, e.g. [subcarriers, drops]; the draws are those of batch = their product */
  batchShape?: number[];
  /** K, single-antenna users */
  users: number;
  /** M, base-station antennas */
  antennas: number;
  /** E|h_{k,m}|²; default 1 (each of Re, Im has variance ½·variance) */
  variance?: number;
}

/** I.i.d. Rayleigh channel. → h: [batch, K, M] (or [...batchShape, K, M]) complex, entries CN(0, variance). */
export function rayleigh(rng: Rng, opts: RayleighOptions): Complex {
  const fn = 'rayleigh(rng, opts)';
  const lead = checkBatchShape(fn, opts.batch, opts.batchShape);
  const users = checkPositiveInt(fn, 'users (K)', opts.users);
  const antennas = checkPositiveInt(fn, 'antennas (M)', opts.antennas);
  const variance = checkFinite(fn, 'variance', opts.variance ?? 1, 0);
  return rng.complexNormal([...lead, users, antennas], variance);
}
