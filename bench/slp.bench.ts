/**
 * Throughput of SLP-DNet (slp-quantized-nn-weights §II-C; lib/papers/slp/network.ts) beside a numpy
 * peer (bench/peers/slp_peer.py), for the full-precision network at the notebook's size: M = K = 4,
 * QPSK, L = 4 unfolded interior-point layers, PReLU, PUM 20 channels, APM 16 / 8 channels. Instances
 * from `makeSlpData` (CN(0, 1) channels, QPSK, 30 dB; the network's input does not depend on Γ).
 * Two cases:
 *   - forward: `net.forward(t)` (batch norm in inference mode) for B = 2000 instances, plus one
 *     dataSync of w; `prepareTensors` is excluded. Instances/s.
 *   - train: one training step B = 200: `tf.train.adam(1e-3).minimize(() => slpLoss(net, t,
 *     { weightDecay: 1e-6 }), true, net.trainable())` (the mean of log(1 + relative duality gap) plus the weight
 *     penalty; batch norm in training mode, with its running update) plus one dataSync of the loss.
 *     Steps/s and instances/s.
 * Best of ≥ 5 after a warm-up call.
 *
 * The network's zero-initialised layers (`pum{l}/fc/kernel`, `apm/conv3/kernel`) are moved off zero
 * (0.01 × seeded N(0, 1)), and the batch-norm running statistics off (0, 1) (mean 0.1 × N(0, 1),
 * variance U(0.5, 1.5)), so that every gradient is non-zero and the inference-mode statistics matter.
 *
 * Verification: every parameter, both batches (Ã, the input map, u⁰) and (on the first backend) our
 * forward outputs (w, λ, g(λ), u⁽ᴸ⁾), the training-mode λ, loss and gradient w.r.t. every trainable
 * parameter, and the parameters after one Adam step from that gradient go to a temporary folder. The
 * peer recomputes everything in float64 with its hand-written backward pass (itself checked against
 * central finite differences in float64 on 4 instances: < 1e-4) and reports relative errors:
 * forward outputs on the whole forward batch < 1e-3; training-mode λ and loss < 1e-3 and every
 * parameter's gradient (relative in norm) < 1e-2 on the training batch without its near-singular
 * channels (‖Ã‖_F > 200, 5 of 200: a separate batch for the loss and gradients; the Adam step is
 * reported). Near-singular channels are left out there because float32 does not reproduce their
 * gradients: their relative duality gaps reach ~10³ (g(λ) < 0), and although the log(1 + r) loss
 * weighs them down (whole-batch loss: ours 1e-5 off, the peer's float32 form 1.8e-5), one parameter's
 * whole-batch gradient is up to 0.7 off in ours (Gauss–Jordan on the Jacobi-scaled Hessians) against
 * 5e-4 in the peer's float32 form with LAPACK's pivoted solve (measured 2026-11-29). Those whole-batch
 * errors are reported, as are the forward errors without near-singular channels and the worst instance's.
 * The peer's timed float32 form is checked against the same reference. A mismatch sets exit code 1.
 * Without /usr/bin/python3 + numpy the peer is skipped.
 *
 *   npx tsx bench/slp.bench.ts [wasm|cpu|node ...]   # this bench only, printed, nothing written
 */
import { bestSeconds as bestOf, f64, runPeer as runPeerScript, GradErrs, runStandalone, ThroughputRow } from './peer';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BackendName, describeBackend, initBackend } from '../lib/core/backend';
import { Rng } from '../lib/core/random';
import { makeSlpData } from '../lib/papers/slp/data';
import { buildSlpNet, disposeTensors, prepareTensors, SlpNet, SlpNetConfig, SlpTensors } from '../lib/papers/slp/network';
import { slpLoss } from '../lib/papers/slp/training';

export const CASE = {
  users: 4, antennas: 4, pskOrder: 4, layers: 4, sinrDb: 30, lr: 1e-3, weightDecay: 1e-6,
  forward: { batch: 2000 }, train: { batch: 200 },
  /** instances of the train batch the peer's finite-difference check uses */
  fdBatch: 4,
  /**
   * near-singular channels, ‖Ã‖_F above this (≈ 5× the median; 5 of the 200 training instances), are
   * left out of the thresholded loss and gradient check (see the file comment)
   */
  maxFrobenius: 200,
  /** seconds per timed case (at least 5 calls) */
  budget: 1,
};

/** Agreement thresholds with the float64 peer. */
export const AGREEMENT = { maxForwardRelErr: 1e-3, maxLossRelErr: 1e-3, maxGradRelErr: 1e-2, maxFdRelErr: 1e-4 };

/** The batch-norm constants of lib/papers/slp/network.ts (Table IV). */
const BN = { epsilon: 1e-6, momentum: 0.1 };

export type SlpCase = 'forward' | 'train';
const LABEL: Record<SlpCase, string> = { forward: 'forward (inference)', train: 'train step (loss + grads + Adam)' };

/** batch: instances per call; ours: instances/s */
export interface SlpRow extends ThroughputRow {
  case: SlpCase;
}


type Outputs = 'w' | 'lambda' | 'dual' | 'primal';

interface Check {
  /** relative errors (in norm) of the inference forward's outputs, whole forward batch (thresholded) */
  forward: Record<Outputs, number>;
  /** the same over its instances with ‖Ã‖_F ≤ maxFrobenius (reported) */
  forwardKept: Record<Outputs, number>;
  /** the largest relative error of one instance's w (reported) */
  forwardWorstInstance: number;
  /** training batch without its near-singular channels (thresholded): training-mode λ, loss, gradients */
  trainLambdaRelErr: number;
  lossRelErr: number;
  grads: GradErrs;
  /** the whole training batch (reported) */
  full: { lambdaRelErr: number; lossRelErr: number; grads: GradErrs };
  adamDeltaRelErr?: number;
}

export interface SlpPeerResult {
  numpy: string;
  python: string;
  threads: number;
  /** float64 loss of the training batch without its near-singular channels, and of all of it */
  referenceLoss: number;
  referenceLossFull: number;
  /** instances with ‖Ã‖_F ≤ maxFrobenius */
  kept: { forward: number; forwardBatch: number; train: number; trainBatch: number; maxFrobenius: number };
  check: { ours: Check; peerFloat32: Check };
  /** the float64 hand-written gradient vs central differences (relative errors, see slp_peer.py) */
  finiteDifferences: { batch: number; max: number; worst: string; perParam: Record<string, number> };
  forward: { seconds: number; rate: number };
  train: { seconds: number; stepsPerSecond: number; rate: number };
}

function config(): SlpNetConfig {
  return { variant: 'full', users: CASE.users, antennas: CASE.antennas, layers: CASE.layers };
}

const bestSeconds = (fn: () => void, minReps = 5, budget = CASE.budget): number => bestOf(fn, minReps, budget);

/** The same seeded instances on whichever backend is active (prepared: Ã, Ãᵀ, input map, u⁰). */
function makeInputs(which: SlpCase): SlpTensors {
  const inst = makeSlpData(new Rng(`bench-slp-${which}`), { count: CASE[which].batch, users: CASE.users, antennas: CASE.antennas, sinrDb: CASE.sinrDb, pskOrder: CASE.pskOrder });
  return prepareTensors(inst);
}

/** The bench's network: seeded, with the zero-initialised layers and the running statistics moved (see the file comment). */
function makeNet(): SlpNet {
  const rng = new Rng('bench-slp').fork('model');
  const net = buildSlpNet(rng.fork('params'), config());
  const move = rng.fork('move');
  const named = net.params.named();
  tf.tidy(() => {
    for (const [name, v] of Object.entries(named)) {
      const r = move.fork(name);
      if (/^pum\d+\/fc\/kernel$/.test(name) || name === 'apm/conv3/kernel') v.assign(r.normal(v.shape, 0.01));
      else if (name.endsWith('/runningMean')) v.assign(r.normal(v.shape, 0.1));
      else if (name.endsWith('/runningVar')) v.assign(r.uniform(v.shape, 0.5, 1.5));
    }
  });
  return net;
}


/** Indices of the instances whose ‖Ã‖_F ≤ CASE.maxFrobenius (the rest: near-singular channels). */
function wellConditioned(t: SlpTensors): number[] {
  const a = t.a.dataSync();
  const per = a.length / t.batch;
  const keep: number[] = [];
  for (let b = 0; b < t.batch; b++) {
    let ss = 0;
    for (let i = b * per; i < (b + 1) * per; i++) ss += a[i] * a[i];
    if (Math.sqrt(ss) <= CASE.maxFrobenius) keep.push(b);
  }
  return keep;
}

/** The instances `keep` of `t` as a batch of their own. */
function subset(t: SlpTensors, keep: number[]): SlpTensors {
  const idx = tf.tensor1d(keep, 'int32');
  const out: SlpTensors = {
    a: tf.gather(t.a, idx), at: tf.gather(t.at, idx), x: tf.gather(t.x, idx), u0: tf.gather(t.u0, idx),
    rho: Float64Array.from(keep, (i) => t.rho[i]), batch: keep.length,
  };
  idx.dispose();
  return out;
}

/**
 * Parameters, inputs and our outputs into `dir` for the peer (float64): the inference forward on the
 * forward batch; the training-mode λ, the loss and its gradients on the training batch without its
 * near-singular channels (`kept`, thresholded) and on the whole of it (reported); the parameters
 * after one Adam step from the kept batch's gradients. The network is left as it was.
 */
function writeVerification(dir: string, net: SlpNet, fwd: SlpTensors, tr: SlpTensors): void {
  const w = (file: string, buf: Buffer) => fs.writeFileSync(path.join(dir, file), buf);
  const named = net.params.named();
  const names = net.params.names();
  const trainable = net.trainable();
  const trainableNames = names.filter((n) => trainable.includes(named[n]));
  w('params.f64', f64(...names.map((n) => named[n])));
  for (const [tag, t] of [['fwd', fwd], ['train', tr]] as const) {
    w(`${tag}_a.f64`, f64(t.a));
    w(`${tag}_x.f64`, f64(t.x));
    w(`${tag}_u0.f64`, f64(t.u0));
  }
  const f = net.forward(fwd);
  w('fwd_out.f64', f64(f.w, f.lambda, f.dual, f.primal));
  tf.dispose([f.w, f.lambda, f.dual, f.primal]);
  const keep = wellConditioned(tr);
  const kept = subset(tr, keep);
  // the training-mode calls move the running statistics: put everything back after each
  const all = names.map((n) => named[n]);
  const saved = all.map((v) => tf.clone(v));
  const restore = () => all.forEach((v, i) => v.assign(saved[i]));
  const losses: Record<string, number> = {};
  for (const [tag, t] of [['kept', kept], ['full', tr]] as const) {
    const ft = net.forward(t, { training: true });
    w(`train_${tag}_lambda.f64`, f64(ft.lambda));
    tf.dispose([ft.w, ft.lambda, ft.dual, ft.primal]);
    restore();
    const { value, grads } = tf.variableGrads(() => slpLoss(net, t, { weightDecay: CASE.weightDecay }), trainable);
    losses[tag] = value.dataSync()[0];
    w(`train_${tag}_grads.f64`, f64(...trainable.map((v) => grads[v.name])));
    tf.dispose([value, ...Object.values(grads)]);
    restore();
  }
  const opt = tf.train.adam(CASE.lr);
  opt.minimize(() => slpLoss(net, kept, { weightDecay: CASE.weightDecay }), false, trainable);
  w('train_after.f64', f64(...trainable));
  restore();
  opt.dispose();
  tf.dispose(saved);
  disposeTensors(kept);
  const c = net.config;
  const meta = {
    params: names.map((n) => ({ name: n, shape: named[n].shape, trainable: trainableNames.includes(n) })),
    users: c.users, antennas: c.antennas, layers: c.layers, pumChannels: c.pumChannels, apmChannels: c.apmChannels,
    lambdaStart: c.barrier.start, startSlack: c.startSlack, bnEpsilon: BN.epsilon, bnMomentum: BN.momentum,
    weightDecay: CASE.weightDecay, adamEpsilon: tf.backend().epsilon(), budget: CASE.budget, fdBatch: CASE.fdBatch,
    maxFrobenius: CASE.maxFrobenius,
    forward: { batch: fwd.batch },
    train: { batch: tr.batch, kept: keep, loss: losses.kept, lossFull: losses.full, lr: CASE.lr },
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
}

/** Run the numpy peer; a string says why it was skipped. */
const runPeer = (dir: string): SlpPeerResult | string => runPeerScript<SlpPeerResult>('slp_peer.py', dir);

const OUTPUTS: readonly Outputs[] = ['w', 'lambda', 'dual', 'primal'];

/** Is `c` within AGREEMENT? The list of what is not. */
function failures(c: Check): string[] {
  const out: string[] = [];
  for (const o of OUTPUTS) if (!(c.forward[o] <= AGREEMENT.maxForwardRelErr)) out.push(`forward ${o} ${c.forward[o].toExponential(1)}`);
  if (!(c.trainLambdaRelErr <= AGREEMENT.maxForwardRelErr)) out.push(`training λ ${c.trainLambdaRelErr.toExponential(1)}`);
  if (!(c.lossRelErr <= AGREEMENT.maxLossRelErr)) out.push(`loss ${c.lossRelErr.toExponential(1)}`);
  if (!(c.grads.max <= AGREEMENT.maxGradRelErr)) out.push(`gradient of ${c.grads.worst} ${c.grads.max.toExponential(1)}`);
  return out;
}

const e1 = (x: number) => x.toExponential(1);

function describeCheck(who: string, c: Check): string {
  const bad = failures(c);
  const adam = c.adamDeltaRelErr === undefined ? '' : `; Adam step Δθ ${e1(c.adamDeltaRelErr)}`;
  const fwd = (r: Record<Outputs, number>) => OUTPUTS.map((o) => `${o} ${e1(r[o])}`).join(', ');
  return `${who}: ${bad.length ? `MISMATCH (${bad.join('; ')})` : 'agrees'} — relative errors:\n` +
    `      forward, all instances: ${fwd(c.forward)}; worst instance's w ${e1(c.forwardWorstInstance)}\n` +
    `      forward, ‖Ã‖_F ≤ ${CASE.maxFrobenius} (reported): ${fwd(c.forwardKept)}\n` +
    `      training batch, ‖Ã‖_F ≤ ${CASE.maxFrobenius}: λ ${e1(c.trainLambdaRelErr)}, loss ${e1(c.lossRelErr)}, gradients max ${e1(c.grads.max)} ` +
    `(${c.grads.worst}), all ${e1(c.grads.global)}${adam}\n` +
    `      whole training batch (reported): λ ${e1(c.full.lambdaRelErr)}, loss ${e1(c.full.lossRelErr)}, gradients max ${e1(c.full.grads.max)} ` +
    `(${c.full.grads.worst}), all ${e1(c.full.grads.global)}`;
}

/** The SLP-DNet cases on each backend beside the numpy peer; prints a table and the verification. */
export async function benchSlp(backends: BackendName[]): Promise<{ rows: SlpRow[]; peer: SlpPeerResult | string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'precoding-bench-slp-'));
  const ours: { backend: string; case: SlpCase; batch: number; seconds: number }[] = [];
  let peer: SlpPeerResult | string;
  try {
    for (const [i, b] of backends.entries()) {
      await initBackend(b);
      console.error(describeBackend());
      const net = makeNet();
      const fwd = makeInputs('forward');
      const tr = makeInputs('train');
      if (i === 0) writeVerification(dir, net, fwd, tr);
      const before = tf.memory().numTensors;
      const fSec = bestSeconds(() => {
        const f = net.forward(fwd);
        f.w.dataSync();
        tf.dispose([f.w, f.lambda, f.dual, f.primal]);
      });
      ours.push({ backend: b, case: 'forward', batch: fwd.batch, seconds: fSec });
      const opt = tf.train.adam(CASE.lr);
      const vars = net.trainable();
      const tSec = bestSeconds(() => {
        const cost = opt.minimize(() => slpLoss(net, tr, { weightDecay: CASE.weightDecay }), true, vars);
        if (!cost) throw new Error('minimize returned no cost');
        cost.dataSync();
        cost.dispose();
      });
      ours.push({ backend: b, case: 'train', batch: tr.batch, seconds: tSec });
      opt.dispose();
      const leaked = tf.memory().numTensors - before;
      if (leaked > 0) console.error(`slp bench: ${leaked} tensors left after the timed calls on ${b}`);
      disposeTensors(fwd);
      disposeTensors(tr);
      net.dispose();
    }
    peer = runPeer(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const p = typeof peer === 'string' ? undefined : peer;
  const rows: SlpRow[] = ours.map((o) => {
    const n = p?.[o.case];
    const rate = o.batch / o.seconds;
    return {
      backend: o.backend, case: o.case, batch: o.batch, ours: rate, oursCallsPerSecond: 1 / o.seconds,
      numpyFloat32: n?.rate, numpyCallsPerSecond: n ? 1 / n.seconds : undefined, ratioFloat32: n ? rate / n.rate : undefined,
    };
  });
  const k = (x?: number) => (x === undefined ? '—' : x >= 1000 ? `${(x / 1000).toFixed(2)} k` : x.toFixed(1));
  const per = (x?: number) => (x === undefined ? '—' : x.toPrecision(3));
  console.log(`\nSLP-DNet (full precision): M = K = ${CASE.antennas}, QPSK, L = ${CASE.layers} layers, PReLU; ` +
    'instances/s and calls/s (training steps/s), one thread, best of ≥ 5');
  console.table(rows.map((r) => ({
    backend: r.backend,
    case: `${LABEL[r.case]} (B = ${r.batch})`,
    ours: k(r.ours),
    'numpy f32': k(r.numpyFloat32),
    'ours/f32': r.ratioFloat32?.toPrecision(2) ?? '—',
    'ours calls/s': per(r.oursCallsPerSecond),
    'numpy calls/s': per(r.numpyCallsPerSecond),
  })));
  if (typeof peer === 'string') console.log(peer);
  else {
    const fd = peer.finiteDifferences;
    const fdOk = fd.max <= AGREEMENT.maxFdRelErr;
    const kp = peer.kept;
    console.log(`numpy ${peer.numpy} (python ${peer.python}), float64 reference; ‖Ã‖_F ≤ ${kp.maxFrobenius}: ${kp.forward} of ${kp.forwardBatch} forward, ` +
      `${kp.train} of ${kp.trainBatch} training instances; loss ${peer.referenceLoss.toFixed(6)} (whole training batch ${peer.referenceLossFull.toFixed(6)}):`);
    console.log(`  hand-written backward vs central differences (float64, ${fd.batch} instances): ${fdOk ? 'agrees' : 'MISMATCH'} — max ${fd.max.toExponential(1)} (${fd.worst})`);
    console.log(`  ${describeCheck(`ours (${backends[0]}, float32)`, peer.check.ours)}`);
    console.log(`  ${describeCheck('numpy float32 (timed form)', peer.check.peerFloat32)}`);
    if (!fdOk || failures(peer.check.ours).length || failures(peer.check.peerFloat32).length) process.exitCode = 1;
  }
  return { rows, peer };
}

if (require.main === module) runStandalone(benchSlp);
