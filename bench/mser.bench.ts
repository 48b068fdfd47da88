/**
 * Speed of one iteration of the MSER paper's Algorithm 1 (lib/papers/mser/gd.ts `gdIteration`) beside a
 * numpy peer (bench/peers/mser_peer.py), issue 20's speed criterion. The paper's system (`PAPER_SYSTEM`:
 * N_t = 64, R_t = 8, K = 2, N_r = 8, R_r = 4, D_k = 3, QPSK, P_T = 1), J = 512 sampled transmit vectors
 * (one block S [D, J] shared by the batch), clustered channels (`clusteredChannel`, 2 clusters), started
 * from `alignmentInit`; at 15 dB: σ² = `noiseVarOf(sys, 15)`, μ = 0.01·σ² for every block, ϱ = σ/√2.
 * One iteration: the gradients and updates of V, W, θ_U and θ_F in that order (each at the blocks already
 * updated), then (26) and the combiner normalisation. Two cases: one channel (B = 1) and a batch of
 * B = 100 channels. A timed call is `gdIteration(h, start, S, sys, { steps, rho })` from the same start
 * plus one dataSync of the new W (input generation and the start excluded); best of ≥ 5 after a
 * warm-up call. Reported in ms per iteration and per channel-iteration; the ratio is numpy's time over
 * ours (≥ 1: at least as fast as numpy).
 *
 * Verification: h, S, the start state, the settings and (on the first backend) our state after 1 and
 * after 5 iterations go to a temporary folder; the peer recomputes them in float64 and reports the
 * relative error ‖ours − ref‖_F/‖ref‖_F of every block (V, W, θ_U, θ_F): after one iteration above
 * AGREEMENT.maxRelErr is a mismatch (exit code 1); after 5 iterations, and the errors of every block's
 * change from the start (at B = 100 the phases move by ~1e-6 rad rms, median 2e-8, per
 * iteration: at or below float32's spacing of θ ~ 2, 2.4e-7), are
 * reported. The peer times three vectorised forms (the library's products; reusing what a block does
 * not change; the same with the density's exponent floored at −80 so that no float32 subnormal slows
 * exp and BLAS) and reports the fastest; each is checked against the same reference. Without
 * /usr/bin/python3 + numpy the peer is skipped with a message.
 *
 *   npx tsx bench/mser.bench.ts [wasm|cpu|node ...]   # this bench only, printed, nothing written
 */
import { bestSeconds as bestOf, f64, runPeer as runPeerScript, runStandalone } from './peer';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BackendName, describeBackend, initBackend } from '../lib/core/backend';
import type { Complex } from '../lib/core/complex';
import { Rng } from '../lib/core/random';
import { clusteredChannel } from '../lib/phy/channels';
import { gdIteration, GdStepSizes } from '../lib/papers/mser/gd';
import { channelsToF64, gdIterationF64, stateToF64, symbolsToF64 } from '../lib/papers/mser/gdF64';
import { alignmentInit } from '../lib/papers/mser/init';
import { disposeSymbols, sampleSymbols, SymbolBlock } from '../lib/papers/mser/symbols';
import { MserSystem, noiseVarOf, PAPER_SYSTEM, symbolEnergy, totalStreams } from '../lib/papers/mser/system';
import { disposeState, HybridState } from '../lib/papers/mser/transceiver';

export const CASE = {
  /** J, sampled transmit vectors */
  count: 512,
  snrDb: 15,
  /** μ = stepFactor·σ² for every block */
  stepFactor: 0.01,
  clusters: 2,
  batches: { one: 1, batch: 100 },
  /** the iteration counts whose states the peer checks (1: thresholded; the others reported) */
  iterations: [1, 5],
  /** seconds per timed case (at least 5 calls), on both sides */
  budget: 1,
};

/** Agreement threshold with the float64 peer: relative error in norm of every block after one iteration. */
export const AGREEMENT = { maxRelErr: 1e-3 };

export type MserCase = keyof typeof CASE.batches;
const CASES: MserCase[] = ['one', 'batch'];
const BLOCKS = ['v', 'w', 'thetaU', 'thetaF'] as const;
type Block = (typeof BLOCKS)[number];
const BLOCK_LABEL: Record<Block, string> = { v: 'V', w: 'W', thetaU: 'θ_U', thetaF: 'θ_F' };

export interface MserRow {
  backend: string;
  case: MserCase;
  /** B, channels per call */
  batch: number;
  /** ours, ms per iteration (the whole batch) */
  oursMs: number;
  numpyFloat32Ms?: number;
  numpyFloat64Ms?: number;
  /** numpy float32 time / ours (≥ 1: ours at least as fast) */
  speedRatioFloat32?: number;
}

type BlockErrors = Record<Block, number>;

interface PeerForm {
  seconds: number;
  relErr: BlockErrors;
}

export interface MserPeerResult {
  numpy: string;
  python: string;
  threads: number;
  cases: Record<MserCase, {
    batch: number;
    /** per iteration count ("1", "5"): errors of the state and of its change from the start */
    check: Record<string, { state: BlockErrors; change: BlockErrors }>;
    /** the peer's 'reuse' form in float64 against the reference (same iteration, reordered products) */
    reuseFloat64RelErr: BlockErrors;
    /** the reference's mean P̃ at the start ("0") and after each checked iteration count */
    objective: Record<string, number>;
    rows: { dtype: 'float32' | 'float64'; best: string; seconds: number; forms: Record<string, PeerForm> }[];
  }>;
}

interface Inputs {
  h: Complex;
  sym: SymbolBlock;
  start: HybridState;
  batch: number;
}

/** σ², the step sizes and ϱ of the bench. */
export function settings(sys: MserSystem): { noiseVar: number; steps: GdStepSizes; rho: number } {
  const noiseVar = noiseVarOf(sys, CASE.snrDb);
  const mu = CASE.stepFactor * noiseVar;
  return { noiseVar, steps: { v: mu, w: mu, thetaU: mu, thetaF: mu }, rho: Math.sqrt(noiseVar / 2) };
}

const bestSeconds = (fn: () => void, minReps = 5, budget = CASE.budget): number => bestOf(fn, minReps, budget);

/** The same seeded inputs on whichever backend is active. */
function makeInputs(which: MserCase, sys: MserSystem): Inputs {
  const rng = new Rng(`bench-mser-${which}`);
  const batch = CASE.batches[which];
  const h = clusteredChannel(rng.fork('h'), { batch, users: sys.users, txAntennas: sys.txAntennas, rxAntennas: sys.rxAntennas, clusters: CASE.clusters }).h;
  const sym = sampleSymbols(rng.fork('s'), { streams: totalStreams(sys), count: CASE.count, modulation: sys.modulation });
  return { h, sym, start: alignmentInit(h, sys), batch };
}

function disposeInputs(inp: Inputs): void {
  tf.dispose([inp.h.re, inp.h.im]);
  disposeSymbols(inp.sym);
  disposeState(inp.start);
}


const stateF64 = (s: HybridState): Buffer => f64(s.thetaF, s.v.re, s.v.im, s.thetaU, s.w.re, s.w.im);

/** Inputs and our states after CASE.iterations into `dir` (float64); the case's meta entry. */
function writeCase(dir: string, which: MserCase, inp: Inputs, sys: MserSystem): object {
  const prefix = `${which}_`;
  const w = (file: string, buf: Buffer) => fs.writeFileSync(path.join(dir, prefix + file), buf);
  const { steps, rho } = settings(sys);
  w('h.f64', f64(inp.h.re, inp.h.im));
  w('s.f64', f64(inp.sym.s.re, inp.sym.s.im));
  w('start.f64', stateF64(inp.start));
  let s = inp.start;
  for (let t = 1; t <= Math.max(...CASE.iterations); t++) {
    const next = gdIteration(inp.h, s, inp.sym, sys, { steps, rho });
    if (s !== inp.start) disposeState(s);
    s = next;
    if (CASE.iterations.includes(t)) w(`after${t}.f64`, stateF64(s));
  }
  disposeState(s);
  return { prefix, batch: inp.batch };
}

/** Run the numpy peer; a string says why it was skipped. */
const runPeer = (dir: string): MserPeerResult | string => runPeerScript<MserPeerResult>('mser_peer.py', dir);

const e1 = (x: number) => x.toExponential(1);
const blockErrs = (r: BlockErrors) => BLOCKS.map((b) => `${BLOCK_LABEL[b]} ${e1(r[b])}`).join(', ');
const worst = (r: BlockErrors) => Math.max(...BLOCKS.map((b) => r[b]));
/** Is every block within AGREEMENT (NaN fails)? */
const agrees = (r: BlockErrors) => BLOCKS.every((b) => r[b] <= AGREEMENT.maxRelErr);

/** The MSER GD iteration on each backend beside the numpy peer; prints a table and the verification. */
export async function benchMser(backends: BackendName[]): Promise<{ rows: MserRow[]; peer: MserPeerResult | string }> {
  const sys = PAPER_SYSTEM;
  const { noiseVar, steps, rho } = settings(sys);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'precoding-bench-mser-'));
  const ours: { backend: string; case: MserCase; batch: number; seconds: number }[] = [];
  let peer: MserPeerResult | string;
  try {
    const cases: Record<string, object> = {};
    for (const [i, b] of backends.entries()) {
      await initBackend(b);
      console.error(describeBackend());
      for (const which of CASES) {
        const inp = makeInputs(which, sys);
        if (i === 0) cases[which] = writeCase(dir, which, inp, sys);
        const before = tf.memory().numTensors;
        const sec = bestSeconds(() => {
          const next = gdIteration(inp.h, inp.start, inp.sym, sys, { steps, rho });
          next.w.re.dataSync();
          disposeState(next);
        });
        const leaked = tf.memory().numTensors - before;
        if (leaked > 0) console.error(`mser bench: ${leaked} tensors left after the timed calls on ${b}`);
        ours.push({ backend: b, case: which, batch: inp.batch, seconds: sec });
        if (i === 0) {
          // the float64 JS kernel (./gdF64: the same iteration, equal to gdIteration to float32 precision,
          // test/papers/mser/gdF64.test.ts), converted once, outside the timing
          const hF = channelsToF64(inp.h), sF = stateToF64(inp.start), symF = symbolsToF64(inp.sym);
          const secF = bestSeconds(() => gdIterationF64(hF, sF, symF, sys, { steps, rho }));
          ours.push({ backend: 'float64 JS', case: which, batch: inp.batch, seconds: secF });
        }
        disposeInputs(inp);
      }
    }
    const meta = {
      system: sys, count: CASE.count, snrDb: CASE.snrDb, noiseVar, steps, rho, power: sys.power,
      symbolEnergy: symbolEnergy(sys.modulation), iterations: CASE.iterations, budget: CASE.budget, cases,
    };
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
    peer = runPeer(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const p = typeof peer === 'string' ? undefined : peer;
  const rows: MserRow[] = ours.map((o) => {
    const pr = p?.cases[o.case].rows;
    const n32 = pr?.find((r) => r.dtype === 'float32')?.seconds;
    const n64 = pr?.find((r) => r.dtype === 'float64')?.seconds;
    return {
      backend: o.backend, case: o.case, batch: o.batch, oursMs: 1000 * o.seconds,
      numpyFloat32Ms: n32 === undefined ? undefined : 1000 * n32, numpyFloat64Ms: n64 === undefined ? undefined : 1000 * n64,
      speedRatioFloat32: n32 === undefined ? undefined : n32 / o.seconds,
    };
  });
  const ms = (x?: number) => (x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const form = (c: MserCase, dt: string) => p?.cases[c].rows.find((r) => r.dtype === dt)?.best ?? '';
  console.log(`\nMSER GD iteration (Algorithm 1): N_t = ${sys.txAntennas}, R_t = ${sys.txRf}, K = ${sys.users}, N_r = ${sys.rxAntennas}, ` +
    `R_r = ${sys.rxRf}, D_k = ${sys.streams}, ${sys.modulation.toUpperCase()}, J = ${CASE.count}, ${CASE.snrDb} dB (μ = ${e1(steps.v)}, ϱ = ${rho.toFixed(4)}); ` +
    'ms per iteration (whole batch) and per channel-iteration, one thread, best of ≥ 5');
  console.table(rows.map((r) => ({
    backend: r.backend,
    case: `B = ${r.batch}`,
    'ours ms': ms(r.oursMs),
    'numpy f32 ms': p ? `${ms(r.numpyFloat32Ms)} (${form(r.case, 'float32')})` : '—',
    'numpy f64 ms': p ? `${ms(r.numpyFloat64Ms)} (${form(r.case, 'float64')})` : '—',
    'ours ms/channel': ms(r.oursMs / r.batch),
    'numpy f32 ms/channel': ms(r.numpyFloat32Ms === undefined ? undefined : r.numpyFloat32Ms / r.batch),
    'speed ours/f32': r.speedRatioFloat32?.toFixed(2) ?? '—',
  })));
  if (typeof peer === 'string') console.log(peer);
  else {
    console.log(`numpy ${peer.numpy} (python ${peer.python}, ${peer.threads} thread), float64 reference; relative errors ‖x − x_ref‖_F/‖x_ref‖_F per block:`);
    for (const c of CASES) {
      const pc = peer.cases[c];
      const one = pc.check['1'];
      const ok = agrees(one.state);
      const obj = Object.entries(pc.objective).map(([t, v]) => `${t}: ${v.toPrecision(4)}`).join(', ');
      console.log(`  B = ${pc.batch}: ours (${backends[0]}, float32) ${ok ? 'agrees' : 'MISMATCH'} after 1 iteration — ${blockErrs(one.state)}; ` +
        `its change from the start (reported): ${blockErrs(one.change)}`);
      for (const [t, ch] of Object.entries(pc.check)) {
        if (t === '1') continue;
        console.log(`      after ${t} iterations (reported): ${blockErrs(ch.state)}; change: ${blockErrs(ch.change)}`);
      }
      const f32 = pc.rows.find((r) => r.dtype === 'float32');
      const peerForms = f32 ? Object.entries(f32.forms).map(([f, v]) => `${f} ${ms(1000 * v.seconds)} ms, ${e1(worst(v.relErr))}`).join('; ') : '—';
      const peerOk = f32 ? Object.values(f32.forms).every((v) => agrees(v.relErr)) && agrees(pc.reuseFloat64RelErr) : false;
      console.log(`      numpy float32 forms (time, worst block's error after 1 iteration): ${peerForms}; 'reuse' in float64 ${e1(worst(pc.reuseFloat64RelErr))} ` +
        `${peerOk ? '(agree)' : '(MISMATCH)'}; reference mean P̃ at iteration ${obj}`);
      if (!ok || !peerOk) process.exitCode = 1;
    }
  }
  return { rows, peer };
}

if (require.main === module) runStandalone(benchMser);
