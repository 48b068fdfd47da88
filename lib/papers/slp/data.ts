/**
 * Data sets of the SLP-SQ notebook (§V-A): i.i.d. CN(0, 1) channels ("zero mean and unit variance"),
 * uniform QPSK symbols, and SINR targets. Training instances share one Γ among the users of an
 * instance, drawn Γ ~ U(Γ_low, Γ_high) in dB (the paper draws the training SINR uniformly and tests
 * per-user SINR on a common grid). Because problem (2) is homogeneous, the network's output depends on
 * a common Γ only through the exact scale √Γ (`./network`), so the range matters only through the
 * loss weights.
 */
import { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { fromDb, pskPhases, rayleighF64, slpInstances, SlpInstances } from './problem';

export interface SlpDataOptions {
  count: number;
  users: number;
  antennas: number;
  /** one SINR for all instances, or a [low, high] dB range drawn per instance */
  sinrDb: number | [number, number];
  /** default 4 (QPSK) */
  pskOrder?: number;
  /** n₀, default 1 */
  noiseVar?: number;
}

/** Instances from `rng`: channels from fork 'h', symbols from 's', SINRs from 'sinr'. */
export function makeSlpData(rng: Rng, opts: SlpDataOptions): SlpInstances {
  const fn = 'makeSlpData';
  const count = checkPositiveInt(fn, 'count', opts.count);
  const K = checkPositiveInt(fn, 'users', opts.users);
  const M = checkPositiveInt(fn, 'antennas', opts.antennas);
  const h = rayleighF64(rng.fork('h'), { count, users: K, antennas: M });
  const phase = pskPhases(rng.fork('s'), count * K, opts.pskOrder ?? 4);
  const sinr = new Float64Array(count * K);
  if (typeof opts.sinrDb === 'number') sinr.fill(fromDb(checkFinite(fn, 'sinrDb', opts.sinrDb)));
  else {
    const [lo, hi] = opts.sinrDb;
    checkFinite(fn, 'sinrDb[0]', lo);
    checkFinite(fn, 'sinrDb[1]', hi);
    if (!(lo <= hi)) throw new Error(`${fn}(sinrDb): needs [low, high] with low ≤ high; got [${lo}, ${hi}]`);
    const r = rng.fork('sinr');
    for (let b = 0; b < count; b++) {
      const g = fromDb(lo + (hi - lo) * r.next());
      for (let k = 0; k < K; k++) sinr[b * K + k] = g;
    }
  }
  return slpInstances({ h, phase, sinr, pskOrder: opts.pskOrder, noiseVar: opts.noiseVar });
}
