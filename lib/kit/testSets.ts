/**
 * Held-out test sets: the same channels as tensors (for networks) and as float64 arrays (for
 * classic algorithms in JavaScript), so every curve of a figure is measured on identical channels
 * and compared with paired differences (`./stats`).
 */
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { ComplexBatchF64, toComplexBatchF64 } from '../core/complexF64';
import type { Rng } from '../core/random';
import { rayleigh } from '../phy/channels';

export interface TestSet {
  /** h: [count, K, M] complex (users × antennas) */
  h: Complex;
  /** the same numbers in float64 (rows = users, cols = antennas) */
  f64: ComplexBatchF64;
}

/** A test set from a given channel batch (the set takes ownership of `h`; dispose with `disposeTestSet`). */
export function testSetOf(h: Complex): TestSet {
  return { h, f64: toComplexBatchF64(h) };
}

/** `count` i.i.d. Rayleigh channels CN(0, 1) of K = users, M = antennas, drawn from `rng`. */
export function makeTestSet(rng: Rng, opts: { count: number; users: number; antennas: number }): TestSet {
  return testSetOf(rayleigh(rng, { batch: opts.count, users: opts.users, antennas: opts.antennas }));
}

export function disposeTestSet(t: TestSet): void {
  C.dispose(t.h);
}
