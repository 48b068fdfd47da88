/**
 * The quantised downlink of the GNN paper (gnn-quantized-precoding §II, §VI-A) in the library's
 * convention.
 *
 * Paper ↔ library. The paper writes r = Hᵀy + v with H ∈ C^{M×K} (antennas × users, eq. 6). Here
 * h = H_paperᵀ: [..., K, M] (users × antennas) and r = h y + v, as everywhere in the project; the
 * paper's MRT W = α H* is our α hᴴ and its ZF α H*(HᵀH*)⁻¹ our α hᴴ(h hᴴ)⁻¹ (lib/phy/precoders).
 * Symbols s_k ~ CN(0, 1) (§VI-A), T = N_s symbol vectors per channel as the columns of s [..., K, T];
 * transmit signals y [..., M, T].
 *
 * Scales (§VI-A): P_T = M (unit average power per antenna), SNR = P_T/σ_v², channels CN(0, 1)
 * (Rayleigh) or the pure LoS ULA of eq. (10); DAC levels Lloyd-Max for a real N(0, 1/2) input (each
 * real DAC of a CN(0, 1)-normalised antenna input, §II-B3; a Lloyd-Max quantiser scales exactly,
 * so the design variance only fixes the output scale, which (15) normalises anyway).
 */
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { lloydMax, ScalarQuantizer } from '../../phy/quantizer';
import { GNN_MAX_BITS } from './model';

export interface GnnSystem {
  /** M, BS antennas (paper: 32; 2 in Fig. 10a; 8, 16 in Fig. 9) */
  antennas: number;
  /** K, single-antenna users (paper: 1, 2, 4, 6) */
  users: number;
  /** b, DAC bits per real dimension (paper: 1…4) */
  bits: number;
  /** P_T, total transmit power (paper §VI-A: M) */
  power: number;
}

export interface GnnSystemOptions {
  antennas: number;
  users: number;
  bits: number;
  /** default M (the paper) */
  power?: number;
}

export function gnnSystem(opts: GnnSystemOptions): GnnSystem {
  const fn = 'gnnSystem';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: needs { antennas, users, bits }; got ${String(opts)}`);
  const antennas = checkPositiveInt(fn, 'antennas (M)', opts.antennas);
  const users = checkPositiveInt(fn, 'users (K)', opts.users);
  const bits = checkPositiveInt(fn, 'bits (b)', opts.bits);
  if (bits > GNN_MAX_BITS) throw new Error(`${fn}(bits): must be an integer in 1..${GNN_MAX_BITS}; got ${opts.bits}`);
  if (users > antennas) throw new Error(`${fn}(users): ZF needs K ≤ M, so users must be in 1..${antennas} (antennas); got ${users}`);
  const power = opts.power === undefined ? antennas : checkFinite(fn, 'power (P_T)', opts.power, 0, false);
  return { antennas, users, bits, power };
}

/** The b-bit Lloyd-Max DAC of §II-B2 for a real N(0, 1/2) input (levels ±√(1/π) for b = 1). */
export function dacOf(bits: number): ScalarQuantizer {
  return lloydMax(bits, 0.5);
}

/** σ_v² = P_T / 10^(SNR/10) (§VI: SNR = P_T/σ_v²). */
export function noiseVarOf(sys: GnnSystem, snrDb: number): number {
  checkFinite('noiseVarOf', 'snrDb', snrDb, -100);
  if (snrDb > 200) throw new Error(`noiseVarOf(snrDb): must be in [-100, 200] dB; got ${snrDb}`);
  return sys.power / 10 ** (snrDb / 10);
}
