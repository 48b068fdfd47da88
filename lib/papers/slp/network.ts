/**
 * SLP-DNet (§II-C, Fig. 2 and Tables III–IV of SLP-SQ; Mohammad et al. [26]) and its quantised
 * versions SLP-DBNet, SLP-DTNet, SLP-DSQBNet, SLP-DSQTNet (§III–IV): an interior-point method for
 * problem (2), unfolded into L layers whose barrier weight and step size come from a parameter-update
 * module (PUM, Table III), followed by an auxiliary processing module (APM, Table IV) that refines the
 * Lagrange multipliers, from which the precoder is recovered by (10).
 *
 * Where the paper is silent, our choices (the notebook states them):
 * - Scale. Each instance is divided through: rows â_j = a_j/|c_j| (so every threshold is −1) and then
 *   by ρ = 1/‖u⁰(Â)‖, so that the zero-forcing-like start has ‖u⁰‖ = 1 and the unit problem
 *   min ‖w̃‖² s.t. Ã w̃ ≤ −1 (Ã = Â/ρ) has its optimum ≤ 1; its solution maps back exactly by w = w̃/ρ.
 *   The input map (B, 1, 2M, K) of Tables III–IV is Φ_k/(|c_k|ρ) (the paper: "normalized by the
 *   transmit data symbol"). A common SINR then changes only ρ: the network is scale-equivariant.
 * - Layers (3)–(8). The paper's proximal step of the barrier (4) has no closed form; we take the
 *   interior-point method's own step, a primal–dual Newton step on the perturbed KKT conditions
 *   2u + Ãᵀλ = 0, λ∘s = σμ (s = −1 − Ãu the slacks, μ = mean λ∘s, v = σμ the barrier weight):
 *   (2I + Ãᵀdiag(λ/s)Ã) du = −(2u + Ãᵀλ) + Ãᵀ((λ∘s − σμ)/s), ds = −Ã du, dλ = (σμ − λ∘s − λ∘ds)/s,
 *   then u, s, λ += α(du, ds, dλ) with α = γ·min(1, 0.99·the largest step keeping s, λ > 0), so every
 *   iterate is strictly feasible. It starts from u⁰ = −(1 + δ)Ãᵀ(ÃÃᵀ)⁻¹1 (slack δ = 1 in every
 *   constraint; needs K ≤ M), λ⁰ = 0.1. σ⁽ˡ⁾ = sigmoid(o₀ + c⁽ˡ⁾) and γ⁽ˡ⁾ = sigmoid(o₁ + g⁽ˡ⁾): c⁽ˡ⁾, g⁽ˡ⁾
 *   are per-layer scalars (starting at σ = 0.3, γ = 0.9), o = PUM⁽ˡ⁾(input map) the Table III CNN
 *   (conv 3×3 → 20 channels, 'same'; average pooling 1×1 stride 1 is the identity and is left out;
 *   softplus; flatten; fully connected → 2; the sigmoids keep σ, γ in (0, 1) as the paper's softplus
 *   keeps its output positive). The PUM's FC starts at zero, so the untrained network is the plain
 *   interior-point schedule. The paper's auxiliary λ of (5) is not used (a bias on the gradient).
 *   The 8×8 Newton systems are solved by `inverseSpd` (float32 Gauss–Jordan without pivoting) after
 *   a diagonal (Jacobi) scaling H⁻¹ = D(DHD)⁻¹D, D = diag(H)^(−1/2): unscaled, near-singular channels
 *   (Hessian condition numbers 1e4–3e5) cost ≈ 1e-2 relative in w against the float64 peer of
 *   bench/slp.bench.ts; scaled, the forward agrees to its tolerance.
 * - Multipliers and precoder. The APM (Table IV: conv 3×3 → 16, BN, PReLU; conv → 8, BN, PReLU;
 *   conv → 2) maps the input map to [B, 2M, K, 2], averaged over the 2M rows to one log-correction per
 *   constraint (our reading of its output size), λ ← λ⁽ᴸ⁾·exp(APM); its last convolution starts at zero.
 *   Its first two convolutions have no bias: each feeds a batch norm, whose mean removes a bias in
 *   training (it would get no gradient) and whose β is the bias at inference.
 *   The precoder is (10): w̃ = −½Ãᵀλ, the minimiser of the Lagrangian at λ.
 * - Dual value. The Lagrangian (9) at (10) is the dual function g(λ) = Σλ_j − ‖w̃‖², a lower bound on
 *   the optimum for every λ ≥ 0 that reaches it at the optimal multipliers; with the primal iterate it
 *   gives the duality gap ‖u⁽ᴸ⁾‖² − g(λ) ≥ 0 that training minimises (`./training`). Since
 *   g(λ*) − g(λ) ≥ ‖w̃(λ) − w̃*‖², a small gap means a precoder near the optimum; what remains is
 *   removed by the final scaling (`scaleToFeasible`).
 * - Quantisation (§III–IV): the PUM convolutions and the APM's first two are quantised (binary BWN
 *   eq. 16 or ternary TWN eq. 18; SQ: a share QR of their filters, Algorithm 1 with the linear QP,
 *   re-drawn every training step, the most probable filters at inference); the PUM's FC and the APM's
 *   last convolution stay full precision (the paper keeps the last layer full precision). Activations
 *   of quantised networks use the k-bit function (22) on [−2, 2] in place of PReLU and of the PUM's
 *   softplus: k = 1 for SLP-DBNet/DTNet (Table V: {−1, +1}), k = 2 for the SQ networks.
 */
import * as tf from '@tensorflow/tfjs';
import { inverseSpd } from '../../core/linalg';
import { Rng } from '../../core/random';
import { checkPositiveInt } from '../../core/validate';
import { BatchNormLayer, batchNorm } from '../../train/layers/batchNorm';
import { conv2d } from '../../train/layers/conv';
import { dense } from '../../train/layers/dense';
import { prelu } from '../../train/layers/prelu';
import type { Layer } from '../../train/layers/layer';
import { ParamSet } from '../../train/params';
import { hybridWeight, quantizeActivation, WeightQuantMode } from '../../train/quantize';
import { SlpInstances } from './problem';

/** The five networks of Fig. 5. */
export type SlpVariant = 'full' | 'binary' | 'ternary' | 'sq-binary' | 'sq-ternary';
export const SLP_VARIANTS: readonly SlpVariant[] = ['full', 'binary', 'ternary', 'sq-binary', 'sq-ternary'];

/** The paper's names: SLP-DNet, SLP-DBNet, SLP-DTNet, SLP-DSQBNet, SLP-DSQTNet. */
export const VARIANT_NAMES: Readonly<Record<SlpVariant, string>> = {
  full: 'SLP-DNet',
  binary: 'SLP-DBNet',
  ternary: 'SLP-DTNet',
  'sq-binary': 'SLP-DSQBNet',
  'sq-ternary': 'SLP-DSQTNet',
};

export interface SlpNetConfig {
  variant: SlpVariant;
  /** K */
  users: number;
  /** M */
  antennas: number;
  /** L, unfolded interior-point layers (ours; the paper: B_l = 2 PUM blocks, not a layer count) */
  layers: number;
  /** QR of the SQ networks (paper: 0.5); ignored by the others (full: 0, binary/ternary: 1) */
  quantRatio?: number;
  /** PUM convolution channels (Table III: 20) */
  pumChannels?: number;
  /** APM convolution channels (Table IV: 16, 8) */
  apmChannels?: [number, number];
  /** λ⁰ (every multiplier) and the starting centering σ (ours: 0.1, 0.3) */
  barrier?: { start: number; ratio: number };
  /** starting step size γ (ours: 0.9) */
  step?: number;
  /** δ, the slack of the starting point in every constraint (ours: 1; u⁰ meets Ãu⁰ = −(1 + δ)) */
  startSlack?: number;
}

/** One batch of instances as the network reads them. */
export interface SlpTensors {
  /** Ã: [B, J = 2K, N = 2M] */
  a: tf.Tensor3D;
  /** Ãᵀ: [B, N, J] (kept to avoid transposed matmuls, slow on wasm) */
  at: tf.Tensor3D;
  /** input map: [B, 2M, K, 1] */
  x: tf.Tensor4D;
  /** u⁰: [B, N, 1] */
  u0: tf.Tensor3D;
  /** ρ per instance (w = w̃/ρ), float64 */
  rho: Float64Array;
  batch: number;
}

export function disposeTensors(t: SlpTensors | undefined): void {
  if (t) tf.dispose([t.a, t.at, t.x, t.u0]);
}

/** Cholesky solve of the J×J SPD system G z = r in place (float64); false if G is not positive definite. */
function cholSolve(G: Float64Array, r: Float64Array, n: number): boolean {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 1e-13 * Math.max(1, G[i * n + i]))) return false;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  for (let i = 0; i < n; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * r[k];
    r[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = r[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * r[k];
    r[i] = s / L[i * n + i];
  }
  return true;
}

/**
 * The network's view of a batch of instances (see the file comment: Ã, ρ, the input map, u⁰).
 * u⁰ is computed in float64. Throws if K > M (no strictly feasible zero-forcing start) or an
 * instance is degenerate.
 */
export function prepareTensors(inst: SlpInstances): SlpTensors {
  const fn = 'prepareTensors';
  const B = inst.batch, K = inst.users, M = inst.antennas, J = 2 * K, N = 2 * M;
  if (K > M) throw new Error(`${fn}: SLP-DNet's interior-point start needs users K ≤ antennas M; got K = ${K}, M = ${M}`);
  const a = new Float32Array(B * J * N), at = new Float32Array(B * N * J), x = new Float32Array(B * N * K), u0 = new Float32Array(B * N);
  const rho = new Float64Array(B);
  const ah = new Float64Array(J * N), G = new Float64Array(J * J), z = new Float64Array(J);
  for (let b = 0; b < B; b++) {
    let ss = 0;
    for (let j = 0; j < J; j++) {
      const cj = Math.abs(inst.c[b * J + j]);
      for (let i = 0; i < N; i++) {
        const v = inst.a[(b * J + j) * N + i] / cj;
        ah[j * N + i] = v;
        ss += v * v;
      }
    }
    if (!(ss > 0) || !Number.isFinite(ss)) throw new Error(`${fn}: instance ${b} has a zero or non-finite channel`);
    for (let i = 0; i < J; i++) for (let j = 0; j < J; j++) {
      let s = 0;
      for (let t = 0; t < N; t++) s += ah[i * N + t] * ah[j * N + t];
      G[i * J + j] = s;
    }
    z.fill(1);
    if (!cholSolve(G, z, J)) throw new Error(`${fn}: instance ${b}: the constraint rows are linearly dependent (rank-deficient channel)`);
    // u⁰ of the Â problem; then ρ = 1/‖u⁰‖ so that Ã = Â/ρ has ‖u⁰‖ = 1 and the optimum is ≤ 1
    let n0 = 0;
    for (let t = 0; t < N; t++) {
      let s = 0;
      for (let j = 0; j < J; j++) s += ah[j * N + t] * z[j];
      u0[b * N + t] = -2 * s;
      n0 += 4 * s * s;
    }
    const r = 1 / Math.sqrt(n0);
    rho[b] = r;
    for (let t = 0; t < N; t++) u0[b * N + t] *= r;
    for (let j = 0; j < J * N; j++) ah[j] /= r;
    for (let j = 0; j < J; j++) for (let t = 0; t < N; t++) {
      a[(b * J + j) * N + t] = ah[j * N + t];
      at[(b * N + t) * J + j] = ah[j * N + t];
    }
    for (let t = 0; t < N; t++) for (let k = 0; k < K; k++) {
      const cj = Math.abs(inst.c[b * J + 2 * k]);
      x[(b * N + t) * K + k] = inst.phi[(b * N + t) * K + k] / (cj * r);
    }
  }
  return {
    a: tf.tensor3d(a, [B, J, N]),
    at: tf.tensor3d(at, [B, N, J]),
    x: tf.tensor4d(x, [B, N, K, 1]),
    u0: tf.tensor3d(u0, [B, N, 1]),
    rho,
    batch: B,
  };
}

export interface SlpForward {
  /** λ ≥ 0: [B, J] */
  lambda: tf.Tensor2D;
  /** w̃ = −½Ãᵀλ, eq. (10): [B, N] (unit problem; the precoder is w̃/ρ) */
  w: tf.Tensor2D;
  /** the dual value g(λ) = Σλ − ‖w̃‖²: [B] */
  dual: tf.Tensor1D;
  /** the last interior-point iterate u⁽ᴸ⁾, strictly feasible by construction: [B, N] (unit problem) */
  primal: tf.Tensor2D;
}

export interface SlpNet {
  config: Required<SlpNetConfig>;
  params: ParamSet;
  /**
   * Forward pass. training: batch statistics (and their running update) in the APM's batch norm, and
   * a fresh SQ partition from `rng` per quantised layer; otherwise running statistics and the most
   * probable partition (deterministic).
   */
  forward(t: SlpTensors, opts?: { training?: boolean; rng?: Rng }): SlpForward;
  /** the parameters counted by `train`: every trainable variable */
  trainable(): tf.Variable[];
  /** the kernels that are quantised (by name) and the rest, for the memory count */
  quantizedKernels: string[];
  dispose(): void;
}

function quantModeOf(v: SlpVariant): WeightQuantMode | undefined {
  return v === 'binary' || v === 'sq-binary' ? 'binary' : v === 'ternary' || v === 'sq-ternary' ? 'ternary' : undefined;
}

export function checkNetConfig(fn: string, c: SlpNetConfig): Required<SlpNetConfig> {
  if (!SLP_VARIANTS.includes(c?.variant)) throw new Error(`${fn}(variant): must be one of ${SLP_VARIANTS.join(', ')}; got ${JSON.stringify(c?.variant)}`);
  const users = checkPositiveInt(fn, 'users (K)', c.users);
  const antennas = checkPositiveInt(fn, 'antennas (M)', c.antennas);
  if (users > antennas) throw new Error(`${fn}: SLP-DNet needs users K ≤ antennas M; got K = ${users}, M = ${antennas}`);
  const layers = checkPositiveInt(fn, 'layers (L)', c.layers);
  const qr = c.variant === 'full' ? 0 : c.variant === 'binary' || c.variant === 'ternary' ? 1 : c.quantRatio ?? 0.5;
  if (!(qr >= 0 && qr <= 1)) throw new Error(`${fn}(quantRatio): QR must be in [0, 1]; got ${qr}`);
  const pum = checkPositiveInt(fn, 'pumChannels', c.pumChannels ?? 20);
  const apm = c.apmChannels ?? [16, 8];
  apm.forEach((v, i) => checkPositiveInt(fn, `apmChannels[${i}]`, v));
  const barrier = c.barrier ?? { start: 0.1, ratio: 0.3 };
  if (!(barrier.start > 0) || !(barrier.ratio > 0 && barrier.ratio < 1)) throw new Error(`${fn}(barrier): start must be > 0 and ratio (σ) in (0, 1); got ${JSON.stringify(barrier)}`);
  const step = c.step ?? 0.9;
  if (!(step > 0 && step < 1)) throw new Error(`${fn}(step): the starting γ must be in (0, 1); got ${step}`);
  const startSlack = c.startSlack ?? 1;
  if (!(startSlack > 0) || !Number.isFinite(startSlack)) throw new Error(`${fn}(startSlack): δ must be a finite number > 0; got ${startSlack}`);
  return { variant: c.variant, users, antennas, layers, quantRatio: qr, pumChannels: pum, apmChannels: [apm[0], apm[1]], barrier, step, startSlack };
}

const ACT_RANGE = { lo: -2, hi: 2 };

/** Build an SLP-DNet (or a quantised version); parameters drawn from `rng`. */
export function buildSlpNet(rng: Rng, config: SlpNetConfig): SlpNet {
  const cfg = checkNetConfig('buildSlpNet', config);
  const { users: K, antennas: M, layers: L } = cfg;
  const N = 2 * M, J = 2 * K;
  const params = new ParamSet(rng);
  const mode = quantModeOf(cfg.variant);
  const actBits = cfg.variant === 'binary' || cfg.variant === 'ternary' ? 1 : 2;
  // the SQ partition stream of the current forward pass (set per call)
  let stream: Rng | undefined;
  let callCount = 0;
  const quantizedKernels: string[] = [];
  const quantizer = (name: string) => {
    if (!mode) return undefined;
    quantizedKernels.push(`${name}/kernel`);
    return (w: tf.Tensor) => hybridWeight(w, { mode, quantRatio: cfg.quantRatio, rng: stream?.fork(`${name}/${callCount}`) });
  };
  const act = (name: string, channels: number): Layer =>
    mode ? (x) => quantizeActivation(x, { bits: actBits, ...ACT_RANGE }) : prelu(params, name, { channels });
  const pumAct: Layer = mode ? (x) => quantizeActivation(x, { bits: actBits, ...ACT_RANGE }) : (x) => tf.softplus(x);

  const pums: { conv: Layer; fc: Layer }[] = [];
  for (let l = 0; l < L; l++) {
    const conv = conv2d(params, `pum${l}/conv`, { inChannels: 1, outChannels: cfg.pumChannels, kernelSize: 3, padding: 'same', kernelTransform: quantizer(`pum${l}/conv`) });
    const fc = dense(params, `pum${l}/fc`, { inUnits: cfg.pumChannels * N * K, outUnits: 2, kernelInit: 'zeros' });
    pums.push({ conv, fc });
  }
  const logV = params.add('pum/centering', { shape: [L], init: 'zeros' });
  const gLogit = params.add('pum/stepLogit', { shape: [L], init: 'zeros' });
  tf.tidy(() => {
    logV.assign(tf.fill([L], Math.log(cfg.barrier.ratio / (1 - cfg.barrier.ratio))));
    gLogit.assign(tf.fill([L], Math.log(cfg.step / (1 - cfg.step))));
  });
  const [c1, c2] = cfg.apmChannels;
  const apmConv1 = conv2d(params, 'apm/conv1', { inChannels: 1, outChannels: c1, kernelSize: 3, padding: 'same', useBias: false, kernelTransform: quantizer('apm/conv1') });
  const bn1: BatchNormLayer = batchNorm(params, 'apm/bn1', { channels: c1, epsilon: 1e-6, momentum: 0.1 });
  const act1 = act('apm/act1', c1);
  const apmConv2 = conv2d(params, 'apm/conv2', { inChannels: c1, outChannels: c2, kernelSize: 3, padding: 'same', useBias: false, kernelTransform: quantizer('apm/conv2') });
  const bn2: BatchNormLayer = batchNorm(params, 'apm/bn2', { channels: c2, epsilon: 1e-6, momentum: 0.1 });
  const act2 = act('apm/act2', c2);
  const apmConv3 = conv2d(params, 'apm/conv3', { inChannels: c2, outChannels: 2, kernelSize: 3, padding: 'same', kernelInit: 'zeros' });

  const forward = (t: SlpTensors, opts: { training?: boolean; rng?: Rng } = {}): SlpForward => {
    const training = opts.training ?? false;
    bn1.training = bn2.training = training;
    stream = training ? opts.rng : undefined;
    callCount++;
    if (training && mode && cfg.quantRatio > 0 && cfg.quantRatio < 1 && !opts.rng) throw new Error('SlpNet.forward: training an SQ network needs opts.rng (the partition draws)');
    const B = t.batch;
    return tf.tidy(() => {
      const eye = tf.eye(N).expandDims(0);
      const eyeN = tf.mul(eye, 2);
      // u⁰ scaled so that every slack is δ = startSlack: Ãu⁰ = −(1 + δ)
      let u: tf.Tensor = tf.mul(t.u0, (1 + cfg.startSlack) / 2); // [B, N, 1]
      let s: tf.Tensor = tf.fill([B, J], cfg.startSlack);
      let lambda: tf.Tensor = tf.fill([B, J], cfg.barrier.start);
      for (let l = 0; l < L; l++) {
        const feat = tf.reshape(pumAct(pums[l].conv(t.x)), [B, -1]);
        const o = pums[l].fc(feat); // [B, 2]
        const [o0, o1] = tf.split(o, 2, 1);
        const sigma = tf.sigmoid(tf.add(o0, tf.slice(logV, [l], [1]))); // centering σ ∈ (0, 1): v = σμ
        const gamma = tf.sigmoid(tf.add(o1, tf.slice(gLogit, [l], [1]))); // [B, 1]
        const mu = tf.mean(tf.mul(lambda, s), 1, true); // [B, 1] duality measure
        const rc = tf.sub(tf.mul(lambda, s), tf.mul(sigma, mu)); // λ∘s − v
        const rd = tf.add(tf.mul(u, 2), tf.matMul(t.at, tf.reshape(lambda, [B, J, 1]))); // 2u + Ãᵀλ
        const dg = tf.div(lambda, s);
        const hess = tf.add(eyeN, tf.matMul(tf.mul(t.at, tf.reshape(dg, [B, 1, J])), t.a)); // 2I + Ãᵀ diag(λ/s) Ã
        const rhs = tf.add(tf.neg(rd), tf.matMul(t.at, tf.reshape(tf.div(rc, s), [B, J, 1])));
        // Jacobi scaling D = diag(H)^(-1/2): H⁻¹ = D (DHD)⁻¹ D, DHD has a unit diagonal
        const dj = tf.rsqrt(tf.sum(tf.mul(hess, eye), 2, true)); // [B, N, 1]
        const scaled = tf.mul(tf.mul(hess, dj), tf.reshape(dj, [B, 1, N]));
        const du = tf.mul(dj, tf.matMul(inverseSpd(scaled, 1e-10), tf.mul(dj, rhs))); // [B, N, 1]
        const ds = tf.neg(tf.reshape(tf.matMul(t.a, du), [B, J]));
        const dl = tf.div(tf.sub(tf.neg(rc), tf.mul(lambda, ds)), s);
        // fraction to the boundary for s and λ (one step length for both)
        const rate = tf.maximum(tf.max(tf.div(tf.relu(tf.neg(ds)), s), 1, true), tf.max(tf.div(tf.relu(tf.neg(dl)), lambda), 1, true));
        const alpha = tf.mul(gamma, tf.div(0.99, tf.maximum(rate, 0.99))); // [B, 1]
        u = tf.add(u, tf.mul(tf.reshape(alpha, [B, 1, 1]), du));
        s = tf.maximum(tf.add(s, tf.mul(alpha, ds)), 1e-30);
        lambda = tf.maximum(tf.add(lambda, tf.mul(alpha, dl)), 1e-30);
      }
      let h = apmConv1(t.x);
      h = act1(bn1(h));
      h = apmConv2(h);
      h = act2(bn2(h));
      const corr = tf.reshape(tf.mean(apmConv3(h), 1), [B, J]); // [B, K, 2] → [B, J] (k·2 + ±)
      lambda = tf.mul(lambda, tf.exp(tf.clipByValue(corr, -10, 10)));
      const w = tf.mul(tf.reshape(tf.matMul(t.at, tf.reshape(lambda, [B, J, 1])), [B, N]), -0.5);
      const dual = tf.sub(tf.sum(lambda, 1), tf.sum(tf.square(w), 1));
      return { lambda: lambda as tf.Tensor2D, w: w as tf.Tensor2D, dual: dual as tf.Tensor1D, primal: tf.reshape(u, [B, N]) as tf.Tensor2D };
    });
  };
  return {
    config: cfg,
    params,
    forward,
    trainable: () => params.variables(),
    quantizedKernels,
    dispose: () => params.dispose(),
  };
}
