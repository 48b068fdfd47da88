/**
 * Inference memory of the SLP-SQ paper's networks (§V-D2, Fig. 9(b), Fig. 10, Table V).
 *
 * The paper's model (after its ref. [42]): memory = 32 bits × floating-point parameters + 1 bit ×
 * binary parameters, i.e. W_f + W_b/32 32-bit words. The paper does not say how a ternary weight is
 * stored; we count 2 bits (three states need ⌈log₂3⌉ = 2 bits in a plain packed layout), i.e.
 * W_t·2/32 words. `paperMemoryChecks` shows this is the reading that makes Table V's SLP-DTNet row
 * agree with its SLP-DBNet row (to 1 %), while log₂3 ≈ 1.585 bits does not.
 *
 * Units: `megabytes` is bytes/10^6 (SI MB); `mebibytes` is bytes/2^20. Table V cannot decide which
 * one the paper uses: its savings are ratios of its own MB column, which are unit-free (e.g.
 * 0.1898/0.0089 = 21.33 in either unit). Read as 10^6 bytes, Table V's 0.1898 MB is 47,450 FP32
 * parameters; as 2^20 bytes, 49,754. We report both and compare against the paper in `megabytes`.
 *
 * What `paperMemoryChecks` finds in Table V: the printed savings are the ratios of the printed MB
 * values (all four); SLP-DTNet agrees with SLP-DBNet under 2-bit ternary storage (0.0147 predicted vs
 * 0.0146 printed); but the DSQ rows (3.46×, 2.64× at QR = 0.5) cannot come from this memory model:
 * with half of the weights kept FP32 no network saves more than 1/(0.5 + 0.5·b/32) < 2×.
 *
 * Only weights are counted (the paper's "model size at the testing phase"); activations are not
 * stored parameters and are not part of this count, although Table V lists their bit widths.
 */
import type { SlpMethod } from './complexity';
import { checkQuantRatio } from './complexity';

/** Storage bits per parameter: FP32, binary, ternary (2 bits; see the module comment). */
export const BITS_PER_PARAM = { float: 32, binary: 1, ternary: 2 } as const;

/** Parameters of a model by storage type. */
export interface ParamSplit {
  /** W_f, 32-bit floating-point parameters */
  floatParams: number;
  /** W_b, 1-bit binary parameters; default 0 */
  binaryParams?: number;
  /** W_t, 2-bit ternary parameters; default 0 */
  ternaryParams?: number;
}

/** Memory of a model at inference. */
export interface MemoryFootprint {
  /** 32·W_f + 1·W_b + 2·W_t */
  bits: number;
  /** W_f + W_b/32 + W_t·2/32 (the paper's (1/32)W_b + W_f, extended to ternary) */
  words32: number;
  /** bits / 8 */
  bytes: number;
  /** bytes / 10^6 (SI megabytes) */
  megabytes: number;
  /** bytes / 2^20 */
  mebibytes: number;
}

function checkNonNegative(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${fn}: ${name} must be a finite number >= 0; got ${String(v)}`);
  }
  return v;
}

function checkNonNegativeInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new Error(`${fn}: ${name} must be an integer >= 0; got ${String(v)}`);
  }
  return v;
}

/**
 * §V-D2 of SLP-SQ: inference memory = 32 bits·W_f + 1 bit·W_b (+ 2 bits·W_t for ternary weights).
 * Counts may be fractional (QR·n of a continuous QR axis).
 */
export function inferenceMemory(o: ParamSplit): MemoryFootprint {
  const fn = 'inferenceMemory';
  if (o === null || typeof o !== 'object') throw new Error(`${fn}: needs { floatParams, binaryParams?, ternaryParams? }; got ${String(o)}`);
  const wf = checkNonNegative(fn, 'floatParams', o.floatParams);
  const wb = checkNonNegative(fn, 'binaryParams', o.binaryParams ?? 0);
  const wt = checkNonNegative(fn, 'ternaryParams', o.ternaryParams ?? 0);
  const bits = BITS_PER_PARAM.float * wf + BITS_PER_PARAM.binary * wb + BITS_PER_PARAM.ternary * wt;
  const bytes = bits / 8;
  return { bits, words32: bits / 32, bytes, megabytes: bytes / 1e6, mebibytes: bytes / 2 ** 20 };
}

/** The memory saving full/quantized (e.g. 21.33 for "21.33×"). */
export function compression(full: MemoryFootprint, quantized: MemoryFootprint): number {
  if (!(full.bytes >= 0) || !Number.isFinite(full.bytes)) throw new Error(`compression: full.bytes must be a finite number >= 0; got ${String(full.bytes)}`);
  if (!(quantized.bytes > 0) || !Number.isFinite(quantized.bytes)) throw new Error(`compression: quantized.bytes must be a finite number > 0; got ${String(quantized.bytes)}`);
  return full.bytes / quantized.bytes;
}

// ─── Table V as printed ────────────────────────────────────────────────────────────────────────

/** One row of the paper's Table V. */
export interface PaperTable5Row {
  model: 'SLP-DNet' | 'SLP-DBNet' | 'SLP-DTNet' | 'SLP-DSQBNet' | 'SLP-DSQTNet';
  method: SlpMethod;
  weights: string;
  activations: string;
  /** "Memory usage (MB)" as printed */
  megabytes: number;
  /** "Memory saving" as printed (×); null for the full-precision row ("–") */
  saving: number | null;
  source: 'paper Table V';
}

/** Table V of SLP-SQ, as printed (M = K = 4, QR = 0.5 for the DSQ rows, per Fig. 10). */
export const PAPER_TABLE5: readonly PaperTable5Row[] = [
  { model: 'SLP-DNet', method: 'slp-dnet', weights: '32-bit real', activations: '32-bit real', megabytes: 0.1898, saving: null, source: 'paper Table V' },
  { model: 'SLP-DBNet', method: 'slp-dbnet', weights: '{−1, +1}', activations: '{−1, +1}', megabytes: 0.0089, saving: 21.33, source: 'paper Table V' },
  { model: 'SLP-DTNet', method: 'slp-dtnet', weights: '{−1, 0, +1}', activations: '{−1, +1}', megabytes: 0.0146, saving: 13, source: 'paper Table V' },
  { model: 'SLP-DSQBNet', method: 'slp-dsqbnet', weights: '{−β_qf, β_qf}', activations: '{−β_2-bit, β_2-bit}', megabytes: 0.0548, saving: 3.46, source: 'paper Table V' },
  { model: 'SLP-DSQTNet', method: 'slp-dsqtnet', weights: '{−β_qf, 0, β_qf}', activations: '{−β_2-bit, β_2-bit}', megabytes: 0.0719, saving: 2.64, source: 'paper Table V' },
];

/** One check of Table V against itself. */
export interface MemoryCheck {
  id: string;
  model: PaperTable5Row['model'];
  /** the printed value (a saving in ×, or a memory in MB) */
  printed: number;
  /** what we compute from other printed values */
  computed: number;
  unit: '×' | 'MB';
  rule: string;
  consistent: boolean;
}

function decimalsOf(x: number): number {
  const s = String(x);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

function row(model: PaperTable5Row['model']): PaperTable5Row {
  const r = PAPER_TABLE5.find((x) => x.model === model);
  if (!r) throw new Error(`PAPER_TABLE5 has no row ${model}`);
  return r;
}

/**
 * Table V against itself.
 * 1. Savings vs the MB column: SLP-DNet MB / model MB against the printed saving. Rule: the printed
 *    saving lies in the range of ratios the 4-decimal MB values allow (each ± 0.00005), widened by
 *    half a unit of the saving's last printed digit.
 * 2. Rows against each other under the (W_f + W_b/32 + W_t·2/32) model: a fraction q of the weights
 *    is quantisable, the rest stays FP32. SLP-DBNet (all of q binary) fixes q:
 *    r_B = (1 − q) + q/32 ⇒ q = (1 − r_B)·32/31. Then predict SLP-DTNet (all of q ternary, 2 bits;
 *    and, for contrast, log₂3 bits) and the DSQ nets at QR = 0.5 (half of q binary/ternary, half
 *    FP32). Rule: prediction within 2 % of the printed MB.
 */
export function paperMemoryChecks(): MemoryCheck[] {
  const full = row('SLP-DNet').megabytes;
  const out: MemoryCheck[] = [];
  for (const r of PAPER_TABLE5) {
    if (r.saving === null) continue;
    const ratio = full / r.megabytes;
    const half = 0.5 * 10 ** -decimalsOf(r.saving);
    const lo = (full - 5e-5) / (r.megabytes + 5e-5) - half;
    const hi = (full + 5e-5) / (r.megabytes - 5e-5) + half;
    out.push({
      id: `saving-${r.method}`, model: r.model, printed: r.saving, computed: ratio, unit: '×',
      rule: 'printed saving within the ratio range of the rounded MB values (± half a unit of its last digit)',
      consistent: r.saving >= lo && r.saving <= hi,
    });
  }
  const rB = row('SLP-DBNet').megabytes / full;
  const q = ((1 - rB) * 32) / 31;
  const rel = (bitsQ: number, qr: number): number => 1 - q + q * (qr * bitsQ / 32 + (1 - qr));
  const rule = `within 2 % of the printed MB (q = ${q.toFixed(4)} of the weights quantisable, from the SLP-DBNet row)`;
  const predict = (id: string, model: PaperTable5Row['model'], bitsQ: number, qr: number): MemoryCheck => {
    const printed = row(model).megabytes;
    const computed = full * rel(bitsQ, qr);
    return { id, model, printed, computed, unit: 'MB', rule, consistent: Math.abs(computed / printed - 1) <= 0.02 };
  };
  out.push(
    predict('dtnet-from-dbnet-2bit', 'SLP-DTNet', BITS_PER_PARAM.ternary, 1),
    predict('dtnet-from-dbnet-log2-3bit', 'SLP-DTNet', Math.log2(3), 1),
    predict('dsqbnet-from-dbnet-qr0.5', 'SLP-DSQBNet', BITS_PER_PARAM.binary, 0.5),
    predict('dsqtnet-from-dbnet-qr0.5', 'SLP-DSQTNet', BITS_PER_PARAM.ternary, 0.5),
  );
  for (const [model, bits] of [['SLP-DSQBNet', BITS_PER_PARAM.binary], ['SLP-DSQTNet', BITS_PER_PARAM.ternary]] as const) {
    const printed = row(model).saving ?? NaN;
    const bound = qrSavingBound({ quantRatio: 0.5, bits });
    out.push({
      id: `${model === 'SLP-DSQBNet' ? 'dsqbnet' : 'dsqtnet'}-saving-bound-qr0.5`, model, printed, computed: bound, unit: '×',
      rule: `printed saving ≤ 1/((1 − QR) + QR·${bits}/32) at QR = 0.5, the most any network can save (every weight quantisable)`,
      consistent: printed <= bound,
    });
  }
  return out;
}

/**
 * The largest saving QR allows under the memory model: every weight quantisable (no FP32 rest),
 * QR of them stored in `bits` bits and 1 − QR in FP32: 1/((1 − QR) + QR·bits/32). At QR = 0.5:
 * 1.939× binary, 1.882× ternary (2 bits), and < 2× whatever the bit width.
 */
export function qrSavingBound(o: { quantRatio: number; bits: number }): number {
  const qr = checkQuantRatio('qrSavingBound', o.quantRatio);
  const bits = o.bits;
  if (typeof bits !== 'number' || !Number.isFinite(bits) || bits < 0 || bits > 32) {
    throw new Error(`qrSavingBound: bits must be a finite number in [0, 32]; got ${String(bits)}`);
  }
  return 1 / (1 - qr + (qr * bits) / 32);
}

/**
 * The QR at which the (W_f + W_b/32 + W_t·2/32) model, with q from the SLP-DBNet row, reproduces a
 * printed DSQ row's MB: r = 1 − q·QR·(1 − bits/32) ⇒ QR = (1 − r)/(q(1 − bits/32)). The paper says
 * QR = 0.5 for Fig. 10 / Table V.
 */
export function paperImpliedQuantRatio(model: 'SLP-DSQBNet' | 'SLP-DSQTNet'): number {
  const full = row('SLP-DNet').megabytes;
  const q = ((1 - row('SLP-DBNet').megabytes / full) * 32) / 31;
  const bits = model === 'SLP-DSQBNet' ? BITS_PER_PARAM.binary : BITS_PER_PARAM.ternary;
  return (1 - row(model).megabytes / full) / (q * (1 - bits / 32));
}

// ─── memory vs QR from a network's parameter counts (Fig. 9(b), Fig. 10) ─────────────────────────

/**
 * A network's parameters: `quantizable` are the weights that QR applies to (the rows Algorithm 1
 * may pick); `fullPrecision` always stay FP32 (last layer, biases, batch norm, PReLU slopes).
 */
export interface ParamCounts {
  quantizable: number;
  fullPrecision: number;
}

export type QuantScheme = 'full' | 'binary' | 'ternary';

function checkParams(fn: string, p: ParamCounts): ParamCounts {
  if (p === null || typeof p !== 'object') throw new Error(`${fn}: params must be { quantizable, fullPrecision }; got ${String(p)}`);
  const quantizable = checkNonNegativeInt(fn, 'params.quantizable', p.quantizable);
  const fullPrecision = checkNonNegativeInt(fn, 'params.fullPrecision', p.fullPrecision);
  if (quantizable + fullPrecision === 0) throw new Error(`${fn}: params must hold at least one parameter; got 0 + 0`);
  return { quantizable, fullPrecision };
}

function checkScheme(fn: string, s: unknown): QuantScheme {
  if (s !== 'full' && s !== 'binary' && s !== 'ternary') throw new Error(`${fn}: scheme must be 'full', 'binary' or 'ternary'; got ${String(s)}`);
  return s;
}

/**
 * How the parameters are stored at quantisation ratio QR: QR·quantizable binary (or ternary), the
 * rest FP32. QR = 0 is SLP-DNet, QR = 1 SLP-DBNet / SLP-DTNet. Treated as continuous in QR: in a
 * real network whole rows are quantised, so the counts step with the row length.
 */
export function quantisedParamSplit(o: { params: ParamCounts; quantRatio: number; scheme: QuantScheme }): ParamSplit {
  const fn = 'quantisedParamSplit';
  const p = checkParams(fn, o.params);
  const qr = checkQuantRatio(fn, o.quantRatio);
  const scheme = checkScheme(fn, o.scheme);
  if (scheme === 'full') return { floatParams: p.quantizable + p.fullPrecision, binaryParams: 0, ternaryParams: 0 };
  const q = qr * p.quantizable;
  const floatParams = p.fullPrecision + (p.quantizable - q);
  return scheme === 'binary'
    ? { floatParams, binaryParams: q, ternaryParams: 0 }
    : { floatParams, binaryParams: 0, ternaryParams: q };
}

/** Inference memory of a network at QR under a scheme ('full' ignores QR). */
export function modelMemory(o: { params: ParamCounts; quantRatio: number; scheme: QuantScheme }): MemoryFootprint {
  return inferenceMemory(quantisedParamSplit(o));
}

export interface MemoryVsQrSeries {
  quantRatios: number[];
  /** full-precision SLP-DNet (constant in QR), MB = 10^6 bytes */
  fullMegabytes: number[];
  /** SLP-DSQBNet at each QR (QR = 1: SLP-DBNet) */
  binaryMegabytes: number[];
  /** SLP-DSQTNet at each QR (QR = 1: SLP-DTNet) */
  ternaryMegabytes: number[];
}

/** Fig. 9(b): inference memory vs QR for the full-precision, binary and ternary networks. */
export function memoryVsQuantRatio(o: { params: ParamCounts; quantRatios: readonly number[] }): MemoryVsQrSeries {
  const fn = 'memoryVsQuantRatio';
  const params = checkParams(fn, o.params);
  if (!Array.isArray(o.quantRatios) || o.quantRatios.length === 0) throw new Error(`${fn}: quantRatios must be a non-empty array of numbers in [0, 1]`);
  const quantRatios = o.quantRatios.map((qr) => checkQuantRatio(fn, qr));
  const mb = (quantRatio: number, scheme: QuantScheme): number => modelMemory({ params, quantRatio, scheme }).megabytes;
  return {
    quantRatios,
    fullMegabytes: quantRatios.map((qr) => mb(qr, 'full')),
    binaryMegabytes: quantRatios.map((qr) => mb(qr, 'binary')),
    ternaryMegabytes: quantRatios.map((qr) => mb(qr, 'ternary')),
  };
}

/** One bar of Fig. 10 / row of Table V, computed. */
export interface MemoryRow {
  model: PaperTable5Row['model'];
  method: SlpMethod;
  memory: MemoryFootprint;
  /** SLP-DNet bytes / this row's bytes */
  saving: number;
}

/** Fig. 10 / Table V for a network: SLP-DNet, -DBNet, -DTNet, and the DSQ nets at `quantRatio` (default 0.5). */
export function memoryTable(o: { params: ParamCounts; quantRatio?: number }): MemoryRow[] {
  const fn = 'memoryTable';
  const params = checkParams(fn, o.params);
  const qr = checkQuantRatio(fn, o.quantRatio ?? 0.5);
  const full = modelMemory({ params, quantRatio: 0, scheme: 'full' });
  const rows: [PaperTable5Row['model'], SlpMethod, number, QuantScheme][] = [
    ['SLP-DNet', 'slp-dnet', 0, 'full'],
    ['SLP-DBNet', 'slp-dbnet', 1, 'binary'],
    ['SLP-DTNet', 'slp-dtnet', 1, 'ternary'],
    ['SLP-DSQBNet', 'slp-dsqbnet', qr, 'binary'],
    ['SLP-DSQTNet', 'slp-dsqtnet', qr, 'ternary'],
  ];
  return rows.map(([model, method, quantRatio, scheme]) => {
    const memory = modelMemory({ params, quantRatio, scheme });
    return { model, method, memory, saving: compression(full, memory) };
  });
}
