/**
 * Message passing over the complete bipartite graph antennas × users with mean aggregation: one
 * layer n of the GNN of Feys, Van der Perre, Rottenberg, "Learning to quantize and precode in massive
 * MIMO systems for energy reduction: a graph neural network approach" (gnn-quantized-precoding),
 * §IV-C, eqs. (22)–(26):
 *
 *   z_(m,k)⁽ⁿ⁾ = σ(W_edge z_(m,k)⁽ⁿ⁻¹⁾ + W_bs z_bs,m⁽ⁿ⁻¹⁾ + W_ue z_ue,k⁽ⁿ⁻¹⁾)           (22)
 *   m_N(k) = (1/M) Σ_m' z_(m',k)⁽ⁿ⁾,   m_N(m) = (1/K) Σ_k' z_(m,k')⁽ⁿ⁾               (23), (24)
 *   z_bs,m⁽ⁿ⁾ = σ(W_self,bs z_bs,m⁽ⁿ⁻¹⁾ + W_neigh,bs m_N(m))                          (25)
 *   z_ue,k⁽ⁿ⁾ = σ(W_self,ue z_ue,k⁽ⁿ⁻¹⁾ + W_neigh,ue m_N(k))                          (26)
 *
 * The node updates use the *new* edge features z⁽ⁿ⁾ (23)–(24) and the *previous* node features.
 * Every node is a neighbour of every node of the other kind, so |N(k)| = M and |N(m)| = K.
 *
 * Conventions (read this before porting the paper):
 * - The paper's H is M×K (antennas × users, r = Hᵀy + v, eq. 6) and indexes edges (m, k). Here, as
 *   everywhere in the project, h is [..., K, M] (users × antennas, h = H_paperᵀ), so edge features are
 *   [..., K, M, d] and the paper's z_(m,k) is `edge[..., k, m, :]`. `bipartiteInputs` builds (27)–(29)
 *   from our h.
 * - Weights are stored in the row-vector convention: the kernel `W_edge` has shape [d_{n−1}, d_n] and
 *   is the transpose of the paper's W_edge ∈ ℝ^{d_n×d_{n−1}}; `W_neigh_bs`, `W_neigh_ue` are [d_n, d_n].
 * - No bias terms by default: (22)–(26) have none, and the operation counts (31)–(36) confirm it;
 *   `useBias: true` adds one per update (`b_edge`, `b_bs`, `b_ue`).
 * - The paper's σ is "LReLU, σ(a) = max(0, a) − 0.01 min(0, a)" (§VI-A); taken literally that maps
 *   a < 0 to −0.01a > 0, which is not a leaky ReLU. We read it as the usual max(0, a) + 0.01 min(0, a):
 *   `activation: { leakyRelu: 0.01 }`. The paper names it for "all hidden layers"; it does not say
 *   what σ the input and output layers use. The input layer's outputs are hidden features, so
 *   LReLU there too is the natural reading; the output layer's antenna features are the logits
 *   [a_R,m; a_I,m] (2^{b+1} = 2L of them) of the two softmaxes (19), so `activation: 'linear'`.
 * - The output layer computes only antenna features (§V-A, eqs. 35–36): `updateUsers: false` skips
 *   (23) and (26) and registers no W_self_ue, W_neigh_ue.
 *
 * Parameters, `${name}/…`: `W_edge` [dEdge, d], `W_bs` [dAntenna, d], `W_ue` [dUser, d],
 * `W_self_bs` [dAntenna, d], `W_neigh_bs` [d, d], and unless `updateUsers: false`, `W_self_ue`
 * [dUser, d], `W_neigh_ue` [d, d]; with `useBias`, `b_edge`, `b_bs` (and `b_ue`) [d].
 *
 * Equivariance: permuting users permutes `edge` along K and `user`, and leaves `antenna` unchanged;
 * permuting antennas permutes `edge` along M and `antenna`, and leaves `user` unchanged (tested).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { checkComplex, checkPositiveInt } from '../../core/validate';
import { checkInitializer, Initializer } from '../init';
import { checkParamName, ParamSet } from '../params';
import { Activation, activate, checkActivation } from './activation';
import { shapeText } from './layer';
import { linear } from './linear';

/**
 * Antenna and edge features: what the output layer (`updateUsers: false`) returns. (Type aliases,
 * not interfaces, so that `tf.tidy` may return them and `tf.dispose` take them.)
 */
export type EdgeAntennaFeatures = {
  /** z_(m,k): [..., K, M, dEdge] (users × antennas, like h) */
  edge: tf.Tensor;
  /** z_bs,m: [..., M, dAntenna] */
  antenna: tf.Tensor;
};

/** Features of every edge, antenna node and user node of the graph. */
export type BipartiteFeatures = EdgeAntennaFeatures & {
  /** z_ue,k: [..., K, dUser] */
  user: tf.Tensor;
};

export interface MessagePassingOptions {
  /** d_{n−1}: one size for edges, antennas and users, or one each */
  inUnits: number | { edge: number; antenna: number; user: number };
  /** d_n */
  outUnits: number;
  /** σ; default 'linear'. The paper: { leakyRelu: 0.01 } except in the output layer. */
  activation?: Activation;
  /** default false (the paper has no biases) */
  useBias?: boolean;
  /** default true; false for the paper's output layer (antenna features only) */
  updateUsers?: boolean;
  /** default 'glorotUniform' for every W */
  kernelInit?: Initializer;
  /** default 'zeros' */
  biasInit?: Initializer;
}


function broadcastable(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i] || d === 1 || b[i] === 1);
}

/**
 * One message-passing layer, eqs. (22)–(26).
 *
 * Input: { edge [..., K, M, dEdge], antenna [..., M, dAntenna], user [..., K, dUser] } float32; the
 * leading dimensions "..." must agree or be 1 (broadcast: e.g. one channel's edges [B, 1, K, M, 2]
 * with T symbol vectors' users [B, T, K, 2]).
 * Output: { edge [..., K, M, d], antenna [..., M, d], user [..., K, d] } (no `user` with
 * `updateUsers: false`), d = outUnits, "..." the broadcast leading dimensions.
 */
export function messagePassing(
  params: ParamSet, name: string, opts: MessagePassingOptions & { updateUsers: false },
): (z: BipartiteFeatures) => EdgeAntennaFeatures;
export function messagePassing(
  params: ParamSet, name: string, opts: MessagePassingOptions & { updateUsers?: true },
): (z: BipartiteFeatures) => BipartiteFeatures;
export function messagePassing(
  params: ParamSet, name: string, opts: MessagePassingOptions,
): (z: BipartiteFeatures) => BipartiteFeatures | EdgeAntennaFeatures {
  const fn = `messagePassing("${checkParamName('messagePassing', name)}")`;
  const inU = opts.inUnits;
  const dIn = typeof inU === 'number' ? { edge: inU, antenna: inU, user: inU } : inU !== null && typeof inU === 'object' ? inU : undefined;
  if (!dIn) throw new Error(`${fn}: inUnits must be a positive integer or { edge, antenna, user }; got ${JSON.stringify(inU)}`);
  const dE = checkPositiveInt(fn, 'inUnits.edge', dIn.edge);
  const dA = checkPositiveInt(fn, 'inUnits.antenna', dIn.antenna);
  const dU = checkPositiveInt(fn, 'inUnits.user', dIn.user);
  const d = checkPositiveInt(fn, 'outUnits', opts.outUnits);
  const act = opts.activation ?? 'linear';
  checkActivation(`${fn}: activation`, act);
  const updateUsers = opts.updateUsers ?? true;
  const kInit = opts.kernelInit ?? 'glorotUniform';
  const bInit = opts.biasInit ?? 'zeros';
  checkInitializer(`${fn}: kernelInit`, kInit);
  checkInitializer(`${fn}: biasInit`, bInit);
  const w = (n: string, rows: number) => params.add(`${name}/${n}`, { shape: [rows, d], init: kInit });
  const b = (n: string) => (opts.useBias ? params.add(`${name}/${n}`, { shape: [d], init: bInit }) : undefined);
  const wEdge = w('W_edge', dE), wBs = w('W_bs', dA), wUe = w('W_ue', dU);
  const bEdge = b('b_edge');
  const wSelfBs = w('W_self_bs', dA), wNeighBs = w('W_neigh_bs', d);
  const bBs = b('b_bs');
  const ue = updateUsers ? { self: w('W_self_ue', dU), neigh: w('W_neigh_ue', d), bias: b('b_ue') } : undefined;
  const withBias = (x: tf.Tensor, bias: tf.Tensor | undefined) => (bias ? tf.add(x, bias) : x);

  return (z) => {
    const { edge, antenna, user } = z;
    const ok = edge?.rank >= 3 && antenna?.rank === edge.rank - 1 && user?.rank === edge.rank - 1;
    const [K, M] = ok ? edge.shape.slice(-3, -1) : [NaN, NaN];
    const shapes = `edge ${shapeText(edge?.shape ?? [])}, antenna ${shapeText(antenna?.shape ?? [])}, user ${shapeText(user?.shape ?? [])}`;
    if (!ok || antenna.shape[antenna.rank - 2] !== M || user.shape[user.rank - 2] !== K
      || !broadcastable(edge.shape.slice(0, -3), antenna.shape.slice(0, -2))
      || !broadcastable(edge.shape.slice(0, -3), user.shape.slice(0, -2))
      || !broadcastable(antenna.shape.slice(0, -2), user.shape.slice(0, -2))) {
      throw new Error(`${fn}: needs edge [..., K, M, d], antenna [..., M, d], user [..., K, d] with matching K, M and broadcastable "..."; got ${shapes}`);
    }
    const dims = [['edge', edge, dE], ['antenna', antenna, dA], ['user', user, dU]] as const;
    for (const [what, t, want] of dims) {
      if (t.shape[t.rank - 1] !== want) throw new Error(`${fn}: ${what} features must have last dimension ${want} (inUnits); got ${shapes}`);
    }
    return tf.tidy(() => {
      // (22): [..., K, M, d] = edge term + antenna term broadcast over users + user term over antennas
      const e = activate(withBias(tf.add(tf.add(linear(edge, wEdge), tf.expandDims(linear(antenna, wBs), -3)),
        tf.expandDims(linear(user, wUe), -2)), bEdge), act);
      const mAntenna = K === 1 ? tf.squeeze(e, [e.rank - 3]) : tf.mean(e, -3); // (24): mean over the K users of each antenna, [..., M, d]
      const a = activate(withBias(tf.add(linear(antenna, wSelfBs), linear(mAntenna, wNeighBs)), bBs), act); // (25)
      if (!ue) return { edge: e, antenna: a };
      const mUser = M === 1 ? tf.squeeze(e, [e.rank - 2]) : tf.mean(e, -2); // (23): mean over the M antennas of each user, [..., K, d]
      const u = activate(withBias(tf.add(linear(user, ue.self), linear(mUser, ue.neigh)), ue.bias), act); // (26)
      return { edge: e, antenna: a, user: u };
    });
  };
}

/**
 * The GNN's input features, eqs. (27)–(29): z_(m,k)⁽⁰⁾ = [Re H_mk, Im H_mk], z_bs,m⁽⁰⁾ = [0, 0],
 * z_ue,k⁽⁰⁾ = [Re s_k, Im s_k].
 *
 * Input: h [..., K, M] complex in the project convention (users × antennas, = H_paperᵀ; the paper's
 * H_mk is h[..., k, m]); s [..., K] complex, leading dimensions broadcastable with h's.
 * Output: { edge [..., K, M, 2], antenna zeros [..., M, 2] (h's leading dims), user [..., K, 2] }.
 *
 * Because z_bs⁽⁰⁾ = 0, the first layer's W_bs and W_self_bs multiply zeros: they exist (the paper
 * counts them in (31)–(32)) but get zero gradient and keep their initial values.
 */
export function bipartiteInputs(inputs: { h: Complex; s: Complex }): BipartiteFeatures {
  const hs = checkComplex('bipartiteInputs(h)', inputs.h);
  const ss = checkComplex('bipartiteInputs(s)', inputs.s);
  if (hs.length < 2 || ss.length !== hs.length - 1 || ss[ss.length - 1] !== hs[hs.length - 2]
    || !broadcastable(hs.slice(0, -2), ss.slice(0, -1))) {
    throw new Error(`bipartiteInputs: needs h [..., K, M] and s [..., K] with the same K and broadcastable "..."; got h ${shapeText(hs)}, s ${shapeText(ss)}`);
  }
  return tf.tidy(() => ({
    edge: tf.stack([inputs.h.re, inputs.h.im], -1),
    antenna: tf.zeros([...hs.slice(0, -2), hs[hs.length - 1], 2]),
    user: tf.stack([inputs.s.re, inputs.s.im], -1),
  }));
}
