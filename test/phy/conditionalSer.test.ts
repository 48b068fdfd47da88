/**
 * conditionalSer: float64 JavaScript, no tensors, so plain tests (no backendTest). Checked against the
 * AWGN closed forms (M = g·I), a reference that enumerates all order^D vectors with the textbook
 * Φ-differences (no symmetry), a Monte Carlo run with noise draws (Wilson interval per stream),
 * sampling against enumeration, and stream permutations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionalSer, ConditionalSerConstellation } from '../../lib/phy/conditionalSer';
import { qamSerAwgn, qpskSerAwgn } from '../../lib/phy/constellation';
import { wilsonInterval } from '../../lib/phy/errorRate';
import type { ComplexBatchF64 } from '../../lib/core/complexF64';
import { Rng } from '../../lib/core/random';
import { normCdf } from '../../lib/core/special';

const LEVELS: Record<ConditionalSerConstellation, number[]> = { qpsk: [-1, 1], '16qam': [-3, -1, 1, 3] };

function randomM(rng: Rng, batch: number, d: number, diag: number): ComplexBatchF64 {
  const re = rng.normalArray(batch * d * d, 0.3), im = rng.normalArray(batch * d * d, 0.3);
  for (let b = 0; b < batch; b++) for (let i = 0; i < d; i++) re[(b * d + i) * d + i] += diag;
  return { batch, rows: d, cols: d, re, im };
}

function scaledIdentity(gs: { re: number; im: number }[], d: number): ComplexBatchF64 {
  const batch = gs.length;
  const re = new Float64Array(batch * d * d), im = new Float64Array(batch * d * d);
  gs.forEach((g, b) => {
    for (let i = 0; i < d; i++) {
      re[(b * d + i) * d + i] = g.re;
      im[(b * d + i) * d + i] = g.im;
    }
  });
  return { batch, rows: d, cols: d, re, im };
}

function relClose(a: number, b: number, rel: number, what: string): void {
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b} (relative ${(Math.abs(a - b) / Math.abs(b)).toExponential(2)})`);
}

/**
 * Reference: every one of the order^D vectors, per-axis error 1 − (Φ((hi − z̄)/σ) − Φ((lo − z̄)/σ)) on
 * z = b̃/c, and 1 − (1 − p_Re)(1 − p_Im). Returns per vector, per channel and stream, the probabilities.
 */
function reference(m: ComplexBatchF64, c: ConditionalSerConstellation, sigma: Float64Array, gains?: { re: Float64Array; im: Float64Array }): { perVector: Float64Array[]; perStream: Float64Array } {
  const lv = LEVELS[c];
  const order = lv.length ** 2;
  const { batch, rows: d } = m;
  const total = order ** d;
  const perVector: Float64Array[] = [];
  const perStream = new Float64Array(batch * d);
  const correct = (z: number, li: number, sd: number) => {
    const lo = li === 0 ? -Infinity : lv[li] - 1, hi = li === lv.length - 1 ? Infinity : lv[li] + 1;
    return (hi === Infinity ? 1 : normCdf((hi - z) / sd)) - (lo === -Infinity ? 0 : normCdf((lo - z) / sd));
  };
  for (let b = 0; b < batch; b++) {
    const pv = new Float64Array(total * d);
    for (let v = 0; v < total; v++) {
      const sr: number[] = [], si: number[] = [], ir: number[] = [], ii: number[] = [];
      let rest = v;
      for (let j = 0; j < d; j++) {
        const s = rest % order;
        rest = Math.floor(rest / order);
        ir.push(s % lv.length);
        ii.push(Math.floor(s / lv.length));
        sr.push(lv[s % lv.length]);
        si.push(lv[Math.floor(s / lv.length)]);
      }
      for (let i = 0; i < d; i++) {
        let br = 0, bi = 0;
        for (let j = 0; j < d; j++) {
          const mr = m.re[(b * d + i) * d + j], mi = m.im[(b * d + i) * d + j];
          br += mr * sr[j] - mi * si[j];
          bi += mr * si[j] + mi * sr[j];
        }
        const gr = gains ? gains.re[b * d + i] : c === 'qpsk' ? 1 : m.re[(b * d + i) * d + i];
        const gi = gains ? gains.im[b * d + i] : c === 'qpsk' ? 0 : m.im[(b * d + i) * d + i];
        const g2 = gr * gr + gi * gi;
        const zr = (br * gr + bi * gi) / g2, zi = (bi * gr - br * gi) / g2;
        const sd = sigma[b * d + i] / Math.sqrt(g2);
        const p = 1 - correct(zr, ir[i], sd) * correct(zi, ii[i], sd);
        pv[v * d + i] = p;
        perStream[b * d + i] += p / total;
      }
    }
    perVector.push(pv);
  }
  return { perVector, perStream };
}

test('M = g·I gives the AWGN closed forms (QPSK 2Q − Q², 16-QAM), relative 1e-12 down to SER 1e-12', () => {
  const d = 2;
  // QPSK, ±1 ± j: Es = 2g², N0 = 2σ², so Es/N0 = g²/σ²
  const sigma = 0.5;
  const gs = [0.3, 1, 2, 3.5].map((g) => ({ re: g, im: 0 }));
  const q = conditionalSer(scaledIdentity(gs, d), { constellation: 'qpsk', noiseStd: sigma });
  gs.forEach((g, b) => {
    const want = qpskSerAwgn(20 * Math.log10(g.re / sigma));
    relClose(q.ser[b], want, 1e-12, `QPSK g = ${g.re}`);
    for (let i = 0; i < d; i++) relClose(q.perStream[b * d + i], want, 1e-12, `QPSK g = ${g.re}, stream ${i}`);
  });
  assert.ok(q.ser[3] < 1e-11 && q.ser[3] > 0, `the tail is resolved: ${q.ser[3]}`);
  assert.equal(q.vectors, 16);
  assert.equal(q.enumerated, true);
  // a complex gain, divided out (gains = g): the same closed form with |g|
  const gc = [{ re: 0.6, im: -0.8 }, { re: -1.2, im: 0.9 }];
  const gains = { re: new Float64Array(gc.flatMap((g) => [g.re, g.re])), im: new Float64Array(gc.flatMap((g) => [g.im, g.im])) };
  const qc = conditionalSer(scaledIdentity(gc, d), { constellation: 'qpsk', noiseStd: sigma, gains });
  gc.forEach((g, b) => relClose(qc.ser[b], qpskSerAwgn(20 * Math.log10(Math.hypot(g.re, g.im) / sigma)), 1e-12, `QPSK complex g ${b}`));
  // sign detection does not change with a real positive gain
  const pos = { re: new Float64Array(gs.length * d).fill(2.5), im: new Float64Array(gs.length * d) };
  assert.deepEqual(conditionalSer(scaledIdentity(gs, d), { constellation: 'qpsk', noiseStd: sigma, gains: pos }).ser, q.ser);

  // 16-QAM, {±1, ±3}²: Es = 10|g|², N0 = 2σ², Es/N0 = 5|g|²/σ²; default gains = diag(M) = g
  const g16 = [{ re: 0.5, im: 0 }, { re: 0.8, im: 0.6 }, { re: -2, im: 1 }, { re: 0, im: -4 }];
  const s16 = new Float64Array(g16.length * d).fill(0.4);
  const r = conditionalSer(scaledIdentity(g16, d), { constellation: '16qam', noiseStd: s16 });
  g16.forEach((g, b) => relClose(r.ser[b], qamSerAwgn(16, 10 * Math.log10((5 * (g.re ** 2 + g.im ** 2)) / 0.16)), 1e-12, `16-QAM g = ${g.re} + ${g.im}j`));
  assert.ok(r.ser[3] < 1e-12 && r.ser[3] > 0, `16-QAM tail: ${r.ser[3]}`);
  assert.equal(r.vectors, 256);
});

test('enumerating a quarter of the vectors (first symbol in the first quadrant) equals the full average over all order^D', () => {
  const rng = new Rng('enumerate');
  for (const [c, d, sigma] of [['qpsk', 3, 0.35], ['qpsk', 4, 0.5], ['16qam', 2, 0.3], ['16qam', 3, 0.25]] as [ConditionalSerConstellation, number, number][]) {
    const m = randomM(rng.fork(`${c}${d}`), 3, d, 1);
    const noise = rng.uniformArray(3 * d, sigma / 2, sigma * 2);
    const got = conditionalSer(m, { constellation: c, noiseStd: noise });
    const want = reference(m, c, noise);
    for (let k = 0; k < got.perStream.length; k++) relClose(got.perStream[k], want.perStream[k], 1e-9, `${c} D=${d} entry ${k}`);
    assert.equal(got.vectors, (c === 'qpsk' ? 4 : 16) ** d);
    for (let b = 0; b < 3; b++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += got.perStream[b * d + i];
      relClose(got.ser[b], s / d, 1e-15, 'ser = mean over streams');
    }
  }
  // with explicit complex gains as well
  const m = randomM(rng.fork('gains'), 2, 2, 1.5);
  const gains = { re: rng.uniformArray(4, 0.5, 2), im: rng.uniformArray(4, -1, 1) };
  const noise = new Float64Array(4).fill(0.3);
  for (const c of ['qpsk', '16qam'] as ConditionalSerConstellation[]) {
    const got = conditionalSer(m, { constellation: c, noiseStd: noise, gains });
    const want = reference(m, c, noise, gains);
    for (let k = 0; k < 4; k++) relClose(got.perStream[k], want.perStream[k], 1e-9, `${c} with gains, entry ${k}`);
  }
});

/** Monte Carlo of the detector itself: draw s and noise, detect per axis on z = b̃/c, count per stream. */
function monteCarlo(m: ComplexBatchF64, c: ConditionalSerConstellation, sigma: Float64Array, trials: number, rng: Rng): Int32Array {
  const lv = LEVELS[c];
  const d = m.rows;
  const errors = new Int32Array(d);
  const decide = (z: number) => {
    let best = 0;
    for (let k = 1; k < lv.length; k++) if (Math.abs(z - lv[k]) < Math.abs(z - lv[best])) best = k;
    return best;
  };
  const sr = new Float64Array(d), si = new Float64Array(d);
  const ir = new Int32Array(d), ii = new Int32Array(d);
  for (let t = 0; t < trials; t++) {
    for (let j = 0; j < d; j++) {
      ir[j] = rng.int(lv.length);
      ii[j] = rng.int(lv.length);
      sr[j] = lv[ir[j]];
      si[j] = lv[ii[j]];
    }
    for (let i = 0; i < d; i++) {
      let br = rng.gauss() * sigma[i], bi = rng.gauss() * sigma[i];
      for (let j = 0; j < d; j++) {
        br += m.re[i * d + j] * sr[j] - m.im[i * d + j] * si[j];
        bi += m.re[i * d + j] * si[j] + m.im[i * d + j] * sr[j];
      }
      const gr = c === 'qpsk' ? 1 : m.re[i * d + i], gi = c === 'qpsk' ? 0 : m.im[i * d + i];
      const g2 = gr * gr + gi * gi;
      const zr = (br * gr + bi * gi) / g2, zi = (bi * gr - br * gi) / g2;
      if (decide(zr) !== ir[i] || decide(zi) !== ii[i]) errors[i]++;
    }
  }
  return errors;
}

test('a Monte Carlo run with noise draws on a random M falls in the Wilson interval of every stream', () => {
  const rng = new Rng('monte-carlo');
  for (const [c, sigma, diag] of [['qpsk', 0.45, 1.2], ['16qam', 0.8, 3]] as [ConditionalSerConstellation, number, number][]) {
    const d = 3;
    const m = randomM(rng.fork(c), 1, d, diag);
    const noise = Float64Array.from([sigma, 0.8 * sigma, 1.25 * sigma]);
    const exact = conditionalSer(m, { constellation: c, noiseStd: noise });
    const trials = 60000;
    const errors = monteCarlo(m, c, noise, trials, rng.fork(`${c}/draws`));
    for (let i = 0; i < d; i++) {
      const w = wilsonInterval(errors[i], trials, 0.999);
      const p = exact.perStream[i];
      assert.ok(p > 0.005 && p < 0.5, `${c} stream ${i}: a useful SER for the check (${p})`);
      assert.ok(w.low <= p && p <= w.high, `${c} stream ${i}: exact ${p} outside the 99.9 % Wilson interval [${w.low}, ${w.high}] of ${errors[i]}/${trials}`);
    }
  }
});

test('sampling converges to the enumeration within its standard error, and is reproducible from the rng', () => {
  const rng = new Rng('sampling');
  const d = 4;
  const m = randomM(rng.fork('m'), 2, d, 1);
  const noise = new Float64Array(2 * d).fill(0.4);
  const exact = conditionalSer(m, { constellation: 'qpsk', noiseStd: noise });
  const ref = reference(m, 'qpsk', noise);
  const errs: number[] = [];
  for (const n of [500, 8000, 64000]) {
    const s = conditionalSer(m, { constellation: 'qpsk', noiseStd: noise, vectors: { sample: n, rng: rng.fork(`n${n}`) } });
    assert.equal(s.enumerated, false);
    assert.equal(s.vectors, n);
    for (let b = 0; b < 2; b++) {
      // population sd of the per-vector SER (mean over streams) from the reference
      const pv = ref.perVector[b];
      const total = pv.length / d;
      let mean = 0, sq = 0;
      for (let v = 0; v < total; v++) {
        let x = 0;
        for (let i = 0; i < d; i++) x += pv[v * d + i] / d;
        mean += x / total;
        sq += (x * x) / total;
      }
      const se = Math.sqrt(sq - mean * mean) / Math.sqrt(n);
      const err = Math.abs(s.ser[b] - exact.ser[b]);
      assert.ok(err <= 4 * se, `n = ${n}, channel ${b}: |sampled − exact| ${err.toExponential(2)} > 4 s.e. ${(4 * se).toExponential(2)}`);
      errs.push(err);
    }
  }
  assert.ok(errs[4] + errs[5] < errs[0] + errs[1], `error shrinks with n: ${errs.map((e) => e.toExponential(1))}`);
  const again = (seed: string) => conditionalSer(m, { constellation: 'qpsk', noiseStd: noise, vectors: { sample: 100, rng: new Rng(seed) } }).ser;
  assert.deepEqual(again('x'), again('x'));
  assert.notDeepEqual(again('x'), again('y'));
  // 16-QAM beyond enumeration: D = 5 has 16^5 > 65 536 vectors and needs sampling
  const m5 = randomM(rng.fork('m5'), 1, 5, 2);
  assert.throws(() => conditionalSer(m5, { constellation: '16qam', noiseStd: 0.3 }), /conditionalSer\(opts\.vectors\): enumerating 16\^5 = 1048576 symbol vectors is above 65536; pass vectors: \{ sample: n, rng \}/);
  const s5 = conditionalSer(m5, { constellation: '16qam', noiseStd: 0.3, vectors: { sample: 2000, rng } });
  assert.ok(s5.ser[0] > 0 && s5.ser[0] < 1);
});

test('permuting the streams permutes perStream and leaves the SER unchanged', () => {
  const rng = new Rng('permute');
  const d = 3, batch = 2;
  const perm = [2, 0, 1];
  for (const c of ['qpsk', '16qam'] as ConditionalSerConstellation[]) {
    const m = randomM(rng.fork(c), batch, d, 1.1);
    const noise = rng.uniformArray(batch * d, 0.2, 0.5);
    const gains = { re: rng.uniformArray(batch * d, 0.8, 1.5), im: rng.uniformArray(batch * d, -0.5, 0.5) };
    // M' = P M Pᵀ: stream i' = perm[i'] of the original, on both sides
    const mp: ComplexBatchF64 = { batch, rows: d, cols: d, re: new Float64Array(m.re.length), im: new Float64Array(m.im.length) };
    const np = new Float64Array(batch * d);
    const gp = { re: new Float64Array(batch * d), im: new Float64Array(batch * d) };
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < d; i++) {
        np[b * d + i] = noise[b * d + perm[i]];
        gp.re[b * d + i] = gains.re[b * d + perm[i]];
        gp.im[b * d + i] = gains.im[b * d + perm[i]];
        for (let j = 0; j < d; j++) {
          mp.re[(b * d + i) * d + j] = m.re[(b * d + perm[i]) * d + perm[j]];
          mp.im[(b * d + i) * d + j] = m.im[(b * d + perm[i]) * d + perm[j]];
        }
      }
    }
    for (const g of [undefined, [gains, gp]] as const) {
      const a = conditionalSer(m, { constellation: c, noiseStd: noise, gains: g?.[0] });
      const p = conditionalSer(mp, { constellation: c, noiseStd: np, gains: g?.[1] });
      for (let b = 0; b < batch; b++) {
        relClose(p.ser[b], a.ser[b], 1e-12, `${c} channel ${b}`);
        for (let i = 0; i < d; i++) relClose(p.perStream[b * d + i], a.perStream[b * d + perm[i]], 1e-12, `${c} channel ${b} stream ${i}`);
      }
    }
  }
});

test('bad inputs are errors naming the parameter', () => {
  const m = randomM(new Rng(1), 2, 2, 1);
  const ok = { constellation: 'qpsk' as const, noiseStd: 0.5 };
  assert.throws(() => conditionalSer({ ...m, cols: 3, re: new Float64Array(12), im: new Float64Array(12) }, ok), /conditionalSer\(m\): needs square matrices; got 2×3/);
  assert.throws(() => conditionalSer({ ...m, re: new Float64Array(7) }, ok), /conditionalSer\(m\): expected 2·2·2 float64 values/);
  const bad = { ...m, re: Float64Array.from(m.re) };
  bad.re[3] = NaN;
  assert.throws(() => conditionalSer(bad, ok), /conditionalSer\(m\): must be finite/);
  assert.throws(() => conditionalSer(m, { ...ok, constellation: '64qam' as unknown as 'qpsk' }), /conditionalSer\(opts\.constellation\): must be 'qpsk' or '16qam'; got "64qam"/);
  assert.throws(() => conditionalSer(m, { ...ok, noiseStd: new Float64Array(3).fill(1) }), /conditionalSer\(opts\.noiseStd\): must hold batch·D = 2·2 = 4 values; got 3/);
  assert.throws(() => conditionalSer(m, { ...ok, noiseStd: 0 }), /conditionalSer\(opts\.noiseStd\): must be finite and > 0; got 0/);
  assert.throws(() => conditionalSer(m, { ...ok, noiseStd: Float64Array.from([1, 1, -1, 1]) }), /opts\.noiseStd\): must be finite and > 0; got -1 at index 2/);
  assert.throws(() => conditionalSer(m, { ...ok, gains: { re: new Float64Array(4), im: new Float64Array(3) } }), /conditionalSer\(opts\.gains\.im\): must hold batch·D = 2·2 = 4 values; got 3/);
  assert.throws(() => conditionalSer(m, { ...ok, gains: { re: new Float64Array(4), im: new Float64Array(4) } }), /conditionalSer\(opts\.gains\): every gain must be finite and nonzero; got 0 \+ 0j at index 0/);
  const zeroDiag = { ...m, re: Float64Array.from(m.re), im: Float64Array.from(m.im) };
  zeroDiag.re[3] = 0;
  zeroDiag.im[3] = 0; // channel 0, stream 1: M[0, 1, 1] = 0
  assert.throws(() => conditionalSer(zeroDiag, { constellation: '16qam', noiseStd: 0.5 }), /opts\.gains \(default: the diagonal M\[b, d, d\]; here batch 0, stream 1\)\): every gain must be finite and nonzero/);
  assert.doesNotThrow(() => conditionalSer(zeroDiag, ok), 'QPSK detects by signs and needs no gain');
  assert.throws(() => conditionalSer(m, { ...ok, vectors: { sample: 0, rng: new Rng(1) } }), /conditionalSer\(opts\.vectors\): sample must be a positive integer; got 0/);
  assert.throws(() => conditionalSer(m, { ...ok, vectors: { sample: 10 } as unknown as { sample: number; rng: Rng } }), /conditionalSer\(opts\.vectors\): rng must be an Rng/);
  assert.throws(() => conditionalSer(m, { ...ok, vectors: 'some' as unknown as 'all' }), /conditionalSer\(opts\.vectors\): must be 'all' or \{ sample: n, rng \}; got "some"/);
});
