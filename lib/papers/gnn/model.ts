/**
 * The GNN non-linear quantised precoder of Feys, Van der Perre, Rottenberg (gnn-quantized-precoding),
 * §IV-C: one input layer, N_h hidden layers and one output layer of bipartite message passing
 * (eqs. 22–26, `messagePassing` in lib/train/layers) over antennas × users, inputs (27)–(29), and as
 * output (30) the logits [a_R,m; a_I,m] of two L-way softmaxes (19) per antenna, L = 2^b.
 *
 * Shapes (project convention, h = H_paperᵀ): h [B, K, M] complex, s [B, K, T] complex (T symbol
 * vectors per channel, the paper's N_s) → logits [B, T, M, 2, L] (axis 3: real, imaginary part).
 * The channel enters once per channel ([B, 1, K, M, 2] edges broadcast against the T symbol vectors'
 * user features [B, T, K, 2]); from the first layer on, every edge depends on its symbol vector.
 *
 * Symmetry (§IV-C): permuting antennas permutes the logits along M (equivariance); permuting users
 * (columns of H_paper, rows of our h, and the entries of s together) leaves them unchanged
 * (invariance): mean aggregation and shared weights make both exact (tested).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { Rng } from '../../core/random';
import { checkComplex, checkPositiveInt } from '../../core/validate';
import { bipartiteInputs, BipartiteFeatures, EdgeAntennaFeatures, messagePassing } from '../../train/layers/messagePassing';
import { ParamSet } from '../../train/params';

/** Largest b the GNN is built for (the paper: b = 1…4; the output has 2^{b+1} logits per antenna). */
export const GNN_MAX_BITS = 4;

export interface GnnArchitecture {
  /** b, DAC bits per real dimension (paper: 1…4) */
  bits: number;
  /** N_h, hidden layers (paper: 4; 8 for the small model of §VII-B) */
  hiddenLayers: number;
  /** d_h, hidden features (paper: 128; 32 for the small model; 256 for the big one of Fig. 11) */
  features: number;
  /** LReLU slope of σ (paper §VI-A: 0.01) */
  leak?: number;
  /**
   * Edge inputs: 'paper' (default), z_(m,k)⁽⁰⁾ = [Re H_mk, Im H_mk] (27); 'matched-filter' (ours)
   * adds [Re, Im] of H*_mk s_k, the MRT term of antenna m for user k, so the first layer need not
   * learn a product of its inputs (it keeps both symmetries: the term is per edge).
   */
  edgeInputs?: 'paper' | 'matched-filter';
  /** bias terms in every update (default false: eqs. 22–26 and the counts 31–36 have none) */
  bias?: boolean;
}

export function checkArchitecture(fn: string, a: GnnArchitecture): Required<GnnArchitecture> {
  if (a === null || typeof a !== 'object') throw new Error(`${fn}: needs an architecture { bits, hiddenLayers, features }; got ${String(a)}`);
  const bits = checkPositiveInt(fn, 'bits', a.bits);
  if (bits > GNN_MAX_BITS) throw new Error(`${fn}(bits): must be an integer in 1..${GNN_MAX_BITS}; got ${a.bits}`);
  const hiddenLayers = a.hiddenLayers === 0 ? 0 : checkPositiveInt(fn, 'hiddenLayers', a.hiddenLayers);
  if (hiddenLayers > 32) throw new Error(`${fn}(hiddenLayers): must be an integer in 0..32; got ${a.hiddenLayers}`);
  const features = checkPositiveInt(fn, 'features', a.features);
  if (features > 1024) throw new Error(`${fn}(features): must be an integer in 1..1024; got ${a.features}`);
  const leak = a.leak ?? 0.01;
  if (!(leak >= 0 && leak < 1)) throw new Error(`${fn}(leak): must be in [0, 1); got ${a.leak}`);
  const edgeInputs = a.edgeInputs ?? 'paper';
  if (edgeInputs !== 'paper' && edgeInputs !== 'matched-filter') throw new Error(`${fn}(edgeInputs): 'paper' or 'matched-filter'; got ${String(a.edgeInputs)}`);
  if (a.bias !== undefined && typeof a.bias !== 'boolean') throw new Error(`${fn}(bias): true or false; got ${String(a.bias)}`);
  return { bits, hiddenLayers, features, leak, edgeInputs, bias: a.bias ?? false };
}

export interface GnnModel {
  arch: Required<GnnArchitecture>;
  params: ParamSet;
  /** h [B, K, M], s [B, K, T] complex → logits [B, T, M, 2, L] */
  logits(h: Complex, s: Complex): tf.Tensor;
}

/** Layer names in order: `in`, `h1`…`h{N_h}`, `out`. */
export function layerNames(hiddenLayers: number): string[] {
  return ['in', ...Array.from({ length: hiddenLayers }, (_, i) => `h${i + 1}`), 'out'];
}

/**
 * Builds the GNN with Glorot-uniform weights drawn from `rng` (the paper does not give its
 * initialisation; Glorot is the PyTorch-Geometric / Keras default for such layers).
 */
export function buildGnn(rng: Rng, arch: GnnArchitecture): GnnModel {
  const a = checkArchitecture('buildGnn', arch);
  const params = new ParamSet(rng);
  const L = 2 ** a.bits;
  const act = { leakyRelu: a.leak };
  const names = layerNames(a.hiddenLayers);
  const mf = a.edgeInputs === 'matched-filter';
  const dEdge = mf ? 4 : 2;
  const hidden = names.slice(0, -1).map((name, i) =>
    messagePassing(params, name, { inUnits: i === 0 ? { edge: dEdge, antenna: 2, user: 2 } : a.features, outUnits: a.features, activation: act, useBias: a.bias }));
  const out = messagePassing(params, 'out', { inUnits: a.features, outUnits: 2 * L, activation: 'linear', updateUsers: false, useBias: a.bias });
  return {
    arch: a,
    params,
    logits(h: Complex, s: Complex): tf.Tensor {
      const hs = checkComplex('gnn.logits(h)', h, 3);
      const ss = checkComplex('gnn.logits(s)', s, 3);
      if (ss[0] !== hs[0] || ss[1] !== hs[1]) {
        throw new Error(`gnn.logits: needs h [B, K, M] and s [B, K, T] with the same B and K; got h [${hs}], s [${ss}]`);
      }
      const [B, , M] = hs;
      const T = ss[2];
      return tf.tidy(() => {
        // (27)–(29): one channel's edges [B, 1, K, M, 2] against T symbol vectors' users [B, T, K, 2]
        const x = bipartiteInputs({
          h: { re: tf.expandDims(h.re, 1), im: tf.expandDims(h.im, 1) },
          s: { re: tf.transpose(s.re, [0, 2, 1]), im: tf.transpose(s.im, [0, 2, 1]) },
        });
        let z: BipartiteFeatures = x;
        if (mf) {
          // H*_mk s_k for every symbol vector: [B, T, K, M, 2] next to the channel's [B, 1, K, M, 2]
          const sr = tf.expandDims(tf.transpose(s.re, [0, 2, 1]), -1), si = tf.expandDims(tf.transpose(s.im, [0, 2, 1]), -1); // [B, T, K, 1]
          const hr = tf.expandDims(h.re, 1), hi = tf.expandDims(h.im, 1); // [B, 1, K, M]
          const prod = tf.stack([tf.add(tf.mul(hr, sr), tf.mul(hi, si)), tf.sub(tf.mul(hr, si), tf.mul(hi, sr))], -1);
          z = { ...x, edge: tf.concat([tf.broadcastTo(x.edge, [B, T, hs[1], M, 2]), prod], -1) };
        }
        for (const layer of hidden) z = layer(z);
        const o: EdgeAntennaFeatures = out(z);
        return tf.reshape(tf.broadcastTo(o.antenna, [B, T, M, 2 * L]), [B, T, M, 2, L]);
      });
    },
  };
}
