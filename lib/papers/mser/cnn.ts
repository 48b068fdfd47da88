/**
 * The black-box CNN benchmark of the MSER paper (§V-B, Fig. 4): four CNNs, built on [22], design the
 * hybrid transceiver from the channel. θ_F-NN and θ_U-NN give the analog phases first; the equivalent
 * channels H_eq,k = U_kH_kF they imply feed P-NN (the digital precoder V = [P_1 … P_K]) and W-NN (the
 * digital combiners W_k). Each CNN has convolutional, pooling, fully connected and batch-normalisation
 * layers, 17 of them; the output of P-NN is scaled to the power budget as in (26). Trained by SGD (the
 * paper) or Adam on the loss (15) (CNN-MSER) or the MSE (CNN-MMSE).
 *
 * Shapes (NHWC images, re/im as channels; the paper's 2×N_r×N_t tensor H̃_k, transposed):
 *   θ_F-NN: all users' channels [B, N_r, N_t, 2K] (channel 2k + 0/1 = Re/Im H_k) → θ_F [B, N_t, R_t];
 *   θ_U-NN: one user's channel [B·K, N_r, N_t, 2], weights shared by the users → θ_U [B, K, R_r, N_r];
 *   H_eq = U_kH_kF/√(N_rN_t) [B, K, R_r, R_t] (with the predicted phases, differentiable), as the image
 *   [B, K·R_r, R_t, 2] → P-NN → V [B, R_t, D] complex (2R_tD outputs, Re then Im)
 *                     → W-NN → W [B, K, R_r, D_k] complex (2KR_rD_k outputs);
 *   then (26) and (ours, as ./gd) the combiner normalisation ‖U_kᴴw_{i,k}‖ = 1 (`projectState`), so the
 *   constraints hold by construction.
 *
 * Ours (the paper gives no sizes, see the design note §3):
 * - A sub-network is stages of conv3×3 ('same', no bias)-BN-ReLU blocks, each stage optionally ending
 *   in a 2×2 max pooling ('same': ⌈n/2⌉, so any map size works), then the head FC(hidden, no bias)-BN-ReLU,
 *   FC(hidden)-ReLU, FC(out). Layers counted as the note does: every conv, BN, pooling and FC layer,
 *   activations not counted (`cnnLayerCount`).
 * - `cnnPreset('paper')`: 17 layers each. θ_F-NN and θ_U-NN: [conv(16)]×2, pool, [conv(32)]×2, pool,
 *   conv(64), pool, FC 256-BN, FC 256, FC out (5 conv + 5 BN + 3 pool + 3 + 1). P-NN and W-NN on the
 *   small H_eq (8×8 in the paper's system): [conv(16)]×3, [conv(32)]×3, pool, the same head
 *   (6 conv + 6 BN + 1 pool + 3 + 1; the note's "9 conv-BN pairs" would exceed 17 layers, and the paper
 *   says every CNN pools). Trainable parameters in the paper's system: θ_F-NN 364 416, θ_U-NN 240 768,
 *   P-NN 250 272, W-NN 237 936 (`cnnParamCount`). `cnnPreset('small')` is a 7/6-layer version for tests.
 * - The phase outputs' bias starts uniform on [−π, π): the untrained F and U_k are random phase
 *   matrices (full rank), not all-ones. He-normal kernels before ReLU, Glorot on the outputs.
 * - The H_eq image is scaled by 1/√(N_rN_t) so its entries have about unit variance, as h's do.
 * - We do not feed the symbols b_k (the paper lists them as inputs): the design is per channel, as
 *   for every other scheme. The MSE loss sees W before the combiner normalisation (its scale is part
 *   of the MMSE solution, as in ./mmse); the design is normalised afterwards, which changes neither
 *   the sign detection (6) nor the exact SER.
 *
 * Batch normalisation: training steps normalise with the batch statistics and move the running
 * statistics; `cnnDesign` and validation use the running statistics (inference mode). The running
 * statistics are non-trainable variables of the `ParamSet`, handed to `train()` as `state`, so the
 * best validated parameters are kept together with the very statistics their validation used.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { batchNorm, BatchNormLayer } from '../../train/layers/batchNorm';
import { conv2d } from '../../train/layers/conv';
import { dense } from '../../train/layers/dense';
import type { Layer } from '../../train/layers/layer';
import { maxPool2d } from '../../train/layers/pool';
import { train, TrainHistory } from '../../train/loop';
import { ParamSet } from '../../train/params';
import type { Progress } from '../../train/progress';
import { exactSer } from './evaluate';
import { projectState } from './gd';
import { mserObjective } from './kde';
import { mseObjective } from './mmse';
import { sampleSymbols, SymbolBlock } from './symbols';
import { checkSystem, MserSystem, noiseVarOf, totalStreams } from './system';
import { analog, analogReceive, disposeState, HybridState } from './transceiver';

/** One stage of a trunk: conv3×3-BN-ReLU blocks of these widths, then (if `pool`) a 2×2 max pooling. */
export interface CnnStage {
  channels: number[];
  pool: boolean;
}

/** The size of one sub-network: its convolutional trunk and the width of its FC head. */
export interface CnnNetSize {
  stages: CnnStage[];
  /** width of the two hidden FC layers */
  hidden: number;
}

export interface CnnConfig {
  sys: MserSystem;
  /** θ_F-NN and θ_U-NN (on the channel images) */
  phase: CnnNetSize;
  /** P-NN and W-NN (on the H_eq image) */
  digital: CnnNetSize;
}

/** A number per sub-network (and their total, for parameter counts). */
export interface CnnCounts {
  thetaF: number;
  thetaU: number;
  p: number;
  w: number;
}

export interface CnnForwardOptions {
  /** batch norm with batch statistics (and moving the running ones), else with the running ones */
  training: boolean;
  /** ours: ‖U_kᴴw_{i,k}‖ = 1 on the output (default true; the MSE loss is taken without it) */
  normaliseCombiner?: boolean;
}

export interface CnnNet {
  config: CnnConfig;
  params: ParamSet;
  /**
   * The design for channels h [B, K, N_r, N_t] (B ≥ 2 in training mode): a new state after (26) and
   * the combiner normalisation. Owns its scope; inside a loss it builds the graph for autodiff.
   */
  forward: (h: Complex, opts: CnnForwardOptions) => HybridState;
  /** the trainable variables (batch-norm running statistics are `params.state()`) */
  trainable: () => tf.Variable[];
  dispose: () => void;
}

const SUBNETS = ['thetaF', 'thetaU', 'p', 'w'] as const;
type SubnetName = (typeof SUBNETS)[number];

/**
 * The presets: 'paper' (17 layers per sub-network, the module comment; ≈ 1.1 M parameters), 'compact'
 * (the same 17 layers at a quarter of the widths and FC 64: ≈ 0.13 M parameters, what the reproduce run
 * trains and commits; a 1.1 M-parameter checkpoint is ≈ 20 MB of JSON per network) and 'small' (tests).
 */
export type CnnPresetName = 'paper' | 'compact' | 'small';

export function cnnPreset(name: CnnPresetName, sys: MserSystem): CnnConfig {
  if (name === 'paper') {
    return {
      sys,
      phase: { stages: [{ channels: [16, 16], pool: true }, { channels: [32, 32], pool: true }, { channels: [64], pool: true }], hidden: 256 },
      digital: { stages: [{ channels: [16, 16, 16], pool: false }, { channels: [32, 32, 32], pool: true }], hidden: 256 },
    };
  }
  if (name === 'compact') {
    return {
      sys,
      phase: { stages: [{ channels: [8, 8], pool: true }, { channels: [16, 16], pool: true }, { channels: [32], pool: true }], hidden: 64 },
      digital: { stages: [{ channels: [8, 8, 8], pool: false }, { channels: [16, 16, 16], pool: true }], hidden: 64 },
    };
  }
  if (name === 'small') {
    return { sys, phase: { stages: [{ channels: [4], pool: true }], hidden: 16 }, digital: { stages: [{ channels: [4], pool: false }], hidden: 16 } };
  }
  throw new Error(`cnnPreset(name): 'paper', 'compact' or 'small'; got ${String(name)}`);
}

function checkNetSize(fn: string, what: string, s: CnnNetSize): void {
  if (s === null || typeof s !== 'object') throw new Error(`${fn}(${what}): needs { stages: { channels, pool }[], hidden }`);
  if (!Array.isArray(s.stages) || s.stages.length === 0) throw new Error(`${fn}(${what}.stages): needs at least one stage { channels: number[], pool: boolean }; got ${JSON.stringify(s.stages)}`);
  s.stages.forEach((st, i) => {
    if (st === null || typeof st !== 'object' || !Array.isArray(st.channels) || st.channels.length === 0) {
      throw new Error(`${fn}(${what}.stages[${i}]): needs { channels: positive integers (at least one), pool: boolean }; got ${JSON.stringify(st)}`);
    }
    st.channels.forEach((c, j) => checkPositiveInt(fn, `${what}.stages[${i}].channels[${j}]`, c));
    if (typeof st.pool !== 'boolean') throw new Error(`${fn}(${what}.stages[${i}].pool): true or false; got ${String(st.pool)}`);
  });
  checkPositiveInt(fn, `${what}.hidden`, s.hidden);
}

/** Throws unless `c` is a valid configuration (names the field and the allowed values). */
export function checkCnnConfig(fn: string, c: CnnConfig): CnnConfig {
  if (c === null || typeof c !== 'object') throw new Error(`${fn}(config): needs { sys, phase, digital } (see cnnPreset)`);
  checkSystem(fn, c.sys);
  checkNetSize(fn, 'config.phase', c.phase);
  checkNetSize(fn, 'config.digital', c.digital);
  return c;
}

/** Input image [height, width, channels] and output units of every sub-network. */
function geometry(sys: MserSystem): Record<SubnetName, { height: number; width: number; channels: number; out: number }> {
  const { txAntennas: nt, txRf: rt, users: k, rxAntennas: nr, rxRf: rr, streams: dk } = sys;
  return {
    thetaF: { height: nr, width: nt, channels: 2 * k, out: nt * rt },
    thetaU: { height: nr, width: nt, channels: 2, out: rr * nr },
    p: { height: k * rr, width: rt, channels: 2, out: 2 * rt * k * dk },
    w: { height: k * rr, width: rt, channels: 2, out: 2 * k * rr * dk },
  };
}

const sizeOf = (c: CnnConfig, n: SubnetName) => (n === 'thetaF' || n === 'thetaU' ? c.phase : c.digital);

/** Conv, BN, pooling and FC layers of each sub-network (activations not counted): 17 each in the paper preset. */
export function cnnLayerCount(config: CnnConfig): CnnCounts {
  checkCnnConfig('cnnLayerCount', config);
  const count = (s: CnnNetSize) => s.stages.reduce((a, st) => a + 2 * st.channels.length + (st.pool ? 1 : 0), 0) + 4;
  return { thetaF: count(config.phase), thetaU: count(config.phase), p: count(config.digital), w: count(config.digital) };
}

/** Trainable scalars of one sub-network, in closed form. */
function subnetParams(s: CnnNetSize, g: { height: number; width: number; channels: number; out: number }): number {
  let n = 0, cin = g.channels, h = g.height, w = g.width;
  for (const st of s.stages) {
    for (const c of st.channels) {
      n += 9 * cin * c + 2 * c; // kernel (no bias) and γ, β
      cin = c;
    }
    if (st.pool) {
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
    }
  }
  const f = h * w * cin, hid = s.hidden;
  return n + f * hid + 2 * hid + hid * hid + hid + hid * g.out + g.out;
}

/**
 * Trainable parameters of each sub-network and in total, in closed form (batch-norm running
 * statistics excluded: 2 per BN channel, not trained). Equals the variables' sizes (tested).
 */
export function cnnParamCount(of: CnnNet | CnnConfig): CnnCounts & { total: number } {
  const config = 'config' in of ? of.config : of;
  checkCnnConfig('cnnParamCount', config);
  const g = geometry(config.sys);
  const r = { thetaF: 0, thetaU: 0, p: 0, w: 0 };
  for (const n of SUBNETS) r[n] = subnetParams(sizeOf(config, n), g[n]);
  return { ...r, total: r.thetaF + r.thetaU + r.p + r.w };
}

/** One sub-network: image [N, height, width, channels] → [N, out]; registers `${name}/…` in `params`. */
function buildSubnet(params: ParamSet, name: string, s: CnnNetSize, g: { height: number; width: number; channels: number; out: number }, outBias: 'phase' | 'zeros', bns: BatchNormLayer[]): Layer {
  const layers: Layer[] = [];
  let cin = g.channels, h = g.height, w = g.width;
  s.stages.forEach((st, i) => {
    st.channels.forEach((c, j) => {
      const conv = conv2d(params, `${name}/s${i}/conv${j}`, { inChannels: cin, outChannels: c, kernelSize: 3, padding: 'same', useBias: false, kernelInit: 'heNormal' });
      const bn = batchNorm(params, `${name}/s${i}/bn${j}`, { channels: c });
      bns.push(bn);
      layers.push(conv, bn, tf.relu);
      cin = c;
    });
    if (st.pool) {
      layers.push(maxPool2d({ poolSize: 2, padding: 'same' }));
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
    }
  });
  const f = h * w * cin;
  const fc1 = dense(params, `${name}/fc1`, { inUnits: f, outUnits: s.hidden, useBias: false, kernelInit: 'heNormal' });
  const bn = batchNorm(params, `${name}/fc1bn`, { channels: s.hidden });
  bns.push(bn);
  const fc2 = dense(params, `${name}/fc2`, { inUnits: s.hidden, outUnits: s.hidden, activation: 'relu', kernelInit: 'heNormal' });
  const out = dense(params, `${name}/out`, { inUnits: s.hidden, outUnits: g.out, biasInit: outBias === 'phase' ? { kind: 'uniform', low: -Math.PI, high: Math.PI } : 'zeros' });
  return (x) =>
    tf.tidy(() => {
      const y = layers.reduce((a, l) => l(a), x);
      return out(fc2(tf.relu(bn(fc1(tf.reshape(y, [x.shape[0], f]))))));
    });
}

/** Throws unless h is [B, K, N_r, N_t] complex for `sys`; returns B. */
function checkChannels(fn: string, what: string, sys: MserSystem, h: Complex): number {
  const want = [sys.users, sys.rxAntennas, sys.txAntennas];
  const re = h?.re?.shape, im = h?.im?.shape;
  const ok = (s: number[] | undefined) => Array.isArray(s) && s.length === 4 && s[0] >= 1 && want.every((d, i) => s[i + 1] === d);
  if (!ok(re) || !ok(im) || re![0] !== im![0]) {
    throw new Error(`${fn}(${what}): needs complex shape [B, K, N_r, N_t] = [B, ${want}] (the system's K, N_r, N_t); got re [${String(re)}], im [${String(im)}]`);
  }
  return re![0];
}

type Flat = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
const flatten = (s: HybridState): Flat => [s.thetaF, s.v.re, s.v.im, s.thetaU, s.w.re, s.w.im];
const unflatten = (t: Flat): HybridState => ({ thetaF: t[0], v: { re: t[1], im: t[2] }, thetaU: t[3], w: { re: t[4], im: t[5] } });

/** The four CNNs with their initial weights (every number from `rng`, through the `ParamSet`). */
export function buildCnn(rng: Rng, config: CnnConfig): CnnNet {
  const fn = 'buildCnn';
  if (typeof (rng as Partial<Rng> | undefined)?.fork !== 'function') throw new Error(`${fn}(rng): must be an Rng (lib/core/random)`);
  checkCnnConfig(fn, config);
  const sys = config.sys;
  const { txAntennas: nt, txRf: rt, users: K, rxAntennas: nr, rxRf: rr, streams: dk } = sys;
  const d = totalStreams(sys);
  const g = geometry(sys);
  const params = new ParamSet(rng);
  const bns: BatchNormLayer[] = [];
  const nets = {
    thetaF: buildSubnet(params, 'thetaF', config.phase, g.thetaF, 'phase', bns),
    thetaU: buildSubnet(params, 'thetaU', config.phase, g.thetaU, 'phase', bns),
    p: buildSubnet(params, 'p', config.digital, g.p, 'zeros', bns),
    w: buildSubnet(params, 'w', config.digital, g.w, 'zeros', bns),
  };
  const heqScale = 1 / Math.sqrt(nr * nt);
  const forward = (h: Complex, opts: CnnForwardOptions): HybridState => {
    const b = checkChannels('CnnNet.forward', 'h', sys, h);
    if (opts === null || typeof opts !== 'object' || typeof opts.training !== 'boolean') throw new Error('CnnNet.forward(opts): needs { training: boolean }');
    if (opts.training && b < 2) throw new Error(`CnnNet.forward(h): training mode (batch statistics) needs B >= 2 channels; got B = ${b}`);
    for (const bn of bns) bn.training = opts.training;
    const out = tf.tidy((): Flat => {
      const img = tf.stack([h.re, h.im], -1); // [B, K, N_r, N_t, 2]
      const all = tf.reshape(tf.transpose(img, [0, 2, 3, 1, 4]), [b, nr, nt, 2 * K]);
      const thetaF = tf.reshape(nets.thetaF(all), [b, nt, rt]);
      const thetaU = tf.reshape(nets.thetaU(tf.reshape(img, [b * K, nr, nt, 2])), [b, K, rr, nr]);
      const heq = C.matmul(analogReceive(h, thetaU), C.expandDims(analog(thetaF), 1)); // U_kH_kF [B, K, R_r, R_t]
      const heqImg = tf.mul(tf.reshape(tf.stack([heq.re, heq.im], -1), [b, K * rr, rt, 2]), heqScale);
      const [vRe, vIm] = tf.split(tf.reshape(nets.p(heqImg), [b, 2, rt, d]), 2, 1);
      const [wRe, wIm] = tf.split(tf.reshape(nets.w(heqImg), [b, 2, K, rr, dk]), 2, 1);
      const raw: HybridState = {
        thetaF, thetaU,
        v: { re: tf.reshape(vRe, [b, rt, d]), im: tf.reshape(vIm, [b, rt, d]) },
        w: { re: tf.reshape(wRe, [b, K, rr, dk]), im: tf.reshape(wIm, [b, K, rr, dk]) },
      };
      return flatten(projectState(raw, sys, { normaliseCombiner: opts.normaliseCombiner ?? true }));
    });
    return unflatten(out);
  };
  return { config, params, forward, trainable: () => params.variables(), dispose: () => params.dispose() };
}

/**
 * The network's design for channels h [B, K, N_r, N_t] (inference: batch norm with the running
 * statistics, so each channel's design is its own); in chunks of `opts.chunk` channels (default 64:
 * the im2col buffers of the first layers grow with the batch). The caller disposes it.
 */
export function cnnDesign(net: CnnNet, h: Complex, opts: { chunk?: number } = {}): HybridState {
  const chunk = checkPositiveInt('cnnDesign', 'opts.chunk', opts.chunk ?? 64);
  const b = checkChannels('cnnDesign', 'h', net.config.sys, h);
  if (b <= chunk) return net.forward(h, { training: false });
  const parts: Flat[] = [];
  try {
    for (let i = 0; i < b; i += chunk) {
      const n = Math.min(chunk, b - i);
      const hi = C.tidy(() => C.slice(h, [i, 0, 0, 0], [n, -1, -1, -1]));
      try {
        parts.push(flatten(net.forward(hi, { training: false })));
      } finally {
        C.dispose(hi);
      }
    }
    return unflatten(tf.tidy(() => [0, 1, 2, 3, 4, 5].map((j) => tf.concat(parts.map((p) => p[j]), 0)) as Flat));
  } finally {
    parts.forEach((p) => tf.dispose(p));
  }
}

export interface CnnTrainSettings {
  steps: number;
  /** N, channels per step (paper: 20); ≥ 2 (batch statistics) */
  batchChannels: number;
  learningRate: number;
  /** 'mser': the loss (15) (CNN-MSER); 'mse': the MSE of ./mmse (CNN-MMSE) */
  objective: 'mser' | 'mse';
  /** training SNR, dB */
  snrDb: number;
  /** J of the MSER loss (a fresh block every step; unused by 'mse') */
  symbols: number;
  validateEvery: number;
  /** 'adam' (default; ours) or 'sgd' (the paper, no rate given) */
  optimizer?: 'adam' | 'sgd';
  /** gradient clipping by global norm (ours; none when absent) */
  clipNorm?: number;
}

export interface TrainedCnn {
  /** mean exact SER of the validation channels: the untrained network and the kept parameters */
  validation: { start: number; end: number };
  history: TrainHistory;
}

export function checkCnnTrainSettings(fn: string, s: CnnTrainSettings): void {
  if (s === null || typeof s !== 'object') throw new Error(`${fn}(settings): needs { steps, batchChannels, learningRate, objective, snrDb, symbols, validateEvery }`);
  checkPositiveInt(fn, 'settings.steps', s.steps);
  checkPositiveInt(fn, 'settings.batchChannels (N)', s.batchChannels);
  if (s.batchChannels < 2) throw new Error(`${fn}(settings.batchChannels): needs N >= 2 (batch normalisation uses the batch statistics); got ${s.batchChannels}`);
  checkFinite(fn, 'settings.learningRate', s.learningRate, 0, false);
  if (s.objective !== 'mser' && s.objective !== 'mse') throw new Error(`${fn}(settings.objective): 'mser' or 'mse'; got ${String(s.objective)}`);
  checkFinite(fn, 'settings.snrDb', s.snrDb);
  checkPositiveInt(fn, 'settings.symbols (J)', s.symbols);
  checkPositiveInt(fn, 'settings.validateEvery', s.validateEvery);
  if (s.optimizer !== undefined && s.optimizer !== 'sgd' && s.optimizer !== 'adam') throw new Error(`${fn}(settings.optimizer): 'sgd' or 'adam'; got ${String(s.optimizer)}`);
  if (s.clipNorm !== undefined) checkFinite(fn, 'settings.clipNorm', s.clipNorm, 0, false);
}

/**
 * Train `net` in place on channels `trainH` [n, K, N_r, N_t]; validation (before the first step and
 * every `validateEvery` steps) by the mean exact SER of `valH`, the best parameters and their
 * batch-norm statistics kept, the start included. The MSER loss uses the fixed width
 * ϱ = √(σ²/2) (the per-axis noise std of a normalised combiner), as ./training. Minibatches (with
 * replacement) from `rng.fork('batches')`, symbol blocks from `rng.fork('symbols')`.
 */
export async function trainCnn(net: CnnNet, data: { trainH: Complex; valH: Complex }, settings: CnnTrainSettings, rng: Rng, opts: { progress?: Progress; phase?: string } = {}): Promise<TrainedCnn> {
  const fn = 'trainCnn';
  checkCnnTrainSettings(fn, settings);
  if (typeof (rng as Partial<Rng> | undefined)?.fork !== 'function') throw new Error(`${fn}(rng): must be an Rng (lib/core/random)`);
  const sys = net.config.sys;
  if (settings.objective === 'mser' && sys.modulation !== 'qpsk') throw new Error(`${fn}(settings.objective): 'mser' is the QPSK loss (15); the system is ${sys.modulation}`);
  if (data === null || typeof data !== 'object') throw new Error(`${fn}(data): needs { trainH, valH }`);
  const n = checkChannels(fn, 'data.trainH', sys, data.trainH);
  checkChannels(fn, 'data.valH', sys, data.valH);
  if (n < settings.batchChannels) throw new Error(`${fn}(data.trainH): needs at least batchChannels = ${settings.batchChannels} channels; got ${n}`);
  const nv = noiseVarOf(sys, settings.snrDb);
  const rhoLoss = Math.sqrt(nv / 2);
  const mser = settings.objective === 'mser';
  const batches = rng.fork('batches'), symbols = rng.fork('symbols');
  const validate = () => {
    const s = cnnDesign(net, data.valH);
    try {
      // parameters a diverging step left non-finite: never the best validation
      if (!flatten(s).every((t) => tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1))) return Infinity;
      const ser = exactSer(data.valH, s, sys, nv);
      return ser.reduce((a, b) => a + b, 0) / ser.length;
    } finally {
      disposeState(s);
    }
  };
  // the batch (channels, the step's symbol block) is disposed by train() after the step
  const history = await train<{ h: Complex; sym?: SymbolBlock }>({
    variables: net.trainable(),
    state: net.params.state(),
    batch: (epoch) => {
      const idx = tf.tensor1d(batches.fork(`step${epoch}`).intArray(settings.batchChannels, n), 'int32');
      const h = C.tidy(() => ({ re: tf.gather(data.trainH.re, idx), im: tf.gather(data.trainH.im, idx) }));
      idx.dispose();
      const sym = mser ? sampleSymbols(symbols.fork(`step${epoch}`), { streams: totalStreams(sys), count: settings.symbols, modulation: sys.modulation }) : undefined;
      return { h, sym };
    },
    loss: (b) =>
      tf.tidy(() => {
        const s = net.forward(b.h, { training: true, normaliseCombiner: mser });
        return tf.mean(b.sym ? mserObjective(b.h, s, b.sym, { rho: rhoLoss }) : mseObjective(b.h, s, sys, nv)) as tf.Scalar;
      }),
    epochs: settings.steps,
    stepsPerEpoch: 1,
    optimizer: settings.optimizer ?? 'adam',
    learningRate: settings.learningRate,
    clipNorm: settings.clipNorm,
    validate,
    validateEvery: settings.validateEvery,
    validateAtStart: true,
    onNonFinite: 'skip',
    progress: opts.progress,
    phase: opts.phase ?? `train CNN-${settings.objective.toUpperCase()}`,
  });
  const start = history.validation[0]?.loss ?? Infinity;
  return { validation: { start, end: history.bestValidation?.loss ?? start }, history };
}
