/**
 * Weight initialisers, every number drawn from the project's seeded `Rng` (in JavaScript, float64,
 * stored as float32), so one seed decides every initial weight on every backend.
 *
 * - Glorot (Xavier): Glorot & Bengio, "Understanding the difficulty of training deep feedforward
 *   neural networks", AISTATS 2010, eq. (16): Var(w) = 2 / (fanIn + fanOut). The uniform variant is
 *   the paper's U[−√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut))]; the normal variant is N(0, that variance),
 *   untruncated (Keras truncates and rescales; we keep the exact variance of the formula).
 * - He (Kaiming): He, Zhang, Ren, Sun, "Delving deep into rectifiers", ICCV 2015, eq. (10):
 *   Var(w) = 2 / fanIn; normal N(0, 2/fanIn) as in the paper, uniform U[−√(6/fanIn), +√(6/fanIn)].
 * - `constant`, `zeros`, and plain `uniform` / `normal` with explicit ranges.
 *
 * Fans follow the Keras convention: a kernel of shape [...receptive, in, out] has
 * fanIn = receptive·in and fanOut = receptive·out; a vector of length n has fanIn = fanOut = n.
 */
import { Rng } from '../core/random';

export type InitName = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros';

/** An initialiser: a name for the fan-scaled and zero ones, or an object with its numbers. */
export type Initializer =
  | InitName
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'normal'; std: number; mean?: number };

const NAMES: readonly InitName[] = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'zeros'];

/** Fan-in and fan-out of a parameter (see the module comment). */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** Keras-style fans of a shape: [n] → (n, n); [..., in, out] → (receptive·in, receptive·out). */
export function fansOf(shape: readonly number[]): Fans {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

/** The variance the fan-scaled initialisers target: Glorot 2/(fanIn+fanOut), He 2/fanIn. */
export function targetVariance(init: 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal', fans: Fans): number {
  return init.startsWith('glorot') ? 2 / (fans.fanIn + fans.fanOut) : 2 / fans.fanIn;
}

function describe(init: Initializer): string {
  return typeof init === 'string' ? `"${init}"` : JSON.stringify(init);
}

/** Throws unless `init` is a known initialiser with finite numbers; `what` names the option. */
export function checkInitializer(what: string, init: Initializer): void {
  const bad = (why: string): never => {
    throw new Error(`${what}: ${why}; got ${describe(init)}`);
  };
  if (typeof init === 'string') {
    if (!NAMES.includes(init)) bad(`must be one of ${NAMES.join(', ')} or { kind: 'constant' | 'uniform' | 'normal', … }`);
    return;
  }
  if (init === null || typeof init !== 'object') bad('must be an initialiser name or object');
  switch (init.kind) {
    case 'constant':
      if (!Number.isFinite(init.value)) bad('constant value must be a finite number');
      return;
    case 'uniform':
      if (!Number.isFinite(init.low) || !Number.isFinite(init.high) || !(init.low < init.high)) bad('uniform needs finite low < high');
      return;
    case 'normal':
      if (!Number.isFinite(init.std) || init.std < 0) bad('normal std must be finite and >= 0');
      if (init.mean !== undefined && !Number.isFinite(init.mean)) bad('normal mean must be finite');
      return;
    default:
      bad(`kind must be 'constant', 'uniform' or 'normal'`);
  }
}

/**
 * `n` initial values for a parameter with fans `fans`, drawn from `rng` (float64, returned as
 * float32). Glorot/He need positive fans.
 */
export function initialValues(init: Initializer, n: number, fans: Fans, rng: Rng): Float32Array {
  checkInitializer('init', init);
  if (typeof init === 'string') {
    if (init === 'zeros') return new Float32Array(n);
    if (!(fans.fanIn > 0) || !(fans.fanOut > 0)) {
      throw new Error(`init "${init}": needs fanIn, fanOut > 0; got ${fans.fanIn}, ${fans.fanOut}`);
    }
    const variance = targetVariance(init, fans);
    if (init.endsWith('Uniform')) {
      const limit = Math.sqrt(3 * variance); // Var U[−a, a] = a²/3
      return Float32Array.from(rng.uniformArray(n, -limit, limit));
    }
    return Float32Array.from(rng.normalArray(n, Math.sqrt(variance)));
  }
  switch (init.kind) {
    case 'constant':
      return new Float32Array(n).fill(init.value);
    case 'uniform':
      return Float32Array.from(rng.uniformArray(n, init.low, init.high));
    case 'normal':
      return Float32Array.from(rng.normalArray(n, init.std, init.mean ?? 0));
  }
}
