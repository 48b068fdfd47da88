/**
 * Paired statistics for comparing algorithms on one shared test set: every curve of a paper figure
 * is a mean over the same test channels, so "a beats b" is decided on the per-channel differences
 * a_i − b_i (their standard error is far smaller than that of either mean).
 *
 * The rules every claims table uses (2 standard errors ≈ 95 %):
 * - `above(d)`:    a > b      — the mean difference is more than 2 s.e. above zero;
 * - `notBelow(d)`: a ≥ b      — it is not more than 2 s.e. below zero;
 * - `equalWithin(d, { relative, of })`: a = b — |mean| ≤ max(2 s.e., relative · of).
 * Ratios of means over the same items (e.g. SER_GD / SER_net, "the network reaches 90 % of GD"):
 * - `pairedRatio(a, b)`: mean(a)/mean(b) with its delta-method s.e. from the per-item pairs;
 * - `ratioNotBelow(r, threshold)`: ratio ≥ threshold with evidence — ratio − 2 s.e. ≥ threshold.
 */

/** A sample mean with its standard error. */
export interface MeanSe {
  mean: number;
  se: number;
}

/** Mean and standard error (s / √n, with the n − 1 variance) of a sample; an empty sample is an error. */
export function meanSe(x: ArrayLike<number>): MeanSe {
  const n = x.length;
  if (n === 0) throw new Error('meanSe(x): needs at least one value');
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return { mean: m, se: Math.sqrt(v / Math.max(1, n - 1) / n) };
}

/** The paired difference a − b over the same test items (equal lengths). */
export function pairedDiff(a: ArrayLike<number>, b: ArrayLike<number>): MeanSe {
  if (a.length !== b.length) throw new Error(`pairedDiff(a, b): needs equal lengths (the same test items); got ${a.length} and ${b.length}`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i] - b[i];
  return meanSe(d);
}

/** A ratio of two means with its standard error. */
export interface RatioSe {
  ratio: number;
  se: number;
}

/**
 * The ratio of means R = mean(a)/mean(b) over the same test items (equal lengths; a_i and b_i
 * measured on item i), with its delta-method standard error from the pairs:
 *
 *   se(R) = √( Σ_i (a_i − R b_i)² / (n − 1) / n ) / |mean(b)|,
 *
 * the standard error of the mean of d_i = a_i − R b_i (whose mean is exactly 0) divided by |mean(b)|.
 * It equals the textbook first-order form R·√((s_a²/ā² + s_b²/b̄² − 2 s_ab/(ā b̄))/n) with the n − 1
 * (co)variances. Because the pairing enters through s_ab, a ratio of two correlated per-item rates
 * (two precoders on the same channels) has a far smaller s.e. than either mean. Constant pairs, or
 * a_i ∝ b_i, give s.e. 0. First order: valid when mean(b)'s relative s.e. is small (say < 10 %);
 * heavy tails (a few channels carrying a mean SER) need enough items for that. n = 1 gives se 0.
 * Errors: unequal lengths, no items, a non-finite value, mean(b) = 0.
 */
export function pairedRatio(a: ArrayLike<number>, b: ArrayLike<number>): RatioSe {
  if (a.length !== b.length) throw new Error(`pairedRatio(a, b): needs equal lengths (the same test items); got ${a.length} and ${b.length}`);
  const n = a.length;
  if (n === 0) throw new Error('pairedRatio(a, b): needs at least one item');
  let sa = 0, sb = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new Error(`pairedRatio(a, b): values must be finite; got a[${i}] = ${a[i]}, b[${i}] = ${b[i]}`);
    sa += a[i];
    sb += b[i];
  }
  const ma = sa / n, mb = sb / n;
  if (mb === 0) throw new Error('pairedRatio(a, b): mean(b) is 0, so the ratio mean(a)/mean(b) is undefined');
  const r = ma / mb;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i] - r * b[i]) ** 2;
  return { ratio: r, se: Math.sqrt(v / Math.max(1, n - 1) / n) / Math.abs(mb) };
}

/**
 * ratio ≥ threshold with evidence: the ratio's lower bound ratio − k·se (k = 2 by default) is at or
 * above `threshold`, e.g. `ratioNotBelow(pairedRatio(serGd, serNet), 0.9)` for "the network's SER is
 * within 1/0.9 of GD's". Stricter than `notBelow` (which only asks a difference not to be k s.e.
 * below zero): the claim holds only when the data show it.
 */
export function ratioNotBelow(r: RatioSe, threshold: number, k = 2): boolean {
  if (!Number.isFinite(threshold)) throw new Error(`ratioNotBelow(threshold): must be a finite number; got ${threshold}`);
  if (!(Number.isFinite(k) && k >= 0)) throw new Error(`ratioNotBelow(k): must be finite and >= 0; got ${k}`);
  if (!Number.isFinite(r.ratio) || !(r.se >= 0)) throw new Error(`ratioNotBelow(r): needs a finite ratio and se >= 0; got ratio ${r.ratio}, se ${r.se}`);
  return r.ratio - k * r.se >= threshold;
}

/** b − a from a − b. */
export function neg(d: MeanSe): MeanSe {
  return { mean: -d.mean, se: d.se };
}

/** a > b: the paired mean difference is more than `k` (default 2) standard errors above zero. */
export function above(d: MeanSe, k = 2): boolean {
  return d.mean > k * d.se;
}

/** a ≥ b: not more than `k` (default 2) standard errors below zero. */
export function notBelow(d: MeanSe, k = 2): boolean {
  // a difference of exactly 0 (the same numbers: a network that kept its start) is not below
  return d.mean >= 0 || d.mean > -k * d.se;
}

/** a = b: |mean| within max(k s.e., relative · of) — e.g. `{ relative: 0.01, of: wsr }` for "within 1 %". */
export function equalWithin(d: MeanSe, opts: { relative: number; of: number; k?: number }): boolean {
  return Math.abs(d.mean) <= Math.max((opts.k ?? 2) * d.se, opts.relative * Math.abs(opts.of));
}

/** "+0.545 ± 0.004" (signed mean ± s.e., `digits` decimals). */
export function formatMeanSe(d: MeanSe, digits = 3): string {
  return `${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(digits)} ± ${d.se.toFixed(digits)}`;
}

/** An error-rate curve: rates per SNR (ascending SNR), with optional confidence bounds. */
export interface RateCurve {
  snrDb: number[];
  rate: number[];
  low?: number[];
  high?: number[];
}

/** Where a curve crosses a target error rate, with the crossings of its confidence bounds as the interval. */
export interface Crossing {
  snrDb: number;
  /** the SNR range given by the bounds (the upper bound crosses later); undefined where a bound does not cross */
  low?: number;
  high?: number;
}

function crossingOf(snr: number[], rate: number[], target: number): number | undefined {
  for (let i = 1; i < snr.length; i++) {
    const a = rate[i - 1];
    const b = rate[i];
    if (!(a > 0) || !Number.isFinite(a)) continue;
    if (a >= target && b <= target) {
      if (!(b > 0)) return snr[i]; // no errors at the next point: the crossing is at most there
      const la = Math.log10(a);
      const lb = Math.log10(b);
      const t = la === lb ? 0 : (la - Math.log10(target)) / (la - lb);
      return snr[i - 1] + t * (snr[i] - snr[i - 1]);
    }
  }
  return undefined;
}

/**
 * The SNR at which an error-rate curve falls to `target` (e.g. BER 1e-3): interpolated linearly in
 * log10(rate) between the two grid points that bracket it; undefined when the curve never crosses
 * it on the grid. With bounds, `low`/`high` are where the lower/upper confidence curves cross.
 */
export function snrAtTarget(curve: RateCurve, target: number): Crossing | undefined {
  if (!(target > 0 && target < 1)) throw new Error(`snrAtTarget(target): must be an error rate in (0, 1); got ${target}`);
  const { snrDb, rate } = curve;
  if (snrDb.length !== rate.length) throw new Error(`snrAtTarget(curve): snrDb has ${snrDb.length} points, rate has ${rate.length}`);
  for (let i = 1; i < snrDb.length; i++) {
    if (!(snrDb[i] > snrDb[i - 1])) throw new Error('snrAtTarget(curve): snrDb must be strictly increasing');
  }
  const mid = crossingOf(snrDb, rate, target);
  if (mid === undefined) return undefined;
  return {
    snrDb: mid,
    low: curve.low ? crossingOf(snrDb, curve.low, target) : undefined,
    high: curve.high ? crossingOf(snrDb, curve.high, target) : undefined,
  };
}

/**
 * Where a curve of means falls by more than `k` standard errors from one point to the next: for each
 * i, y[i] − y[i−1] < −k·√(se[i]² + se[i−1]²) (unpaired, so conservative). Returns the indices i;
 * empty when the curve is non-decreasing within its error.
 */
export function dropsBeyondError(y: readonly number[], se: readonly number[], k = 2): number[] {
  if (y.length !== se.length) throw new Error(`dropsBeyondError: ${y.length} means but ${se.length} standard errors`);
  const out: number[] = [];
  for (let i = 1; i < y.length; i++) if (y[i] - y[i - 1] < -k * Math.hypot(se[i], se[i - 1])) out.push(i);
  return out;
}
