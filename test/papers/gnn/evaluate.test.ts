import assert from 'node:assert/strict';
import * as C from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { rayleigh } from '../../../lib/phy/channels';
import { zf } from '../../../lib/phy/precoders';
import { gnnSignal, linearTransmit, nmseNoiseless, ratesPerChannel, toDb } from '../../../lib/papers/gnn/evaluate';
import { gnnPrecode } from '../../../lib/papers/gnn/loss';
import { buildGnn } from '../../../lib/papers/gnn/model';
import { arr, assertClose, backendTest } from '../../helpers';
import { gnnSystem } from '../../../lib/papers/gnn/system';

/** Table I of the paper, MRT row (M = 32, K = 1, noiseless), dB. */
const PAPER_MRT_NMSE_DB = [-5.38, -13.02, -20.31, -27.7];

backendTest('Table I MRT row: 1–4-bit Lloyd-Max MRT NMSE within 0.5 dB of the paper (M = 32, K = 1, exact-LS Bussgang)', () => {
  const rng = new Rng('table1');
  const n = 300, T = 125;
  const sys = gnnSystem({ antennas: 32, users: 1, bits: 1 });
  const h = rayleigh(rng.fork('h'), { batch: n, users: 1, antennas: 32 });
  const s = rng.fork('s').complexNormal([n, 1, T]);
  PAPER_MRT_NMSE_DB.forEach((paper, i) => {
    const y = linearTransmit('mrt', sys, h, s, i + 1);
    const db = toDb(nmseNoiseless(h, y, s).total);
    assert.ok(Math.abs(db - paper) <= 0.5, `b = ${i + 1}: ${db.toFixed(2)} dB vs the paper's ${paper} dB`);
    C.dispose(y);
  });
  C.dispose(h, s);
});

backendTest('ideal ZF (b = ∞): no interference, no distortion, rate = Σ log2(1 + α²/σ²) with α² = P_T / Tr((HHᴴ)⁻¹)', () => {
  const rng = new Rng('zf');
  const sys = gnnSystem({ antennas: 8, users: 3, bits: 1 });
  const h = rayleigh(rng.fork('h'), { batch: 4, users: 3, antennas: 8 });
  const s = rng.fork('s').complexNormal([4, 3, 64]);
  const y = linearTransmit('zf', sys, h, s, Infinity);
  const [r] = ratesPerChannel(sys, h, y, s, [10]);
  const noiseVar = sys.power / 10;
  // α² from the ZF precoder itself: H W = α I, Tr(W Wᴴ) = P_T ⇒ α² = P_T / Tr((H Hᴴ)⁻¹)
  const w = zf(h, { power: sys.power });
  const hw = C.matmul(h, w);
  const alpha2 = Array.from(C.abs2(C.diagPart(hw)).dataSync());
  r.forEach((rate, b) => {
    const want = 3 * Math.log2(1 + alpha2[3 * b] / noiseVar);
    assert.ok(Math.abs(rate - want) < 1e-3 * want, `channel ${b}: ${rate} vs ${want}`);
  });
  C.dispose(h, s, y, w, hw);
});

backendTest('gnnSignal over channel chunks equals one pass over all channels (each channel, (15) included, is independent)', () => {
  const rng = new Rng('chunks');
  const sys = gnnSystem({ antennas: 32, users: 1, bits: 1 });
  const model = buildGnn(rng.fork('w'), { bits: 1, hiddenLayers: 1, features: 8 });
  const h = rayleigh(rng.fork('h'), { batch: 70, users: 1, antennas: 32 }); // 70·64·32 edges: three chunks of ≤ 32 channels
  const s = rng.fork('s').complexNormal([70, 1, 64]);
  const a = gnnSignal(model, sys, h, s), b = gnnPrecode(model, sys, h, s);
  assertClose(arr(a.re), arr(b.re), 1e-5, 'Re y');
  assertClose(arr(a.im), arr(b.im), 1e-5, 'Im y');
  C.dispose(a, b, h, s);
  model.params.dispose();
});
