/**
 * Low-resolution DACs, one scenario, four precoders (issue 21, part 2): the two 1-bit papers of the
 * workbook, NNO-C2PO (nno-c2po-1bit-precoding) and the GNN quantised precoder (gnn-quantized-precoding),
 * never compared with each other. Here they run on the same channels, the same symbols and the same
 * noise (paired), beside 1-bit ZF, C2PO (trained, the NNO-C2PO paper's own baseline, and with the
 * original constants) and Lloyd-Max ZF with b = 2, 3 bit DACs, with unquantised ZF as the reference.
 *
 * System (library convention, h: [..., U, B] users × antennas, y = Hx + n; both papers already write it
 * so, the GNN paper transposed, see its system.ts): B = M antennas, U = K single-antenna users, unit
 * power P = 1 (‖x‖² = 1 per symbol vector for the 1-bit signals, mean over the block for the
 * GNN and Lloyd-Max signals, eq. (15) of the GNN paper; Tr(WWᴴ) = 1 for ZF), SNR = P/N0, channels
 * CN(0, 1) (i.i.d. Rayleigh) or the pure-LoS ULA of the GNN paper's eq. (10) (angles on the integer
 * degree grid for one user, as its training; uniform in [0°, 180°) for several users, so that two users
 * never share an angle and ZF stays defined), 16-QAM symbols of unit energy (the NNO-C2PO paper's §IV).
 * T symbol vectors share each channel (a coherence block).
 *
 * Methods (`lowResMethods`):
 * - 'zf': unquantised ZF (the reference no DAC can beat on average);
 * - 'zf-1bit': the signs of ZF, Q(x; ξ) with ξ = √(P/2B) (NNO-C2PO (5)–(6));
 * - 'c2po': C2PO [13] with t_max iterations of the original τ = 2⁻⁸, ρ = 1.25;
 * - 'trained-c2po': C2PO with one τ, ρ learned for all iterations (`rayleigh/tied/t<t_max>` of the
 *   committed run): the baseline NNO-C2PO's paper compares against (§IV, "for C2PO, we learn its
 *   parameters using the same procedure … τ⁽ᵗ⁾ = τ and ρ⁽ᵗ⁾ = ρ");
 * - 'nno-c2po': the same iterations with the per-iteration τ⁽ᵗ⁾, ρ⁽ᵗ⁾ learned in the committed
 *   NNO-C2PO run (`rayleigh/nno/t<t_max>`). Both learned C2POs were trained at the run's B × U (the
 *   paper's 128 × 8) and are applied here unchanged: a transfer to other dimensions, said in the label;
 * - 'gnn': the committed GNN (`<channel>/M<B>/K<U>/b1`) at inference, argmax (18) with (15); absent,
 *   with the reason, where the run trained no network for that channel model and size. It was trained on
 *   Gaussian symbols (§VI-A) and sees 16-QAM here: also a transfer;
 * - 'zf-lm<b>': ZF with b-bit Lloyd-Max DACs (the GNN paper's baseline, §II-B): each antenna's input is
 *   normalised by its ZF power ρ_m = ‖w_m‖² before its DAC and restored after it (§II-B3), so its levels
 *   differ from antenna to antenna (at b = 1 it has the signs of 1-bit ZF but not a common level ±ξ).
 *
 * Metrics, both on every signal: the BER of 16-QAM with a receiver that knows one gain per user and
 * block (./blockBer: the Bussgang gain; not NNO-C2PO's per-vector β̂ of eq. (7), which is computed from
 * the detected symbols themselves and so hides the distortion of each vector), and the sum rate (9) of
 * the GNN paper from the Bussgang SNIDR (8) per channel (the Gaussian-input rate of the linearised link,
 * with the same gain; computed here on the 16-QAM block). Both use the same receiver model. Cost per precode: matmul FLOPs per symbol vector (real multiplies and adds; per-channel
 * work shared by the T vectors of a block) and the measured wall time of our code on the running backend,
 * as it runs here: ZF, 1-bit ZF, C2PO and NNO-C2PO in NNO-C2PO's per-sample layout (the channel tiled to
 * every symbol vector, so ZF's inverse is recomputed per vector), the GNN and Lloyd-Max ZF per block.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { backendInfo } from '../core/backend';
import { yieldToEventLoop } from '../core/io';
import { Rng, Seed } from '../core/random';
import { checkFinite, checkPositiveInt } from '../core/validate';
import { constellation } from '../phy/constellation';
import { losChannel } from '../phy/channels/los';
import { rayleigh } from '../phy/channels/rayleigh';
import { PROJECT_ROOT } from '../kit/paths';
import { meanSe, MeanSe } from '../kit/stats';
import * as c2po from '../papers/c2po';
import * as gnn from '../papers/gnn';
import { silentProgress, Ticker } from '../train/progress';
import type { Progress } from '../train/progress';
import type { Checkpoint } from '../train/checkpoint';
import { blockBerCurve } from './blockBer';

export type LowResChannel = 'rayleigh' | 'los';
export const LOW_RES_CHANNELS: readonly LowResChannel[] = ['rayleigh', 'los'];

export type LowResMethodId = 'zf' | 'zf-1bit' | 'c2po' | 'trained-c2po' | 'nno-c2po' | 'gnn' | `zf-lm${number}`;

export interface LowResMethod {
  id: LowResMethodId;
  label: string;
  /** DAC bits per real dimension (Infinity: unquantised) */
  bits: number;
  /** 'reference': unquantised; 'classic': a hand-designed precoder; 'learned': trained here */
  role: 'reference' | 'classic' | 'learned';
  /** which paper the method comes from */
  paper: 'nno-c2po' | 'gnn-quantized-precoding' | 'both';
}

/**
 * The methods in plotting order; `zf-lm<b>` for each b of `lloydMaxBits`; `trainedAt`: the B × U the
 * committed C2PO parameters were learned at (shown in the labels).
 */
export function lowResMethods(opts: { iterations: number; lloydMaxBits: readonly number[]; trainedAt?: { antennas: number; users: number } }): LowResMethod[] {
  const at = opts.trainedAt ? `, learned at ${opts.trainedAt.antennas}×${opts.trainedAt.users}` : '';
  return [
    { id: 'zf', label: 'ZF (no quantisation)', bits: Infinity, role: 'reference', paper: 'both' },
    { id: 'zf-1bit', label: '1-bit ZF', bits: 1, role: 'classic', paper: 'both' },
    { id: 'c2po', label: `C2PO (t = ${opts.iterations}, τ = 2⁻⁸, ρ = 1.25)`, bits: 1, role: 'classic', paper: 'nno-c2po' },
    { id: 'trained-c2po', label: `trained C2PO (t = ${opts.iterations}, one τ, ρ${at})`, bits: 1, role: 'classic', paper: 'nno-c2po' },
    { id: 'nno-c2po', label: `NNO-C2PO (t = ${opts.iterations}${at})`, bits: 1, role: 'learned', paper: 'nno-c2po' },
    { id: 'gnn', label: 'GNN (b = 1, trained on Gaussian symbols)', bits: 1, role: 'learned', paper: 'gnn-quantized-precoding' },
    ...opts.lloydMaxBits.map((b): LowResMethod => ({ id: `zf-lm${b}`, label: `ZF, ${b}-bit Lloyd-Max DACs`, bits: b, role: 'classic', paper: 'gnn-quantized-precoding' })),
  ];
}

export interface LowResOptions {
  /** B = M antennas; default 32 (the GNN paper's M; its committed networks exist at 32) */
  antennas?: number;
  /** U = K users per scenario; default [1, 2, 4] */
  users?: number[];
  /** channel models; default both */
  channels?: LowResChannel[];
  /** channels per scenario (≥ 1) */
  channelCount: number;
  /** T symbol vectors per channel (≥ 8: the Bussgang fit of the sum rate needs a block) */
  symbolVectors: number;
  /** SNR = P/N0 grid, dB, strictly increasing */
  snrDb: number[];
  /** noise draws per symbol vector and SNR point (≥ 1) */
  noiseDraws: number;
  /** t_max of C2PO and NNO-C2PO; default 8 (a committed NNO-C2PO network exists for 2, 4, 8) */
  iterations?: number;
  /** Lloyd-Max ZF bit widths; default [2, 3] (each in 2..4) */
  lloydMaxBits?: number[];
  seed: Seed;
  progress?: Progress;
}

export interface LowResCurve {
  method: LowResMethod;
  ber: c2po.BerCurve;
  /** sum rate (9) per SNR point: mean and standard error over the channels, bit/s/Hz */
  sumRate: MeanSe[];
  /** the per-channel sum rates behind it, [snr][channel] (paired across methods: the same channels) */
  ratePerChannel: number[][];
  /** matmul FLOPs per symbol vector (per-channel work divided by T) */
  flopsPerVector: number;
  /** measured wall time to compute the signal, per symbol vector, µs (this backend) */
  microsecondsPerVector: number;
}

export interface LowResScenario {
  channel: LowResChannel;
  users: number;
  antennas: number;
  curves: LowResCurve[];
  /** methods not run in this scenario, with the reason */
  absent: { method: LowResMethod; reason: string }[];
}

export interface LowResResult {
  options: Required<Omit<LowResOptions, 'progress'>>;
  /** where the learned parameters came from */
  sources: { nnoC2po: string; trainedC2po: string; gnn: string };
  backend: string;
  scenarios: LowResScenario[];
  seconds: number;
}

function checkOptions(o: LowResOptions): Required<Omit<LowResOptions, 'progress'>> {
  const fn = 'lowResolution';
  if (o === null || typeof o !== 'object') throw new Error(`${fn}(opts): needs { channelCount, symbolVectors, snrDb, noiseDraws, seed }`);
  const antennas = checkPositiveInt(fn, 'opts.antennas (B = M)', o.antennas ?? 32);
  const users = o.users ?? [1, 2, 4];
  if (!Array.isArray(users) || users.length === 0) throw new Error(`${fn}(opts.users): needs a non-empty list of user counts in 1..${antennas}`);
  users.forEach((u, i) => {
    checkPositiveInt(fn, `opts.users[${i}]`, u);
    if (u > antennas) throw new Error(`${fn}(opts.users[${i}]): must be in 1..${antennas} (antennas; ZF needs U ≤ B); got ${u}`);
    if (users.indexOf(u) !== i) throw new Error(`${fn}(opts.users): each user count once; ${u} appears twice`);
  });
  const channels = o.channels ?? [...LOW_RES_CHANNELS];
  if (!Array.isArray(channels) || channels.length === 0 || channels.some((c, i) => !LOW_RES_CHANNELS.includes(c) || channels.indexOf(c) !== i)) {
    throw new Error(`${fn}(opts.channels): needs a non-empty list of distinct ${LOW_RES_CHANNELS.map((c) => `'${c}'`).join(', ')}; got ${JSON.stringify(o.channels)}`);
  }
  const channelCount = checkPositiveInt(fn, 'opts.channelCount', o.channelCount);
  const symbolVectors = checkPositiveInt(fn, 'opts.symbolVectors (T)', o.symbolVectors);
  if (symbolVectors < 8) throw new Error(`${fn}(opts.symbolVectors): must be an integer ≥ 8 (the Bussgang fit needs a block); got ${symbolVectors}`);
  if (!Array.isArray(o.snrDb) || o.snrDb.length === 0) throw new Error(`${fn}(opts.snrDb): needs a non-empty, strictly increasing list of SNRs in dB`);
  o.snrDb.forEach((v, i) => {
    checkFinite(fn, `opts.snrDb[${i}]`, v, -100);
    if (v > 100) throw new Error(`${fn}(opts.snrDb[${i}]): must be in [-100, 100] dB; got ${v}`);
    if (i > 0 && !(v > o.snrDb[i - 1])) throw new Error(`${fn}(opts.snrDb): must be strictly increasing; got ${o.snrDb[i - 1]} then ${v}`);
  });
  const noiseDraws = checkPositiveInt(fn, 'opts.noiseDraws', o.noiseDraws);
  const iterations = checkPositiveInt(fn, 'opts.iterations (t_max)', o.iterations ?? 8);
  const lloydMaxBits = o.lloydMaxBits ?? [2, 3];
  if (!Array.isArray(lloydMaxBits)) throw new Error(`${fn}(opts.lloydMaxBits): needs a list of bit widths in 2..${gnn.GNN_MAX_BITS}`);
  lloydMaxBits.forEach((b, i) => {
    if (!Number.isInteger(b) || b < 2 || b > gnn.GNN_MAX_BITS) throw new Error(`${fn}(opts.lloydMaxBits[${i}]): must be an integer in 2..${gnn.GNN_MAX_BITS} (b = 1 is 1-bit ZF); got ${b}`);
    if (lloydMaxBits.indexOf(b) !== i) throw new Error(`${fn}(opts.lloydMaxBits): each bit width once; ${b} appears twice`);
  });
  if (o.seed === undefined) throw new Error(`${fn}(opts.seed): needs a seed (number or string)`);
  return { antennas, users: [...users], channels: [...channels], channelCount, symbolVectors, snrDb: [...o.snrDb], noiseDraws, iterations, lloydMaxBits: [...lloydMaxBits], seed: o.seed };
}

// ---------------------------------------------------------------- costs

/**
 * Matmul FLOPs per symbol vector of C2PO / NNO-C2PO with t_max iterations, counted from what
 * c2po.ts does in the real embedding (8): x⁽⁰⁾ = Eᵀs ([2B, 2U]·[2U, 1]), then per iteration E x
 * ([2U, 2B]·[2B, 1]) and Eᵀ(·) (eq. (3)); a [n, p]·[p, 1] product is n·p multiplies and n·(p − 1) adds.
 * The elementwise work (projection, step, clip) adds O(U + B) per iteration and is not counted. Checked
 * against the kernels `tf.profile` records (tested).
 */
export function c2poMatmulFlops(opts: { users: number; antennas: number; iterations: number }): number {
  const fn = 'c2poMatmulFlops';
  const U = checkPositiveInt(fn, 'users (U)', opts.users);
  const B = checkPositiveInt(fn, 'antennas (B)', opts.antennas);
  const t = checkPositiveInt(fn, 'iterations (t_max)', opts.iterations);
  const eT = 2 * B * 2 * U + 2 * B * (2 * U - 1);
  const e = 2 * U * 2 * B + 2 * U * (2 * B - 1);
  return eT + t * (e + eT);
}

/**
 * Matmul FLOPs per symbol vector of the GNN forward pass: the BatchMatMul terms of
 * gnn `implementationFlops` (profiled kernel by kernel in its tests), per-channel work divided by T.
 */
export function gnnMatmulFlops(opts: { users: number; antennas: number; bits: number; hiddenLayers: number; features: number; symbolVectors: number }): number {
  const f = gnn.implementationFlops({ antennas: opts.antennas, users: opts.users, bits: opts.bits, hiddenLayers: opts.hiddenLayers, features: opts.features, symbolVectorsPerChannel: opts.symbolVectors });
  const times = (layer: string) => (layer === 'hidden' ? opts.hiddenLayers : 1);
  return f.ops
    .filter((o) => o.kernel === 'BatchMatMul')
    .reduce((acc, o) => acc + times(o.layer) * (o.mul + o.add) / (o.per === 'channel' ? opts.symbolVectors : 1), 0);
}

/**
 * Matmul FLOPs per symbol vector of ZF, the textbook count (not profiled: our pseudo-inverse runs its own
 * solver): per channel the Gram matrix HHᴴ (U²B complex multiply-adds), its inverse (≈ U³) and
 * W = Hᴴ(HHᴴ)⁻¹ (BU²), divided by T; per symbol vector W s (BU). One complex multiply-add = 8 real FLOPs.
 */
export function zfMatmulFlops(opts: { users: number; antennas: number; symbolVectors: number }): number {
  const fn = 'zfMatmulFlops';
  const U = checkPositiveInt(fn, 'users (U)', opts.users);
  const B = checkPositiveInt(fn, 'antennas (B)', opts.antennas);
  const T = checkPositiveInt(fn, 'symbolVectors (T)', opts.symbolVectors);
  return 8 * ((U * U * B + U ** 3 + B * U * U) / T + B * U);
}

// ---------------------------------------------------------------- data

/** What every method of one scenario sees: the channels, one symbol block per channel, both layouts. */
export interface LowResData {
  channel: LowResChannel;
  /** h: [N, U, B] complex */
  h: Complex;
  /** s: [N, U, T] complex (the GNN paper's block layout) */
  block: Complex;
  /** the 16-QAM indices of `block`: [N, U, T] int32 */
  blockIndices: tf.Tensor;
  /** per symbol vector (the NNO-C2PO layout): h tiled to [N·T, U, B], s [N·T, U], 16-QAM indices [N·T, U] */
  eval: c2po.EvalData;
}

/** The stream of one scenario: forked by name from the seed, so no scenario depends on another. */
export function lowResScenarioRng(seed: Seed, channel: LowResChannel, users: number): Rng {
  return new Rng(seed).fork(`${channel}/U${users}`);
}

/** Channels (stream 'h') and 16-QAM symbols (stream 'symbols') of a scenario; the noise uses stream 'noise'. */
export function drawLowResData(rng: Rng, opts: { channel: LowResChannel; users: number; antennas: number; channelCount: number; symbolVectors: number }): LowResData {
  const { channel, users: U, antennas: B, channelCount: N, symbolVectors: T } = opts;
  if (!LOW_RES_CHANNELS.includes(channel)) throw new Error(`drawLowResData(opts.channel): must be ${LOW_RES_CHANNELS.map((c) => `'${c}'`).join(' or ')}; got ${JSON.stringify(channel)}`);
  const h = channel === 'rayleigh'
    ? rayleigh(rng.fork('h'), { batch: N, users: U, antennas: B })
    : losChannel(rng.fork('h'), { batch: N, users: U, antennas: B, ...(U > 1 ? { angles: 'uniform' as const } : {}) }).h;
  const { indices, symbols } = constellation('16qam').randomSymbols(rng.fork('symbols'), [N, T, U]);
  const block = C.transpose(symbols); // [N, U, T]
  const vecS = C.reshape(symbols, [N * T, U]);
  const vecIdx = tf.reshape(indices, [N * T, U]);
  const blockIndices = tf.tidy(() => tf.transpose(indices, [0, 2, 1]));
  const tiled = C.tidy(() => {
    const tile = (x: tf.Tensor) => tf.reshape(tf.tile(tf.expandDims(x, 1), [1, T, 1, 1]), [N * T, U, B]);
    return { re: tile(h.re), im: tile(h.im) };
  });
  C.dispose(symbols);
  indices.dispose();
  return { channel, h, block, blockIndices, eval: { h: tiled, s: vecS, indices: vecIdx } };
}

export function disposeLowResData(d: LowResData): void {
  C.dispose(d.h, d.block, d.eval.h, d.eval.s);
  tf.dispose([d.eval.indices, d.blockIndices]);
}

/** x: [N·T, B] (per symbol vector) → y: [N, B, T] (per block), and back. */
export function toBlock(x: Complex, d: LowResData): Complex {
  const [N, , B] = d.h.re.shape as [number, number, number];
  const T = d.block.re.shape[2] as number;
  return C.tidy(() => C.transpose(C.reshape(x, [N, T, B])));
}
function toVectors(y: Complex, d: LowResData): Complex {
  const [N, , B] = d.h.re.shape as [number, number, number];
  const T = d.block.re.shape[2] as number;
  return C.tidy(() => C.reshape(C.transpose(y), [N * T, B]));
}

// ---------------------------------------------------------------- learned parameters

interface Learned {
  nno: { tau: number[]; rho: number[]; source: string };
  tied: { tau: number[]; rho: number[]; source: string };
  /** the B × U the C2PO parameters were learned at (the run's preset) */
  trainedAt: { antennas: number; users: number };
  gnn: { run: gnn.GnnSavedRun; checkpoints: Map<string, Checkpoint>; source: string };
}

/** A file relative to the repository root (as the field table names its sources). */
const rel = (file: string): string => path.relative(PROJECT_ROOT, file);

/** The committed runs' learned parameters (NNO-C2PO τ, ρ for t_max; the GNN checkpoints). */
function learned(iterations: number): Learned {
  const run = c2po.savedRunFor('reproduce');
  if (!run) throw new Error(`lowResolution: the committed NNO-C2PO run ${c2po.savedRunFile('reproduce')} is missing`);
  const key = `rayleigh/nno/t${iterations}`, tiedKey = `rayleigh/tied/t${iterations}`;
  const net = c2po.savedNets(run).get(key), tied = c2po.savedNets(run).get(tiedKey);
  if (!net || !tied) {
    const have = [...c2po.savedNets(run).keys()].filter((k) => k.startsWith('rayleigh/nno/')).map((k) => k.slice('rayleigh/nno/t'.length));
    throw new Error(`lowResolution(opts.iterations): the committed NNO-C2PO run has Rayleigh networks for t_max in {${have.join(', ')}}; got ${iterations}`);
  }
  const gfile = gnn.savedRunFile('reproduce');
  const grun = gnn.readGnnRun(gfile);
  return {
    nno: { tau: net.tau, rho: net.rho, source: `${rel(c2po.savedRunFile('reproduce'))} · ${key}` },
    tied: { tau: tied.tau, rho: tied.rho, source: `${rel(c2po.savedRunFile('reproduce'))} · ${tiedKey}` },
    trainedAt: { antennas: c2po.c2poPreset(run.preset).antennas, users: c2po.c2poPreset(run.preset).users },
    gnn: { run: grun, checkpoints: gnn.savedCheckpoints(grun), source: rel(gfile) },
  };
}

// ---------------------------------------------------------------- evaluation

/** What the learned and iterative methods need: t_max, NNO-C2PO's τ⁽ᵗ⁾, ρ⁽ᵗ⁾ and the GNN (if any). */
export interface LowResParams {
  iterations: number;
  nno: { tau: number[]; rho: number[] };
  /** trained C2PO's one τ, ρ */
  tied: { tau: number[]; rho: number[] };
  gnn?: gnn.GnnModel;
}

/**
 * The transmit signal of one method for every symbol vector: x [N·T, B] complex (module comment);
 * power 1 per symbol vector (mean over the block for the GNN and Lloyd-Max signals).
 */
export function lowResSignal(m: LowResMethod, d: LowResData, p: LowResParams): Complex {
  const [, U, B] = d.h.re.shape as [number, number, number];
  const sys = c2po.c2poSystem({ users: U, antennas: B, power: 1 });
  const gsys = gnn.gnnSystem({ antennas: B, users: U, bits: 1, power: 1 });
  if (m.id === 'zf' || m.id === 'zf-1bit') return c2po.transmitSignal(d.eval, sys, { kind: m.id });
  if (m.id === 'c2po') return c2po.transmitSignal(d.eval, sys, { kind: 'c2po', iterations: p.iterations, tau: [c2po.C2PO_ORIGINAL.tau], rho: [c2po.C2PO_ORIGINAL.rho] });
  if (m.id === 'nno-c2po') return c2po.transmitSignal(d.eval, sys, { kind: 'c2po', iterations: p.iterations, tau: p.nno.tau, rho: p.nno.rho });
  if (m.id === 'trained-c2po') return c2po.transmitSignal(d.eval, sys, { kind: 'c2po', iterations: p.iterations, tau: p.tied.tau, rho: p.tied.rho });
  if (m.id === 'gnn' && !p.gnn) throw new Error(`lowResSignal(p.gnn): the GNN method needs a model`);
  const y = m.id === 'gnn' ? gnn.gnnSignal(p.gnn as gnn.GnnModel, gsys, d.h, d.block) : gnn.linearTransmit('zf', gsys, d.h, d.block, m.bits);
  try {
    return toVectors(y, d);
  } finally {
    C.dispose(y);
  }
}

function costOf(m: LowResMethod, U: number, B: number, T: number, iterations: number, arch: { hiddenLayers: number; features: number }): number {
  if (m.id === 'c2po' || m.id === 'trained-c2po' || m.id === 'nno-c2po') return c2poMatmulFlops({ users: U, antennas: B, iterations });
  if (m.id === 'gnn') return gnnMatmulFlops({ users: U, antennas: B, bits: 1, ...arch, symbolVectors: T });
  return zfMatmulFlops({ users: U, antennas: B, symbolVectors: T });
}

/**
 * Every method on every scenario (module comment), paired: one channel set, one symbol block and one
 * noise stream per scenario, shared by all methods. Scenario streams are forked by name, so a scenario's
 * numbers do not depend on which other scenarios run.
 */
export async function lowResolution(opts: LowResOptions): Promise<LowResResult> {
  const o = checkOptions(opts);
  const t0 = performance.now();
  const lp = learned(o.iterations);
  const preset = gnn.gnnPreset(lp.gnn.run.preset);
  const methods = lowResMethods({ ...o, trainedAt: lp.trainedAt });
  const progress = opts.progress ?? silentProgress;
  const scenarios: LowResScenario[] = [];
  const plan = o.channels.flatMap((channel) => o.users.map((users) => ({ channel, users })));
  const ticker = new Ticker(progress, 'low-resolution DACs', plan.length * methods.length);
  let done = 0;
  for (const { channel, users: U } of plan) {
    const B = o.antennas, N = o.channelCount, T = o.symbolVectors;
    const rng = lowResScenarioRng(o.seed, channel, U);
    const gsys = gnn.gnnSystem({ antennas: B, users: U, bits: 1, power: 1 });
    const gkey = gnn.netKey({ channel, antennas: B, users: U, bits: 1 });
    const ckpt = lp.gnn.checkpoints.get(gkey);
    const net = ckpt ? gnn.netFromCheckpoint(ckpt, preset, `${lp.gnn.source} · ${gkey}`) : undefined;
    const d = drawLowResData(rng, { channel, users: U, antennas: B, channelCount: N, symbolVectors: T });
    const params: LowResParams = { iterations: o.iterations, nno: lp.nno, tied: lp.tied, gnn: net?.model };
    const scenario: LowResScenario = { channel, users: U, antennas: B, curves: [], absent: [] };
    try {
      for (const m of methods) {
        if (m.id === 'gnn' && !net) {
          scenario.absent.push({ method: m, reason: `the committed GNN run trained no network ${gkey}` });
        } else {
          C.dispose(lowResSignal(m, d, params)); // warm-up: kernels compiled, buffers allocated
          const t1 = performance.now();
          const x = lowResSignal(m, d, params);
          x.re.dataSync(); // the work is done (wall time, not dispatch)
          const micros = ((performance.now() - t1) * 1000) / (N * T);
          try {
            const y = toBlock(x, d);
            let rates: number[][];
            let ber: c2po.BerCurve;
            try {
              ber = blockBerCurve(d.h, y, d.block, d.blockIndices, { snrDb: o.snrDb, noiseDraws: o.noiseDraws, rng: rng.fork('noise'), constellation: constellation('16qam'), power: 1 });
              rates = gnn.ratesPerChannel(gsys, d.h, y, d.block, o.snrDb);
            } finally {
              C.dispose(y);
            }
            scenario.curves.push({ method: m, ber, sumRate: rates.map((r) => meanSe(r)), ratePerChannel: rates, flopsPerVector: costOf(m, U, B, T, o.iterations, preset.arch), microsecondsPerVector: micros });
          } finally {
            C.dispose(x);
          }
        }
        ticker.tick(++done, { message: `${channel} U=${U} ${m.id}` });
        await yieldToEventLoop(); // let progress reach a Jupyter cell
      }
    } finally {
      disposeLowResData(d);
      net?.model.params.dispose();
    }
    scenarios.push(scenario);
  }
  ticker.end();
  return { options: o, sources: { nnoC2po: lp.nno.source, trainedC2po: lp.tied.source, gnn: lp.gnn.source }, backend: backendInfo().name, scenarios, seconds: (performance.now() - t0) / 1000 };
}
