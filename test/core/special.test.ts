import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erf, erfc, normCdf, normCdfInv, normPdf, qfunc, qfuncInv } from '../../lib/core/special';

function relErr(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

test('erf, erfc and Q match known values (40-digit mpmath references) to ~1e-13 relative', () => {
  // references: mpmath.erf / mpmath.erfc with mp.dps = 40, rounded to double
  const erfRef: [number, number][] = [
    [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
    [1.5, 0.9661051464753107], [2, 0.9953222650189527],
  ];
  const erfcRef: [number, number][] = [
    [0.5, 0.47950012218695346], [1.5, 0.033894853524689273], [2, 0.0046777349810472658],
    [2.5, 0.00040695201744495894], [3, 2.209049699858544e-5], [4, 1.5417257900280019e-8],
    [5, 1.5374597944280349e-12], [6, 2.1519736712498913e-17], [10, 2.0884875837625448e-45],
    [26, 5.6631924088561428e-296],
  ];
  for (const [x, v] of erfRef) assert.ok(relErr(erf(x), v) < 1e-14, `erf(${x}) = ${erf(x)} vs ${v}`);
  for (const [x, v] of erfcRef) assert.ok(relErr(erfc(x), v) < 1e-13, `erfc(${x}) = ${erfc(x)} vs ${v}`);
  assert.equal(erf(0), 0);
  assert.equal(erfc(0), 1);
  assert.equal(qfunc(0), 0.5);
  assert.equal(normCdf(0), 0.5);
  assert.ok(relErr(qfunc(3), 0.0013498980316300945) < 1e-13, `Q(3) = ${qfunc(3)}`);
  assert.ok(relErr(qfunc(5), 2.8665157187919391e-7) < 1e-13, `Q(5) = ${qfunc(5)}`);
  assert.ok(relErr(normPdf(0), 1 / Math.sqrt(2 * Math.PI)) < 1e-15);
});

test('symmetries: erf odd, erf + erfc = 1, erfc(−x) = 2 − erfc(x), Φ(x) + Q(x) = 1, Φ(−x) = Q(x)', () => {
  for (let x = -7; x <= 7; x += 0.173) {
    assert.ok(Math.abs(erf(-x) + erf(x)) < 1e-16, `erf odd at ${x}`);
    assert.ok(Math.abs(erf(x) + erfc(x) - 1) < 4e-16, `erf + erfc at ${x}`);
    assert.ok(Math.abs(erfc(-x) - (2 - erfc(x))) < 4e-16, `erfc reflection at ${x}`);
    assert.ok(Math.abs(normCdf(x) + qfunc(x) - 1) < 4e-16, `Φ + Q at ${x}`);
    assert.ok(relErr(normCdf(-x), qfunc(x)) < 1e-15, `Φ(−x) = Q(x) at ${x}`);
  }
  assert.equal(erf(Infinity), 1);
  assert.equal(erf(-Infinity), -1);
  assert.equal(erfc(Infinity), 0);
  assert.equal(erfc(-Infinity), 2);
  assert.ok(Number.isNaN(erf(NaN)) && Number.isNaN(erfc(NaN)) && Number.isNaN(qfunc(NaN)));
});

test('derivatives: erf′ = (2/√π) e^{−x²} (across the method switch) and the tail slope of ln erfc', () => {
  const h = 1e-5;
  for (let x = -3; x <= 3; x += 0.0625) {
    const fd = (erf(x + h) - erf(x - h)) / (2 * h);
    const exact = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
    assert.ok(Math.abs(fd - exact) < 1e-9, `erf′(${x}): ${fd} vs ${exact}`);
  }
  // d/dx ln erfc(x) = −2e^{−x²}/(√π erfc(x)): checks the relative shape of the far tail
  for (let x = 1; x <= 25; x += 0.5) {
    const fd = (Math.log(erfc(x + h)) - Math.log(erfc(x - h))) / (2 * h);
    const exact = (-2 * Math.exp(-x * x)) / (Math.sqrt(Math.PI) * erfc(x));
    assert.ok(relErr(fd, exact) < 1e-6, `(ln erfc)′(${x}): ${fd} vs ${exact}`);
  }
});

test('far tail follows the asymptotic series √π x e^{x²} erfc(x) = 1 − 1/2x² + 3/4x⁴ − 15/8x⁶ + …', () => {
  for (const x of [15, 20, 25]) {
    const lhs = Math.sqrt(Math.PI) * x * Math.exp(x * x) * erfc(x);
    const x2 = x * x;
    const series = 1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 ** 3);
    // next term 105/(16x⁸) ≤ 2.6e−9 at x = 15; exp(x²) itself is exact to ~x²·1e−16
    assert.ok(relErr(lhs, series) < 1e-12 + 105 / (16 * x2 ** 4), `x = ${x}: ${lhs} vs ${series}`);
  }
});

test('Φ⁻¹ and Q⁻¹ invert Φ and Q, including deep tails', () => {
  for (const p of [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-10]) {
    const x = normCdfInv(p);
    assert.ok(relErr(normCdf(x), p) < 1e-12, `Φ(Φ⁻¹(${p})) = ${normCdf(x)}`);
    assert.ok(relErr(qfunc(qfuncInv(p)), p) < 1e-12, `Q(Q⁻¹(${p}))`);
  }
  assert.ok(Math.abs(normCdfInv(0.975) - 1.959963984540054) < 1e-14, `z(97.5%) = ${normCdfInv(0.975)}`);
  assert.ok(Math.abs(normCdfInv(0.5)) < 1e-15);
  // (not far below 0: Q(x) → 1 there and the double cannot carry the small 1 − Q(x))
  for (const x of [-3, -1, 0.3, 4, 9, 30]) assert.ok(Math.abs(qfuncInv(qfunc(x)) - x) < 1e-12 * Math.max(1, Math.abs(x)), `Q⁻¹(Q(${x}))`);
  assert.equal(normCdfInv(0), -Infinity);
  assert.equal(normCdfInv(1), Infinity);
  assert.equal(qfuncInv(0), Infinity);
});

test('Φ is the integral of φ (trapezoid on [−10, x])', () => {
  const dx = 1e-3;
  let s = 0;
  let x = -10;
  for (const target of [-2, 0, 1.5, 10]) {
    for (; x < target - 1e-12; x += dx) s += 0.5 * dx * (normPdf(x) + normPdf(x + dx));
    // trapezoid error ≈ dx²/12 · |φ′| integrated, < 1e−7
    assert.ok(Math.abs(s - normCdf(target)) < 1e-7, `∫φ to ${target}: ${s} vs ${normCdf(target)}`);
  }
});

test('bad probabilities are rejected with the parameter named', () => {
  assert.throws(() => normCdfInv(-0.1), /normCdfInv\(p\): p must be a probability in \[0, 1\]; got -0.1/);
  assert.throws(() => normCdfInv(1.5), /normCdfInv\(p\)/);
  assert.throws(() => qfuncInv(NaN), /qfuncInv\(p\): p must be a probability/);
});
