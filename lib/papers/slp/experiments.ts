/**
 * One function per figure or table of SLP-SQ, each returning plain typed data measured on the same
 * test instances (channels and QPSK symbols from one seed, re-used at every SINR and error bound), so
 * every method is compared paired with its standard error.
 */
import { Rng } from '../../core/random';
import type { ComplexBatchF64 } from '../../core/complexF64';
import { meanSe, MeanSe } from '../../kit/stats';
import { blpPowerMin, blpRobustConservative } from './blp';
import { fig8Series, Fig8Series } from './complexity';
import { makeSlpData } from './data';
import { constructiveCheck, mean, NetDirections, netDirections, precodeFromDirections, precodeWithNet, sliceInstances } from './evaluate';
import { memoryTable, memoryVsQuantRatio, MemoryVsQrSeries, ParamCounts, PAPER_TABLE5 } from './memory';
import { buildSlpNet, SlpNet, VARIANT_NAMES } from './network';
import { SlpNets } from './nets';
import { fig5Specs, netKey, SlpPreset } from './presets';
import { rayleighF64, SlpInstances } from './problem';
import { solveSlp, solveSlpRobust } from './solver';

/** The methods of the power figures, in legend order. */
export type PowerMethod = 'blp' | 'slp-opt' | string;

export interface PowerPoint {
  /** 'Conventional BLP', 'SLP optimisation', 'SLP-DNet', … */
  method: string;
  /** network key or 'blp' / 'slp-opt' */
  key: string;
  /** the x value (SINR dB, ζ², or QR) */
  x: number;
  /** mean transmit power (linear, n₀ = 1) and its s.e. over the instances below (null: none) */
  power: MeanSe | null;
  /** 10·log10(mean power) */
  powerDb: number | null;
  /** median transmit power over the same instances, dB (robust to the heavy tail of near-singular channels) */
  medianDb: number | null;
  /**
   * the mean over instances of P/P_opt − 1 (the optimisation-based SLP power on the same instance),
   * with its s.e.: the per-instance excess power. Mean powers of M = K Rayleigh channels are dominated
   * by a few near-singular channels (the zero-forcing power has no finite mean at M = K), so claims
   * are decided on this paired, per-instance measure.
   */
  aboveOptimum: MeanSe | null;
  /** the paired difference of powers P − P_opt over the same instances (the paper's mean-power metric, paired) */
  minusOptimum: MeanSe | null;
  /** share of instances meeting every constraint (robust: the worst case); BLP: its SINR feasibility */
  constraintsMet: number;
  /** the worst relative constraint violation (≤ 0: all met); null for BLP */
  worstViolation: number | null;
  /** instances whose power is infinite (no feasible precoder found) */
  infeasible: number;
  /** instances the means are over (every method of the comparison finite there) */
  instances: number;
}

const directionCache = new WeakMap<SlpNet, Map<string, NetDirections>>();

/**
 * A network's precoder directions on the preset's test channels and symbols, computed once (at the
 * headline SINR) and re-used at every SINR and error bound: the inputs of the network are the same
 * there (each instance is scaled to unit thresholds; up to float32 rounding, ≈ 1e-5 relative in the
 * powers), so only the final scaling differs.
 */
export function testDirections(p: SlpPreset, net: SlpNet): NetDirections {
  const key = `${p.seed}/${p.testSamples}/${p.users}/${p.antennas}/${p.pskOrder}/${p.headlineSinrDb}`;
  let m = directionCache.get(net);
  if (!m) directionCache.set(net, (m = new Map()));
  let d = m.get(key);
  if (!d) m.set(key, (d = netDirections(net, testInstances(p, p.headlineSinrDb))));
  return d;
}

/** The test instances at one SINR: the same channels and symbols for every SINR. */
export function testInstances(p: SlpPreset, sinrDb: number): SlpInstances {
  return makeSlpData(new Rng(p.seed).fork('test'), { count: p.testSamples, users: p.users, antennas: p.antennas, sinrDb, pskOrder: p.pskOrder, noiseVar: p.noiseVar });
}

interface Series {
  method: string;
  key: string;
  power: Float64Array;
  check: { share: number; worstViolation: number | null };
}

/**
 * Points of one figure position from per-instance powers. Means are over the instances where every
 * method has a finite power (a precoder meeting its constraints): robust problems with a large ζ, and
 * the conservative robust BLP, leave some instances without one; each method's count of such
 * instances is reported as `infeasible`. `opt` is the optimisation-based SLP's series.
 */
function points(x: number, series: Series[], opt: Float64Array): PowerPoint[] {
  const n = opt.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (series.every((s) => Number.isFinite(s.power[i]))) keep.push(i);
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const o = pick(opt);
  return series.map((s) => {
    const pw = pick(s.power);
    const ps = keep.length ? meanSe(pw) : null;
    const rel = keep.length ? meanSe(Float64Array.from(pw, (v, i) => v / o[i] - 1)) : null;
    const sorted = Float64Array.from(pw).sort();
    const med = keep.length ? (sorted[(keep.length - 1) >> 1] + sorted[keep.length >> 1]) / 2 : NaN;
    return {
      method: s.method, key: s.key, x, power: ps, powerDb: ps ? 10 * Math.log10(ps.mean) : null, medianDb: keep.length ? 10 * Math.log10(med) : null, aboveOptimum: rel,
      minusOptimum: keep.length ? meanSe(Float64Array.from(pw, (v, i) => v - o[i])) : null,
      constraintsMet: s.check.share, worstViolation: s.check.worstViolation, infeasible: s.power.filter((v) => !Number.isFinite(v)).length, instances: keep.length,
    };
  });
}

interface Measure {
  robust: boolean;
  errorBound: number;
}

/**
 * All methods at one SINR and error bound (ζ, not ζ²; 0: problem (2)). The conservative robust BLP
 * runs on the first `p.robustBlpSamples` instances (all of them in the presets): its point is a
 * comparison on that subset (`instances` says how many).
 */
function measureAt(p: SlpPreset, nets: SlpNets, keys: string[], sinrDb: number, x: number, m: Measure): PowerPoint[] {
  const inst = testInstances(p, sinrDb);
  const g = 10 ** (sinrDb / 10);
  const h = hOf(p);
  const opt = m.robust ? solveSlpRobust(inst, { errorBound: m.errorBound }) : solveSlp(inst);
  const series: Series[] = [];
  series.push({ method: m.robust ? 'Robust SLP optimisation' : 'SLP optimisation', key: 'slp-opt', power: opt.power, check: constructiveCheck(inst, opt.w, { errorBound: m.errorBound }) });
  for (const key of keys) {
    const n = nets.get(key);
    if (!n) throw new Error(`experiments: no network "${key}"; trained: ${[...nets.keys()].join(', ')}`);
    const pr = precodeFromDirections(inst, testDirections(p, n.net), { errorBound: m.errorBound });
    series.push({ method: netLabel(n.net, key), key, power: pr.power, check: constructiveCheck(inst, pr.w, { errorBound: m.errorBound }) });
  }
  const out = points(x, series, opt.power);
  // BLP meets SINR targets (its criterion), not constructive regions: `constraintsMet` is its feasibility share
  if (m.robust) {
    const nb = Math.min(p.robustBlpSamples, inst.batch);
    const hs = { ...h, batch: nb, re: h.re.slice(0, nb * h.rows * h.cols), im: h.im.slice(0, nb * h.rows * h.cols) };
    const blp = blpRobustConservative(hs, { sinr: g, noiseVar: p.noiseVar, errorNormBound: m.errorBound });
    out.unshift(...points(x, [{ method: 'Robust conventional BLP (conservative)', key: 'blp', power: blp.power, check: { share: mean(Float64Array.from(blp.feasible)), worstViolation: null } }], opt.power.slice(0, nb)));
  } else {
    const blp = blpPowerMin(h, { sinr: g, noiseVar: p.noiseVar });
    out.unshift(...points(x, [{ method: 'Conventional BLP', key: 'blp', power: blp.power, check: { share: mean(Float64Array.from(blp.feasible)), worstViolation: null } }], opt.power));
  }
  return out;
}

let hCache: { key: string; h: ComplexBatchF64 } | undefined;
/** The test channels as BLP reads them: the very draw of `testInstances` (fork 'test' → 'h' of `makeSlpData`). */
function hOf(p: SlpPreset): ComplexBatchF64 {
  const key = `${p.seed}/${p.testSamples}/${p.users}/${p.antennas}`;
  if (!hCache || hCache.key !== key) hCache = { key, h: rayleighF64(new Rng(p.seed).fork('test').fork('h'), { count: p.testSamples, users: p.users, antennas: p.antennas }) };
  return hCache.h;
}

/** The test channels [count, K, M] (the first `count`, default all) as BLP reads them: those of `testInstances`. */
export function testChannels(p: SlpPreset, count = p.testSamples): ComplexBatchF64 {
  const h = hOf(p);
  const n = Math.min(Math.max(1, Math.floor(count)), h.batch);
  return { batch: n, rows: h.rows, cols: h.cols, re: h.re.slice(0, n * h.rows * h.cols), im: h.im.slice(0, n * h.rows * h.cols) };
}

/** "SLP-DSQBNet (QR = 0.25)" for an SQ network at a QR other than the preset's. */
export function netLabel(net: SlpNet, key: string): string {
  const v = net.config.variant;
  return v.startsWith('sq-') ? `${VARIANT_NAMES[v]} (QR = ${net.config.quantRatio})` : VARIANT_NAMES[v] ?? key;
}

/** The five networks of Fig. 5 (QR = the preset's). */
export function fig5Keys(p: SlpPreset): string[] {
  return fig5Specs(p).map(netKey);
}

export interface SeedRow {
  /** the Fig. 5 network ('binary', 'sq-binary@0.5', …) */
  key: string;
  method: string;
  /** mean per-instance excess P/P_opt − 1 at the headline SINR, one per training seed (replicate 0, 1, …) */
  perSeed: number[];
  /** their mean and its s.e. over the seeds (sd/√R; 0 with one seed) */
  overSeeds: MeanSe;
}

/**
 * The seed-to-seed spread of the Fig. 5 networks (`p.replicates` trainings of each): the headline
 * SINR's mean per-instance excess over the optimum of every replicate, on the same test instances.
 */
export function seedSpread(p: SlpPreset, nets: SlpNets): SeedRow[] {
  const inst = testInstances(p, p.headlineSinrDb);
  const opt = solveSlp(inst).power;
  return fig5Specs(p).map((spec) => {
    const perSeed: number[] = [];
    let method = '';
    for (let r = 0; r < p.replicates; r++) {
      const key = netKey({ ...spec, replicate: r });
      const n = nets.get(key);
      if (!n) throw new Error(`seedSpread: no network "${key}" (p.replicates = ${p.replicates}); trained: ${[...nets.keys()].join(', ')}`);
      if (r === 0) method = netLabel(n.net, key);
      const pw = precodeFromDirections(inst, testDirections(p, n.net)).power;
      perSeed.push(mean(Float64Array.from(pw, (v, i) => v / opt[i] - 1)));
    }
    return { key: netKey(spec), method, perSeed, overSeeds: meanSe(perSeed) };
  });
}

/** Fig. 5 (robust = false) and Fig. 6a (robust, ζ² = p.errorBound2): power vs SINR. */
export function powerVsSinr(p: SlpPreset, nets: SlpNets, opts: { robust?: boolean } = {}): PowerPoint[] {
  const robust = opts.robust ?? false;
  const zeta = robust ? Math.sqrt(p.errorBound2) : 0;
  return p.sinrDb.flatMap((s) => measureAt(p, nets, fig5Keys(p), s, s, { robust, errorBound: zeta }));
}

/** Fig. 6b: power vs ζ² at the headline SINR (robust formulations). */
export function powerVsErrorBound(p: SlpPreset, nets: SlpNets): PowerPoint[] {
  return p.errorBounds2.flatMap((z2) => measureAt(p, nets, fig5Keys(p), p.headlineSinrDb, z2, { robust: true, errorBound: Math.sqrt(z2) }));
}

/** The network of a family at a QR: QR = 0 SLP-DNet, QR = 1 SLP-DBNet/DTNet, else the SQ network. */
export function familyKey(family: 'binary' | 'ternary', qr: number): string {
  return qr === 0 ? 'full' : qr === 1 ? family : netKey({ variant: family === 'binary' ? 'sq-binary' : 'sq-ternary', quantRatio: qr });
}

export interface QrPoint {
  family: 'binary' | 'ternary';
  quantRatio: number;
  key: string;
  power: MeanSe;
  aboveOptimum: MeanSe;
  /** the optimisation-based SLP mean power on the same instances */
  optimum: number;
  /** instances where both are finite (robust: ζ can leave some without a solution) */
  instances: number;
}

/** Fig. 9a (robust = false) and Fig. 7 (robust, ζ² = p.errorBound2): power vs QR at the headline SINR. */
export function powerVsQuantRatio(p: SlpPreset, nets: SlpNets, opts: { robust?: boolean } = {}): QrPoint[] {
  const robust = opts.robust ?? false;
  const zeta = robust ? Math.sqrt(p.errorBound2) : 0;
  const inst = testInstances(p, p.headlineSinrDb);
  const opt = robust ? solveSlpRobust(inst, { errorBound: zeta }) : solveSlp(inst);
  const out: QrPoint[] = [];
  for (const family of ['binary', 'ternary'] as const) {
    for (const qr of p.quantRatios) {
      const key = familyKey(family, qr);
      const n = nets.get(key);
      if (!n) throw new Error(`powerVsQuantRatio: no network "${key}"`);
      const pr = precodeFromDirections(inst, testDirections(p, n.net), { errorBound: zeta });
      const ok = Float64Array.from(pr.power.keys()).filter((i) => Number.isFinite(pr.power[i]) && Number.isFinite(opt.power[i]));
      out.push({
        family, quantRatio: qr, key, power: meanSe(Float64Array.from(ok, (i) => pr.power[i])), aboveOptimum: meanSe(Float64Array.from(ok, (i) => pr.power[i] / opt.power[i] - 1)),
        optimum: mean(Float64Array.from(ok, (i) => opt.power[i])), instances: ok.length,
      });
    }
  }
  return out;
}

/** Fig. 8: Table I's operation counts vs K at M = 4, QR = the preset's (nonrobust and robust). */
export function opsVsUsers(p: SlpPreset): { nonrobust: Fig8Series; robust: Fig8Series } {
  const o = { antennas: p.antennas, users: p.usersAxis, quantRatio: p.quantRatio };
  return { nonrobust: fig8Series({ ...o, robust: false }), robust: fig8Series({ ...o, robust: true }) };
}

/** Our network's parameters split as §V-D2 counts them: the quantised kernels vs everything else. */
export function paramCounts(net: SlpNet): ParamCounts {
  const named = net.params.named();
  let quantizable = 0, all = 0;
  for (const [name, v] of Object.entries(named)) {
    all += v.size;
    if (/^(pum\d+\/conv|apm\/conv1|apm\/conv2)\/kernel$/.test(name)) quantizable += v.size;
  }
  return { quantizable, fullPrecision: all - quantizable };
}

/** Table V / Fig. 10 and Fig. 9b for our SLP-DNet's parameter counts, beside the paper's Table V. */
export function memoryResults(p: SlpPreset, nets: SlpNets) {
  const full = nets.get('full');
  if (!full) throw new Error('memoryResults: needs the full-precision network "full"');
  const params = paramCounts(full.net);
  return {
    params,
    table: memoryTable({ params, quantRatio: p.quantRatio }),
    vsQuantRatio: memoryVsQuantRatio({ params, quantRatios: p.quantRatios }) as MemoryVsQrSeries,
    paper: PAPER_TABLE5,
  };
}

/**
 * Fig. 1 at work: the phase-aligned noiseless received symbols ỹ_k = e^{−jφ_k} h_k x of every user of
 * every instance for a precoder w [batch, 2M] (Re ỹ = p_kᵀw, Im ỹ = q_kᵀw, from the constraint rows:
 * p_k = −(a_{k,+} + a_{k,−})/(2 tan θ), q_k = (a_{k,+} − a_{k,−})/2). Each lies in its constructive
 * region when Re ỹ_k ≥ √(Γ_k n₀) + |Im ỹ_k|/tan θ.
 */
export function rotatedReceived(inst: SlpInstances, w: Float64Array): { re: number[]; im: number[]; threshold: number[] } {
  const K = inst.users, J = 2 * K, N = 2 * inst.antennas, t = inst.tanTheta;
  const re: number[] = [], im: number[] = [], threshold: number[] = [];
  for (let b = 0; b < inst.batch; b++) {
    for (let k = 0; k < K; k++) {
      let ap = 0, am = 0;
      for (let i = 0; i < N; i++) {
        ap += inst.a[(b * J + 2 * k) * N + i] * w[b * N + i];
        am += inst.a[(b * J + 2 * k + 1) * N + i] * w[b * N + i];
      }
      re.push(-(ap + am) / (2 * t));
      im.push((ap - am) / 2);
      threshold.push(Math.sqrt(inst.sinr[b * K + k] * inst.noiseVar));
    }
  }
  return { re, im, threshold };
}

/**
 * The unfolding at work: the untrained network (the plain interior-point schedule: σ = 0.3, γ = 0.9,
 * no APM correction) with L = 1, 2, … layers on `samples` test instances at the headline SINR: mean
 * power over the optimum, and the share whose (10) precoder was feasible.
 */
export function unfoldingSweep(p: SlpPreset, opts: { layers: number[]; samples: number }): { layers: number; ratio: number; perInstance: MeanSe; eq10Feasible: number }[] {
  const inst = sliceInstances(testInstances(p, p.headlineSinrDb), 0, Math.min(opts.samples, p.testSamples));
  const opt = solveSlp(inst);
  return opts.layers.map((L) => {
    const net = buildSlpNet(new Rng(p.seed).fork('sweep'), { variant: 'full', users: p.users, antennas: p.antennas, layers: L });
    try {
      const pr = precodeWithNet(net, inst);
      return {
        layers: L, ratio: mean(pr.power) / mean(opt.power), perInstance: meanSe(Float64Array.from(pr.power, (v, i) => v / opt.power[i] - 1)),
        eq10Feasible: mean(Float64Array.from(pr.eq10Feasible)),
      };
    } finally {
      net.dispose();
    }
  });
}
