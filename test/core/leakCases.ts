/**
 * One case per exported tensor function of lib/core and lib/phy, for test/core/leaks.test.ts.
 * A case builds its inputs (not measured) and returns the call to measure; the test checks that the
 * call grows `tf.memory().numTensors` by exactly the number of tensors it returns.
 * Keys are `<file under lib/ without .ts>#<export>`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { hermitianInverse, hermitianSolve, inverseSpd } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';
import { atLeast, safeDiv, safeSqrt } from '../../lib/core/safe';
import { assertFinite } from '../../lib/core/validate';
import {
  clusteredChannel, geometricChannel, imperfectCsi, loadChannels, loadChannelsAsync, losChannel, losResponse, rayleigh, saveChannelsJson,
  squeezeRx, ulaSteering,
} from '../../lib/phy/channels';
import { Constellation, psk, qam } from '../../lib/phy/constellation';
import { awgnQamRun, simulateErrorRate } from '../../lib/phy/errorRate';
import { linearTransmitter, lsGainEqualize, precodedLinkRun } from '../../lib/phy/link';
import * as M from '../../lib/phy/metrics';
import { mrt, normalisePower, precode, quantizedPrecode, rzf, zf } from '../../lib/phy/precoders';
import * as Q from '../../lib/phy/quantizer';
import { radiationFromSignals, radiationPattern, sdr, toDb } from '../../lib/phy/radiation';

/** The call to measure; may be async. */
export type Call = () => unknown;
/** Builds the inputs and returns the call. */
export type Case = () => Call;

const rng = new Rng('leaks');
const cn = (shape: number[]): C.Complex => rng.complexNormal(shape);
/** A batch of Hermitian positive-definite matrices G Gᴴ + n I. */
function hpd(batch: number, n: number): C.Complex {
  return C.tidy(() => {
    const g = cn([batch, n, n]);
    return C.add(C.matmul(g, g, false, true), C.scale(C.eye(n), n));
  });
}
/** h [2, K=2, M=4], w [2, 4, 2], s [2, 2, 6], y [2, 4, 6]. */
function link(): { h: C.Complex; w: C.Complex; s: C.Complex; y: C.Complex } {
  const h = cn([2, 2, 4]);
  return { h, w: cn([2, 4, 2]), s: cn([2, 2, 6]), y: cn([2, 4, 6]) };
}
const q2 = Q.lloydMax(2, 0.5);

const core: Record<string, Case> = {
  'core/complex#abs': () => { const a = cn([2, 3]); return () => C.abs(a); },
  'core/complex#abs2': () => { const a = cn([2, 3]); return () => C.abs2(a); },
  'core/complex#add': () => { const a = cn([2, 3]), b = cn([3]); return () => C.add(a, b); },
  'core/complex#sub': () => { const a = cn([2, 3]), b = cn([2, 3]); return () => C.sub(a, b); },
  'core/complex#mul': () => { const a = cn([2, 3]), b = cn([2, 3]); return () => C.mul(a, b); },
  'core/complex#mulConj': () => { const a = cn([2, 3]), b = cn([2, 3]); return () => C.mulConj(a, b); },
  'core/complex#scale': () => { const a = cn([2, 3]), t = tf.ones([3]); return () => [C.scale(a, t), C.scale(a, 2)]; },
  'core/complex#neg': () => { const a = cn([2, 3]); return () => C.neg(a); },
  'core/complex#conj': () => { const a = cn([2, 3]); return () => C.conj(a); },
  'core/complex#transpose': () => { const a = cn([2, 3, 4]); return () => C.transpose(a); },
  'core/complex#adjoint': () => { const a = cn([2, 3, 4]); return () => C.adjoint(a); },
  // wraps the tensors it is given (listed as a pass-through in the test); creates only the zero im
  'core/complex#complex': () => { const re = tf.ones([2]); return () => C.complex(re); },
  'core/complex#complexFromArrays': () => () => C.complexFromArrays([1, 2], [3, 4], [2]),
  'core/complex#toArrays': () => { const a = cn([2]); return () => C.toArrays(a); },
  'core/complex#tidy': () => { const a = cn([2]); return () => C.tidy(() => C.add(C.mul(a, a), a)); },
  'core/complex#divReal': () => { const a = cn([2, 3]), d = tf.ones([3]); return () => C.divReal(a, d, 1e-3); },
  'core/complex#matmul': () => {
    const a = cn([2, 3, 4]), b = cn([2, 4, 5]), c = cn([2, 1, 3, 4]), d = cn([3, 4, 5]);
    return () => [C.matmul(a, b), C.matmul(a, a, true, false), C.matmul(b, a, true, true), C.matmul(c, d)];
  },
  'core/complex#frobNorm2': () => { const a = cn([2, 3, 4]); return () => C.frobNorm2(a); },
  'core/complex#eye': () => () => C.eye(3),
  'core/complex#diagPart': () => { const a = cn([2, 3, 3]); return () => C.diagPart(a); },
  'core/complex#traceRe': () => { const a = cn([2, 3, 3]); return () => C.traceRe(a); },
  'core/complex#stack': () => { const a = cn([2]), b = cn([2]); return () => C.stack([a, b]); },
  'core/complex#reshape': () => { const a = cn([2, 3]); return () => C.reshape(a, [3, 2]); },
  'core/complex#expandDims': () => { const a = cn([2, 3]); return () => C.expandDims(a, 0); },
  'core/complex#slice': () => { const a = cn([2, 3]); return () => C.slice(a, [0, 1], [2, 2]); },
  'core/complex#flattenBatch': () => { const a = cn([2, 3, 4, 5]); return () => C.flattenBatch(a); },
  'core/complex#realEmbedMatrix': () => { const a = cn([2, 3, 4]); return () => C.realEmbedMatrix(a); },
  'core/complex#fromRealEmbedMatrix': () => { const e = C.realEmbedMatrix(cn([2, 3, 4])); return () => C.fromRealEmbedMatrix(e); },
  'core/complex#realEmbedVector': () => { const a = cn([2, 3, 1]); return () => C.realEmbedVector(a); },
  'core/complex#fromRealEmbedVector': () => { const e = C.realEmbedVector(cn([2, 3, 1])); return () => C.fromRealEmbedVector(e); },
  'core/linalg#inverseSpd': () => { const a = C.realEmbedMatrix(hpd(2, 3)); return () => inverseSpd(a); },
  'core/linalg#hermitianInverse': () => { const a = hpd(2, 3); return () => hermitianInverse(a); },
  'core/linalg#hermitianSolve': () => { const a = hpd(2, 3), b = cn([2, 3, 2]); return () => hermitianSolve(a, b); },
  'core/random#Rng': () => {
    const r = new Rng(1);
    return () => [r.normal([3]), r.uniform([3]), r.integers([3], 4), r.complexNormal([3], 2)];
  },
  'core/safe#atLeast': () => { const x = tf.tensor1d([0, 1]); return () => atLeast(x, 0.5); },
  'core/safe#safeDiv': () => { const n = tf.ones([2]), d = tf.tensor1d([0, 2]); return () => safeDiv(n, d); },
  'core/safe#safeSqrt': () => { const x = tf.tensor1d([0, 4]); return () => safeSqrt(x); },
  'core/validate#assertFinite': () => { const a = cn([2]), t = tf.ones([2]); return () => assertFinite('x', a, t); },
};

const channels: Record<string, Case> = {
  'phy/channels/rayleigh#rayleigh': () => () => rayleigh(rng, { batchShape: [2, 3], users: 2, antennas: 3 }),
  'phy/channels/los#losChannel': () => () => losChannel(rng, { batch: 2, users: 2, antennas: 4 }),
  'phy/channels/los#losResponse': () => { const a = tf.tensor1d([10, 80]); return () => [losResponse([0, 30], 4), losResponse(a, 4)]; },
  'phy/channels/clustered#clusteredChannel': () => () => clusteredChannel(rng, { batch: 2, users: 2, txAntennas: 4, rxAntennas: 2, clusters: 2, raysPerCluster: 2 }),
  'phy/channels/clustered#squeezeRx': () => { const h = cn([2, 2, 1, 4]); return () => squeezeRx(h); },
  'phy/channels/csiError#imperfectCsi': () => { const h = cn([2, 2, 4]); return () => imperfectCsi(rng, h, 0.1); },
  'phy/channels/geometric#geometricChannel': () => () => geometricChannel(rng, 2, { users: 2, antennas: 4, clusters: 2, raysPerCluster: 2 }),
  'phy/channels/ula#ulaSteering': () => { const t = tf.tensor1d([0.1, 0.2]); return () => [ulaSteering(t, 4), ulaSteering([0.3], 4)]; },
  'phy/channels/files#saveChannelsJson': () => {
    const h = cn([2, 2, 3]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leaks-')), 'h.json');
    return () => saveChannelsJson(file, h);
  },
  'phy/channels/files#loadChannels': () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leaks-')), 'h.json');
    saveChannelsJson(file, cn([2, 2, 3]));
    return () => loadChannels(file);
  },
  'phy/channels/files#loadChannelsAsync': () => {
    const file = path.resolve(__dirname, '..', 'fixtures', 'channels', 'v73_r3_complex_double.mat');
    return () => loadChannelsAsync(file);
  },
};

const phy: Record<string, Case> = {
  'phy/constellation#Constellation': () => {
    const c: Constellation = qam(16), p = psk(8);
    const idx = rng.integers([2, 5], 16), hat = rng.integers([2, 5], 16), y = cn([2, 5]);
    const bits = c.bits(idx);
    return () => [c.map(idx), c.hardDecision(y), p.hardDecision(y), c.nearestNeighbor(y), c.bits(idx), c.fromBits(bits),
      c.countErrors(idx, hat), c.randomSymbols(rng, [3])];
  },
  'phy/errorRate#awgnQamRun': () => { const run = awgnQamRun(qam(4), rng, 50); return () => run(3, 0); },
  'phy/errorRate#simulateErrorRate': () => () => simulateErrorRate({ snrDb: [0, 3], run: awgnQamRun(qam(4), rng, 50), maxBatches: 2 }),
  'phy/link#linearTransmitter': () => {
    const { h, s } = link();
    const tx = linearTransmitter((hh) => zf(hh), Q.oneBit());
    return () => tx(h, s, 0.1);
  },
  'phy/link#lsGainEqualize': () => { const { s } = link(); const y = cn([2, 2, 6]); return () => lsGainEqualize(y, s); },
  'phy/link#precodedLinkRun': () => {
    const run = precodedLinkRun({
      rng, constellation: qam(4), batch: 2, symbolsPerChannel: 5, transmit: linearTransmitter((hh) => mrt(hh)),
      channel: (r, b) => rayleigh(r, { batch: b, users: 2, antennas: 4 }),
    });
    return () => run(5, 0);
  },
  'phy/metrics#sinr': () => { const { h, w } = link(); const n = tf.tensor1d([0.1, 0.2]); return () => [M.sinr(h, w, 0.1), M.sinr(h, w, n)]; },
  'phy/metrics#ratesFromSinr': () => { const g = tf.ones([2, 2]); return () => M.ratesFromSinr(g); },
  'phy/metrics#userRates': () => { const { h, w } = link(); return () => M.userRates(h, w, 0.1); },
  'phy/metrics#sumRate': () => { const { h, w } = link(); return () => M.sumRate(h, w, 0.1); },
  'phy/metrics#weightedSumRate': () => {
    const { h, w } = link();
    const alpha = tf.ones([2]);
    return () => [M.weightedSumRate(h, w, 0.1, [1, 2]), M.weightedSumRate(h, w, 0.1, alpha)];
  },
  'phy/metrics#nmse': () => { const { s } = link(); const t = cn([2, 2, 6]); return () => M.nmse(t, s); },
  'phy/metrics#oppScale': () => { const { s } = link(); const r = cn([2, 2, 6]); return () => M.oppScale(r, s); },
  'phy/metrics#nmseOpp': () => { const { s } = link(); const r = cn([2, 2, 6]); return () => M.nmseOpp(r, s); },
  'phy/metrics#bussgang': () => { const { y, s } = link(); return () => [M.bussgang(y, s), M.bussgang(y, s, { estimator: 'ls' })]; },
  'phy/metrics#distortionCovariance': () => { const { y } = link(); return () => M.distortionCovariance(y); },
  'phy/metrics#snidr': () => { const { h, y, s } = link(); return () => M.snidr(h, y, s, 0.1, { estimator: 'ls' }); },
  'phy/metrics#sumRateSnidr': () => { const { h, y, s } = link(); return () => M.sumRateSnidr(h, y, s, 0.1); },
  'phy/precoders#normalisePower': () => { const { w } = link(); return () => normalisePower(w, 2); },
  'phy/precoders#mrt': () => { const { h } = link(); return () => mrt(h); },
  'phy/precoders#zf': () => { const { h } = link(); return () => zf(h); },
  'phy/precoders#rzf': () => { const { h } = link(); return () => rzf(h, { noiseVar: 0.1 }); },
  'phy/precoders#precode': () => { const { w, s } = link(); return () => precode(w, s); },
  'phy/precoders#quantizedPrecode': () => {
    const { w, s } = link();
    return () => (['precoder', 'empirical', 'none'] as const).map((mode) => quantizedPrecode(w, s, q2, { perAntennaNormalisation: mode }));
  },
  'phy/quantizer#quantize': () => { const x = rng.normal([3, 4]); return () => [Q.quantize(x, q2), Q.quantize(x, Q.lloydMax(5))]; },
  'phy/quantizer#quantizeComplex': () => { const x = cn([3, 4]); return () => Q.quantizeComplex(x, q2); },
  'phy/quantizer#antennaPowerFromPrecoder': () => { const { w } = link(); return () => Q.antennaPowerFromPrecoder(w); },
  'phy/quantizer#antennaPowerEmpirical': () => { const { y } = link(); return () => Q.antennaPowerEmpirical(y); },
  'phy/quantizer#perAntennaGain': () => { const rho = tf.tensor([0, 1, 2], [1, 3, 1]); return () => Q.perAntennaGain(rho); },
  'phy/quantizer#quantizeWithPower': () => { const { y } = link(); const rho = tf.ones([2, 4, 1]); return () => Q.quantizeWithPower(y, rho, q2); },
  'phy/quantizer#quantizePerAntenna': () => { const { w, y } = link(); return () => Q.quantizePerAntenna(y, w, q2); },
  'phy/quantizer#quantizePerAntennaEmpirical': () => { const { y } = link(); return () => Q.quantizePerAntennaEmpirical(y, q2); },
  'phy/radiation#radiationPattern': () => { const { w } = link(); const cq = hpd(2, 4), a = losResponse([0, 45, 90], 4); return () => radiationPattern(w, cq, a); },
  'phy/radiation#radiationFromSignals': () => { const { y, s } = link(); const a = losResponse([0, 45, 90], 4); return () => radiationFromSignals(y, s, a); },
  'phy/radiation#sdr': () => { const p = { lin: tf.ones([2, 3]), dist: tf.zeros([2, 3]) }; return () => sdr(p); },
  'phy/radiation#toDb': () => { const x = tf.tensor1d([0, 1, 10]); return () => toDb(x); },
};

export const CASES: Record<string, Case> = { ...core, ...channels, ...phy };
