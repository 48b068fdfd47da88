/**
 * Complexity of the GNN precoder (gnn-quantized-precoding §V, eqs. 31–38) and the accelerator speed
 * it needs (§VII-B): the paper's operation counts exactly as printed, the operations OUR forward pass
 * (model.ts → messagePassing.ts → linear.ts) performs, and the bandwidth an accelerator allows.
 *
 * Counting convention (the paper's, §V, made explicit): real floating-point multiplications and
 * additions, counted separately. A product [n, p]·[p, q] costs n·q·p multiplications and n·q·(p − 1)
 * additions; an elementwise sum of two [n] arrays n additions; a mean of n values (n − 1) additions
 * and one multiplication (the scaling 1/n; the paper counts it as a multiplication in (23)–(24)).
 * Activations σ are not FLOPs in the paper's count; `implementationFlops` counts the σ evaluations
 * separately (`activations`) and offers `totalWithActivations` = total + one FLOP per evaluation
 * (the leaky ReLU's product α·a). Not counted anywhere: reshapes, transposes, broadcasts, stacking
 * the inputs (27)–(29), the softmax/argmax (18)–(19) after the logits, and the normalisation (15).
 * Counts are of the arithmetic each kernel is asked for, not of how a backend implements it: tfjs's
 * cpu `Mean` kernel divides every input by n before summing (n divisions per output, wasm's one);
 * we count one, as the paper does.
 *
 * Where ours differs from (31)–(36) (per symbol vector):
 * - (22): the paper applies W_edge, W_bs and W_ue on each of the MK edges (3MK matrix–vector
 *   products per layer); our code computes W_bs z_bs,m once per antenna and W_ue z_ue,k once per
 *   user and broadcasts them over the edges: (MK + M + K) products. Saving per layer n:
 *   (2MK − M − K)·d_n·d_{n−1} multiplications and (2MK − M − K)·d_n·(d_{n−1} − 1) additions.
 * - Input layer: the channel enters once per channel (model.ts), so W_edge z⁽⁰⁾, W_bs z_bs⁽⁰⁾,
 *   W_self,bs z_bs⁽⁰⁾ and the first sum of (22) run once per channel and are shared by the T symbol
 *   vectors that use it (`symbolVectorsPerChannel`; T = 1 recovers one full pass per symbol vector).
 * - Everything else ((23)–(26), the output layer's shapes d_{N−1} = 2^{b+1}) agrees with the paper.
 *
 * §VII-B: the GNN runs once per symbol vector, at R_s = B/(1 + α) vectors per second (roll-off α),
 * so it needs S = R_s·(O_add + O_mul) FLOP/s, and an accelerator of speed S_max allows
 * B_max = (1 + α)·S_max/(O_add + O_mul).
 */
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { GNN_MAX_BITS } from './model';

/** The size of one GNN and its graph: M antennas, K users, b bits, N_h hidden layers of d_h features. */
export interface GnnSize {
  /** M, BS antennas (paper: 32) */
  antennas: number;
  /** K, users (paper §VII: 1) */
  users: number;
  /** b, DAC bits per real dimension, 1..4 (paper §VII: 1); the output layer has 2^{b+1} features */
  bits: number;
  /** N_h, hidden layers (paper: 4, or 8 for the small model of §VII-B) */
  hiddenLayers: number;
  /** d_h, hidden features (paper: 128, or 32 for the small model) */
  features: number;
}

/** Real multiplications and additions. */
export interface OpCount {
  mul: number;
  add: number;
}

export type GnnLayerKind = 'input' | 'hidden' | 'output';
export type GnnEquation = 22 | 23 | 24 | 25 | 26;

/** The operations one layer spends on one of eqs. (22)–(26). */
export interface EquationCount extends OpCount {
  /** 'hidden' is ONE hidden layer (the totals multiply it by N_h) */
  layer: GnnLayerKind;
  equation: GnnEquation;
}

/** Eqs. (31)–(38) as printed. */
export interface PaperFlops extends OpCount {
  /** (31), (32) */
  inputLayer: OpCount;
  /** (33), (34): one hidden layer */
  hiddenLayer: OpCount;
  /** (35), (36) */
  outputLayer: OpCount;
  /** the underbraced terms of (31)–(36), input, one hidden and output layer */
  terms: EquationCount[];
  /** mul: (37) = in + N_h·h + out; add: (38) likewise; total = mul + add (§VII-B) */
  total: number;
}

function checkSize(fn: string, o: GnnSize): GnnSize {
  if (o === null || typeof o !== 'object') throw new Error(`${fn}: needs { antennas, users, bits, hiddenLayers, features }; got ${String(o)}`);
  const antennas = checkPositiveInt(fn, 'antennas (M)', o.antennas);
  const users = checkPositiveInt(fn, 'users (K)', o.users);
  const b = o.bits;
  if (typeof b !== 'number' || !Number.isInteger(b) || b < 1 || b > GNN_MAX_BITS) {
    throw new Error(`${fn}: bits (b) must be an integer in 1..${GNN_MAX_BITS}; got ${String(b)}`);
  }
  const n = o.hiddenLayers;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new Error(`${fn}: hiddenLayers (N_h) must be an integer >= 0; got ${String(n)}`);
  }
  const features = checkPositiveInt(fn, 'features (d_h)', o.features);
  return { antennas, users, bits: b, hiddenLayers: n, features };
}

const sum = (xs: readonly OpCount[]): OpCount => xs.reduce((a, x) => ({ mul: a.mul + x.mul, add: a.add + x.add }), { mul: 0, add: 0 });

function ofLayer(terms: readonly EquationCount[], layer: GnnLayerKind): OpCount {
  return sum(terms.filter((t) => t.layer === layer));
}

/**
 * The paper's operation counts, eqs. (31)–(38), term by term as printed (d_0 = 2, d_n = d_h,
 * d_{N−1} = 2^{b+1}; (35)–(36) write 2^b and 2^{2b}).
 */
export function paperFlops(opts: GnnSize): PaperFlops {
  const { antennas: M, users: K, bits: b, hiddenLayers: Nh, features: d } = checkSize('paperFlops', opts);
  const L = 2 ** b;
  const t = (layer: GnnLayerKind, equation: GnnEquation, mul: number, add: number): EquationCount => ({ layer, equation, mul, add });
  const terms: EquationCount[] = [
    // (31), (32)
    t('input', 22, 6 * M * K * d, 5 * M * K * d),
    t('input', 23, K * d, K * (M - 1) * d),
    t('input', 24, M * d, M * (K - 1) * d),
    t('input', 25, 2 * M * d + M * d * d, M * d + M * d * d),
    t('input', 26, 2 * K * d + K * d * d, K * d + K * d * d),
    // (33), (34)
    t('hidden', 22, 3 * M * K * d * d, 3 * M * K * d * d - M * K * d),
    t('hidden', 23, K * d, K * (M - 1) * d),
    t('hidden', 24, M * d, M * (K - 1) * d),
    t('hidden', 25, 2 * M * d * d, 2 * M * d * d - M * d),
    t('hidden', 26, 2 * K * d * d, 2 * K * d * d - K * d),
    // (35), (36)
    t('output', 22, 6 * M * K * d * L, 6 * M * K * d * L - 2 * M * K * L),
    t('output', 24, 2 * M * L, 2 * M * (K - 1) * L),
    t('output', 25, 4 * M * L * L + 2 * M * d * L, 4 * M * L * L + 2 * M * d * L - 2 * M * L),
  ];
  const inputLayer = ofLayer(terms, 'input');
  const hiddenLayer = ofLayer(terms, 'hidden');
  const outputLayer = ofLayer(terms, 'output');
  const mul = inputLayer.mul + Nh * hiddenLayer.mul + outputLayer.mul; // (37)
  const add = inputLayer.add + Nh * hiddenLayer.add + outputLayer.add; // (38)
  return { inputLayer, hiddenLayer, outputLayer, terms, mul, add, total: mul + add };
}

/** One tfjs kernel call of our forward pass, counted by the convention of the module comment. */
export interface ImplementationOp extends OpCount {
  layer: GnnLayerKind;
  equation: GnnEquation;
  /** what is computed, e.g. 'W_bs z_bs,m: [M, d_{n−1}]·[d_{n−1}, d_n]' */
  op: string;
  /** the tfjs kernel that runs it */
  kernel: 'BatchMatMul' | 'Add' | 'Mean' | 'LeakyRelu';
  /** 'channel': once per channel, shared by its T symbol vectors; 'symbolVector': once per vector */
  per: 'channel' | 'symbolVector';
  /** σ evaluations (LeakyRelu kernels only; 0 elsewhere) */
  activations: number;
}

export interface LayerCount extends OpCount {
  activations: number;
}

/** What our forward pass computes, per symbol vector. */
export interface ImplementationFlops extends OpCount {
  /** every kernel call of the input layer, ONE hidden layer (whatever N_h) and the output layer */
  ops: ImplementationOp[];
  /** per layer, everything counted once (per-channel work included, not divided by T) */
  inputLayer: LayerCount;
  hiddenLayer: LayerCount;
  outputLayer: LayerCount;
  /** per layer and equation, as `PaperFlops.terms` (per-channel work included, not divided by T) */
  terms: (EquationCount & { activations: number })[];
  /** whole network: work done once per channel, and once per symbol vector */
  perChannel: OpCount;
  perSymbolVector: OpCount;
  /** T, symbol vectors sharing one channel */
  symbolVectorsPerChannel: number;
  /** mul, add: per symbol vector, perSymbolVector + perChannel/T; total = mul + add */
  total: number;
  /** σ evaluations per symbol vector (not FLOPs in the paper's count) */
  activations: number;
  /** total + activations (one FLOP per leaky-ReLU evaluation) */
  totalWithActivations: number;
}

export interface ImplementationFlopsOptions extends GnnSize {
  /** T, symbol vectors per channel (the model's s [B, K, T]); default 1 */
  symbolVectorsPerChannel?: number;
}

const matmulCount = (n: number, p: number, q: number): OpCount => ({ mul: n * q * p, add: n * q * (p - 1) });

/**
 * The kernel calls of one `messagePassing` layer (messagePassing.ts, linear.ts): d_{n−1} = dIn,
 * d_n = dOut; `first`: the layer that reads the channel (its edge and antenna inputs are per channel).
 */
function layerOps(layer: GnnLayerKind, M: number, K: number, dIn: number, dOut: number, o: { first: boolean; users: boolean; sigma: boolean }): ImplementationOp[] {
  const ops: ImplementationOp[] = [];
  const shared = o.first ? 'channel' : 'symbolVector';
  const mm = (equation: GnnEquation, op: string, n: number, p: number, q: number, per: ImplementationOp['per']) => {
    ops.push({ layer, equation, op, kernel: 'BatchMatMul', per, activations: 0, ...matmulCount(n, p, q) });
  };
  const add = (equation: GnnEquation, op: string, n: number, per: ImplementationOp['per']) => {
    ops.push({ layer, equation, op, kernel: 'Add', per, mul: 0, add: n, activations: 0 });
  };
  const mean = (equation: GnnEquation, op: string, outputs: number, over: number) => {
    if (over === 1) return; // a mean over one node is a squeeze in messagePassing.ts: no kernel, no FLOPs
    ops.push({ layer, equation, op, kernel: 'Mean', per: 'symbolVector', mul: outputs, add: outputs * (over - 1), activations: 0 });
  };
  const sigma = (equation: GnnEquation, op: string, n: number) => {
    if (o.sigma) ops.push({ layer, equation, op, kernel: 'LeakyRelu', per: 'symbolVector', mul: 0, add: 0, activations: n });
  };
  const dims = '[d_{n−1}, d_n]';
  mm(22, `W_edge z_(m,k): [MK, d_{n−1}]·${dims}`, M * K, dIn, dOut, shared);
  mm(22, `W_bs z_bs,m, once per antenna: [M, d_{n−1}]·${dims}`, M, dIn, dOut, shared);
  add(22, 'edge term + antenna term (broadcast over users)', M * K * dOut, shared);
  mm(22, `W_ue z_ue,k, once per user: [K, d_{n−1}]·${dims}`, K, dIn, dOut, 'symbolVector');
  add(22, '+ user term (broadcast over antennas)', M * K * dOut, 'symbolVector');
  sigma(22, 'σ on the MK edges', M * K * dOut);
  mean(24, 'm_N(m): mean over the K users of each antenna', M * dOut, K);
  mm(25, `W_self,bs z_bs,m: [M, d_{n−1}]·${dims}`, M, dIn, dOut, shared);
  mm(25, `W_neigh,bs m_N(m): [M, d_n]·[d_n, d_n]`, M, dOut, dOut, 'symbolVector');
  add(25, 'self + neighbour term', M * dOut, 'symbolVector');
  sigma(25, 'σ on the M antennas', M * dOut);
  if (o.users) {
    mean(23, 'm_N(k): mean over the M antennas of each user', K * dOut, M);
    mm(26, `W_self,ue z_ue,k: [K, d_{n−1}]·${dims}`, K, dIn, dOut, 'symbolVector');
    mm(26, `W_neigh,ue m_N(k): [K, d_n]·[d_n, d_n]`, K, dOut, dOut, 'symbolVector');
    add(26, 'self + neighbour term', K * dOut, 'symbolVector');
    sigma(26, 'σ on the K users', K * dOut);
  }
  return ops;
}

/**
 * The real operations our forward pass `buildGnn(…).logits(h, s)` performs per symbol vector,
 * counted from what the code does (module comment): the input layer (d_0 = 2, LReLU), N_h hidden
 * layers (d_h, LReLU) and the output layer (d_h → 2^{b+1} logits, linear, antenna features only),
 * with W_bs, W_ue applied per node and the channel-only work of the input layer shared by T symbol
 * vectors. `tf.profile` of the real forward pass checks it kernel by kernel (tested). Counts the
 * paper's edge inputs (27) (`edgeInputs: 'paper'`).
 */
export function implementationFlops(opts: ImplementationFlopsOptions): ImplementationFlops {
  const fn = 'implementationFlops';
  const { antennas: M, users: K, bits: b, hiddenLayers: Nh, features: d } = checkSize(fn, opts);
  const T = opts.symbolVectorsPerChannel === undefined ? 1 : checkPositiveInt(fn, 'symbolVectorsPerChannel (T)', opts.symbolVectorsPerChannel);
  const outUnits = 2 ** (b + 1);
  const input = layerOps('input', M, K, 2, d, { first: true, users: true, sigma: true });
  const hidden = layerOps('hidden', M, K, d, d, { first: false, users: true, sigma: true });
  const output = layerOps('output', M, K, d, outUnits, { first: false, users: false, sigma: false });
  const ops = [...input, ...hidden, ...output];
  const layerCount = (xs: readonly ImplementationOp[]): LayerCount => ({ ...sum(xs), activations: xs.reduce((a, x) => a + x.activations, 0) });
  const inputLayer = layerCount(input), hiddenLayer = layerCount(hidden), outputLayer = layerCount(output);
  const terms: (EquationCount & { activations: number })[] = [];
  for (const layer of ['input', 'hidden', 'output'] as const) {
    for (const equation of [22, 23, 24, 25, 26] as const) {
      const xs = ops.filter((x) => x.layer === layer && x.equation === equation);
      if (xs.length > 0) terms.push({ layer, equation, ...layerCount(xs) });
    }
  }
  // the whole network: input + N_h × hidden + output, split by how often it runs
  const whole = [...input, ...Array.from({ length: Nh }, () => hidden).flat(), ...output];
  const perChannel = sum(whole.filter((x) => x.per === 'channel'));
  const perSymbolVector = sum(whole.filter((x) => x.per === 'symbolVector'));
  const mul = perSymbolVector.mul + perChannel.mul / T;
  const add = perSymbolVector.add + perChannel.add / T;
  const activations = inputLayer.activations + Nh * hiddenLayer.activations + outputLayer.activations;
  return {
    ops, inputLayer, hiddenLayer, outputLayer, terms, perChannel, perSymbolVector, symbolVectorsPerChannel: T,
    mul, add, total: mul + add, activations, totalWithActivations: mul + add + activations,
  };
}

/** One row of the paper-vs-ours table: one equation of one layer. */
export interface FlopComparisonRow {
  layer: GnnLayerKind;
  equation: GnnEquation;
  paper: OpCount;
  /** ours, per-channel work included once (T = 1) */
  ours: OpCount;
  /** why they differ (empty where they agree) */
  note: string;
}

/**
 * Paper (31)–(36) against our forward pass, equation by equation for the input layer, one hidden
 * layer and the output layer (T = 1: every operation counted once).
 */
export function flopComparison(opts: GnnSize): FlopComparisonRow[] {
  const paper = paperFlops(opts);
  const ours = implementationFlops({ ...opts, symbolVectorsPerChannel: 1 });
  const note = (layer: GnnLayerKind, equation: GnnEquation): string => {
    if (equation === 22) {
      return 'paper: W_edge, W_bs, W_ue on each of the MK edges; ours: W_bs once per antenna, W_ue once per user, broadcast over the edges'
        + (layer === 'input' ? ' (and W_edge, W_bs on the channel once per channel)' : '');
    }
    if (equation === 25 && layer === 'input') return 'same count; ours computes W_self,bs z_bs⁽⁰⁾ once per channel';
    if (equation === 24 && opts.users === 1) return 'K = 1: ours takes the mean over one user as a squeeze (no operations)';
    return '';
  };
  return paper.terms.map((p) => {
    const o = ours.terms.find((t) => t.layer === p.layer && t.equation === p.equation) ?? (p.equation === 24 && opts.users === 1 ? { mul: 0, add: 0 } : undefined);
    if (!o) throw new Error(`flopComparison: no implementation term for (${p.equation}) in the ${p.layer} layer`);
    return { layer: p.layer, equation: p.equation, paper: { mul: p.mul, add: p.add }, ours: { mul: o.mul, add: o.add }, note: note(p.layer, p.equation) };
  });
}

/** The accelerator of [48] (§VII-B): 39.8 TFLOP/s peak. */
export const ACCELERATOR_FLOPS_PER_SECOND = 39.8e12;
/** α_rol, the roll-off of §VII-B. */
export const ROLL_OFF = 0.1;

function checkRollOff(fn: string, rollOff: unknown): number {
  if (typeof rollOff !== 'number' || !Number.isFinite(rollOff) || rollOff < 0 || rollOff > 1) {
    throw new Error(`${fn}: rollOff (α) must be a number in [0, 1]; got ${String(rollOff)}`);
  }
  return rollOff;
}

export interface MaxBandwidthOptions {
  /** FLOPs per symbol vector, e.g. `paperFlops(…).total` = O_add + O_mul */
  flops: number;
  /** default 39.8e12 FLOP/s ([48]) */
  acceleratorFlopsPerSecond?: number;
  /** α, default 0.1 */
  rollOff?: number;
}

/**
 * B_max = (1 + α)·S_max/flops (Hz): the bandwidth at which the GNN, run once per symbol vector at
 * R_s = B/(1 + α) (§VII-B), uses the accelerator's full speed S_max.
 */
export function maxBandwidth(opts: MaxBandwidthOptions): number {
  const fn = 'maxBandwidth';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: needs { flops, acceleratorFlopsPerSecond?, rollOff? }; got ${String(opts)}`);
  const flops = checkFinite(fn, 'flops', opts.flops, 0, false);
  const speed = checkFinite(fn, 'acceleratorFlopsPerSecond', opts.acceleratorFlopsPerSecond ?? ACCELERATOR_FLOPS_PER_SECOND, 0, false);
  const alpha = checkRollOff(fn, opts.rollOff ?? ROLL_OFF);
  return ((1 + alpha) * speed) / flops;
}

/** S = R_s·flops = B/(1 + α)·flops (FLOP/s), the speed the GNN needs at bandwidth B (§VII-B). */
export function requiredSpeed(flops: number, bandwidthHz: number, rollOff = ROLL_OFF): number {
  const fn = 'requiredSpeed';
  checkFinite(fn, 'flops', flops, 0, false);
  checkFinite(fn, 'bandwidthHz', bandwidthHz, 0);
  return (bandwidthHz / (1 + checkRollOff(fn, rollOff))) * flops;
}

/** The scenario of §VII: M = 32, K = 1, b = 1 (Fig. 7a, a rate of 7 bit/channel use at 20 dB). */
export const PAPER_POWER_SYSTEM = { antennas: 32, users: 1, bits: 1 } as const;

/** The two GNNs of §VII-B. */
export const PAPER_GNNS = [
  { key: 'large', label: 'N_h = 4, d_h = 128', hiddenLayers: 4, features: 128 },
  { key: 'small', label: 'N_h = 8, d_h = 32', hiddenLayers: 8, features: 32 },
] as const;
export type PaperGnnKey = (typeof PAPER_GNNS)[number]['key'];

/** O_add + O_mul of eqs. (37)–(38) for one of the paper's GNNs in the §VII scenario. */
export function paperGnnFlops(key: PaperGnnKey): number {
  const g = PAPER_GNNS.find((x) => x.key === key);
  if (!g) throw new Error(`paperGnnFlops(key): must be one of ${PAPER_GNNS.map((x) => x.key).join(', ')}; got ${String(key)}`);
  return paperFlops({ ...PAPER_POWER_SYSTEM, hiddenLayers: g.hiddenLayers, features: g.features }).total;
}

/** A number the paper states, with where it says it. */
export interface PaperNumber {
  id: string;
  /** what it is, in words */
  what: string;
  /** section of the paper */
  where: string;
  stated: number;
  unit: string;
}

/** A reading of the paper's formulas other than the printed one, and what it gives. */
export interface AlternativeReading {
  reading: string;
  value: number;
  relativeDeviation: number;
}

/** A stated number against what the printed formulas give. */
export interface PaperCheck extends PaperNumber {
  /** what the paper's formulas give, as printed */
  formula: number;
  /** formula/stated − 1 */
  relativeDeviation: number;
  /** |relativeDeviation| <= 5 % */
  within5Percent: boolean;
  /** the explanation where they differ (and how the value was evaluated) */
  note: string;
  alternatives?: AlternativeReading[];
}

export function checkAgainst(n: PaperNumber, formula: number, note: string, alternatives?: { reading: string; value: number }[]): PaperCheck {
  const rel = (v: number) => v / n.stated - 1;
  const relativeDeviation = rel(formula);
  return {
    ...n, formula, relativeDeviation, within5Percent: Math.abs(relativeDeviation) <= 0.05, note,
    ...(alternatives ? { alternatives: alternatives.map((a) => ({ ...a, relativeDeviation: rel(a.value) })) } : {}),
  };
}

/** The complexity/speed numbers §VII-B states (M = 32, K = 1, b = 1). */
export const PAPER_STATED_SPEED: readonly PaperNumber[] = [
  { id: 'maxBandwidth/large', what: 'B_max on the 39.8 TFLOP/s accelerator, N_h = 4, d_h = 128', where: '§VII-B', stated: 1.95e6, unit: 'Hz' },
  { id: 'maxBandwidth/small', what: 'B_max on the 39.8 TFLOP/s accelerator, N_h = 8, d_h = 32', where: '§VII-B, §VIII', stated: 15.8e6, unit: 'Hz' },
  { id: 'requiredSpeed/large@1MHz', what: 'speed needed at B = 1 MHz, N_h = 4, d_h = 128', where: '§VII-B', stated: 12e12, unit: 'FLOP/s' },
  { id: 'requiredSpeed/small@4MHz', what: 'speed needed at B = 4 MHz, N_h = 8, d_h = 32', where: '§VII-B', stated: 8.82e12, unit: 'FLOP/s' },
];

function stated(id: string): PaperNumber {
  const n = PAPER_STATED_SPEED.find((x) => x.id === id);
  if (!n) throw new Error(`no stated number ${id}`);
  return n;
}

/**
 * The §VII-B speed numbers against eqs. (37)–(38) with R_s = B/(1 + α), α = 0.1 (the printed
 * formulas). B_max is reproduced for both GNNs. The two required speeds are not, and cannot both be
 * reproduced together with B_max by ANY FLOP count: S(B) = R_s·F and B_max = (1 + α)S_max/F give
 * S(B) = S_max·B/B_max, so the paper's own 1.95 MHz means 39.8·1/1.95 = 20.4 TFLOP/s at 1 MHz and
 * its 15.8 MHz means 39.8·4/15.8 = 10.1 TFLOP/s at 4 MHz. 8.82 TFLOP/s is the formula at 3.5 MHz
 * (the break-even bandwidth of the same paragraph) to 0.01 %; we found no reading that gives 12.
 */
export function complexityPaperChecks(): PaperCheck[] {
  const large = paperFlops({ ...PAPER_POWER_SYSTEM, hiddenLayers: 4, features: 128 });
  const small = paperFlops({ ...PAPER_POWER_SYSTEM, hiddenLayers: 8, features: 32 });
  const oursLarge = implementationFlops({ ...PAPER_POWER_SYSTEM, hiddenLayers: 4, features: 128 });
  return [
    checkAgainst(stated('maxBandwidth/large'), maxBandwidth({ flops: large.total }),
      'B_max = (1 + α)·39.8e12/(O_add + O_mul) with (37)–(38): reproduced.'),
    checkAgainst(stated('maxBandwidth/small'), maxBandwidth({ flops: small.total }),
      'B_max = (1 + α)·39.8e12/(O_add + O_mul) with (37)–(38): reproduced.'),
    checkAgainst(stated('requiredSpeed/large@1MHz'), requiredSpeed(large.total, 1e6),
      'NOT reproduced: (37)–(38) at R_s = B/1.1 give 20.5 TFLOP/s. The paper\'s own B_max = 1.95 MHz at 39.8 TFLOP/s implies '
      + '39.8·1/1.95 = 20.4 TFLOP/s at 1 MHz for any FLOP count (S grows linearly in B), so 12 and 1.95 MHz contradict each other. '
      + 'No single reading we tried (only multiplications, no roll-off, our implementation count) gives 12 within 5 %; '
      + 'the printed formula reaches 12 TFLOP/s at B = 0.586 MHz.',
      [
        { reading: 'multiplications only (37), R_s = B/1.1', value: requiredSpeed(large.mul, 1e6) },
        { reading: 'multiplications only (37), R_s = B (no roll-off)', value: requiredSpeed(large.mul, 1e6, 0) },
        { reading: 'O_add + O_mul, R_s = B (no roll-off)', value: requiredSpeed(large.total, 1e6, 0) },
        { reading: 'our implementation count (T = 1), R_s = B/1.1', value: requiredSpeed(oursLarge.total, 1e6) },
      ]),
    checkAgainst(stated('requiredSpeed/small@4MHz'), requiredSpeed(small.total, 4e6),
      'NOT reproduced at 4 MHz: (37)–(38) give 10.08 TFLOP/s (+14 %), as does the paper\'s own B_max (39.8·4/15.8). '
      + 'The same formula at B = 3.5 MHz, the break-even bandwidth quoted in the same paragraph, gives 8.819 TFLOP/s: '
      + 'the stated value appears to be evaluated at 3.5 MHz. Either way it is below the accelerator\'s 39.8 TFLOP/s, so the conclusion holds.',
      [{ reading: 'O_add + O_mul, R_s = B/1.1, at B = 3.5 MHz', value: requiredSpeed(small.total, 3.5e6) }]),
  ];
}
