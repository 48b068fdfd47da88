/**
 * One seeded source for every random draw: channels, symbols, noise, initial weights.
 *
 * `Rng` wraps seedrandom's Alea generator (float64 uniforms in [0, 1)). Gaussians come from the
 * Box-Muller transform in float64 and are stored as float32 tensors. The same seed gives the same
 * numbers on every backend, because every draw is made in JavaScript, not by a backend kernel.
 * `fork(label)` derives an independent, reproducible stream (e.g. one for training channels, one for
 * test channels) so adding draws to one stream never shifts another.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { Complex } from './complex';
import { checkPositiveInt } from './validate';

export type Seed = number | string;

function checkShape(shape: readonly number[], name: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${name} must hold non-negative integers; got [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

export class Rng {
  readonly seed: string;
  private readonly prng: seedrandom.PRNG;
  private spare: number | undefined;

  constructor(seed: Seed) {
    if (typeof seed === 'number' && !Number.isFinite(seed)) throw new Error(`seed must be a finite number or a string; got ${seed}`);
    this.seed = String(seed);
    this.prng = seedrandom.alea(this.seed);
  }

  /** An independent stream named `label`, reproducible from this stream's seed alone. */
  fork(label: string): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** One uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    checkPositiveInt('Rng.int(n)', 'n', n);
    return Math.floor(this.prng() * n);
  }

  /** One standard normal draw (Box-Muller, float64). */
  gauss(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = this.prng();
    while (u <= 1e-300) u = this.prng();
    const v = this.prng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** n uniforms in [lo, hi). */
  uniformArray(n: number, lo = 0, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.prng();
    return out;
  }

  /** n normals N(mean, std²). */
  normalArray(n: number, std = 1, mean = 0): Float64Array {
    if (!(std >= 0) || !Number.isFinite(std)) throw new Error(`std must be finite and >= 0; got ${std}`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.gauss();
    return out;
  }

  /** n integers uniform in [0, m). */
  intArray(n: number, m: number): Int32Array {
    checkPositiveInt('Rng.intArray(n, m)', 'm', m);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.prng() * m);
    return out;
  }

  /** Real tensor of N(mean, std²) draws (float32). */
  normal(shape: number[], std = 1, mean = 0): tf.Tensor {
    const n = checkShape(shape, 'shape');
    return tf.tensor(Float32Array.from(this.normalArray(n, std, mean)), shape, 'float32');
  }

  /** Real tensor of U[lo, hi) draws (float32). */
  uniform(shape: number[], lo = 0, hi = 1): tf.Tensor {
    const n = checkShape(shape, 'shape');
    return tf.tensor(Float32Array.from(this.uniformArray(n, lo, hi)), shape, 'float32');
  }

  /** int32 tensor of integers uniform in [0, m). */
  integers(shape: number[], m: number): tf.Tensor {
    const n = checkShape(shape, 'shape');
    return tf.tensor(this.intArray(n, m), shape, 'int32');
  }

  /**
   * Circularly-symmetric complex Gaussian CN(0, variance): real and imaginary parts are
   * independent N(0, variance/2), so E|z|² = variance.
   */
  complexNormal(shape: number[], variance = 1): Complex {
    if (!(variance >= 0) || !Number.isFinite(variance)) throw new Error(`variance must be finite and >= 0; got ${variance}`);
    const std = Math.sqrt(variance / 2);
    return { re: this.normal(shape, std), im: this.normal(shape, std) };
  }

  /** An integer seed for APIs that want one (e.g. tf initialisers), drawn from this stream. */
  intSeed(): number {
    return Math.floor(this.prng() * 2 ** 31);
  }
}
