/**
 * Throughput of C2PO (NNO-C2PO paper, Algorithm 1: lib/papers/c2po/c2po.ts) beside a numpy peer
 * (bench/peers/c2po_peer.py), in precodes per second (symbol vectors per second): t_max = 8,
 * B = 128 antennas, U = 8 users, P = 1, ξ = √(P/2B), τ = 2⁻⁸, ρ = 1.25, unit-energy 16-QAM symbols,
 * CN(0, 1) channels; x⁽⁰⁾ = Hᴴs and the final 1-bit quantisation included. Two layouts:
 *   - channel per vector: h [1024, U, B], s [1024, U] (batched products);
 *   - shared channel: one h [U, B] for the T = 4096 columns of s [U, T] (one big matmul per product).
 * A timed call is `c2po(h, s, sys, { iterations })` plus one dataSync of x_Q (input generation
 * excluded); best of ≥ 5 after a warm-up call.
 *
 * Verification: the inputs and our x⁽ᵗᵐᵃˣ⁾ and x_Q (on the first backend) go to a temporary folder; the
 * peer recomputes them in float64 and reports the fraction of x_Q signs that agree (float32 tfjs vs
 * float64: a few entries within rounding of 0 may flip) and ‖x_ours − x_ref‖/‖x_ref‖; below 99.9 %
 * or above 1e-4 is reported as a mismatch (exit code 1). The peer then times its fastest vectorised
 * forms (complex and real embedding, float32 and float64) single-threaded. Without /usr/bin/python3 +
 * numpy the peer is skipped with a message.
 *
 *   npx tsx bench/c2po.bench.ts [wasm|cpu|node ...]   # this bench only, printed, nothing written
 */
import { bestSeconds as bestOf, runPeer as runPeerScript, runStandalone } from './peer';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BackendName, describeBackend, initBackend } from '../lib/core/backend';
import * as C from '../lib/core/complex';
import type { Complex } from '../lib/core/complex';
import { Rng } from '../lib/core/random';
import { constellation } from '../lib/phy/constellation';
import { c2po, C2PO_ORIGINAL } from '../lib/papers/c2po/c2po';
import { c2poSystem, C2poSystem } from '../lib/papers/c2po/system';

export const CASE = { users: 8, antennas: 128, power: 1, iterations: 8, perSample: 1024, shared: 4096, ...C2PO_ORIGINAL };

/** Agreement thresholds with the float64 peer (x_Q signs, relative error of x⁽ᵗᵐᵃˣ⁾). */
export const AGREEMENT = { minSignAgreement: 0.999, maxRelErr: 1e-4 };

export type C2poCase = 'perSample' | 'shared';
const LABEL: Record<C2poCase, string> = { perSample: 'channel per vector', shared: 'shared channel' };

export interface C2poRow {
  backend: string;
  case: C2poCase;
  /** symbol vectors per call */
  count: number;
  /** ours, precodes/s */
  ours: number;
  numpyFloat32?: number;
  numpyFloat64?: number;
  /** ours / numpy */
  ratioFloat32?: number;
  ratioFloat64?: number;
}

interface PeerForm {
  rate: number;
  signAgreement: number;
  xRelErr: number;
}

export interface C2poPeerResult {
  numpy: string;
  python: string;
  cases: Record<C2poCase, {
    check: { xqSignAgreement: number; xRelErr: number; clippedFraction: number };
    rows: { dtype: 'float32' | 'float64'; best: 'complex' | 'real'; rate: number; forms: Record<string, PeerForm> }[];
  }>;
}

interface Inputs {
  h: Complex;
  s: Complex;
  count: number;
}

const bestSeconds = (fn: () => void, minReps = 5, budget = 1): number => bestOf(fn, minReps, budget);

/** The same seeded inputs on whichever backend is active: 16-QAM symbols, CN(0, 1) channels. */
function makeInputs(which: C2poCase): Inputs {
  const rng = new Rng(`bench-c2po-${which}`);
  const qam = constellation('16qam');
  const { users: u, antennas: b } = CASE;
  const count = CASE[which];
  const h = rng.fork('h').complexNormal(which === 'perSample' ? [count, u, b] : [u, b]);
  const { indices, symbols: s } = qam.randomSymbols(rng.fork('s'), which === 'perSample' ? [count, u] : [u, count]);
  indices.dispose();
  return { h, s, count };
}

function precode(inp: Inputs, sys: C2poSystem): void {
  const r = c2po(inp.h, inp.s, sys, { iterations: CASE.iterations });
  r.xq.re.dataSync();
  C.dispose(r.x, r.xq);
}

function writeComplex(file: string, z: Complex): void {
  const re = z.re.dataSync();
  const im = z.im.dataSync();
  const out = new Float64Array(re.length + im.length);
  out.set(re, 0);
  out.set(im, re.length);
  fs.writeFileSync(file, Buffer.from(out.buffer));
}

/** Inputs and our x⁽ᵗᵐᵃˣ⁾, x_Q for one case into `dir` (re block, then im block, float64); its meta entry. */
function writeCase(dir: string, which: C2poCase, inp: Inputs, sys: C2poSystem): object {
  const prefix = `${which}_`;
  const r = c2po(inp.h, inp.s, sys, { iterations: CASE.iterations });
  writeComplex(path.join(dir, `${prefix}h.f64`), inp.h);
  writeComplex(path.join(dir, `${prefix}s.f64`), inp.s);
  writeComplex(path.join(dir, `${prefix}x.f64`), r.x);
  writeComplex(path.join(dir, `${prefix}xq.f64`), r.xq);
  const meta = { prefix, count: inp.count, hShape: inp.h.re.shape, sShape: inp.s.re.shape, xShape: r.x.re.shape };
  C.dispose(r.x, r.xq);
  return meta;
}

/** Run the numpy peer; a string says why it was skipped. */
const runPeer = (dir: string): C2poPeerResult | string => runPeerScript<C2poPeerResult>('c2po_peer.py', dir);

const CASES: C2poCase[] = ['perSample', 'shared'];

/** The C2PO cases on each backend beside the numpy peer; prints a table and the verification. */
export async function benchC2po(backends: BackendName[]): Promise<{ rows: C2poRow[]; peer: C2poPeerResult | string }> {
  const sys = c2poSystem({ users: CASE.users, antennas: CASE.antennas, power: CASE.power });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'precoding-bench-c2po-'));
  const ours: { backend: string; case: C2poCase; count: number; rate: number }[] = [];
  let peer: C2poPeerResult | string;
  try {
    const meta: Record<string, unknown> = { users: CASE.users, antennas: CASE.antennas, power: CASE.power, xi: sys.xi, iterations: CASE.iterations, tau: CASE.tau, rho: CASE.rho };
    const cases: Record<string, object> = {};
    for (const [i, b] of backends.entries()) {
      await initBackend(b);
      console.error(describeBackend());
      for (const which of CASES) {
        const inp = makeInputs(which);
        if (i === 0) cases[which] = writeCase(dir, which, inp, sys);
        const sec = bestSeconds(() => precode(inp, sys));
        ours.push({ backend: b, case: which, count: inp.count, rate: inp.count / sec });
        C.dispose(inp.h, inp.s);
      }
    }
    meta.cases = cases;
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
    peer = runPeer(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const p = typeof peer === 'string' ? undefined : peer;
  const rows: C2poRow[] = ours.map((o) => {
    const pr = p?.cases[o.case].rows;
    const n32 = pr?.find((r) => r.dtype === 'float32')?.rate;
    const n64 = pr?.find((r) => r.dtype === 'float64')?.rate;
    return { backend: o.backend, case: o.case, count: o.count, ours: o.rate, numpyFloat32: n32, numpyFloat64: n64, ratioFloat32: n32 ? o.rate / n32 : undefined, ratioFloat64: n64 ? o.rate / n64 : undefined };
  });
  const k = (x?: number) => (x === undefined ? '—' : `${(x / 1000).toFixed(1)} k`);
  const form = (c: C2poCase, dt: string) => p?.cases[c].rows.find((r) => r.dtype === dt)?.best ?? '';
  console.log(`\nC2PO, t_max = ${CASE.iterations}, B = ${CASE.antennas}, U = ${CASE.users}, 16-QAM, CN(0, 1); precodes/s (symbol vectors/s), one thread, best of ≥ 5`);
  console.table(rows.map((r) => ({
    backend: r.backend,
    case: `${LABEL[r.case]} (${r.count})`,
    ours: k(r.ours),
    'numpy f32': p ? `${k(r.numpyFloat32)} (${form(r.case, 'float32')})` : '—',
    'numpy f64': p ? `${k(r.numpyFloat64)} (${form(r.case, 'float64')})` : '—',
    'ours/f32': r.ratioFloat32?.toFixed(2) ?? '—',
    'ours/f64': r.ratioFloat64?.toFixed(2) ?? '—',
  })));
  if (typeof peer === 'string') console.log(peer);
  else {
    for (const c of CASES) {
      const { xqSignAgreement: agree, xRelErr: err, clippedFraction } = peer.cases[c].check;
      const ok = agree >= AGREEMENT.minSignAgreement && err <= AGREEMENT.maxRelErr;
      console.log(
        `${LABEL[c]}: ${ok ? 'agrees' : 'MISMATCH'} with numpy ${peer.numpy} (python ${peer.python}, float64): x_Q signs ${(100 * agree).toFixed(3)} % equal, ` +
          `‖x_ours − x_numpy‖/‖x_numpy‖ = ${err.toExponential(1)} (${backends[0]}, float32); ${(100 * clippedFraction).toFixed(1)} % of x⁽ᵗᵐᵃˣ⁾ on ±ξ`,
      );
      if (!ok) process.exitCode = 1;
    }
  }
  return { rows, peer };
}

if (require.main === module) runStandalone(benchC2po);
