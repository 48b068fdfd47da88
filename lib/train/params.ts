/**
 * A trainable model's parameters: named `tf.Variable`s (`'enc1/kernel'`, `'gnn/l2/edge'`, …) that
 * layer functions register and read, the optimizer trains (`variables()`), and `train/checkpoint`
 * saves and restores by name (`named()`).
 *
 * Every initial value is drawn from `rng.fork('param/' + name)`: a parameter's initial value depends
 * only on the seed and its name, so adding, removing or reordering layers never changes the
 * initialisation of the others.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../core/random';
import { checkInitializer, Fans, fansOf, Initializer, initialValues } from './init';

/** How to create one parameter. */
export interface ParamSpec {
  shape: number[];
  init: Initializer;
  /** false for state that is saved but not trained (e.g. running statistics); default true */
  trainable?: boolean;
  /** fans for Glorot/He; default `fansOf(shape)` (Keras convention) */
  fans?: Fans;
}

const NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** A name for a parameter or layer: path segments of letters, digits, `_`, `.`, `-`, joined by `/`. */
export function checkParamName(what: string, name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new Error(`${what}: name must be segments of [A-Za-z0-9_.-] joined by '/' (e.g. "enc1/kernel"); got ${JSON.stringify(name)}`);
  }
  return name;
}

export class ParamSet {
  private readonly vars = new Map<string, { v: tf.Variable; trainable: boolean }>();
  private disposed = false;

  /** `rng`: the stream every initial value is drawn from (one fork per parameter name). */
  constructor(private readonly rng: Rng) {
    // by shape, not instanceof: a notebook may hold another copy of the class
    if (typeof (rng as Partial<Rng> | undefined)?.fork !== 'function') throw new Error('ParamSet(rng): rng must be an Rng (lib/core/random)');
  }

  /** Create and register parameter `name`; throws if the name is taken or the spec is invalid. */
  add(name: string, spec: ParamSpec): tf.Variable {
    this.checkAlive();
    checkParamName('ParamSet.add', name);
    if (this.vars.has(name)) throw new Error(`ParamSet.add: parameter "${name}" already exists (layer names must be unique)`);
    const shape = spec.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`ParamSet.add("${name}"): shape must hold positive integers; got [${String(shape)}]`);
    }
    checkInitializer(`ParamSet.add("${name}"): init`, spec.init);
    const n = shape.reduce((a, b) => a * b, 1);
    const values = initialValues(spec.init, n, spec.fans ?? fansOf(shape), this.rng.fork(`param/${name}`));
    const trainable = spec.trainable ?? true;
    const t = tf.tensor(values, shape, 'float32');
    const v = tf.variable(t, trainable);
    t.dispose();
    this.vars.set(name, { v, trainable });
    return v;
  }

  /** The parameter `name`; throws naming the known ones if it is missing. */
  get(name: string): tf.Variable {
    this.checkAlive();
    const e = this.vars.get(name);
    if (!e) throw new Error(`ParamSet: no parameter "${name}"; it has: ${this.names().join(', ') || '(none)'}`);
    return e.v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** All parameter names, in registration order. */
  names(): string[] {
    return [...this.vars.keys()];
  }

  /** The trainable variables, in registration order: `train({ variables: params.variables(), … })`. */
  variables(): tf.Variable[] {
    this.checkAlive();
    return [...this.vars.values()].filter((e) => e.trainable).map((e) => e.v);
  }

  /** The non-trainable variables (e.g. batch-norm running statistics): `train({ state: params.state(), … })`. */
  state(): tf.Variable[] {
    this.checkAlive();
    return [...this.vars.values()].filter((e) => !e.trainable).map((e) => e.v);
  }

  /** Every parameter (trainable or not) by name: what a checkpoint saves and restores. */
  named(): Record<string, tf.Variable> {
    this.checkAlive();
    const out: Record<string, tf.Variable> = {};
    for (const [k, e] of this.vars) out[k] = e.v;
    return out;
  }

  /** Shapes by name. */
  shapes(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [k, e] of this.vars) out[k] = e.v.shape.slice();
    return out;
  }

  /** Number of scalars, all parameters or only the trainable ones. */
  count(opts: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const e of this.vars.values()) if (!opts.trainableOnly || e.trainable) n += e.v.size;
    return n;
  }

  /** Free every variable; the set is unusable afterwards. */
  dispose(): void {
    for (const e of this.vars.values()) e.v.dispose();
    this.vars.clear();
    this.disposed = true;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('ParamSet: used after dispose()');
  }
}
