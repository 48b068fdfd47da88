import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClaims, findClaim } from '../../../lib/kit/claims';
import {
  apmOps, combinePolys, complexityClaims, complexityOrderChecks, conventionalBlpOps, convOps, DEFAULT_EPSILON, evalPoly,
  fig8Series, ipmOps, LayerShape, layerOps, logBarrierOps, paperTypos, polyText, pumOps, qrSubstitutionChecks,
  robustSlpDbnetOpsAsPrinted, SLP_METHODS, slpDbnetOps, slpDnetOps, slpDsqbnetOps, slpDsqtnetOps, slpDtnetOps,
  slpOptimisationOps, TABLE1_CORRECTED, TABLE1_PRINTED, tableIOps,
} from '../../../lib/papers/slp/complexity';
import {
  compression, inferenceMemory, memoryTable, memoryVsQuantRatio, modelMemory, PAPER_TABLE5, paperImpliedQuantRatio,
  paperMemoryChecks, qrSavingBound, quantisedParamSplit,
} from '../../../lib/papers/slp/memory';

const close = (a: number, b: number, tol = 1e-9, what = ''): void => {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);
};
const LN1 = Math.exp(-1); // ε with ln(1/ε) = 1

// ─── Table I learning rows ─────────────────────────────────────────────────────────────────────

test('learning rows, non-robust, M = 2, K = 3 (K²M = 18, M²K = 12, KM = 6), by hand', () => {
  const s = { antennas: 2, users: 3 };
  // SLP-DNet: 2704·18 + 4·12 + 430·6 − 3 = 48672 + 48 + 2580 − 3
  assert.equal(slpDnetOps(s), 51_297);
  // SLP-DBNet: 127·18 + 48 + 7·6 − 3 − 7/8 = 2286 + 48 + 42 − 3 − 0.875
  assert.equal(slpDbnetOps(s), 2_372.125);
  // SLP-DTNet: 271·18 + 48 + 38.5·6 − 3 − 7/8 = 4878 + 48 + 231 − 3 − 0.875
  assert.equal(slpDtnetOps(s), 5_153.125);
  // (31), QR = 0.5: bracket 2577·18 + 423·6 + 7/8 = 46386 + 2538 + 0.875 = 48924.875; 51297 − 24462.4375
  assert.equal(slpDsqbnetOps({ ...s, quantRatio: 0.5 }), 26_834.5625);
  // (32), QR = 0.25: bracket 2433·18 + 391.5·6 + 7/8 = 43794 + 2349 + 0.875 = 46143.875; 51297 − 11535.96875
  assert.equal(slpDsqtnetOps({ ...s, quantRatio: 0.25 }), 39_761.03125);
});

test('learning rows, robust, M = 2, K = 3, both readings, by hand', () => {
  const s = { antennas: 2, users: 3, robust: true };
  // robust SLP-DNet (corrected): 2704·18 + 8·12 + 432·6 + 6·3 − 2 = 48672 + 96 + 2592 + 18 − 2
  assert.equal(slpDnetOps(s), 51_376);
  // as printed, 8M²K twice: + 96
  assert.equal(slpDnetOps({ ...s, reading: 'printed' }), 51_472);
  // robust SLP-DBNet (corrected): 127·18 + 96 + 9·6 + 18 − 9/8 = 2286 + 96 + 54 + 18 − 1.125
  assert.equal(slpDbnetOps(s), 2_452.875);
  // as printed, 127K²MK = 127·27·2 = 6858: 6858 + 96 + 54 + 18 − 1.125
  assert.equal(robustSlpDbnetOpsAsPrinted({ antennas: 2, users: 3 }), 7_024.875);
  assert.equal(slpDbnetOps({ ...s, reading: 'printed' }), 7_024.875);
  // robust SLP-DTNet: 271·18 + 96 + 40.5·6 + 18 − 9/8 = 4878 + 96 + 243 + 18 − 1.125
  assert.equal(slpDtnetOps(s), 5_233.875);
  // robust DSQB at QR = 1: 51376 − 48924.875 = 2451.125 = robust DBNet − 7/4
  assert.equal(slpDsqbnetOps({ ...s, quantRatio: 1 }), 2_451.125);
  assert.equal(slpDbnetOps(s) - slpDsqbnetOps({ ...s, quantRatio: 1 }), 1.75);
});

test('QR = 0 in (31)/(32) gives the SLP-DNet row (both models, corrected reading), for many sizes', () => {
  for (const robust of [false, true]) {
    for (let M = 1; M <= 8; M++) {
      for (let K = 1; K <= 12; K++) {
        const s = { antennas: M, users: K, robust };
        assert.equal(slpDsqbnetOps({ ...s, quantRatio: 0 }), slpDnetOps(s), `(31) M=${M} K=${K} robust=${robust}`);
        assert.equal(slpDsqtnetOps({ ...s, quantRatio: 0 }), slpDnetOps(s), `(32) M=${M} K=${K} robust=${robust}`);
      }
    }
  }
});

test('QR = 1 in (31)/(32) gives SLP-DBNet / SLP-DTNet for the non-robust rows; robust rows off by the constant 7/4', () => {
  for (let M = 1; M <= 6; M++) {
    for (let K = 1; K <= 10; K++) {
      const s = { antennas: M, users: K };
      assert.equal(slpDsqbnetOps({ ...s, quantRatio: 1 }), slpDbnetOps(s));
      assert.equal(slpDsqtnetOps({ ...s, quantRatio: 1 }), slpDtnetOps(s));
      const r = { ...s, robust: true };
      // −9/8 printed vs −2 − 7/8 = −23/8 substituted
      assert.equal(slpDbnetOps(r) - slpDsqbnetOps({ ...r, quantRatio: 1 }), 7 / 4);
      assert.equal(slpDtnetOps(r) - slpDsqtnetOps({ ...r, quantRatio: 1 }), 7 / 4);
    }
  }
  const checks = qrSubstitutionChecks();
  assert.equal(checks.length, 16);
  assert.ok(checks.filter((c) => !c.robust).every((c) => c.agrees && c.difference === '0'));
  const rc = checks.filter((c) => c.robust && c.reading === 'corrected');
  assert.deepEqual(rc.map((c) => c.agrees), [true, true, false, false]);
  assert.deepEqual(rc.filter((c) => !c.agrees).map((c) => c.difference), ['1.75', '1.75']);
  const rp = checks.filter((c) => c.robust && c.reading === 'printed');
  assert.deepEqual(rp.map((c) => c.difference), ['8KM^2', '8KM^2', '127K^3M − 127K^2M + 1.75', '1.75']);
});

test('DSQ rows decrease linearly in QR and lie between the fully quantised and full-precision rows', () => {
  for (const robust of [false, true]) {
    const s = { antennas: 4, users: 6, robust };
    const qrs = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
    for (const f of [slpDsqbnetOps, slpDsqtnetOps]) {
      const v = qrs.map((quantRatio) => f({ ...s, quantRatio }));
      assert.ok(v.every((x, i) => i === 0 || x < v[i - 1]), 'strictly decreasing');
      close(v[3], (v[0] + v[6]) / 2, 1e-12, 'linear in QR');
    }
    assert.ok(slpDsqbnetOps({ ...s, quantRatio: 0.5 }) < slpDsqtnetOps({ ...s, quantRatio: 0.5 }), 'ternary costs more');
  }
});

test('polynomial helpers: evalPoly, combinePolys, polyText', () => {
  const p = [{ coef: 3, k: 2, m: 1 }, { coef: -1, k: 0, m: 0 }, { coef: 2, k: 2, m: 1 }];
  assert.equal(evalPoly(p, { antennas: 2, users: 3 }), 5 * 18 - 1);
  assert.deepEqual(combinePolys([{ poly: p, scale: 1 }]), [{ coef: 5, k: 2, m: 1 }, { coef: -1, k: 0, m: 0 }]);
  assert.deepEqual(combinePolys([{ poly: p, scale: 1 }, { poly: p, scale: -1 }]), []);
  assert.equal(polyText(combinePolys([{ poly: p, scale: 1 }])), '5K^2M − 1');
  assert.equal(polyText([]), '0');
  assert.equal(polyText(combinePolys([{ poly: TABLE1_PRINTED.nonRobust.dbnet, scale: 1 }])), '127K^2M + 4KM^2 + 7KM − K − 0.875');
  // the readings differ only in the two robust rows of paperTypos
  assert.equal(TABLE1_CORRECTED.nonRobust, TABLE1_PRINTED.nonRobust);
  assert.equal(TABLE1_CORRECTED.robust.dtnet, TABLE1_PRINTED.robust.dtnet);
  assert.notDeepEqual(TABLE1_CORRECTED.robust.dnet, TABLE1_PRINTED.robust.dnet);
  assert.notDeepEqual(TABLE1_CORRECTED.robust.dbnet, TABLE1_PRINTED.robust.dbnet);
});

// ─── interior-point rows ───────────────────────────────────────────────────────────────────────

test('IPM rows at M = K = 1, n̄ = 2KM = 2, ln(1/ε) = 1, by hand', () => {
  const s = { antennas: 1, users: 1, epsilon: LN1 };
  // (27): √3·[2·3 + 2·9 + 8] = 32√3
  close(slpOptimisationOps(s), 32 * Math.sqrt(3));
  // BLP: √(4 + 1 + 2)·[2·3 + 2·9 + 2·(1 + 1)² + 8] = 40√7
  close(conventionalBlpOps(s), 40 * Math.sqrt(7));
  // robust BLP: √(2·1·3)·[2·1·27 + 4·1·9 + 8] = 98√6
  close(conventionalBlpOps({ ...s, robust: true }), 98 * Math.sqrt(6));
  // robust SLP: √(2·3)·[2·2·1·9 + 8] = 44√6
  close(slpOptimisationOps({ ...s, robust: true }), 44 * Math.sqrt(6));
  // n̄ defaults to 2KM, override works: n̄ = 1 → √3·[3 + 9 + 1] = 13√3
  close(slpOptimisationOps({ ...s, nBar: 2 }), slpOptimisationOps(s));
  close(slpOptimisationOps({ ...s, nBar: 1 }), 13 * Math.sqrt(3));
});

test('IPM rows scale with ln(1/ε); default ε = 1e-3', () => {
  const s = { antennas: 4, users: 10 };
  assert.equal(DEFAULT_EPSILON, 1e-3);
  close(slpOptimisationOps(s), slpOptimisationOps({ ...s, epsilon: LN1 }) * Math.log(1000));
  close(slpOptimisationOps({ ...s, epsilon: 1e-6 }), 2 * slpOptimisationOps(s));
  // M = 4, K = 10, n̄ = 80: 3·[80·9 + 80·81 + 80³] = 3·519200 = 1557600 per unit of ln(1/ε)
  close(slpOptimisationOps({ ...s, epsilon: LN1 }), 1_557_600);
});

test('eq. (26) generic, and (26) with K constraints of size 2M + 1 is 38× (27) at M = 4, K = 10', () => {
  // n̄ = 2, Q = [3], S = [2]: (2·27 + 4·9 + 2·4 + 8)·√(3 + 2) = 106√5
  close(ipmOps({ nBar: 2, linearDims: [3], coneDims: [2], epsilon: LN1 }), 106 * Math.sqrt(5));
  const e26 = ipmOps({ nBar: 80, linearDims: Array.from({ length: 10 }, () => 9) });
  const e27 = slpOptimisationOps({ antennas: 4, users: 10 });
  close(e26 / e27, 38.2446, 1e-4);
  assert.throws(() => ipmOps({ nBar: undefined as unknown as number, linearDims: [3] }), /ipmOps: nBar \(n̄\) must be a finite number > 0/);
});

test('tableIOps dispatches to every method', () => {
  const o = { antennas: 3, users: 5, quantRatio: 0.3 };
  assert.equal(tableIOps({ ...o, method: 'slp-dnet' }), slpDnetOps(o));
  assert.equal(tableIOps({ ...o, method: 'slp-dsqtnet', robust: true }), slpDsqtnetOps({ ...o, robust: true }));
  assert.equal(tableIOps({ ...o, method: 'conventional-blp' }), conventionalBlpOps(o));
  assert.throws(() => tableIOps({ antennas: 3, users: 5, method: 'slp-dsqbnet' }), /tableIOps: quantRatio \(QR\) must be a finite number in \[0, 1\]; got undefined/);
});

// ─── Fig. 8, claims, orders ────────────────────────────────────────────────────────────────────

test('fig8Series: per-method arrays equal the row functions; BLP feasibility M ≥ K', () => {
  const users = [1, 2, 4, 6, 8, 10];
  for (const robust of [false, true]) {
    const f = fig8Series({ antennas: 4, users, quantRatio: 0.5, robust });
    assert.deepEqual(Object.keys(f.ops).sort(), [...SLP_METHODS].sort());
    for (const m of SLP_METHODS) assert.equal(f.ops[m].length, users.length);
    users.forEach((K, i) => {
      const s = { antennas: 4, users: K, robust };
      assert.equal(f.ops['slp-dnet'][i], slpDnetOps(s));
      assert.equal(f.ops['slp-dsqbnet'][i], slpDsqbnetOps({ ...s, quantRatio: 0.5 }));
      assert.equal(f.ops['slp-optimisation'][i], slpOptimisationOps(s));
    });
    assert.deepEqual(f.conventionalBlpFeasible, [true, true, true, false, false, false]);
    assert.equal(f.epsilon, DEFAULT_EPSILON);
  }
  // K = 10, M = 4: SLP-DNet = 2704·400 + 4·160 + 430·40 − 10 = 1081600 + 640 + 17200 − 10
  assert.equal(fig8Series({ antennas: 4, users: [10], quantRatio: 0.5, robust: false }).ops['slp-dnet'][0], 1_099_430);
});

test('complexityClaims: §V-D1 ratios at K = 10, M = 4 hold within a factor of 2; the abstract\'s "~10× vs SLP-DNet" does not', () => {
  const claims = complexityClaims();
  checkClaims(claims);
  const r = (id: string): number => {
    const c = findClaim(claims, id) as (typeof claims)[number];
    assert.ok(c.ratio !== null);
    return c.ratio;
  };
  // opt = 1557600·ln(1000) = 10759519.6; DNet 1099430 → 9.787
  close(r('fig8-dnet-10x-below-opt'), 10_759_519.6225 / 1_099_430, 1e-9);
  // DSQB(0.5) = 1099430 − (2577·400 + 423·40 + 0.875)/2 = 1099430 − 523860.4375 = 575569.5625
  close(r('fig8-dsqbnet-20x-below-opt'), 10_759_519.6225 / 575_569.5625, 1e-9);
  // DSQT(0.5) = 1099430 − (973200 + 15660 + 0.875)/2 = 604999.5625
  close(r('fig8-dsqtnet-20x-below-opt'), 10_759_519.6225 / 604_999.5625, 1e-9);
  for (const id of ['fig8-dnet-10x-below-opt', 'fig8-dsqbnet-20x-below-opt', 'fig8-dsqtnet-20x-below-opt', 'fig8-gap-grows-with-k',
    'fig8-fully-quantised-cheapest', 'fig8-dtnet-slower-than-dbnet', 'fig8b-robust-same-trend', 'eq31-32-qr-substitution']) {
    assert.equal(findClaim(claims, id).holds, true, id);
  }
  close(r('abstract-10x-below-dnet'), 1_099_430 / 575_569.5625, 1e-9); // 1.91×
  for (const id of ['abstract-10x-below-dnet', 'table1-robust-qr1-substitution', 'table1-orders']) {
    assert.equal(findClaim(claims, id).holds, false, id);
  }
  // the ratio claims scale with ln(1/ε): ε = 1e-6 doubles them
  close(r('fig8-dnet-10x-below-opt') * 2, (findClaim(complexityClaims({ epsilon: 1e-6 }), 'fig8-dnet-10x-below-opt') as (typeof claims)[number]).ratio ?? NaN);
});

test('complexityOrderChecks: only robust BLP (printed 7.5, formula 8) and robust DBNet as printed (4) disagree', () => {
  const bad = complexityOrderChecks().filter((c) => !c.agrees);
  assert.deepEqual(bad.map((c) => [c.method, c.robust, c.reading, c.printed, c.computed]), [
    ['conventional-blp', true, 'corrected', 7.5, 8],
    ['slp-dbnet', true, 'printed', 3, 4],
  ]);
});

test('paperTypos: the robust DBNet typo, the duplicate 8M²K, and the recorded inconsistencies', () => {
  const dbnet = paperTypos.find((t) => t.row === 'Table I, Robust SLP-DBNet');
  assert.ok(dbnet);
  assert.match(dbnet.printed, /127K\^2MK/);
  assert.match(dbnet.reading, /^127K\^2M \+/);
  assert.equal(dbnet.kind, 'typo');
  // numbers quoted in `why`: K = 10, M = 4
  assert.equal(robustSlpDbnetOpsAsPrinted({ antennas: 4, users: 10 }), 509_698.875);
  assert.equal(slpDbnetOps({ antennas: 4, users: 10, robust: true }), 52_498.875);
  assert.equal(slpDnetOps({ antennas: 4, users: 10, robust: true, reading: 'printed' }) - slpDnetOps({ antennas: 4, users: 10, robust: true }), 1_280);
  assert.equal(paperTypos.filter((t) => t.kind === 'typo').length, 2);
  for (const t of paperTypos) for (const k of ['row', 'printed', 'reading', 'why'] as const) assert.ok(t[k].length > 0);
});

// ─── eqs. (28)–(30) ────────────────────────────────────────────────────────────────────────────

test('convOps eq. (28): c_in = 2, c_out = 3, k = 3, 4×5 → (18 + 17 + 1)·3·5·4 = 2160', () => {
  assert.equal(convOps({ cIn: 2, cOut: 3, kernel: 3, height: 4, width: 5 }), 2160);
  assert.equal(convOps({ cIn: 2, cOut: 3, kernel: 3, height: 4, width: 5 }), 2 * 2 * 9 * 3 * 20);
});

test('layerOps / pumOps eq. (29) / apmOps eq. (30), by hand', () => {
  const convQ: LayerShape = { kind: 'conv', cIn: 2, cOut: 3, kernel: 3, height: 4, width: 5, quantized: true };
  const convF: LayerShape = { kind: 'conv', cIn: 3, cOut: 1, kernel: 1, height: 4, width: 5, quantized: false };
  const denseQ: LayerShape = { kind: 'dense', nIn: 4, nOut: 2, quantized: true };
  // n = 4·5·2·9·3 = 1080; QR = 0.5: 540 binary, 540 floating; cost 540/32 + 540
  assert.deepEqual(layerOps({ layer: convQ, quantRatio: 0.5 }), { binary: 540, floating: 540, cost: 556.875 });
  // (28) convention doubles the conv count
  assert.deepEqual(layerOps({ layer: convQ, quantRatio: 0.5, convention: 'flops' }), { binary: 1080, floating: 1080, cost: 1113.75 });
  // dense (2·4 + 1)·2 = 18, not quantised → all floating
  assert.deepEqual(layerOps({ layer: { ...denseQ, quantized: false }, quantRatio: 0.5 }), { binary: 0, floating: 18, cost: 18 });
  // PUM: conv 540/540, conv (not quantised) n = 4·5·3·1·1 = 60 floating, dense 9/9
  // binary 549, floating 540 + 60 + 9 = 609, cost 549/32 + 609 = 626.15625
  const pum = pumOps({ layers: [convQ, convF, denseQ], quantRatio: 0.5 });
  assert.deepEqual(pum, { binary: 549, floating: 609, cost: 626.15625 });
  // QR = 0: everything floating, 1080 + 60 + 18
  assert.deepEqual(pumOps({ layers: [convQ, convF, denseQ], quantRatio: 0 }), { binary: 0, floating: 1158, cost: 1158 });
  // QR = 1: binary 1080 + 18, cost 1098/32 + 60
  assert.deepEqual(pumOps({ layers: [convQ, convF, denseQ], quantRatio: 1 }), { binary: 1098, floating: 60, cost: 94.3125 });
  // log barrier M = 2, K = 3: 4·4·3 + 2·6 + 3 = 63; robust 8·12 + 4·6 + 6·3 = 138
  assert.equal(logBarrierOps({ antennas: 2, users: 3 }), 63);
  assert.equal(logBarrierOps({ antennas: 2, users: 3, robust: true }), 138);
  // (30): no QR by default → 1158 + 63
  assert.deepEqual(apmOps({ layers: [convQ, convF, denseQ], logBarrier: { antennas: 2, users: 3 } }), { binary: 0, floating: 1221, cost: 1221 });
  assert.deepEqual(apmOps({ layers: [convQ], quantRatio: 0.5 }), { binary: 540, floating: 540, cost: 556.875 });
});

// ─── memory ────────────────────────────────────────────────────────────────────────────────────

test('inferenceMemory: 32·W_f + W_b + 2·W_t bits; MB = 10^6 bytes, MiB = 2^20', () => {
  // 100 float, 64 binary, 32 ternary: 3200 + 64 + 64 = 3328 bits = 104 words = 416 bytes
  const m = inferenceMemory({ floatParams: 100, binaryParams: 64, ternaryParams: 32 });
  assert.deepEqual(m, { bits: 3328, words32: 104, bytes: 416, megabytes: 416e-6, mebibytes: 416 / 1_048_576 });
  // the paper's form (1/32)W_b + W_f
  assert.equal(inferenceMemory({ floatParams: 10, binaryParams: 320 }).words32, 10 + 320 / 32);
  assert.equal(inferenceMemory({ floatParams: 1e6 / 4 }).megabytes, 1);
  assert.equal(inferenceMemory({ floatParams: 2 ** 20 / 4 }).mebibytes, 1);
  // compression: all binary 32×, all ternary 16×
  const full = inferenceMemory({ floatParams: 1000 });
  assert.equal(compression(full, inferenceMemory({ floatParams: 0, binaryParams: 1000 })), 32);
  assert.equal(compression(full, inferenceMemory({ floatParams: 0, ternaryParams: 1000 })), 16);
});

test('memory vs QR: closed form bytes(QR) = 4(F + Q) − 4·Q·QR·(1 − b/32), monotone, ternary ≥ binary', () => {
  const params = { quantizable: 320, fullPrecision: 10 };
  // QR = 0.25: 80 binary + 250 float → 8080 bits = 1010 bytes; ternary 8000 + 160 = 8160 bits = 1020 bytes
  assert.deepEqual(quantisedParamSplit({ params, quantRatio: 0.25, scheme: 'binary' }), { floatParams: 250, binaryParams: 80, ternaryParams: 0 });
  assert.equal(modelMemory({ params, quantRatio: 0.25, scheme: 'binary' }).bytes, 1010);
  assert.equal(modelMemory({ params, quantRatio: 0.25, scheme: 'ternary' }).bytes, 1020);
  assert.equal(modelMemory({ params, quantRatio: 0.25, scheme: 'full' }).bytes, 1320);
  const qrs = [0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1];
  const s = memoryVsQuantRatio({ params, quantRatios: qrs });
  qrs.forEach((qr, i) => {
    close(s.binaryMegabytes[i] * 1e6, 4 * 330 - 4 * 320 * qr * (31 / 32));
    close(s.ternaryMegabytes[i] * 1e6, 4 * 330 - 4 * 320 * qr * (30 / 32));
    assert.equal(s.fullMegabytes[i], 1320e-6);
    assert.ok(s.ternaryMegabytes[i] >= s.binaryMegabytes[i]);
  });
  assert.ok(s.binaryMegabytes.every((x, i) => i === 0 || x < s.binaryMegabytes[i - 1]), 'binary strictly decreasing');
  assert.ok(s.ternaryMegabytes.every((x, i) => i === 0 || x < s.ternaryMegabytes[i - 1]), 'ternary strictly decreasing');
  assert.equal(s.binaryMegabytes[0], s.fullMegabytes[0], 'QR = 0 is SLP-DNet');
});

test('memoryTable (Fig. 10): fully quantisable net saves 32× / 16× at QR = 1 and 1/(0.5 + 0.5b/32) at QR = 0.5', () => {
  const rows = memoryTable({ params: { quantizable: 3200, fullPrecision: 0 } });
  const by = (m: string): number => rows.find((r) => r.model === m)?.saving ?? NaN;
  assert.equal(by('SLP-DNet'), 1);
  assert.equal(by('SLP-DBNet'), 32);
  assert.equal(by('SLP-DTNet'), 16);
  close(by('SLP-DSQBNet'), qrSavingBound({ quantRatio: 0.5, bits: 1 }));
  close(by('SLP-DSQTNet'), qrSavingBound({ quantRatio: 0.5, bits: 2 }));
  close(qrSavingBound({ quantRatio: 0.5, bits: 1 }), 64 / 33); // 1.939
  close(qrSavingBound({ quantRatio: 0.5, bits: 2 }), 32 / 17); // 1.882
});

test('paperMemoryChecks: Table V savings = MB ratios; DTNet agrees with DBNet at 2 bits; DSQ rows impossible at QR = 0.5', () => {
  assert.equal(PAPER_TABLE5.length, 5);
  assert.ok(PAPER_TABLE5.every((r) => r.source === 'paper Table V'));
  const checks = paperMemoryChecks();
  const c = (id: string): { printed: number; computed: number; consistent: boolean } => {
    const x = checks.find((k) => k.id === id);
    assert.ok(x, id);
    return x;
  };
  // 0.1898/0.0089 = 21.326, 0.1898/0.0146 = 13.000, 0.1898/0.0548 = 3.4635, 0.1898/0.0719 = 2.6398
  close(c('saving-slp-dbnet').computed, 0.1898 / 0.0089);
  for (const id of ['saving-slp-dbnet', 'saving-slp-dtnet', 'saving-slp-dsqbnet', 'saving-slp-dsqtnet']) assert.equal(c(id).consistent, true, id);
  // q = (1 − 0.0089/0.1898)·32/31 = 0.98387; DTNet 2-bit: 0.1898·(1 − q + q/16) = 0.014735 vs 0.0146 printed
  close(c('dtnet-from-dbnet-2bit').computed, 0.1898 * (1 - (1 - 0.0089 / 0.1898) * 32 / 31 * 15 / 16), 1e-12);
  assert.equal(c('dtnet-from-dbnet-2bit').consistent, true);
  assert.equal(c('dtnet-from-dbnet-log2-3bit').consistent, false);
  assert.equal(c('dsqbnet-from-dbnet-qr0.5').consistent, false);
  assert.equal(c('dsqtnet-from-dbnet-qr0.5').consistent, false);
  assert.equal(c('dsqbnet-saving-bound-qr0.5').consistent, false);
  assert.equal(c('dsqtnet-saving-bound-qr0.5').consistent, false);
  close(paperImpliedQuantRatio('SLP-DSQBNet'), 0.7463, 1e-4);
  close(paperImpliedQuantRatio('SLP-DSQTNet'), 0.6735, 1e-4);
});

// ─── bad input ─────────────────────────────────────────────────────────────────────────────────

test('bad input throws, naming the parameter and the allowed range', () => {
  const s = { antennas: 4, users: 4 };
  assert.throws(() => slpDsqbnetOps({ ...s, quantRatio: 1.5 }), /slpDsqbnetOps: quantRatio \(QR\) must be a finite number in \[0, 1\]; got 1.5/);
  assert.throws(() => slpDsqtnetOps({ ...s, quantRatio: -0.1 }), /quantRatio \(QR\) must be a finite number in \[0, 1\]; got -0.1/);
  assert.throws(() => slpDsqtnetOps({ ...s, quantRatio: NaN }), /quantRatio \(QR\) must be a finite number in \[0, 1\]; got NaN/);
  assert.throws(() => slpDnetOps({ antennas: 2.5, users: 4 }), /slpDnetOps: antennas \(M\) must be a positive integer; got 2.5/);
  assert.throws(() => slpDnetOps({ antennas: 4, users: -1 }), /users \(K\) must be a positive integer; got -1/);
  assert.throws(() => slpOptimisationOps({ antennas: 0, users: 4 }), /antennas \(M\) must be a positive integer; got 0/);
  assert.throws(() => slpOptimisationOps({ ...s, epsilon: 0 }), /epsilon \(ε\) must be a finite number in \(0, 1\); got 0/);
  assert.throws(() => conventionalBlpOps({ ...s, nBar: -3 }), /nBar \(n̄\) must be a finite number > 0; got -3/);
  assert.throws(() => fig8Series({ antennas: 4, users: [2, 3.5], quantRatio: 0.5, robust: false }), /fig8Series: users\[1\] \(K\) must be a positive integer; got 3.5/);
  assert.throws(() => fig8Series({ antennas: 4, users: [2], quantRatio: 2, robust: false }), /quantRatio \(QR\) must be a finite number in \[0, 1\]/);
  assert.throws(() => convOps({ cIn: 0, cOut: 1, kernel: 3, height: 1, width: 1 }), /convOps: cIn must be a positive integer; got 0/);
  assert.throws(() => pumOps({ layers: [{ kind: 'dense', nIn: 2, nOut: 1.5, quantized: true }], quantRatio: 0.5 }), /pumOps: layers\[0\].nOut must be a positive integer; got 1.5/);
  assert.throws(() => layerOps({ layer: { kind: 'dense', nIn: 2, nOut: 1, quantized: true }, quantRatio: 3 }), /layerOps: quantRatio \(QR\) must be a finite number in \[0, 1\]; got 3/);
  assert.throws(() => slpDnetOps({ ...s, reading: 'typo' as 'printed' }), /reading must be 'printed' or 'corrected'; got typo/);
  assert.throws(() => inferenceMemory({ floatParams: -1 }), /inferenceMemory: floatParams must be a finite number >= 0; got -1/);
  assert.throws(() => inferenceMemory({ floatParams: 1, binaryParams: Infinity }), /binaryParams must be a finite number >= 0; got Infinity/);
  assert.throws(() => modelMemory({ params: { quantizable: -5, fullPrecision: 0 }, quantRatio: 0.5, scheme: 'binary' }), /params.quantizable must be an integer >= 0; got -5/);
  assert.throws(() => modelMemory({ params: { quantizable: 5, fullPrecision: 0.5 }, quantRatio: 0.5, scheme: 'binary' }), /params.fullPrecision must be an integer >= 0; got 0.5/);
  assert.throws(() => modelMemory({ params: { quantizable: 5, fullPrecision: 1 }, quantRatio: 1.01, scheme: 'ternary' }), /quantRatio \(QR\) must be a finite number in \[0, 1\]; got 1.01/);
  assert.throws(() => memoryVsQuantRatio({ params: { quantizable: 5, fullPrecision: 1 }, quantRatios: [0, -1] }), /memoryVsQuantRatio: quantRatio \(QR\) must be a finite number in \[0, 1\]; got -1/);
  assert.throws(() => compression(inferenceMemory({ floatParams: 1 }), inferenceMemory({ floatParams: 0 })), /compression: quantized.bytes must be a finite number > 0; got 0/);
  assert.throws(() => qrSavingBound({ quantRatio: 0.5, bits: 33 }), /bits must be a finite number in \[0, 32\]; got 33/);
});
