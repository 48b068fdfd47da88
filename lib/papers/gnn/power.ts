/**
 * Power consumption of the DACs and of the GNN processing (gnn-quantized-precoding §VII, eq. 39,
 * Figs. 12–13): MRT with b = 3 bit DACs against the GNN with b = 1 bit DACs, which meet the same
 * rate (7 bit/channel use at 20 dB, M = 32, K = 1, Fig. 7a).
 *
 * DAC, eq. (39), current steering [4]:  P_DAC ≈ ½·V_dd·I_0·(2^b − 1) + b·C_p·(f_s/2)·V_dd²
 * (V_dd = 3 V, I_0 = 10 µA, C_p = 1 pF): a static term, exponential in b, and a dynamic term, linear
 * in b and f_s. All 2M DACs (real and imaginary part per antenna): P_DACs,tot = 2M·P_DAC.
 * - baseband DAC: f_s = 4B (4× oversampling), so both precoders' power grows linearly in B;
 * - RF-DAC: f_s = 4f_c/(2n − 1), the signal at the centre of the n-th Nyquist zone (n = 2,
 *   f_c = 3.5 GHz: f_s = 4.67 GHz), independent of B, valid while f_s ≥ B.
 * GNN (§VII-B): P_GNN = (1/η)·B/(1 + α)·(O_add + O_mul), η = 646.6 TFLOP/s per W ([48]; that chip
 * reports 646.6 TOPS/W on 8-bit operands, the paper uses it as FLOP/s per W), α = 0.1.
 *
 * Closed forms used below (baseband): per DAC P_b(B) = s_b + k_b·B with s_b = ½V_dd I_0 (2^b − 1),
 * k_b = b·C_p·V_dd²·(oversampling/2). The saving of b = 3 over b = 1 DACs, 2M[(s_3 − s_1) + (k_3 − k_1)B],
 * and P_GNN = g·B are both linear in B, so the break-even bandwidth is 2M(s_3 − s_1)/(g − 2M(k_3 − k_1)),
 * and the DAC power ratio (s_3 + k_3 B)/(s_1 + k_1 B) falls from (2^3 − 1)/(2^1 − 1) = 7 at B → 0
 * (static term) to 3/1 = 3 as B → ∞ (dynamic term).
 */
import { checkFinite, checkPositiveInt } from '../../core/validate';
import {
  ACCELERATOR_FLOPS_PER_SECOND, checkAgainst, maxBandwidth, PAPER_GNNS, PAPER_POWER_SYSTEM, paperGnnFlops, PaperCheck,
  PaperNumber, ROLL_OFF,
} from './complexity';
import { GNN_MAX_BITS } from './model';

/** The circuit constants of eq. (39). */
export interface DacParameters {
  /** V_dd, supply voltage, V (default 3) */
  vdd?: number;
  /** I_0, LSB current source, A (default 10e-6) */
  i0?: number;
  /** C_p, parasitic capacitance per transistor, F (default 1e-12) */
  cp?: number;
}

/** §VII-A, from [4]. */
export const DAC_DEFAULTS: Required<DacParameters> = { vdd: 3, i0: 10e-6, cp: 1e-12 };
/** η of the accelerator [48], FLOP/s per W (646.6 TFLOP/s/W). */
export const ACCELERATOR_EFFICIENCY = 646.6e12;
/** f_c of §VII-A. */
export const CARRIER_HZ = 3.5e9;
/** Largest DAC resolution accepted by the power model (eq. 39 has 2^b − 1 unit current sources). */
export const DAC_MAX_BITS = 16;

/** Power in W, split into the two terms of eq. (39). */
export interface DacPower {
  /** ½·V_dd·I_0·(2^b − 1) */
  staticW: number;
  /** b·C_p·(f_s/2)·V_dd² */
  dynamicW: number;
  totalW: number;
}

function checkDacBits(fn: string, name: string, v: unknown, max = DAC_MAX_BITS): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new Error(`${fn}: ${name} must be an integer in 1..${max}; got ${String(v)}`);
  return v;
}

function dacParams(fn: string, o: DacParameters | undefined): Required<DacParameters> {
  const d = { ...DAC_DEFAULTS, ...(o ?? {}) };
  return { vdd: checkFinite(fn, 'vdd', d.vdd, 0, false), i0: checkFinite(fn, 'i0', d.i0, 0), cp: checkFinite(fn, 'cp', d.cp, 0) };
}

function checkObject(fn: string, o: unknown, shape: string): void {
  if (o === null || typeof o !== 'object') throw new Error(`${fn}: needs ${shape}; got ${String(o)}`);
}

export interface DacPowerOptions extends DacParameters {
  /** b, 1..16 */
  bits: number;
  /** f_s, Hz */
  samplingRateHz: number;
}

/** One DAC, eq. (39): P_DAC ≈ ½·V_dd·I_0·(2^b − 1) + b·C_p·(f_s/2)·V_dd² (W). */
export function dacPower(opts: DacPowerOptions): DacPower {
  const fn = 'dacPower';
  checkObject(fn, opts, '{ bits, samplingRateHz, vdd?, i0?, cp? }');
  const b = checkDacBits(fn, 'bits (b)', opts.bits);
  const fs = checkFinite(fn, 'samplingRateHz (f_s)', opts.samplingRateHz, 0);
  const { vdd, i0, cp } = dacParams(fn, opts);
  const staticW = 0.5 * vdd * i0 * (2 ** b - 1);
  const dynamicW = b * cp * (fs / 2) * vdd * vdd;
  return { staticW, dynamicW, totalW: staticW + dynamicW };
}

/** All 2M DACs of M antennas (real and imaginary part each), §VII-A: 2M·P_DAC. */
export function dacArrayPower(opts: DacPowerOptions & { antennas: number }): DacPower {
  const fn = 'dacArrayPower';
  checkObject(fn, opts, '{ antennas, bits, samplingRateHz, vdd?, i0?, cp? }');
  const n = 2 * checkPositiveInt(fn, 'antennas (M)', opts.antennas);
  const one = dacPower(opts);
  return { staticW: n * one.staticW, dynamicW: n * one.dynamicW, totalW: n * one.totalW };
}

/** Baseband DAC: f_s = oversampling·B (§VII-A: 4B). */
export function basebandSamplingRate(opts: { bandwidthHz: number; oversampling?: number }): number {
  const fn = 'basebandSamplingRate';
  checkObject(fn, opts, '{ bandwidthHz, oversampling? }');
  const B = checkFinite(fn, 'bandwidthHz (B)', opts.bandwidthHz, 0);
  return checkFinite(fn, 'oversampling', opts.oversampling ?? 4, 0, false) * B;
}

/**
 * RF-DAC: f_s = 4f_c/(2n − 1), the signal at the centre of the n-th Nyquist zone (§VII-A: n = 2,
 * f_s = 4f_c/3). With `bandwidthHz`, checks f_s ≥ B.
 */
export function rfSamplingRate(opts: { carrierHz?: number; nyquistZone?: number; bandwidthHz?: number } = {}): number {
  const fn = 'rfSamplingRate';
  checkObject(fn, opts, '{ carrierHz?, nyquistZone?, bandwidthHz? }');
  const fc = checkFinite(fn, 'carrierHz (f_c)', opts.carrierHz ?? CARRIER_HZ, 0, false);
  const n = checkPositiveInt(fn, 'nyquistZone (n)', opts.nyquistZone ?? 2);
  const fs = (4 * fc) / (2 * n - 1);
  if (opts.bandwidthHz !== undefined) {
    const B = checkFinite(fn, 'bandwidthHz (B)', opts.bandwidthHz, 0);
    if (fs < B) throw new Error(`${fn}: the RF-DAC needs f_s >= B, so bandwidthHz must be in [0, ${fs}] (f_s = 4f_c/(2n − 1)); got ${B}`);
  }
  return fs;
}

export interface ProcessingOptions {
  /** O_add + O_mul per symbol vector */
  flops: number;
  bandwidthHz: number;
  /** η, FLOP/s per W; default 646.6e12 */
  efficiency?: number;
  /** α, default 0.1 */
  rollOff?: number;
}

function checkRollOff(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new Error(`${fn}: rollOff (α) must be a number in [0, 1]; got ${String(v)}`);
  return v;
}

/** P_GNN = (1/η)·B/(1 + α)·(O_add + O_mul), W (§VII-B). */
export function gnnProcessingPower(opts: ProcessingOptions): number {
  const fn = 'gnnProcessingPower';
  checkObject(fn, opts, '{ flops, bandwidthHz, efficiency?, rollOff? }');
  const F = checkFinite(fn, 'flops', opts.flops, 0);
  const B = checkFinite(fn, 'bandwidthHz (B)', opts.bandwidthHz, 0);
  const eta = checkFinite(fn, 'efficiency (η)', opts.efficiency ?? ACCELERATOR_EFFICIENCY, 0, false);
  const alpha = checkRollOff(fn, opts.rollOff ?? ROLL_OFF);
  return (B / (1 + alpha)) * F / eta;
}

export type DacKind = 'baseband' | 'rf';

/** The system and hardware of §VII; every field has the paper's value as default. */
export interface PowerSystemOptions {
  /** M, default 32 */
  antennas?: number;
  /** b of the GNN's DACs, 1..4, default 1 */
  gnnBits?: number;
  /** b of the baseline (MRT) DACs, default 3 */
  baselineBits?: number;
  /** eq. (39) constants */
  dac?: DacParameters;
  /** baseband f_s = oversampling·B, default 4 */
  oversampling?: number;
  /** RF-DAC f_c, default 3.5e9 Hz */
  carrierHz?: number;
  /** RF-DAC Nyquist zone n, default 2 */
  nyquistZone?: number;
  /** η, default 646.6e12 FLOP/s per W */
  efficiency?: number;
  /** α, default 0.1 */
  rollOff?: number;
  /** S_max, default 39.8e12 FLOP/s */
  acceleratorFlopsPerSecond?: number;
}

interface PowerSystem {
  antennas: number; gnnBits: number; baselineBits: number; dac: Required<DacParameters>; oversampling: number;
  carrierHz: number; nyquistZone: number; efficiency: number; rollOff: number; acceleratorFlopsPerSecond: number;
}

function powerSystem(fn: string, o: PowerSystemOptions): PowerSystem {
  checkObject(fn, o, 'an options object');
  const s: PowerSystem = {
    antennas: checkPositiveInt(fn, 'antennas (M)', o.antennas ?? PAPER_POWER_SYSTEM.antennas),
    gnnBits: checkDacBits(fn, 'gnnBits', o.gnnBits ?? 1, GNN_MAX_BITS),
    baselineBits: checkDacBits(fn, 'baselineBits', o.baselineBits ?? 3),
    dac: dacParams(fn, o.dac),
    oversampling: checkFinite(fn, 'oversampling', o.oversampling ?? 4, 0, false),
    carrierHz: checkFinite(fn, 'carrierHz (f_c)', o.carrierHz ?? CARRIER_HZ, 0, false),
    nyquistZone: checkPositiveInt(fn, 'nyquistZone (n)', o.nyquistZone ?? 2),
    efficiency: checkFinite(fn, 'efficiency (η)', o.efficiency ?? ACCELERATOR_EFFICIENCY, 0, false),
    rollOff: checkRollOff(fn, o.rollOff ?? ROLL_OFF),
    acceleratorFlopsPerSecond: checkFinite(fn, 'acceleratorFlopsPerSecond', o.acceleratorFlopsPerSecond ?? ACCELERATOR_FLOPS_PER_SECOND, 0, false),
  };
  return s;
}

function samplingRate(fn: string, s: PowerSystem, dac: DacKind, B: number): number {
  if (dac === 'baseband') return basebandSamplingRate({ bandwidthHz: B, oversampling: s.oversampling });
  if (dac === 'rf') {
    const fs = rfSamplingRate({ carrierHz: s.carrierHz, nyquistZone: s.nyquistZone });
    if (fs < B) throw new Error(`${fn}: the RF-DAC needs f_s >= B, so bandwidths must be in [0, ${fs}] Hz (f_s = 4f_c/(2n − 1)); got ${B}`);
    return fs;
  }
  throw new Error(`${fn}: dac must be 'baseband' or 'rf'; got ${String(dac)}`);
}

function arrayPower(s: PowerSystem, bits: number, fs: number): number {
  return dacArrayPower({ antennas: s.antennas, bits, samplingRateHz: fs, ...s.dac }).totalW;
}

/** Baseband 2M DACs as static + slope·B: { staticW: 2M·s_b, slopeWPerHz: 2M·k_b }. */
function basebandLine(s: PowerSystem, bits: number): { staticW: number; slopeWPerHz: number } {
  const p = dacArrayPower({ antennas: s.antennas, bits, samplingRateHz: s.oversampling, ...s.dac }); // f_s at B = 1 Hz
  return { staticW: p.staticW, slopeWPerHz: p.dynamicW };
}

/** One point of one curve of Fig. 12 (baseband) or Fig. 13 (RF). */
export interface PowerRow {
  dac: DacKind;
  bandwidthHz: number;
  /** legend text, e.g. 'MRT DACs (b = 3)', 'GNN DACs + processing (N_h = 4, d_h = 128)' */
  series: string;
  role: 'baselineDacs' | 'gnnDacs' | 'gnnTotal';
  /** the GNN's label (gnnTotal rows only) */
  gnn?: string;
  bits: number;
  /** 2M·P_DAC */
  dacsW: number;
  /** P_GNN (0 for DAC-only rows) */
  processingW: number;
  totalW: number;
  /** false where B > B_max of this GNN on the accelerator: plotted anyway, as the paper does (Fig. 13, footnote 3) */
  feasible: boolean;
}

export interface PowerCurvesOptions extends PowerSystemOptions {
  bandwidthsHz: readonly number[];
  /** the GNNs to add processing for, FLOPs per symbol vector (e.g. `paperFlops(…).total`) */
  gnns: readonly { label: string; flops: number }[];
  /** default both */
  dacs?: readonly DacKind[];
}

/**
 * The curves of Figs. 12 (baseband) and 13 (RF): baseline DACs (MRT, b = 3), GNN DACs (b = 1), and
 * GNN DACs + P_GNN for each GNN, at each bandwidth. Long format: one row per (dac, bandwidth, series).
 */
export function powerCurves(opts: PowerCurvesOptions): PowerRow[] {
  const fn = 'powerCurves';
  const s = powerSystem(fn, opts);
  if (!Array.isArray(opts.bandwidthsHz) || opts.bandwidthsHz.length === 0) throw new Error(`${fn}: bandwidthsHz must be a non-empty array of bandwidths >= 0 Hz`);
  const Bs = opts.bandwidthsHz.map((B, i) => checkFinite(fn, `bandwidthsHz[${i}]`, B, 0));
  if (!Array.isArray(opts.gnns)) throw new Error(`${fn}: gnns must be an array of { label, flops }`);
  const gnns = opts.gnns.map((g, i) => ({ label: String(g?.label), flops: checkFinite(fn, `gnns[${i}].flops`, g?.flops, 0, false) }));
  const dacs = opts.dacs ?? (['baseband', 'rf'] as const);
  const rows: PowerRow[] = [];
  for (const dac of dacs) {
    for (const B of Bs) {
      const fs = samplingRate(fn, s, dac, B);
      const base = arrayPower(s, s.baselineBits, fs);
      const low = arrayPower(s, s.gnnBits, fs);
      const common = { dac, bandwidthHz: B };
      rows.push({ ...common, series: `MRT DACs (b = ${s.baselineBits})`, role: 'baselineDacs', bits: s.baselineBits, dacsW: base, processingW: 0, totalW: base, feasible: true });
      rows.push({ ...common, series: `GNN DACs (b = ${s.gnnBits})`, role: 'gnnDacs', bits: s.gnnBits, dacsW: low, processingW: 0, totalW: low, feasible: true });
      for (const g of gnns) {
        const p = gnnProcessingPower({ flops: g.flops, bandwidthHz: B, efficiency: s.efficiency, rollOff: s.rollOff });
        const bmax = maxBandwidth({ flops: g.flops, acceleratorFlopsPerSecond: s.acceleratorFlopsPerSecond, rollOff: s.rollOff });
        rows.push({
          ...common, series: `GNN DACs + processing (${g.label})`, role: 'gnnTotal', gnn: g.label, bits: s.gnnBits,
          dacsW: low, processingW: p, totalW: low + p, feasible: B <= bmax,
        });
      }
    }
  }
  return rows;
}

/** The closed form of the baseband break-even (module comment); W and W/Hz. */
export interface BreakEven {
  /** B where GNN DACs + P_GNN = baseline DACs; Infinity if the GNN never costs more */
  bandwidthHz: number;
  /** 2M(s_3 − s_1): what b = 1 DACs save at B = 0 (static term) */
  dacSavingAtZeroW: number;
  /** 2M(k_3 − k_1): how that saving grows with B */
  dacSavingSlopeWPerHz: number;
  /** g = flops/(η(1 + α)): how P_GNN grows with B */
  processingSlopeWPerHz: number;
}

/**
 * Baseband DACs: the bandwidth below which b = 1 DACs + P_GNN use less power than b = 3 DACs
 * (§VII-B: ≈ 200 kHz for N_h = 4, d_h = 128; 3.5 MHz for N_h = 8, d_h = 32). Both sides are
 * linear in B: B* = 2M(s_3 − s_1)/(g − 2M(k_3 − k_1)).
 */
export function breakEvenBandwidth(opts: PowerSystemOptions & { flops: number }): BreakEven {
  const fn = 'breakEvenBandwidth';
  const s = powerSystem(fn, opts);
  const F = checkFinite(fn, 'flops', opts.flops, 0, false);
  if (s.gnnBits >= s.baselineBits) throw new Error(`${fn}: gnnBits must be below baselineBits (${s.baselineBits}), so in 1..${Math.min(GNN_MAX_BITS, s.baselineBits - 1)}; got ${s.gnnBits}`);
  const hi = basebandLine(s, s.baselineBits), lo = basebandLine(s, s.gnnBits);
  const dacSavingAtZeroW = hi.staticW - lo.staticW;
  const dacSavingSlopeWPerHz = hi.slopeWPerHz - lo.slopeWPerHz;
  const processingSlopeWPerHz = gnnProcessingPower({ flops: F, bandwidthHz: 1, efficiency: s.efficiency, rollOff: s.rollOff });
  const net = processingSlopeWPerHz - dacSavingSlopeWPerHz;
  return { bandwidthHz: net > 0 ? dacSavingAtZeroW / net : Infinity, dacSavingAtZeroW, dacSavingSlopeWPerHz, processingSlopeWPerHz };
}

/**
 * baseline DACs / (GNN DACs + P_GNN) at one bandwidth: > 1 means the GNN saves power. Without
 * `flops`, DACs only (the "4–7×" baseband and "3×" RF savings of §VII-A).
 */
export function powerReduction(opts: PowerSystemOptions & { dac: DacKind; bandwidthHz: number; flops?: number }): number {
  const fn = 'powerReduction';
  const s = powerSystem(fn, opts);
  const B = checkFinite(fn, 'bandwidthHz (B)', opts.bandwidthHz, 0);
  const fs = samplingRate(fn, s, opts.dac, B);
  const p = opts.flops === undefined ? 0
    : gnnProcessingPower({ flops: checkFinite(fn, 'flops', opts.flops, 0), bandwidthHz: B, efficiency: s.efficiency, rollOff: s.rollOff });
  return arrayPower(s, s.baselineBits, fs) / (arrayPower(s, s.gnnBits, fs) + p);
}

/**
 * Baseband DACs: the bandwidth at which baseline/GNN DAC power equals `ratio`,
 * B = (s_hi − r·s_lo)/(r·k_lo − k_hi). The ratio falls from (2^{b_hi} − 1)/(2^{b_lo} − 1) at B = 0
 * to b_hi/b_lo as B → ∞, so `ratio` must lie strictly between the two (or equal the first: B = 0).
 */
export function bandwidthForDacRatio(opts: PowerSystemOptions & { ratio: number }): number {
  const fn = 'bandwidthForDacRatio';
  const s = powerSystem(fn, opts);
  const r = checkFinite(fn, 'ratio', opts.ratio, 0, false);
  const hi = basebandLine(s, s.baselineBits), lo = basebandLine(s, s.gnnBits);
  const sHi = hi.staticW, sLo = lo.staticW, kHi = hi.slopeWPerHz, kLo = lo.slopeWPerHz;
  const r0 = sHi / sLo, rInf = kHi / kLo;
  const [min, max] = r0 < rInf ? [r0, rInf] : [rInf, r0];
  if (!(r === r0 || (r > min && r < max))) throw new Error(`${fn}: ratio must be between ${rInf} (B → ∞, excluded) and ${r0} (B = 0); got ${r}`);
  return (sHi - r * sLo) / (r * kLo - kHi);
}

/** RF-DACs at B_max of a GNN: baseline / (GNN DACs + P_GNN), where P_GNN = S_max/η for any GNN. */
export function rfReductionAtMaxBandwidth(opts: PowerSystemOptions & { flops: number }): { maxBandwidthHz: number; processingW: number; reduction: number } {
  const fn = 'rfReductionAtMaxBandwidth';
  const s = powerSystem(fn, opts);
  const F = checkFinite(fn, 'flops', opts.flops, 0, false);
  const maxBandwidthHz = maxBandwidth({ flops: F, acceleratorFlopsPerSecond: s.acceleratorFlopsPerSecond, rollOff: s.rollOff });
  const processingW = gnnProcessingPower({ flops: F, bandwidthHz: maxBandwidthHz, efficiency: s.efficiency, rollOff: s.rollOff });
  const reduction = powerReduction({ ...opts, dac: 'rf', bandwidthHz: maxBandwidthHz, flops: F });
  return { maxBandwidthHz, processingW, reduction };
}

/** The power numbers §VII states (M = 32, K = 1, b = 1 against MRT with b = 3). */
export const PAPER_STATED_POWER: readonly PaperNumber[] = [
  { id: 'breakEven/large', what: 'baseband: bandwidth below which the GNN (N_h = 4, d_h = 128) saves power overall', where: '§VII-B, Fig. 12', stated: 200e3, unit: 'Hz' },
  { id: 'breakEven/small', what: 'baseband: bandwidth up to which the GNN (N_h = 8, d_h = 32) saves power overall', where: 'abstract, §VII-B, Fig. 12', stated: 3.5e6, unit: 'Hz' },
  { id: 'basebandDacRatio/max', what: 'baseband DAC saving b = 3 vs b = 1, upper end of "4–7×" (B → 0)', where: 'abstract, §VII-A', stated: 7, unit: '' },
  { id: 'basebandDacRatio/min', what: 'baseband DAC saving b = 3 vs b = 1, lower end of "4–7×", evaluated at B = 3.5 MHz (the largest B at which the paper uses the GNN)', where: 'abstract, §VII-A', stated: 4, unit: '' },
  { id: 'rfDacRatio', what: 'RF-DAC saving b = 3 vs b = 1', where: 'abstract, §VII-A', stated: 3, unit: '' },
  { id: 'rfReduction/small@Bmax', what: 'RF: total power reduction with the GNN (N_h = 8, d_h = 32) at its B_max = 15.8 MHz', where: 'abstract, §VII-B, Fig. 13', stated: 2.9, unit: '' },
];

function statedPower(id: string): PaperNumber {
  const n = PAPER_STATED_POWER.find((x) => x.id === id);
  if (!n) throw new Error(`no stated number ${id}`);
  return n;
}

/** §VII's power numbers against eq. (39) and P_GNN with eqs. (37)–(38) (defaults: the paper's values). */
export function powerPaperChecks(): PaperCheck[] {
  const large = paperGnnFlops('large'), small = paperGnnFlops('small');
  const at4 = bandwidthForDacRatio({ ratio: 4 });
  return [
    checkAgainst(statedPower('breakEven/large'), breakEvenBandwidth({ flops: large }).bandwidthHz,
      'Closed form 2M(s_3 − s_1)/(g − 2M(k_3 − k_1)) with (37)–(38): reproduced.'),
    checkAgainst(statedPower('breakEven/small'), breakEvenBandwidth({ flops: small }).bandwidthHz,
      'Closed form with (37)–(38): 3.62 MHz, 3.3 % above the stated 3.5 MHz (within 5 %; the paper gives a rounded value, likely read off Fig. 12).'),
    checkAgainst(statedPower('basebandDacRatio/max'), powerReduction({ dac: 'baseband', bandwidthHz: 0 }),
      'B → 0: only the static term is left, (2^3 − 1)/(2^1 − 1) = 7.'),
    checkAgainst(statedPower('basebandDacRatio/min'), powerReduction({ dac: 'baseband', bandwidthHz: 3.5e6 }),
      `The ratio falls continuously from 7 (B → 0) towards 3 (B → ∞); it equals 4 at B = ${(at4 / 1e6).toFixed(2)} MHz, so "4–7×" `
      + 'describes B ≤ 2.5 MHz. At 3.5 MHz, where the small GNN stops paying off, it is 3.77 (−5.8 %); the paper does not say at which B it read the 4.',
      [{ reading: 'ratio at B = 2.5 MHz', value: powerReduction({ dac: 'baseband', bandwidthHz: at4 }) }]),
    checkAgainst(statedPower('rfDacRatio'), powerReduction({ dac: 'rf', bandwidthHz: 0 }),
      'f_s = 4f_c/3 = 4.67 GHz: the dynamic term dominates, (3·C_p f_s V_dd²/2 + 105 µW)/(C_p f_s V_dd²/2 + 15 µW) ≈ 3.003: reproduced.'),
    checkAgainst(statedPower('rfReduction/small@Bmax'), rfReductionAtMaxBandwidth({ flops: small }).reduction,
      'At B_max, P_GNN = S_max/η = 39.8/646.6 W = 61.6 mW for any GNN; 4.039 W/(1.345 W + 0.062 W) = 2.87: reproduced (rounded 2.9).'),
  ];
}

/** The two GNNs of §VII-B with their (37)–(38) FLOPs, for `powerCurves({ gnns })`. */
export function paperGnnsForPower(): { label: string; flops: number }[] {
  return PAPER_GNNS.map((g) => ({ label: g.label, flops: paperGnnFlops(g.key) }));
}
