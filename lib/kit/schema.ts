/**
 * Small runtime schemas for files we read back (saved runs, results): `check(value, path)` returns
 * the value typed, or throws an error naming the path of the first thing that is wrong
 * ("data/x.json: results.fig2.wmmse[3] must be a finite number; got null"). No unchecked casts.
 */

export interface Schema<T> {
  check(v: unknown, path: string): T;
  /** what it accepts, for error messages */
  readonly describe: string;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function fail(path: string, describe: string, v: unknown): never {
  let got: string;
  try {
    got = v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 60) ?? String(v);
  } catch {
    got = typeof v;
  }
  throw new Error(`${path} must be ${describe}; got ${got}`);
}

function schema<T>(describe: string, check: (v: unknown, path: string) => T): Schema<T> {
  return { describe, check };
}

export const finite: Schema<number> = schema('a finite number', (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a finite number', v)));
export const integer: Schema<number> = schema('an integer', (v, p) => (typeof v === 'number' && Number.isInteger(v) ? v : fail(p, 'an integer', v)));
export const string: Schema<string> = schema('a string', (v, p) => (typeof v === 'string' ? v : fail(p, 'a string', v)));
export const boolean: Schema<boolean> = schema('true or false', (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v)));
export const numberOrString: Schema<number | string> = schema('a number or a string', (v, p) =>
  (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' ? v : fail(p, 'a number or a string', v),
);

/** Exactly this value (format tags). */
export function literal<T extends string | number>(value: T): Schema<T> {
  const d = JSON.stringify(value);
  return schema(d, (v, p) => (v === value ? value : fail(p, d, v)));
}

/** An array whose items all match `item` (and, with `length`, of that length). */
export function array<T>(item: Schema<T>, opts: { length?: number; minLength?: number } = {}): Schema<T[]> {
  const d = `an array${opts.length !== undefined ? ` of ${opts.length}` : ''} of ${item.describe}`;
  return schema(d, (v, p) => {
    if (!Array.isArray(v)) return fail(p, d, v);
    if (opts.length !== undefined && v.length !== opts.length) throw new Error(`${p} must have ${opts.length} items; got ${v.length}`);
    if (opts.minLength !== undefined && v.length < opts.minLength) throw new Error(`${p} must have at least ${opts.minLength} items; got ${v.length}`);
    return v.map((x, i) => item.check(x, `${p}[${i}]`));
  });
}

/** Present or absent (undefined); null is not accepted. */
export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return schema(`${inner.describe} or nothing`, (v, p) => (v === undefined ? undefined : inner.check(v, p)));
}

type Shape = Record<string, Schema<unknown>>;
/** Fields whose schema accepts undefined (`optional(…)`) become optional properties. */
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/** A plain object with these fields (extra fields are an error: a typo in a file should not pass). */
export function object<S extends Shape>(shape: S, opts: { allowExtra?: boolean } = {}): Schema<ObjectOf<S>> {
  const d = `an object with ${Object.keys(shape).join(', ')}`;
  return schema(d, (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(p, d, v);
    const rec = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(shape)) {
      const x = s.check(rec[k], `${p}.${k}`);
      if (x !== undefined) out[k] = x;
    }
    if (!opts.allowExtra) {
      const extra = Object.keys(rec).filter((k) => !(k in shape));
      if (extra.length) throw new Error(`${p} has unexpected field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
    }
    return out as ObjectOf<S>;
  });
}

/** An object used as a map from string keys to `value`. */
export function record<T>(value: Schema<T>): Schema<Record<string, T>> {
  const d = `an object of ${value.describe}`;
  return schema(d, (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(p, d, v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = value.check(x, `${p}.${k}`);
    return out;
  });
}

/**
 * Throws unless `v` is plain JSON data all the way down: finite numbers, strings, booleans, arrays and
 * objects (and `null` where `nulls` allows it, e.g. "not measured"). For results sections whose numbers
 * are checked by recomputation rather than field by field; errors name the path.
 */
export function checkJsonData(v: unknown, path: string, opts: { nulls?: boolean } = {}): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${path} must be a finite number; got ${v}`);
  } else if (Array.isArray(v)) v.forEach((x, i) => checkJsonData(x, `${path}[${i}]`, opts));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) checkJsonData(x, `${path}.${k}`, opts);
  else if (v === null ? !opts.nulls : typeof v !== 'string' && typeof v !== 'boolean') throw new Error(`${path} must be JSON data; got ${String(v)}`);
}
