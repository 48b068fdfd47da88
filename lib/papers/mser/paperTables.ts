/**
 * The MSER paper's own numbers, labelled as the paper's wherever they are shown beside ours (Tables I,
 * II, III and VI; text copied from ../shared/papers/mser-hybrid-beamforming-deep-unfolding.txt).
 * Ratios are "SER_GD / SER_scheme" as the paper prints them (a percentage: 100 % = as good as GD).
 */

/** Table I, QPSK, SER vs SNR: hybrid GD (500 iterations), benchmark CNN (17 layers), deep-unfolding NN (15 layers). */
export const PAPER_TABLE1: readonly { snrDb: number; gd: number; cnn: number; unfolded: number }[] = [
  { snrDb: 5, gd: 4.11e-2, cnn: 5.92e-2, unfolded: 4.27e-2 },
  { snrDb: 15, gd: 1.06e-2, cnn: 1.51e-2, unfolded: 1.09e-2 },
  { snrDb: 25, gd: 1.09e-3, cnn: 1.54e-3, unfolded: 1.11e-3 },
];

/** Table II, 20 dB: hybrid GD SER per (K, R_r) and the GD/unfolded and GD/CNN SER ratios. */
export const PAPER_TABLE2: readonly { users: number; rxRf: number; gd: number; unfoldedRatio: number; cnnRatio: number }[] = [
  { users: 1, rxRf: 4, gd: 1.15e-3, unfoldedRatio: 0.9843, cnnRatio: 0.7314 },
  { users: 2, rxRf: 4, gd: 3.64e-3, unfoldedRatio: 0.9785, cnnRatio: 0.7048 },
  { users: 3, rxRf: 2, gd: 6.83e-3, unfoldedRatio: 0.9707, cnnRatio: 0.6852 },
  { users: 4, rxRf: 2, gd: 1.56e-2, unfoldedRatio: 0.9586, cnnRatio: 0.6502 },
];

/** Table III, 20 dB: GD/NN SER ratio vs the number of training samples. */
export const PAPER_TABLE3 = {
  cnn: [5000, 10000, 15000, 20000, 25000, 30000, 35000, 40000].map((samples, i) => ({ samples, ratio: [0.6603, 0.7048, 0.7255, 0.7361, 0.7413, 0.7421, 0.7436, 0.7436][i] })),
  unfolded: [100, 200, 300, 400, 500, 600, 700, 800].map((samples, i) => ({ samples, ratio: [0.9283, 0.9504, 0.9621, 0.9737, 0.9785, 0.9794, 0.9802, 0.9802][i] })),
} as const;

/** Table VI, 16-QAM at 25 dB: hybrid GD (500 iterations), CNN (17 layers), deep-unfolding NN (15 layers). */
export const PAPER_TABLE6 = { snrDb: 25, gd: 9.8e-3, cnn: 1.36e-2, unfolded: 1.01e-2 } as const;

/** The paper's hybrid-GD SER points the channel calibration fits (Table I, and Table II's (K, R_r) = (2, 4) at 20 dB). */
export function paperGdPoints(): { snrDb: number; ser: number }[] {
  const pts = PAPER_TABLE1.map((r) => ({ snrDb: r.snrDb, ser: r.gd }));
  pts.push({ snrDb: 20, ser: PAPER_TABLE2[1].gd });
  return pts.sort((a, b) => a.snrDb - b.snrDb);
}
