/**
 * Throughput of the WMMSE hot paths beside a numpy peer (bench/peers/wmmse_peer.py), in channels per
 * second: the unfolded forward (γ = 1, K = 4 PGD steps per layer) and classic WMMSE truncated at L
 * iterations, L = 1..6, 10 000 i.i.d. Rayleigh channels, M = N = 4, 10 dB (the paper's Fig. 2 setting).
 *
 * The channels and our WSRs (every layer / iteration, every channel) go to a temporary folder; the
 * peer recomputes them (complex128) and reports the mean |WSR_ours − WSR_peer| (float32 tfjs vs
 * float64: ~1e-4 for the unfolded network; float64 both: ~1e-12 for classic WMMSE), then times the
 * same cases single-threaded. Without /usr/bin/python3 + numpy the peer is skipped with a message.
 */
import { runPeer as runPeerScript } from './peer';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BackendName, initBackend } from '../lib/core/backend';
import { Rng } from '../lib/core/random';
import { disposeTestSet, makeTestSet, TestSet } from '../lib/kit/testSets';
import { systemAtSnr, WmmseSystem } from '../lib/papers/wmmse/system';
import { unfoldedForward, wsrPerLayer } from '../lib/papers/wmmse/unfolded';
import { classicWmmse } from '../lib/papers/wmmse/wmmse';

export const CASE = { channels: 10000, users: 4, antennas: 4, snrDb: 10, pgdSteps: 4, layers: [1, 2, 3, 4, 5, 6], powerTol: 1e-8 };

export interface WmmseRow {
  backend: string;
  algorithm: 'unfolded forward' | 'classic WMMSE';
  L: number;
  ours: number;
  peer?: number;
  ratio?: number;
}

export interface PeerResult {
  numpy: string;
  python: string;
  rows: { L: number; unfolded: number; classic: number }[];
  meanAbsDiffUnfolded: number[];
  meanAbsDiffClassic: number[];
}

/** Median seconds of `fn` over ~`budget` s (one warm-up call). */
function medianSeconds(fn: () => void, budget = 1.5, minReps = 3): number {
  fn();
  const times: number[] = [];
  const stop = performance.now() + budget * 1000;
  while (performance.now() < stop || times.length < minReps) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function unfoldedOnce(set: TestSet, sys: WmmseSystem, L: number): void {
  const gamma = tf.ones([L, CASE.pgdSteps]);
  const out = unfoldedForward(set.h, gamma, sys, CASE.pgdSteps);
  out.perLayer[L - 1].re.dataSync();
  out.perLayer.forEach((v) => tf.dispose([v.re, v.im]));
  gamma.dispose();
}

/** Our unfolded throughput on the current backend, L = 1..6 (channels/s). */
function oursUnfolded(set: TestSet, sys: WmmseSystem): number[] {
  return CASE.layers.map((L) => CASE.channels / medianSeconds(() => unfoldedOnce(set, sys, L)));
}

/** Our classic WMMSE throughput (float64 JavaScript, backend-independent), L = 1..6. */
function oursClassic(set: TestSet, sys: WmmseSystem): number[] {
  const opts = (L: number) => ({ maxIter: L, tol: 0, trace: false, powerTol: CASE.powerTol });
  return CASE.layers.map((L) => CASE.channels / medianSeconds(() => classicWmmse(set.f64, sys, opts(L))));
}

/** Channels + our WSRs into a temporary folder for the peer. */
function writePeerInput(set: TestSet, sys: WmmseSystem): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'precoding-bench-'));
  const h = new Float64Array(2 * set.f64.re.length);
  h.set(set.f64.re, 0);
  h.set(set.f64.im, set.f64.re.length);
  fs.writeFileSync(path.join(dir, 'h.f64'), Buffer.from(h.buffer));
  const L = Math.max(...CASE.layers);
  const gamma = tf.ones([L, CASE.pgdSteps]);
  const out = unfoldedForward(set.h, gamma, sys, CASE.pgdSteps);
  const per = wsrPerLayer(set.h, out, sys);
  const unfolded = (per.arraySync() as number[][]);
  tf.dispose([gamma, per, ...out.perLayer.flatMap((v) => [v.re, v.im])]);
  const classic = classicWmmse(set.f64, sys, { maxIter: L, tol: 0, powerTol: CASE.powerTol }).wsrTrace.map((t) => Array.from(t));
  const meta = {
    batch: CASE.channels, users: CASE.users, antennas: CASE.antennas, power: sys.power, noiseVar: sys.noiseVar, alpha: sys.alpha,
    pgdSteps: CASE.pgdSteps, layers: CASE.layers, powerTol: CASE.powerTol, oursUnfoldedWsr: unfolded, oursClassicWsr: classic,
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
  return dir;
}

/** Run the numpy peer; a string says why it was skipped. */
const runPeer = (dir: string): PeerResult | string => runPeerScript<PeerResult>('wmmse_peer.py', dir);

/** The WMMSE cases on each backend beside the numpy peer; prints a table and the verification. */
export async function benchWmmse(backends: BackendName[]): Promise<{ rows: WmmseRow[]; peer: PeerResult | string }> {
  await initBackend(backends[0]);
  const sys = systemAtSnr({ snrDb: CASE.snrDb, users: CASE.users, antennas: CASE.antennas });
  const set = makeTestSet(new Rng('bench-wmmse'), { count: CASE.channels, users: CASE.users, antennas: CASE.antennas });
  const dir = writePeerInput(set, sys);
  const classic = oursClassic(set, sys);
  const unfolded: [BackendName, number[]][] = [];
  for (const b of backends) {
    await initBackend(b);
    unfolded.push([b, oursUnfolded(set, sys)]);
  }
  disposeTestSet(set);
  const peer = runPeer(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  const rows: WmmseRow[] = [];
  const add = (backend: string, algorithm: WmmseRow['algorithm'], ours: number[], theirs?: number[]) =>
    CASE.layers.forEach((L, i) => rows.push({ backend, algorithm, L, ours: ours[i], peer: theirs?.[i], ratio: theirs ? ours[i] / theirs[i] : undefined }));
  const p = typeof peer === 'string' ? undefined : peer;
  for (const [b, u] of unfolded) add(b, 'unfolded forward', u, p?.rows.map((r) => r.unfolded));
  add('JS float64', 'classic WMMSE', classic, p?.rows.map((r) => r.classic));
  const k = (x?: number) => (x === undefined ? '—' : `${(x / 1000).toFixed(1)} k`);
  console.log(`\nWMMSE, ${CASE.channels} channels, M = N = ${CASE.antennas}, ${CASE.snrDb} dB, K = ${CASE.pgdSteps}, γ = 1; channels/s, one thread`);
  console.table(rows.map((r) => ({ backend: r.backend, algorithm: r.algorithm, L: r.L, ours: k(r.ours), numpy: k(r.peer), 'ours/numpy': r.ratio?.toFixed(2) ?? '—' })));
  if (typeof peer === 'string') console.log(peer);
  else {
    const max = (a: number[]) => Math.max(...a).toExponential(1);
    console.log(`numpy ${peer.numpy} (python ${peer.python}) computes the same numbers: mean |ΔWSR| ≤ ${max(peer.meanAbsDiffUnfolded)} (unfolded, float32 vs float64), ≤ ${max(peer.meanAbsDiffClassic)} (classic) bit/s/Hz`);
  }
  return { rows, peer };
}
