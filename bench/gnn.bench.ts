/**
 * Throughput of the GNN quantised precoder (gnn-quantized-precoding §IV; lib/papers/gnn) beside a
 * numpy peer (bench/peers/gnn_peer.py), for the paper's small model that we train on CPU: M = 32,
 * K = 1, b = 1 (L = 2 Lloyd-Max levels), N_h = 8 hidden layers, d_h = 32, SNR 20 dB, P_T = M,
 * CN(0, 1) channels and symbols. Two cases, in symbol vectors per second:
 *   - forward: `gnnPrecode` (logits → argmax → levels → normalisation (15)) for B = 16 channels ×
 *     T = 125 symbol vectors, plus one dataSync of y (re and im);
 *   - train: one training step as training runs it, B = 8 × T = 64: the loss `gnnLoss` (straight-
 *     through Gumbel-softmax with Gumbel noise drawn from an Rng, τ = 1), gradients w.r.t. every
 *     weight and one Adam update (lr 5e-3), `tf.train.adam(lr).minimize(() => gnnLoss(…), true,
 *     model.params.variables())` plus one dataSync of the loss. Also reported as steps/s.
 * Input generation is excluded; best of ≥ 5 after a warm-up call.
 *
 * Verification: the weights, the inputs of both cases, one draw of Gumbel noise, and (on the first
 * backend) our logits, precoded y, the training loss with that noise, its gradients and the
 * weights after one Adam step from them go to a temporary folder. The loss with given noise is
 * computed from the pieces `gnnTransmit` uses: `gumbelSoftmaxSt(logits + g, τ)` (no rng: no
 * further noise), `levelsToSignal`, `sumRateSnidr`. The peer recomputes everything in float64 with
 * its hand-written backward pass and reports relative errors (logits, loss: < 1e-3; every weight's
 * gradient, relative in norm: < 1e-2; y: ≥ 99.9 % of entries equal; the Adam step is reported);
 * its own timed float32 form is checked against the same reference. A mismatch sets exit code 1.
 * Without /usr/bin/python3 + numpy the peer is skipped with a message.
 *
 *   npx tsx bench/gnn.bench.ts [wasm|cpu|node ...]   # this bench only, printed, nothing written
 */
import { bestSeconds as bestOf, f64, runPeer as runPeerScript, GradErrs, runStandalone, ThroughputRow } from './peer';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BackendName, describeBackend, initBackend } from '../lib/core/backend';
import * as C from '../lib/core/complex';
import type { Complex } from '../lib/core/complex';
import { Rng } from '../lib/core/random';
import { sumRateSnidr } from '../lib/phy/metrics';
import { gumbelNoise, gumbelSoftmaxSt } from '../lib/train/estimators';
import { gnnLoss, gnnPrecode } from '../lib/papers/gnn/loss';
import { buildGnn, GnnModel, layerNames } from '../lib/papers/gnn/model';
import { levelsToSignal } from '../lib/papers/gnn/precoder';
import { dacOf, gnnSystem, GnnSystem, noiseVarOf } from '../lib/papers/gnn/system';

export const CASE = {
  antennas: 32, users: 1, bits: 1, hiddenLayers: 8, features: 32, snrDb: 20, tau: 1, lr: 5e-3,
  forward: { batch: 16, T: 125 }, train: { batch: 8, T: 64 },
  /** seconds per timed case (at least 5 calls) */
  budget: 1,
};

/** Agreement thresholds with the float64 peer. */
export const AGREEMENT = { maxLogitsRelErr: 1e-3, maxLossRelErr: 1e-3, maxGradRelErr: 1e-2, minYEqual: 0.999 };

export type GnnCase = 'forward' | 'train';
const LABEL: Record<GnnCase, string> = { forward: 'forward (gnnPrecode)', train: 'train step (loss + grads + Adam)' };

/** batch: B channels per call (× T symbol vectors); ours: symbol vectors/s */
export interface GnnRow extends ThroughputRow {
  case: GnnCase;
  T: number;
}


interface Check {
  fwdLogitsRelErr: number;
  fwdYEqual: number;
  trainLogitsRelErr: number;
  lossRelErr: number;
  /** Gumbel-perturbed argmax choices that differ from the float64 reference's */
  choicesDiffer: number;
  grads: GradErrs;
  adamDeltaRelErr?: number;
}

export interface GnnPeerResult {
  numpy: string;
  python: string;
  threads: number;
  referenceLoss: number;
  check: { ours: Check; peerFloat32: Check };
  forward: { seconds: number; rate: number };
  train: { seconds: number; stepsPerSecond: number; rate: number };
}

interface Inputs {
  h: Complex;
  s: Complex;
  batch: number;
  T: number;
}

const bestSeconds = (fn: () => void, minReps = 5, budget = CASE.budget): number => bestOf(fn, minReps, budget);

/** The same seeded CN(0, 1) channels h [B, K, M] and symbols s [B, K, T] on whichever backend is active. */
function makeInputs(which: GnnCase): Inputs {
  const rng = new Rng(`bench-gnn-${which}`);
  const { batch, T } = CASE[which];
  const h = rng.fork('h').complexNormal([batch, CASE.users, CASE.antennas]);
  const s = rng.fork('s').complexNormal([batch, CASE.users, T]);
  return { h, s, batch, T };
}

function makeModel(): GnnModel {
  return buildGnn(new Rng('bench-gnn').fork('model'), { bits: CASE.bits, hiddenLayers: CASE.hiddenLayers, features: CASE.features });
}


/** The training loss with given Gumbel noise `g` [B, T, M, 2, L]: gnnLoss's pieces without its rng. */
function lossWithNoise(model: GnnModel, sys: GnnSystem, inp: Inputs, g: tf.Tensor, noiseVar: number): tf.Scalar {
  return tf.tidy(() => {
    const onehot = gumbelSoftmaxSt(tf.add(model.logits(inp.h, inp.s), g), CASE.tau);
    const y = levelsToSignal(onehot, dacOf(sys.bits).levels, sys.power);
    return tf.neg(tf.mean(sumRateSnidr(inp.h, y, inp.s, noiseVar))) as tf.Scalar;
  });
}

/** Weights, inputs, noise and our outputs into `dir` for the peer (float64, complex: re block then im block). */
function writeVerification(dir: string, model: GnnModel, sys: GnnSystem, fwd: Inputs, tr: Inputs, noiseVar: number): void {
  const w = (file: string, buf: Buffer) => fs.writeFileSync(path.join(dir, file), buf);
  const named = model.params.named();
  const names = model.params.names();
  const vars = names.map((n) => named[n]);
  const levels = dacOf(sys.bits).levels;
  w('weights.f64', f64(...vars));
  w('fwd_h.f64', f64(fwd.h.re, fwd.h.im));
  w('fwd_s.f64', f64(fwd.s.re, fwd.s.im));
  w('train_h.f64', f64(tr.h.re, tr.h.im));
  w('train_s.f64', f64(tr.s.re, tr.s.im));
  const fl = model.logits(fwd.h, fwd.s);
  const y = gnnPrecode(model, sys, fwd.h, fwd.s);
  w('fwd_logits.f64', f64(fl));
  w('fwd_y.f64', f64(y.re, y.im));
  tf.dispose([fl, y.re, y.im]);
  const g = gumbelNoise(new Rng('bench-gnn-gumbel'), [tr.batch, tr.T, CASE.antennas, 2, levels.length]);
  w('train_gumbel.f64', f64(g));
  const tl = model.logits(tr.h, tr.s);
  w('train_logits.f64', f64(tl));
  tl.dispose();
  const { value, grads } = tf.variableGrads(() => lossWithNoise(model, sys, tr, g, noiseVar), vars);
  const loss = value.dataSync()[0];
  w('train_grads.f64', f64(...vars.map((v) => grads[v.name])));
  tf.dispose([value, ...Object.values(grads)]);
  // one Adam step from these gradients; then the weights go back to where they were
  const saved = vars.map((v) => tf.clone(v));
  const opt = tf.train.adam(CASE.lr);
  opt.minimize(() => lossWithNoise(model, sys, tr, g, noiseVar), false, vars);
  w('train_after.f64', f64(...vars));
  vars.forEach((v, i) => v.assign(saved[i]));
  opt.dispose();
  tf.dispose([g, ...saved]);
  const meta = {
    params: names.map((n) => ({ name: n, shape: named[n].shape })),
    layers: layerNames(CASE.hiddenLayers),
    leak: model.arch.leak, tau: CASE.tau, power: sys.power, noiseVar, levels, users: CASE.users, antennas: CASE.antennas,
    adamEpsilon: tf.backend().epsilon(), budget: CASE.budget,
    forward: { batch: fwd.batch, T: fwd.T },
    train: { batch: tr.batch, T: tr.T, loss, lr: CASE.lr },
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
}

/** Run the numpy peer; a string says why it was skipped. */
const runPeer = (dir: string): GnnPeerResult | string => runPeerScript<GnnPeerResult>('gnn_peer.py', dir);

/** Is `c` within AGREEMENT? The list of what is not. */
function failures(c: Check): string[] {
  const out: string[] = [];
  if (!(c.fwdLogitsRelErr <= AGREEMENT.maxLogitsRelErr)) out.push(`forward logits ${c.fwdLogitsRelErr.toExponential(1)}`);
  if (!(c.trainLogitsRelErr <= AGREEMENT.maxLogitsRelErr)) out.push(`training logits ${c.trainLogitsRelErr.toExponential(1)}`);
  if (!(c.lossRelErr <= AGREEMENT.maxLossRelErr)) out.push(`loss ${c.lossRelErr.toExponential(1)}`);
  if (!(c.grads.max <= AGREEMENT.maxGradRelErr)) out.push(`gradient of ${c.grads.worst} ${c.grads.max.toExponential(1)}`);
  if (!(c.fwdYEqual >= AGREEMENT.minYEqual)) out.push(`y ${(100 * c.fwdYEqual).toFixed(2)} % equal`);
  return out;
}

function describeCheck(who: string, c: Check): string {
  const bad = failures(c);
  const adam = c.adamDeltaRelErr === undefined ? '' : `, Adam step Δw ${c.adamDeltaRelErr.toExponential(1)}`;
  return `${who}: ${bad.length ? `MISMATCH (${bad.join('; ')})` : 'agrees'} — relative errors: logits ${c.fwdLogitsRelErr.toExponential(1)} (forward), ` +
    `${c.trainLogitsRelErr.toExponential(1)} (training); loss ${c.lossRelErr.toExponential(1)}; gradients max ${c.grads.max.toExponential(1)} ` +
    `(${c.grads.worst}), all ${c.grads.global.toExponential(1)}${adam}; y ${(100 * c.fwdYEqual).toFixed(2)} % equal; ` +
    `${c.choicesDiffer} Gumbel argmax choices differ`;
}

/** The GNN cases on each backend beside the numpy peer; prints a table and the verification. */
export async function benchGnn(backends: BackendName[]): Promise<{ rows: GnnRow[]; peer: GnnPeerResult | string }> {
  const sys = gnnSystem({ antennas: CASE.antennas, users: CASE.users, bits: CASE.bits });
  const noiseVar = noiseVarOf(sys, CASE.snrDb);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'precoding-bench-gnn-'));
  const ours: { backend: string; case: GnnCase; batch: number; T: number; seconds: number }[] = [];
  let peer: GnnPeerResult | string;
  try {
    for (const [i, b] of backends.entries()) {
      await initBackend(b);
      console.error(describeBackend());
      const model = makeModel();
      const vars = model.params.variables();
      const fwd = makeInputs('forward');
      const tr = makeInputs('train');
      if (i === 0) writeVerification(dir, model, sys, fwd, tr, noiseVar);
      const before = tf.memory().numTensors;
      const fSec = bestSeconds(() => {
        const y = gnnPrecode(model, sys, fwd.h, fwd.s);
        y.re.dataSync();
        y.im.dataSync();
        C.dispose(y);
      });
      ours.push({ backend: b, case: 'forward', batch: fwd.batch, T: fwd.T, seconds: fSec });
      // a training step as training runs it: Gumbel noise from an Rng inside gnnLoss, Adam, one read of the loss
      const opt = tf.train.adam(CASE.lr);
      const rng = new Rng('bench-gnn-train-noise');
      const tSec = bestSeconds(() => {
        const cost = opt.minimize(() => gnnLoss(model, sys, tr.h, tr.s, { noiseVar, rng, tau: CASE.tau }), true, vars);
        if (!cost) throw new Error('minimize returned no cost');
        cost.dataSync();
        cost.dispose();
      });
      ours.push({ backend: b, case: 'train', batch: tr.batch, T: tr.T, seconds: tSec });
      opt.dispose();
      const leaked = tf.memory().numTensors - before;
      if (leaked > 0) console.error(`gnn bench: ${leaked} tensors left after the timed calls on ${b}`);
      C.dispose(fwd.h, fwd.s, tr.h, tr.s);
      model.params.dispose();
    }
    peer = runPeer(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const p = typeof peer === 'string' ? undefined : peer;
  const rows: GnnRow[] = ours.map((o) => {
    const n = p?.[o.case];
    const rate = (o.batch * o.T) / o.seconds;
    return {
      backend: o.backend, case: o.case, batch: o.batch, T: o.T, ours: rate, oursCallsPerSecond: 1 / o.seconds,
      numpyFloat32: n?.rate, numpyCallsPerSecond: n ? 1 / n.seconds : undefined, ratioFloat32: n ? rate / n.rate : undefined,
    };
  });
  const k = (x?: number) => (x === undefined ? '—' : `${(x / 1000).toFixed(1)} k`);
  const per = (x?: number) => (x === undefined ? '—' : x.toFixed(1));
  console.log(`\nGNN precoder (small model): M = ${CASE.antennas}, K = ${CASE.users}, b = ${CASE.bits}, N_h = ${CASE.hiddenLayers}, d_h = ${CASE.features}, ` +
    `${CASE.snrDb} dB; symbol vectors/s and calls/s (training steps/s), one thread, best of ≥ 5`);
  console.table(rows.map((r) => ({
    backend: r.backend,
    case: `${LABEL[r.case]} (${r.batch} × ${r.T})`,
    ours: k(r.ours),
    'numpy f32': k(r.numpyFloat32),
    'ours/f32': r.ratioFloat32?.toFixed(2) ?? '—',
    'ours calls/s': per(r.oursCallsPerSecond),
    'numpy calls/s': per(r.numpyCallsPerSecond),
  })));
  if (typeof peer === 'string') console.log(peer);
  else {
    console.log(`numpy ${peer.numpy} (python ${peer.python}), float64 reference, loss ${peer.referenceLoss.toFixed(4)}:`);
    console.log(`  ${describeCheck(`ours (${backends[0]}, float32)`, peer.check.ours)}`);
    console.log(`  ${describeCheck('numpy float32 (timed form)', peer.check.peerFloat32)}`);
    if (failures(peer.check.ours).length || failures(peer.check.peerFloat32).length) process.exitCode = 1;
  }
  return { rows, peer };
}

if (require.main === module) runStandalone(benchGnn);
