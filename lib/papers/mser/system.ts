/**
 * The hybrid analog–digital multi-user MIMO downlink of the MSER paper (Shi, Cai, Hu, Champagne,
 * Hanzo, §II): a BS with N_t antennas and R_t RF chains serves K users, each with N_r antennas, R_r RF
 * chains and D_k streams (equal for every user here; the paper simulates only equal ones).
 *
 * Conventions (the library's: H is receive × transmit, y = Hx + n): h: [B, K, N_r, N_t] complex.
 * Symbols are the paper's unnormalised alphabets: QPSK ±1 ± j (E_s = 2), square M-QAM F_m + jF_n with
 * F_n = 2n − √M − 1 (16-QAM: E_s = 10). The paper writes E{‖FVs‖²} = ‖FV‖² = P_T (1), i.e. E[ssᴴ] = I,
 * which these alphabets do not have; we keep the alphabets (the KDE (12)–(13) and the detectors (6), (45)
 * use them) and scale ‖FV‖² = P_T/E_s, so that the mean transmit power is P_T (ours). SNR = P_T/σ²
 * with σ² the noise variance per receive antenna (the definition; the paper gives none).
 */
import { checkFinite, checkPositiveInt } from '../../core/validate';

export type MserModulation = 'qpsk' | '16qam';
export const MSER_MODULATIONS: readonly MserModulation[] = ['qpsk', '16qam'];

export interface MserSystem {
  /** N_t, BS antennas (paper: 64) */
  txAntennas: number;
  /** R_t, BS RF chains (paper: 8) */
  txRf: number;
  /** K users (paper: 2) */
  users: number;
  /** N_r, antennas per user (paper: 8) */
  rxAntennas: number;
  /** R_r, RF chains per user (paper: 4) */
  rxRf: number;
  /** D_k, streams per user (paper: 3) */
  streams: number;
  modulation: MserModulation;
  /** P_T (ours: 1) */
  power: number;
}

/** Mean symbol energy E|b|² of the unnormalised alphabet: QPSK 2, 16-QAM 10. */
export function symbolEnergy(mod: MserModulation): number {
  if (mod === 'qpsk') return 2;
  if (mod === '16qam') return 10;
  throw new Error(`symbolEnergy(mod): one of ${MSER_MODULATIONS.join(', ')}; got ${String(mod)}`);
}

/** D = K·D_k, all streams. */
export function totalStreams(s: MserSystem): number {
  return s.users * s.streams;
}

/** σ² = P_T / 10^(SNR/10). */
export function noiseVarOf(s: MserSystem, snrDb: number): number {
  checkFinite('noiseVarOf', 'snrDb', snrDb);
  return s.power / 10 ** (snrDb / 10);
}

/**
 * Throws unless `s` is a valid system: positive integers, D_k ≤ R_r ≤ N_r at each user (a user cannot
 * separate more streams than its RF chains) and K·D_k ≤ R_t ≤ N_t at the BS.
 */
export function checkSystem(fn: string, s: MserSystem): MserSystem {
  if (s === null || typeof s !== 'object') throw new Error(`${fn}(sys): needs { txAntennas, txRf, users, rxAntennas, rxRf, streams, modulation, power }`);
  const nt = checkPositiveInt(fn, 'sys.txAntennas (N_t)', s.txAntennas);
  const rt = checkPositiveInt(fn, 'sys.txRf (R_t)', s.txRf);
  const k = checkPositiveInt(fn, 'sys.users (K)', s.users);
  const nr = checkPositiveInt(fn, 'sys.rxAntennas (N_r)', s.rxAntennas);
  const rr = checkPositiveInt(fn, 'sys.rxRf (R_r)', s.rxRf);
  const d = checkPositiveInt(fn, 'sys.streams (D_k)', s.streams);
  if (!MSER_MODULATIONS.includes(s.modulation)) throw new Error(`${fn}(sys.modulation): one of ${MSER_MODULATIONS.join(', ')}; got ${String(s.modulation)}`);
  checkFinite(fn, 'sys.power (P_T)', s.power, 0, false);
  if (rr > nr) throw new Error(`${fn}(sys.rxRf): R_r must be ≤ N_r = ${nr}; got ${rr}`);
  if (d > rr) throw new Error(`${fn}(sys.streams): D_k must be ≤ R_r = ${rr}; got ${d}`);
  if (rt > nt) throw new Error(`${fn}(sys.txRf): R_t must be ≤ N_t = ${nt}; got ${rt}`);
  if (k * d > rt) throw new Error(`${fn}(sys.txRf): R_t must be ≥ K·D_k = ${k * d} (every stream needs an RF chain); got ${rt}`);
  return s;
}

/** The paper's system of §VI-A: N_t = 64, R_t = 8, K = 2, N_r = 8, R_r = 4, D_k = 3, QPSK, P_T = 1. */
export const PAPER_SYSTEM: Readonly<MserSystem> = { txAntennas: 64, txRf: 8, users: 2, rxAntennas: 8, rxRf: 4, streams: 3, modulation: 'qpsk', power: 1 };
