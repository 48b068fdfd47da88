/**
 * Monte-Carlo bit/symbol error rates over an SNR grid with early stopping, in the spirit of
 * Sionna's `sim_ber`: for each SNR point, call `run(snrDb, batchIndex)` until enough errors are
 * counted (`targetBitErrors` / `targetSymbolErrors`) or `maxBatches` batches are done; optionally
 * stop the whole sweep at the first SNR point without a single error (`stopWhenNoErrors`, Sionna's
 * `early_stop`). `run` is a callback, so any transmitter/precoder/receiver chain can be simulated;
 * give it its randomness from `batchRng(rng, snrDb, batchIndex)` so results are reproducible and do
 * not depend on where earlier points stopped.
 *
 * Confidence intervals are Wilson score intervals for a binomial proportion (E. B. Wilson, JASA
 * 1927). CAVEAT: they treat every bit (symbol) as an independent trial. Bits of one symbol are
 * correlated (a symbol error usually flips one bit, sometimes several; a precoder couples users),
 * so the BER interval is optimistic (too narrow) by up to a factor √(bitsPerSymbol); the SER
 * interval is exact for i.i.d. symbols over independent channel/noise draws.
 */
import * as tf from '@tensorflow/tfjs';
import { add } from '../core/complex';
import type { Rng } from '../core/random';
import { normCdfInv } from '../core/special';
import type { Constellation } from './constellation';
import { yieldToEventLoop } from '../core/io';
import { InterruptScope } from '../core/interrupt';
import { checkOptionalPositiveInt, checkPositiveInt } from '../core/validate';

/** What one batch counted. Integers; errors ≤ totals. */
export interface ErrorCounts {
  bitErrors: number;
  bits: number;
  symbolErrors: number;
  symbols: number;
}

/** Why an SNR point stopped: a target error count was reached, the batch budget ran out, or it
 * ran out with zero errors and `stopWhenNoErrors` ended the sweep there. */
export type StopReason = 'target' | 'maxBatches' | 'noErrors';

/** One row of the result table (one SNR point). Rates are NaN when nothing was counted. */
export interface ErrorRateRow {
  snrDb: number;
  ber: number;
  /** Wilson interval of the BER at the requested confidence (see the caveat above) */
  berLow: number;
  berHigh: number;
  ser: number;
  serLow: number;
  serHigh: number;
  bitErrors: number;
  bits: number;
  symbolErrors: number;
  symbols: number;
  batches: number;
  stoppedBy: StopReason;
}

export interface ErrorRateProgress {
  snrIndex: number;
  /** the row so far (stoppedBy is provisional until `done`) */
  row: ErrorRateRow;
  /** this SNR point is finished */
  done: boolean;
  /** ms since the sweep started */
  elapsedMs: number;
}

export type ErrorRateRun = (snrDb: number, batchIndex: number) => ErrorCounts | Promise<ErrorCounts>;

export interface SimulateErrorRateOptions {
  /** SNR grid in dB, simulated in the given order */
  snrDb: readonly number[];
  run: ErrorRateRun;
  /** batch budget per SNR point */
  maxBatches: number;
  /** batches to run before a target may stop a point (default 1) */
  minBatches?: number;
  /** stop a point once this many bit errors are counted */
  targetBitErrors?: number;
  /** stop a point once this many symbol errors are counted */
  targetSymbolErrors?: number;
  /** end the sweep at the first point with zero errors after maxBatches (default false) */
  stopWhenNoErrors?: boolean;
  /** confidence level of the intervals, in (0, 1) (default 0.95) */
  confidence?: number;
  /** called after every batch */
  progress?: (info: ErrorRateProgress) => void;
}

/**
 * Wilson score interval for a binomial proportion: k successes in n trials at the given two-sided
 * confidence. center = (p̂ + z²/2n)/(1 + z²/n), half-width = z/(1 + z²/n)·√(p̂(1 − p̂)/n + z²/4n²).
 * n = 0 gives [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): { low: number; high: number } {
  if (!Number.isInteger(trials) || trials < 0) throw new Error(`wilsonInterval(trials): must be an integer >= 0; got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new Error(`wilsonInterval(successes): must be an integer in [0, trials=${trials}]; got ${successes}`);
  }
  checkConfidence(confidence, 'wilsonInterval(confidence)');
  if (trials === 0) return { low: 0, high: 1 };
  const z = normCdfInv(1 - (1 - confidence) / 2);
  const n = trials;
  const p = successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // exact limits at the boundaries (avoid rounding just inside/outside [0, 1])
  return { low: successes === 0 ? 0 : Math.max(0, center - half), high: successes === n ? 1 : Math.min(1, center + half) };
}

function checkConfidence(c: number, name: string): void {
  if (!(c > 0 && c < 1)) throw new Error(`${name}: must be in (0, 1); got ${c}`);
}

function checkCounts(c: ErrorCounts, snrDb: number, batch: number): void {
  const where = `simulateErrorRate: run(snrDb=${snrDb}, batchIndex=${batch}) returned`;
  if (c === null || typeof c !== 'object') throw new Error(`${where} ${String(c)}; needs { bitErrors, bits, symbolErrors, symbols }`);
  for (const key of ['bitErrors', 'bits', 'symbolErrors', 'symbols'] as const) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${where} ${key}=${String(v)}; must be an integer >= 0`);
  }
  if (c.bitErrors > c.bits) throw new Error(`${where} bitErrors=${c.bitErrors} > bits=${c.bits}`);
  if (c.symbolErrors > c.symbols) throw new Error(`${where} symbolErrors=${c.symbolErrors} > symbols=${c.symbols}`);
}

function makeRow(snrDb: number, t: ErrorCounts, batches: number, stoppedBy: StopReason, confidence: number): ErrorRateRow {
  const b = wilsonInterval(t.bitErrors, t.bits, confidence);
  const s = wilsonInterval(t.symbolErrors, t.symbols, confidence);
  return {
    snrDb,
    ber: t.bits > 0 ? t.bitErrors / t.bits : NaN,
    berLow: b.low,
    berHigh: b.high,
    ser: t.symbols > 0 ? t.symbolErrors / t.symbols : NaN,
    serLow: s.low,
    serHigh: s.high,
    bitErrors: t.bitErrors,
    bits: t.bits,
    symbolErrors: t.symbolErrors,
    symbols: t.symbols,
    batches,
    stoppedBy,
  };
}

/**
 * Simulate BER/SER over `snrDb`. Returns one row per simulated SNR point, in grid order; with
 * `stopWhenNoErrors`, the sweep ends at the first error-free point (stoppedBy 'noErrors') and the
 * later points are not simulated (the table is then shorter than the grid).
 */
export async function simulateErrorRate(options: SimulateErrorRateOptions): Promise<ErrorRateRow[]> {
  const { snrDb, run, maxBatches, targetBitErrors, targetSymbolErrors, progress } = options;
  if (!Array.isArray(snrDb) || snrDb.length === 0) {
    throw new Error(`simulateErrorRate(snrDb): needs a non-empty array of finite SNRs in dB; got ${Array.isArray(snrDb) ? '[]' : String(snrDb)}`);
  }
  snrDb.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new Error(`simulateErrorRate(snrDb): entries must be finite numbers (dB); got ${String(s)} at index ${i}`);
  });
  if (typeof run !== 'function') throw new Error('simulateErrorRate(run): needs a function (snrDb, batchIndex) => ErrorCounts');
  const fn = 'simulateErrorRate';
  checkPositiveInt(fn, 'maxBatches', maxBatches);
  const minBatches = checkPositiveInt(fn, 'minBatches', options.minBatches ?? 1);
  if (minBatches > maxBatches) throw new Error(`simulateErrorRate(minBatches): must be <= maxBatches=${maxBatches}; got ${minBatches}`);
  checkOptionalPositiveInt(fn, 'targetBitErrors', targetBitErrors);
  checkOptionalPositiveInt(fn, 'targetSymbolErrors', targetSymbolErrors);
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence, 'simulateErrorRate(confidence)');
  const t0 = Date.now();
  const rows: ErrorRateRow[] = [];
  // SIGINT stops the sweep after the current batch: "simulation interrupted at step n/N" (SNR points)
  const interrupt = new InterruptScope('simulation');
  try {
    for (let si = 0; si < snrDb.length; si++) {
      const snr = snrDb[si];
      const total: ErrorCounts = { bitErrors: 0, bits: 0, symbolErrors: 0, symbols: 0 };
      let batches = 0;
      let stoppedBy: StopReason = 'maxBatches';
      while (batches < maxBatches) {
        const c = await run(snr, batches);
        checkCounts(c, snr, batches);
        total.bitErrors += c.bitErrors;
        total.bits += c.bits;
        total.symbolErrors += c.symbolErrors;
        total.symbols += c.symbols;
        batches++;
        const reached =
          (targetBitErrors !== undefined && total.bitErrors >= targetBitErrors) ||
          (targetSymbolErrors !== undefined && total.symbolErrors >= targetSymbolErrors);
        const done = (reached && batches >= minBatches) || batches >= maxBatches;
        if (done && reached) stoppedBy = 'target';
        else if (done && options.stopWhenNoErrors && total.bitErrors === 0 && total.symbolErrors === 0) stoppedBy = 'noErrors';
        progress?.({ snrIndex: si, row: makeRow(snr, total, batches, stoppedBy, confidence), done, elapsedMs: Date.now() - t0 });
        await yieldToEventLoop(); // let progress reach a Jupyter cell
        interrupt.check(si, snrDb.length);
        if (done) break;
      }
      rows.push(makeRow(snr, total, batches, stoppedBy, confidence));
      if (stoppedBy === 'noErrors') break;
    }
  } finally {
    interrupt.dispose();
  }
  return rows;
}

/**
 * The independent random stream of one (SNR point, batch): same (rng seed, snrDb, batchIndex)
 * → same draws, whatever else was simulated before.
 */
export function batchRng(rng: Rng, snrDb: number, batchIndex: number): Rng {
  return rng.fork(`snr=${snrDb}/batch=${batchIndex}`);
}

/**
 * A `run` callback for uncoded transmission of any constellation over AWGN at Es/N0 = snrDb:
 * y = s + n, n ~ CN(0, N0), N0 = Es/10^(snrDb/10) with Es the constellation's average energy,
 * then the ML hard decision. One batch = `symbolsPerBatch` uniform symbols; one data read.
 */
export function awgnQamRun(c: Constellation, rng: Rng, symbolsPerBatch: number): (snrDb: number, batchIndex: number) => ErrorCounts {
  checkPositiveInt('awgnQamRun', 'symbolsPerBatch', symbolsPerBatch);
  return (snrDb: number, batchIndex: number): ErrorCounts => {
    if (!Number.isFinite(snrDb)) throw new Error(`awgnQamRun: snrDb must be a finite number (dB); got ${snrDb}`);
    const r = batchRng(rng, snrDb, batchIndex);
    const n0 = c.averageEnergy / 10 ** (snrDb / 10);
    let counts: ErrorCounts | undefined;
    tf.tidy(() => {
      const { indices, symbols } = c.randomSymbols(r, [symbolsPerBatch]);
      const y = add(symbols, r.complexNormal([symbolsPerBatch], n0));
      counts = c.countErrors(indices, c.hardDecision(y));
    });
    return counts as ErrorCounts;
  };
}
