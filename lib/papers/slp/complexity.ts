/**
 * Arithmetic-operation counts of the SLP-SQ paper (Mohammad, Masouros, Andreopoulos, "A
 * Memory-Efficient Learning Framework for Symbol Level Precoding with Quantized NN Weights"):
 * §IV-E, eqs. (25)–(32) and Table I, and the Fig. 8 comparison of §V-D1.
 *
 * What is here:
 * - Table I, transcribed term by term (`TABLE1_PRINTED`), and the reading we compute with
 *   (`TABLE1_CORRECTED`): the two differ only in the two robust rows listed in `paperTypos`.
 * - The interior-point rows (conventional BLP, optimisation-based SLP (27), robust versions) as
 *   functions of M, K, n̄ (default 2KM, Table I's header n̄ = O(2KM)) and ε.
 * - The learning rows (SLP-DNet, -DBNet, -DTNet, -DSQBNet (31), -DSQTNet (32)) as polynomials in K, M.
 * - Checks of the paper against itself as data: QR = 0 / QR = 1 substitutions in (31)/(32)
 *   (`qrSubstitutionChecks`), the complexity-order column (`complexityOrderChecks`), and the
 *   §V-D1 / abstract ratios (`complexityClaims`).
 * - Per-layer counts (28)–(30) from layer shapes (`convOps`, `layerOps`, `pumOps`, `apmOps`), so
 *   that our own network's counts can be computed from its shapes.
 *
 * ε (the IPM target accuracy of (25)) is not given in the paper. We default to ε = 1e-3
 * (ln(1/ε) = 6.908), a usual IPM tolerance; with it the optimisation-based SLP row is 9.79× the
 * SLP-DNet row at K = 10, M = 4, matching the "~10×" of §V-D1. All IPM rows scale linearly in
 * ln(1/ε), so every ratio against a learning row scales with it too (ε = 1e-6 doubles them).
 *
 * Units: "operations" are the paper's real arithmetic operations. In the quantised rows a binary
 * (XNOR/popcount) operation costs 1/32 of a floating-point one, as in (29).
 */
import { checkPositiveInt } from '../../core/validate';
import type { Claim } from '../../kit/claims';

// ─── sizes and checks ──────────────────────────────────────────────────────────────────────────

/** The system size: M BS antennas, K single-antenna users. */
export interface SlpSize {
  /** M, BS antennas (paper §V: 4) */
  antennas: number;
  /** K, users */
  users: number;
}

/** Which row of Table I to compute with: the paper's text as printed, or our corrected reading. */
export type TableReading = 'printed' | 'corrected';

/** The methods of Table I and Fig. 8. */
export type SlpMethod =
  | 'conventional-blp'
  | 'slp-optimisation'
  | 'slp-dnet'
  | 'slp-dbnet'
  | 'slp-dtnet'
  | 'slp-dsqbnet'
  | 'slp-dsqtnet';

export const SLP_METHODS: readonly SlpMethod[] = [
  'conventional-blp', 'slp-optimisation', 'slp-dnet', 'slp-dbnet', 'slp-dtnet', 'slp-dsqbnet', 'slp-dsqtnet',
];

/** ε used when none is given (see the module comment). */
export const DEFAULT_EPSILON = 1e-3;

function checkSize(fn: string, o: SlpSize): SlpSize {
  if (o === null || typeof o !== 'object') throw new Error(`${fn}: needs { antennas, users }; got ${String(o)}`);
  return {
    antennas: checkPositiveInt(fn, 'antennas (M)', o.antennas),
    users: checkPositiveInt(fn, 'users (K)', o.users),
  };
}

/** QR must be a finite number in [0, 1]: `${fn}: quantRatio (QR) must be a finite number in [0, 1]; got 1.5`. */
export function checkQuantRatio(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new Error(`${fn}: quantRatio (QR) must be a finite number in [0, 1]; got ${String(v)}`);
  }
  return v;
}

function checkEpsilon(fn: string, v: unknown): number {
  if (v === undefined) return DEFAULT_EPSILON;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= 1) {
    throw new Error(`${fn}: epsilon (ε) must be a finite number in (0, 1); got ${String(v)}`);
  }
  return v;
}

function checkNBar(fn: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`${fn}: nBar (n̄) must be a finite number > 0; got ${String(v)}`);
  }
  return v;
}

function checkReading(fn: string, v: unknown): TableReading {
  if (v === undefined) return 'corrected';
  if (v !== 'printed' && v !== 'corrected') throw new Error(`${fn}: reading must be 'printed' or 'corrected'; got ${String(v)}`);
  return v;
}

function checkCount(fn: string, name: string, v: unknown): number {
  return checkPositiveInt(fn, name, v);
}

// ─── polynomials in K and M ────────────────────────────────────────────────────────────────────

/** One term coef · K^k · M^m of a Table I row. */
export interface Term {
  coef: number;
  /** power of K */
  k: number;
  /** power of M */
  m: number;
}

/** A Table I learning row: a sum of terms (like terms may repeat, as printed). */
export type Poly = readonly Term[];

const term = (coef: number, k: number, m: number): Term => ({ coef, k, m });

/** Σ coef·K^k·M^m at the given size. */
export function evalPoly(p: Poly, size: SlpSize): number {
  const { antennas: M, users: K } = checkSize('evalPoly', size);
  return p.reduce((acc, t) => acc + t.coef * K ** t.k * M ** t.m, 0);
}

/** Σ scale_i·p_i with like terms merged and zero terms dropped, sorted by total degree (high first). */
export function combinePolys(parts: readonly { poly: Poly; scale: number }[]): Term[] {
  const acc = new Map<string, Term>();
  for (const { poly, scale } of parts) {
    for (const t of poly) {
      const key = `${t.k},${t.m}`;
      const prev = acc.get(key);
      acc.set(key, term((prev ? prev.coef : 0) + scale * t.coef, t.k, t.m));
    }
  }
  return [...acc.values()]
    .filter((t) => Math.abs(t.coef) > 1e-12)
    .sort((a, b) => b.k + b.m - (a.k + a.m) || b.k - a.k);
}

function monomialText(k: number, m: number): string {
  const p = (v: string, e: number): string => (e === 0 ? '' : e === 1 ? v : `${v}^${e}`);
  return `${p('K', k)}${p('M', m)}`;
}

/** A polynomial as text, e.g. "127K^2M + 4KM^2 + 7KM − K − 0.875"; "0" when empty. */
export function polyText(p: Poly): string {
  if (p.length === 0) return '0';
  return p
    .map((t, i) => {
      const mono = monomialText(t.k, t.m);
      const mag = Math.abs(t.coef);
      const body = mono === '' ? `${mag}` : mag === 1 ? mono : `${mag}${mono}`;
      if (i === 0) return t.coef < 0 ? `−${body}` : body;
      return t.coef < 0 ? ` − ${body}` : ` + ${body}`;
    })
    .join('');
}

// ─── Table I learning rows ─────────────────────────────────────────────────────────────────────

/**
 * The learning rows of Table I for one channel model. A DSQ row is `base − bracket × QR`
 * ((31), (32)); the paper prints the same bracket for the non-robust and robust rows.
 */
export interface LearningRows {
  /** SLP-DNet */
  dnet: Poly;
  /** SLP-DBNet */
  dbnet: Poly;
  /** SLP-DTNet */
  dtnet: Poly;
  /** SLP-DSQBNet = base − bracket·QR, eq. (31) */
  dsqbBase: Poly;
  dsqbBracket: Poly;
  /** SLP-DSQTNet = base − bracket·QR, eq. (32) */
  dsqtBase: Poly;
  dsqtBracket: Poly;
}

const K2M = (c: number): Term => term(c, 2, 1);
const M2K = (c: number): Term => term(c, 1, 2);
const KM = (c: number): Term => term(c, 1, 1);
const Kt = (c: number): Term => term(c, 1, 0);
const C = (c: number): Term => term(c, 0, 0);

const NONROBUST_PRINTED: LearningRows = {
  // 2704K²M + 4M²K + 430KM − K
  dnet: [K2M(2704), M2K(4), KM(430), Kt(-1)],
  // 127K²M + 4M²K + 7KM − K − 7/8
  dbnet: [K2M(127), M2K(4), KM(7), Kt(-1), C(-7 / 8)],
  // 271K²M + 4M²K + (77/2)KM − K − 7/8
  dtnet: [K2M(271), M2K(4), KM(77 / 2), Kt(-1), C(-7 / 8)],
  // (31): 2704K²M + 430KM + 4M²K − K − [2577K²M + 423KM + 7/8]·QR
  dsqbBase: [K2M(2704), KM(430), M2K(4), Kt(-1)],
  dsqbBracket: [K2M(2577), KM(423), C(7 / 8)],
  // (32): 2704K²M + 430KM + 4M²K − K − [2433K²M + (783/2)KM + 7/8]·QR
  dsqtBase: [K2M(2704), KM(430), M2K(4), Kt(-1)],
  dsqtBracket: [K2M(2433), KM(783 / 2), C(7 / 8)],
};

const ROBUST_PRINTED: LearningRows = {
  // 2704K²M + 8M²K + 432KM + 8M²K + 6K − 2   (8M²K printed twice)
  dnet: [K2M(2704), M2K(8), KM(432), M2K(8), Kt(6), C(-2)],
  // 127K²MK + 8M²K + 9KM + 6K − 9/8   (K²MK = K³M as printed)
  dbnet: [term(127, 3, 1), M2K(8), KM(9), Kt(6), C(-9 / 8)],
  // 271K²M + 8M²K + (81/2)KM + 6K − 9/8
  dtnet: [K2M(271), M2K(8), KM(81 / 2), Kt(6), C(-9 / 8)],
  // 2704K²M + 8M²K + 432KM + 6K − 2 − [2577K²M + 423KM + 7/8]·QR
  dsqbBase: [K2M(2704), M2K(8), KM(432), Kt(6), C(-2)],
  dsqbBracket: [K2M(2577), KM(423), C(7 / 8)],
  // 2704K²M + 8M²K + 432KM + 6K − 2 − [2433K²M + (783/2)KM + 7/8]·QR
  dsqtBase: [K2M(2704), M2K(8), KM(432), Kt(6), C(-2)],
  dsqtBracket: [K2M(2433), KM(783 / 2), C(7 / 8)],
};

/** Table I's learning rows exactly as printed (term by term, repeated terms kept). */
export const TABLE1_PRINTED: { readonly nonRobust: LearningRows; readonly robust: LearningRows } = {
  nonRobust: NONROBUST_PRINTED,
  robust: ROBUST_PRINTED,
};

/**
 * Our reading of Table I: as printed except the two robust typos of `paperTypos` — robust SLP-DNet
 * with 8M²K once, robust SLP-DBNet with 127K²M. The robust DBNet/DTNet constant −9/8 is kept as
 * printed (it disagrees with the robust DSQ rows at QR = 1; see `paperTypos`).
 */
export const TABLE1_CORRECTED: { readonly nonRobust: LearningRows; readonly robust: LearningRows } = {
  nonRobust: NONROBUST_PRINTED,
  robust: {
    ...ROBUST_PRINTED,
    dnet: [K2M(2704), M2K(8), KM(432), Kt(6), C(-2)],
    dbnet: [K2M(127), M2K(8), KM(9), Kt(6), C(-9 / 8)],
  },
};

/** The learning rows of one channel model in one reading. */
export function learningRows(o: { robust?: boolean; reading?: TableReading }): LearningRows {
  const reading = checkReading('learningRows', o.reading);
  const table = reading === 'printed' ? TABLE1_PRINTED : TABLE1_CORRECTED;
  return o.robust ? table.robust : table.nonRobust;
}

/** `base − bracket × QR` as one polynomial. */
export function dsqPoly(o: { base: Poly; bracket: Poly; quantRatio: number }): Term[] {
  const qr = checkQuantRatio('dsqPoly', o.quantRatio);
  return combinePolys([{ poly: o.base, scale: 1 }, { poly: o.bracket, scale: -qr }]);
}

/** Options of a learning row: the size, robust or not, and which reading of Table I. */
export interface LearningOptions extends SlpSize {
  robust?: boolean;
  /** default 'corrected' (identical to 'printed' except robust SLP-DNet and robust SLP-DBNet) */
  reading?: TableReading;
}

export interface QuantisedLearningOptions extends LearningOptions {
  /** QR, the fraction of the weights quantised, in [0, 1] */
  quantRatio: number;
}

function learningOps(fn: string, o: LearningOptions, pick: (r: LearningRows) => Poly): number {
  const size = checkSize(fn, o);
  return evalPoly(pick(learningRows({ robust: o.robust, reading: checkReading(fn, o.reading) })), size);
}

/** SLP-DNet, Table I: 2704K²M + 4M²K + 430KM − K (robust: 2704K²M + 8M²K + 432KM + 6K − 2). */
export function slpDnetOps(o: LearningOptions): number {
  return learningOps('slpDnetOps', o, (r) => r.dnet);
}

/** SLP-DBNet, Table I: 127K²M + 4M²K + 7KM − K − 7/8 (robust: 127K²M + 8M²K + 9KM + 6K − 9/8, corrected). */
export function slpDbnetOps(o: LearningOptions): number {
  return learningOps('slpDbnetOps', o, (r) => r.dbnet);
}

/** Robust SLP-DBNet exactly as printed in Table I: 127K²MK + 8M²K + 9KM + 6K − 9/8 (K²MK = K³M). */
export function robustSlpDbnetOpsAsPrinted(o: SlpSize): number {
  return evalPoly(TABLE1_PRINTED.robust.dbnet, checkSize('robustSlpDbnetOpsAsPrinted', o));
}

/** SLP-DTNet, Table I: 271K²M + 4M²K + (77/2)KM − K − 7/8 (robust: 271K²M + 8M²K + (81/2)KM + 6K − 9/8). */
export function slpDtnetOps(o: LearningOptions): number {
  return learningOps('slpDtnetOps', o, (r) => r.dtnet);
}

/** eq. (31) of SLP-SQ: SLP-DSQBNet = 2704K²M + 430KM + 4M²K − K − [2577K²M + 423KM + 7/8]·QR (robust row of Table I likewise). */
export function slpDsqbnetOps(o: QuantisedLearningOptions): number {
  const qr = checkQuantRatio('slpDsqbnetOps', o.quantRatio);
  const size = checkSize('slpDsqbnetOps', o);
  const r = learningRows({ robust: o.robust, reading: checkReading('slpDsqbnetOps', o.reading) });
  return evalPoly(r.dsqbBase, size) - qr * evalPoly(r.dsqbBracket, size);
}

/** eq. (32) of SLP-SQ: SLP-DSQTNet = 2704K²M + 430KM + 4M²K − K − [2433K²M + (783/2)KM + 7/8]·QR (robust row likewise). */
export function slpDsqtnetOps(o: QuantisedLearningOptions): number {
  const qr = checkQuantRatio('slpDsqtnetOps', o.quantRatio);
  const size = checkSize('slpDsqtnetOps', o);
  const r = learningRows({ robust: o.robust, reading: checkReading('slpDsqtnetOps', o.reading) });
  return evalPoly(r.dsqtBase, size) - qr * evalPoly(r.dsqtBracket, size);
}

// ─── interior-point rows ───────────────────────────────────────────────────────────────────────

/** Options of an interior-point (IPM) row: the size, n̄ (default 2KM) and ε (default 1e-3). */
export interface IpmOptions extends SlpSize {
  robust?: boolean;
  /** n̄, the number of decision variables / linear equations; default 2KM (Table I header) */
  nBar?: number;
  /** ε, target accuracy; the rows scale with ln(1/ε); default `DEFAULT_EPSILON` */
  epsilon?: number;
}

function ipmSetup(fn: string, o: IpmOptions): { M: number; K: number; n: number; L: number } {
  const { antennas: M, users: K } = checkSize(fn, o);
  return { M, K, n: checkNBar(fn, o.nBar, 2 * K * M), L: Math.log(1 / checkEpsilon(fn, o.epsilon)) };
}

/**
 * Conventional BLP, Table I:
 * √(4M + K + 2)·[n̄(2M + 1) + n̄(2M + 1)² + n̄(K + 1)² + n̄³]·ln(1/ε);
 * robust: √(2K(2M + 1))·[n̄K(2M + 1)³ + n̄²K(2M + 1)² + n̄³]·ln(1/ε).
 */
export function conventionalBlpOps(o: IpmOptions): number {
  const { M, K, n, L } = ipmSetup('conventionalBlpOps', o);
  const q = 2 * M + 1;
  if (o.robust) return Math.sqrt(2 * K * q) * (n * K * q ** 3 + n ** 2 * K * q ** 2 + n ** 3) * L;
  return Math.sqrt(4 * M + K + 2) * (n * q + n * q ** 2 + n * (K + 1) ** 2 + n ** 3) * L;
}

/**
 * eq. (27) of SLP-SQ, optimisation-based SLP: √(2M + 1)·[n̄(2M + 1) + n̄(2M + 1)² + n̄³]·ln(1/ε);
 * robust (Table I): √(2(2M + 1))·[2n̄K(2M + 1)² + n̄³]·ln(1/ε).
 */
export function slpOptimisationOps(o: IpmOptions): number {
  const { M, K, n, L } = ipmSetup('slpOptimisationOps', o);
  const q = 2 * M + 1;
  if (o.robust) return Math.sqrt(2 * q) * (2 * n * K * q ** 2 + n ** 3) * L;
  return Math.sqrt(q) * (n * q + n * q ** 2 + n ** 3) * L;
}

/**
 * eq. (26) of SLP-SQ, the generic IPM cost it is built on:
 * [n̄·ΣQ_j³ + n̄²·ΣQ_j² + n̄·ΣS_j² + n̄³]·ln(1/ε)·√(ΣQ_j + 2M_sc), sums over the M_lc linear-matrix
 * constraints of sizes Q_j (`linearDims`) and the M_sc second-order cones of sizes S_j (`coneDims`).
 */
export function ipmOps(o: { nBar: number; linearDims: readonly number[]; coneDims?: readonly number[]; epsilon?: number }): number {
  const fn = 'ipmOps';
  if (o.nBar === undefined) throw new Error(`${fn}: nBar (n̄) must be a finite number > 0; got undefined`);
  const n = checkNBar(fn, o.nBar, 0);
  const L = Math.log(1 / checkEpsilon(fn, o.epsilon));
  const lin = o.linearDims.map((q, i) => checkCount(fn, `linearDims[${i}]`, q));
  const soc = (o.coneDims ?? []).map((q, i) => checkCount(fn, `coneDims[${i}]`, q));
  const s = (xs: number[], p: number): number => xs.reduce((a, x) => a + x ** p, 0);
  return (n * s(lin, 3) + n ** 2 * s(lin, 2) + n * s(soc, 2) + n ** 3) * L * Math.sqrt(s(lin, 1) + 2 * soc.length);
}

// ─── one entry point per method ────────────────────────────────────────────────────────────────

export interface TableIOptions extends IpmOptions {
  method: SlpMethod;
  /** QR; needed by 'slp-dsqbnet' and 'slp-dsqtnet', ignored otherwise */
  quantRatio?: number;
  /** reading of the learning rows; default 'corrected' */
  reading?: TableReading;
}

/** The Table I operation count of one method (dispatches to the functions above). */
export function tableIOps(o: TableIOptions): number {
  switch (o.method) {
    case 'conventional-blp': return conventionalBlpOps(o);
    case 'slp-optimisation': return slpOptimisationOps(o);
    case 'slp-dnet': return slpDnetOps(o);
    case 'slp-dbnet': return slpDbnetOps(o);
    case 'slp-dtnet': return slpDtnetOps(o);
    case 'slp-dsqbnet': return slpDsqbnetOps({ ...o, quantRatio: checkQuantRatio('tableIOps', o.quantRatio) });
    case 'slp-dsqtnet': return slpDsqtnetOps({ ...o, quantRatio: checkQuantRatio('tableIOps', o.quantRatio) });
    default: throw new Error(`tableIOps: method must be one of ${SLP_METHODS.join(', ')}; got ${String((o as { method: unknown }).method)}`);
  }
}

// ─── Fig. 8 ────────────────────────────────────────────────────────────────────────────────────

export interface Fig8Options {
  /** M (paper: 4) */
  antennas: number;
  /** the K axis */
  users: readonly number[];
  /** QR of the DSQ nets (paper: 0.5) */
  quantRatio: number;
  /** Fig. 8(b) when true, 8(a) when false */
  robust: boolean;
  /** default `DEFAULT_EPSILON` */
  epsilon?: number;
}

export interface Fig8Series {
  antennas: number;
  users: number[];
  quantRatio: number;
  robust: boolean;
  epsilon: number;
  /** operations per method, one entry per K; n̄ = 2KM at each K */
  ops: Record<SlpMethod, number[]>;
  /** §V-D1: conventional BLP is feasible only for M ≥ K; its counts are given for every K regardless */
  conventionalBlpFeasible: boolean[];
}

/** Fig. 8(a)/(b): Table I operation counts vs K at fixed M and QR (corrected reading). */
export function fig8Series(o: Fig8Options): Fig8Series {
  const fn = 'fig8Series';
  const antennas = checkPositiveInt(fn, 'antennas (M)', o.antennas);
  if (!Array.isArray(o.users) || o.users.length === 0) throw new Error(`${fn}: users must be a non-empty array of positive integers`);
  const users = o.users.map((k, i) => checkPositiveInt(fn, `users[${i}] (K)`, k));
  const quantRatio = checkQuantRatio(fn, o.quantRatio);
  const epsilon = checkEpsilon(fn, o.epsilon);
  const robust = o.robust === true;
  const ops = {} as Record<SlpMethod, number[]>;
  for (const method of SLP_METHODS) {
    ops[method] = users.map((K) => tableIOps({ method, antennas, users: K, quantRatio, robust, epsilon }));
  }
  return { antennas, users, quantRatio, robust, epsilon, ops, conventionalBlpFeasible: users.map((K) => antennas >= K) };
}

// ─── the paper against itself ──────────────────────────────────────────────────────────────────

/** One place where Table I or §IV-E disagrees with itself. */
export interface PaperTypo {
  /** the row or equation */
  row: string;
  /** what is printed */
  printed: string;
  /** how we read it (what `TABLE1_CORRECTED` / our functions use) */
  reading: string;
  /** the evidence */
  why: string;
  /** 'typo': we compute with the reading; 'inconsistency': recorded, computed as printed */
  kind: 'typo' | 'inconsistency';
}

/** Typos and inconsistencies of Table I / §IV-E (numbers backed by the checks below and the tests). */
export const paperTypos: readonly PaperTypo[] = [
  {
    row: 'Table I, Robust SLP-DBNet',
    printed: '127K^2MK + 8M^2K + 9KM + 6K − 9/8',
    reading: '127K^2M + 8M^2K + 9KM + 6K − 9/8',
    why: 'K^2MK = K^3M would be O(n^4), against the row\'s own O(n^3) column; the robust SLP-DSQBNet row at QR = 1 gives (2704 − 2577)K^2M = 127K^2M, as does the non-robust SLP-DBNet row. At K = 10, M = 4 the printed row is 509,698.875 operations vs 52,498.875 for the reading (9.7×).',
    kind: 'typo',
  },
  {
    row: 'Table I, Robust SLP-DNet',
    printed: '2704K^2M + 8M^2K + 432KM + 8M^2K + 6K − 2',
    reading: '2704K^2M + 8M^2K + 432KM + 6K − 2',
    why: '8M^2K is printed twice; the robust SLP-DSQ rows at QR = 0 (which §IV-E says give SLP-DNet) and the robust log-barrier count 8M^2K + 4MK + 6K have it once. The duplicate adds 8M^2K (1,280 at K = 10, M = 4: 1,101,498 vs 1,100,218, 0.12 %).',
    kind: 'typo',
  },
  {
    row: 'Table I, Robust SLP-DBNet and Robust SLP-DTNet (constant)',
    printed: '− 9/8',
    reading: '− 9/8 kept as printed; the robust SLP-DSQ rows at QR = 1 give −2 − 7/8 = −23/8',
    why: '§IV-E: SLP-DBNet/-DTNet are (31)/(32) at QR = 1. For the robust rows that substitution gives constant −23/8, the printed rows −9/8 (= −2 + 7/8, as if the bracket held −7/8). Difference +7/4 operations: negligible, recorded not fixed.',
    kind: 'inconsistency',
  },
  {
    row: 'Table I, Robust Conventional BLP (order column)',
    printed: 'O(n^7.5)',
    reading: 'the printed formula grows as n^8 with M = K = n and n̄ = 2KM (the convention that reproduces every other row\'s order)',
    why: 'The term n̄²K(2M + 1)² ~ 16n^7 times √(2K(2M + 1)) ~ 2n gives n^8 (`complexityOrderChecks`). With n̄ = n instead it would be n^6, and then the other IPM rows would be n^3.5, not the printed n^6.5.',
    kind: 'inconsistency',
  },
  {
    row: 'eq. (27) vs eq. (26)',
    printed: '√(2M + 1)[n̄(2M + 1) + n̄(2M + 1)² + n̄³] ln(1/ε)',
    reading: '(27) used as printed for the SLP row',
    why: '(26) with "K constraints with dimension 2M + 1" (M_lc = K, Q_j = 2M + 1, M_sc = 0) gives √(K(2M + 1))[n̄K(2M + 1)³ + n̄²K(2M + 1)² + n̄³] ln(1/ε), 38.2× (27) at K = 10, M = 4, n̄ = 2KM (`ipmOps`: 4.11e8 vs 1.08e7 with ε = 1e-3). (27) looks like (26) with one constraint and the powers of Q lowered by two.',
    kind: 'inconsistency',
  },
  {
    row: 'eq. (28) vs eqs. (29)/(30)',
    printed: '(28): (c_in k_f² + (c_in k_f² − 1) + 1) c_out N_w N_h; (29)/(30) conv terms: N_h N_w c_in f² c_out',
    reading: '`pumOps`/`apmOps` follow (29)/(30) (one operation per multiply-accumulate) unless convention: "flops" asks for (28)',
    why: '(28) = 2·c_in k_f² c_out N_w N_h counts multiplications and additions; (29)/(30) count half of it, while the fully connected term of (30), (2N_in + 1)N_out, counts both.',
    kind: 'inconsistency',
  },
];

/** One substitution of QR into a DSQ row, compared with the row Table I prints for it. */
export interface QrSubstitutionCheck {
  robust: boolean;
  /** '(31)' (binary) or '(32)' (ternary); the robust rows are Table I's analogues */
  equation: '(31)' | '(32)';
  quantRatio: 0 | 1;
  /** the Table I row the paper says the substitution gives */
  target: 'SLP-DNet' | 'SLP-DBNet' | 'SLP-DTNet';
  reading: TableReading;
  /** the DSQ row with QR substituted */
  substituted: string;
  /** the target row */
  tableRow: string;
  /** tableRow − substituted (like terms merged); "0" when they agree */
  difference: string;
  agrees: boolean;
}

/**
 * §IV-E: "substituting QR = 0 in (31) or (32) gives SLP-DNet; SLP-DBNet and SLP-DTNet are found by
 * substituting QR = 1". Checked symbolically for both channel models and both readings.
 */
export function qrSubstitutionChecks(): QrSubstitutionCheck[] {
  const out: QrSubstitutionCheck[] = [];
  for (const robust of [false, true]) {
    for (const reading of ['printed', 'corrected'] as const) {
      const r = learningRows({ robust, reading });
      const cases: [QrSubstitutionCheck['equation'], 0 | 1, QrSubstitutionCheck['target'], Poly, Poly, Poly][] = [
        ['(31)', 0, 'SLP-DNet', r.dsqbBase, r.dsqbBracket, r.dnet],
        ['(32)', 0, 'SLP-DNet', r.dsqtBase, r.dsqtBracket, r.dnet],
        ['(31)', 1, 'SLP-DBNet', r.dsqbBase, r.dsqbBracket, r.dbnet],
        ['(32)', 1, 'SLP-DTNet', r.dsqtBase, r.dsqtBracket, r.dtnet],
      ];
      for (const [equation, quantRatio, target, base, bracket, row] of cases) {
        const sub = dsqPoly({ base, bracket, quantRatio });
        const diff = combinePolys([{ poly: row, scale: 1 }, { poly: sub, scale: -1 }]);
        out.push({
          robust, equation, quantRatio, target, reading,
          substituted: polyText(sub), tableRow: polyText(combinePolys([{ poly: row, scale: 1 }])),
          difference: polyText(diff), agrees: diff.length === 0,
        });
      }
    }
  }
  return out;
}

/** The complexity-order column of Table I against the growth of the formulas. */
export interface OrderCheck {
  method: SlpMethod;
  robust: boolean;
  reading: TableReading;
  /** the exponent printed in Table I's last column */
  printed: number;
  /** log2(f(2n)/f(n)) at n = 10^4 with M = K = n, n̄ = 2KM, QR = 0.5, rounded to the nearest 0.5 */
  computed: number;
  agrees: boolean;
}

const PRINTED_ORDERS: Record<SlpMethod, { nonRobust: number; robust: number }> = {
  'conventional-blp': { nonRobust: 6.5, robust: 7.5 },
  'slp-optimisation': { nonRobust: 6.5, robust: 6.5 },
  'slp-dnet': { nonRobust: 3, robust: 3 },
  'slp-dbnet': { nonRobust: 3, robust: 3 },
  'slp-dtnet': { nonRobust: 3, robust: 3 },
  'slp-dsqbnet': { nonRobust: 3, robust: 3 },
  'slp-dsqtnet': { nonRobust: 3, robust: 3 },
};

/**
 * Table I's "Complexity Order" column vs the growth of each formula with M = K = n. The orders
 * printed for the IPM rows (n^6.5) come out only with n̄ = 2KM ~ n² (not the header's n̄ = n), so
 * that is the convention used. Every row in both readings (robust SLP-DBNet's reading matters).
 */
export function complexityOrderChecks(): OrderCheck[] {
  const n = 1e4;
  const out: OrderCheck[] = [];
  for (const robust of [false, true]) {
    for (const method of SLP_METHODS) {
      const readings: TableReading[] = robust && method === 'slp-dbnet' ? ['printed', 'corrected'] : ['corrected'];
      for (const reading of readings) {
        const f = (x: number): number => tableIOps({ method, antennas: x, users: x, robust, reading, quantRatio: 0.5 });
        const computed = Math.round(2 * Math.log2(f(2 * n) / f(n))) / 2;
        const printed = robust ? PRINTED_ORDERS[method].robust : PRINTED_ORDERS[method].nonRobust;
        out.push({ method, robust, reading, printed, computed, agrees: computed === printed });
      }
    }
  }
  return out;
}

// ─── claims of §V-D1 and the abstract ──────────────────────────────────────────────────────────

/** A claim row (kit/claims) with the ratio it is about, when it is about one. */
export interface ComplexityClaim extends Claim {
  /** the ratio the paper states (e.g. 10 for "~10×"); null for orderings */
  stated: number | null;
  /** our ratio from the formulas; null for orderings */
  ratio: number | null;
}

/** The rule for "~N×" claims: our ratio within a factor of 2 of N (N/2 ≤ ratio ≤ 2N). */
export const RATIO_RULE = 'ratio within a factor of 2 of the stated one (N/2 ≤ ratio ≤ 2N)';

const withinFactor2 = (ratio: number, stated: number): boolean => ratio >= stated / 2 && ratio <= stated * 2;
const f2 = (x: number): string => x.toFixed(2);

/**
 * The paper's complexity claims (§V-D1 at K = 10, M = 4, QR = 0.5; the abstract; §IV-E), decided
 * on the Table I formulas (corrected reading) with ε = `epsilon` (default 1e-3). Ratio claims use
 * `RATIO_RULE`; orderings must hold at every K = 1..10.
 */
export function complexityClaims(o: { epsilon?: number } = {}): ComplexityClaim[] {
  const epsilon = checkEpsilon('complexityClaims', o.epsilon);
  const M = 4, K = 10, qr = 0.5;
  const at = (method: SlpMethod, robust = false, users = K): number =>
    tableIOps({ method, antennas: M, users, quantRatio: qr, robust, epsilon });
  const ks = Array.from({ length: 10 }, (_, i) => i + 1);
  const opt = at('slp-optimisation'), dnet = at('slp-dnet'), dsqb = at('slp-dsqbnet'), dsqt = at('slp-dsqtnet');
  const dbnet = at('slp-dbnet'), dtnet = at('slp-dtnet');
  const ratioClaim = (id: string, figure: string, paper: string, stated: number, ratio: number, what: string): ComplexityClaim => ({
    id, figure, paper, stated, ratio, rule: RATIO_RULE, holds: withinFactor2(ratio, stated),
    measured: `${what} = ${f2(ratio)}× (K = 10, M = 4, QR = 0.5, ε = ${epsilon})`,
  });
  const gap = (robust: boolean): number[] => ks.map((k) => at('slp-optimisation', robust, k) / at('slp-dnet', robust, k));
  const increasing = (xs: number[]): boolean => xs.every((x, i) => i === 0 || x > xs[i - 1]);
  const ordered = (robust: boolean): boolean => ks.every((k) => {
    const v = (m: SlpMethod): number => at(m, robust, k);
    return v('slp-optimisation') > v('slp-dnet') && v('slp-dnet') > v('slp-dsqtnet') && v('slp-dsqtnet') > v('slp-dsqbnet')
      && v('slp-dsqbnet') > v('slp-dtnet') && v('slp-dtnet') > v('slp-dbnet');
  });
  const subs = qrSubstitutionChecks().filter((c) => c.reading === 'corrected');
  const nonRobustSubs = subs.filter((c) => !c.robust);
  const robustQr1 = subs.filter((c) => c.robust && c.quantRatio === 1);
  const orders = complexityOrderChecks().filter((c) => c.reading === 'corrected');
  const badOrders = orders.filter((c) => !c.agrees);
  const claims: ComplexityClaim[] = [
    ratioClaim('fig8-dnet-10x-below-opt', 'Fig. 8(a), §V-D1', 'the complexity of SLP-DNet is ~10× lower than SLP optimization-based at K = 10', 10, opt / dnet, 'opt / SLP-DNet'),
    ratioClaim('fig8-dsqbnet-20x-below-opt', 'Fig. 8(a), §V-D1', 'SLP-DSQBNet ... ~20× much lower [than SLP optimization-based] due to the presence of binary operations', 20, opt / dsqb, 'opt / SLP-DSQBNet'),
    ratioClaim('fig8-dsqtnet-20x-below-opt', 'Fig. 8(a), §V-D1', 'SLP-DSQTNet ... ~20× much lower [than SLP optimization-based]', 20, opt / dsqt, 'opt / SLP-DSQTNet'),
    {
      ...ratioClaim('abstract-10x-below-dnet', 'Abstract', 'our proposals offer ~20× and ~10× computational complexity reductions compared to SLP optimization-based and SLP-DNet, respectively (read literally: DSQ nets ~10× below SLP-DNet)', 10, dnet / dsqb, 'SLP-DNet / SLP-DSQBNet'),
      measured: `SLP-DNet / SLP-DSQBNet = ${f2(dnet / dsqb)}×, SLP-DNet / SLP-DSQTNet = ${f2(dnet / dsqt)}× (K = 10, M = 4, QR = 0.5); the ~10× of §V-D1 is SLP-DNet vs optimisation (${f2(opt / dnet)}×)`,
      holds: withinFactor2(dnet / dsqb, 10) && withinFactor2(dnet / dsqt, 10),
    },
    {
      id: 'fig8-gap-grows-with-k', figure: 'Fig. 8(a), §V-D1', stated: null, ratio: null,
      paper: 'the gap in the computational cost between SLP-DNet and SLP optimization-based methods increases with the growing number of mobile users',
      measured: `opt / SLP-DNet for K = 1..10: ${gap(false).map(f2).join(', ')}`,
      rule: 'strictly increasing in K (M = 4)', holds: increasing(gap(false)),
    },
    {
      id: 'fig8-fully-quantised-cheapest', figure: 'Fig. 8(a), §V-D1', stated: null, ratio: null,
      paper: 'SLP-DBNet and SLP-DTNet offer an additional computational complexity reduction than SLP-DSQBNet and SLP-DSQTNet',
      measured: `K = 10: DBNet ${Math.round(dbnet)}, DTNet ${Math.round(dtnet)}, DSQBNet ${Math.round(dsqb)}, DSQTNet ${Math.round(dsqt)}`,
      rule: 'DBNet < DSQBNet and DTNet < DSQTNet at every K = 1..10',
      holds: ks.every((k) => at('slp-dbnet', false, k) < at('slp-dsqbnet', false, k) && at('slp-dtnet', false, k) < at('slp-dsqtnet', false, k)),
    },
    {
      id: 'fig8-dtnet-slower-than-dbnet', figure: 'Fig. 8(a), §V-D1', stated: null, ratio: null,
      paper: 'SLP-DTNet is slightly slower than SLP-DBNet, due to the additional \'0\' state',
      measured: `DTNet / DBNet = ${f2(dtnet / dbnet)}× at K = 10 (the formulas make it ~2×, hardly "slightly")`,
      rule: 'DTNet > DBNet at every K = 1..10 (ordering only)',
      holds: ks.every((k) => at('slp-dtnet', false, k) > at('slp-dbnet', false, k)),
    },
    {
      id: 'fig8b-robust-same-trend', figure: 'Fig. 8(b), §V-D1', stated: null, ratio: null,
      paper: 'the same trend is also observed in the case of a robust channel scenario',
      measured: `robust opt / SLP-DNet for K = 1..10: ${gap(true).map(f2).join(', ')}; at K = 10 opt / DSQBNet = ${f2(at('slp-optimisation', true) / at('slp-dsqbnet', true))}×`,
      rule: 'opt > DNet > DSQTNet > DSQBNet > DTNet > DBNet at every K = 1..10 (as non-robust) and opt / DNet increasing in K',
      holds: ordered(false) && ordered(true) && increasing(gap(true)),
    },
    {
      id: 'eq31-32-qr-substitution', figure: '§IV-E, eqs. (31)/(32), Table I', stated: null, ratio: null,
      paper: 'substituting QR = 0 in (31) or (32) gives SLP-DNet; SLP-DBNet and SLP-DTNet are found by substituting QR = 1',
      measured: nonRobustSubs.map((c) => `${c.equation} QR=${c.quantRatio} → ${c.target}: ${c.agrees ? 'equal' : `off by ${c.difference}`}`).join('; '),
      rule: 'symbolic equality of the non-robust rows', holds: nonRobustSubs.every((c) => c.agrees),
    },
    {
      id: 'table1-robust-qr1-substitution', figure: 'Table I (robust rows)', stated: null, ratio: null,
      paper: 'the same substitution for the robust rows (implied: Table I prints robust DSQ rows of the same form)',
      measured: robustQr1.map((c) => `${c.equation} QR=1 → robust ${c.target}: ${c.agrees ? 'equal' : `table − substituted = ${c.difference}`}`).join('; '),
      rule: 'symbolic equality (corrected reading)', holds: robustQr1.every((c) => c.agrees),
    },
    {
      id: 'table1-orders', figure: 'Table I (order column), §IV-E', stated: null, ratio: null,
      paper: 'learning schemes O(n^3); optimisation-based SLP and conventional BLP O(n^6.5); robust conventional BLP O(n^7.5)',
      measured: badOrders.length === 0 ? 'every row grows as printed'
        : `disagree: ${badOrders.map((c) => `${c.robust ? 'robust ' : ''}${c.method} printed n^${c.printed}, formula n^${c.computed}`).join('; ')}`,
      rule: 'log2 f(2n)/f(n) at n = 10^4 (M = K = n, n̄ = 2KM), rounded to 0.5, equals the printed exponent for every row',
      holds: badOrders.length === 0,
    },
  ];
  return claims;
}

// ─── per-layer counts, eqs. (28)–(30) ──────────────────────────────────────────────────────────

/** A layer of one of the paper's (or our) networks, enough to count its operations. */
export type LayerShape =
  | {
    kind: 'conv';
    /** c_in, input channels */
    cIn: number;
    /** c_out, output channels */
    cOut: number;
    /** k_f, square kernel size */
    kernel: number;
    /** N_h, N_w: spatial size of the feature map the kernel slides over (= output size with 'same' padding) */
    height: number;
    width: number;
    /** whether QR applies to this layer's weights (paper: not the last convolution) */
    quantized: boolean;
  }
  | {
    kind: 'dense';
    nIn: number;
    nOut: number;
    quantized: boolean;
  };

/** eq. (28) of SLP-SQ: C_conv = (c_in k_f² + (c_in k_f² − 1) + 1)·c_out·N_w·N_h (= 2 c_in k_f² c_out N_w N_h). */
export function convOps(o: { cIn: number; cOut: number; kernel: number; height: number; width: number }): number {
  const fn = 'convOps';
  const cIn = checkCount(fn, 'cIn', o.cIn), cOut = checkCount(fn, 'cOut', o.cOut), k = checkCount(fn, 'kernel', o.kernel);
  const h = checkCount(fn, 'height', o.height), w = checkCount(fn, 'width', o.width);
  return (cIn * k * k + (cIn * k * k - 1) + 1) * cOut * w * h;
}

/** Operations of a layer or network, split as in (29). */
export interface LayerOps {
  /** binary operations (the QR part of quantised layers) */
  binary: number;
  /** floating-point operations */
  floating: number;
  /** the paper's cost: binary/32 + floating */
  cost: number;
}

/** 'macs': (29)/(30) as printed (one op per conv multiply-accumulate); 'flops': (28) for conv layers. */
export type ConvConvention = 'macs' | 'flops';

function checkLayer(fn: string, layer: LayerShape, i: number): LayerShape {
  const at = `layers[${i}]`;
  if (layer === null || typeof layer !== 'object') throw new Error(`${fn}: ${at} must be a LayerShape; got ${String(layer)}`);
  if (typeof layer.quantized !== 'boolean') throw new Error(`${fn}: ${at}.quantized must be true or false; got ${String(layer.quantized)}`);
  if (layer.kind === 'conv') {
    for (const k of ['cIn', 'cOut', 'kernel', 'height', 'width'] as const) checkCount(fn, `${at}.${k}`, layer[k]);
    return layer;
  }
  if (layer.kind === 'dense') {
    checkCount(fn, `${at}.nIn`, layer.nIn);
    checkCount(fn, `${at}.nOut`, layer.nOut);
    return layer;
  }
  throw new Error(`${fn}: ${at}.kind must be 'conv' or 'dense'; got ${String((layer as { kind: unknown }).kind)}`);
}

function layerCount(layer: LayerShape, convention: ConvConvention): number {
  if (layer.kind === 'dense') return (2 * layer.nIn + 1) * layer.nOut; // FC term of (30)
  if (convention === 'flops') return convOps(layer); // (28)
  return layer.height * layer.width * layer.cIn * layer.kernel ** 2 * layer.cOut; // (29)/(30)
}

/**
 * One layer's operations: n from (29)/(30) (conv: N_h N_w c_in f² c_out; dense: (2N_in + 1)N_out);
 * a quantised layer has QR·n binary and (1 − QR)·n floating operations, others n floating.
 */
export function layerOps(o: { layer: LayerShape; quantRatio: number; convention?: ConvConvention }): LayerOps {
  const qr = checkQuantRatio('layerOps', o.quantRatio);
  const layer = checkLayer('layerOps', o.layer, 0);
  const n = layerCount(layer, o.convention ?? 'macs');
  const binary = layer.quantized ? qr * n : 0;
  const floating = n - binary;
  return { binary, floating, cost: binary / 32 + floating };
}

function sumLayers(fn: string, layers: readonly LayerShape[], quantRatio: number, convention?: ConvConvention): LayerOps {
  if (!Array.isArray(layers)) throw new Error(`${fn}: layers must be an array of LayerShape`);
  const qr = checkQuantRatio(fn, quantRatio);
  return layers
    .map((l, i) => layerOps({ layer: checkLayer(fn, l, i), quantRatio: qr, convention }))
    .reduce((a, x) => ({ binary: a.binary + x.binary, floating: a.floating + x.floating, cost: a.cost + x.cost }), { binary: 0, floating: 0, cost: 0 });
}

/**
 * eq. (29) of SLP-SQ: C_PUM = (1/32)·Σ_l N_h N_w c_in f² c_out·QR + Σ_l N_h N_w c_in f² c_out·(1 − QR)
 * over the quantised layers (non-quantised layers count fully floating; dense layers use the FC term of (30)).
 */
export function pumOps(o: { layers: readonly LayerShape[]; quantRatio: number; convention?: ConvConvention }): LayerOps {
  return sumLayers('pumOps', o.layers, o.quantRatio, o.convention);
}

/**
 * The log-barrier count of §IV-E: 4M²K + 2MK + K (SLP-DNet), 8M²K + 4MK + 6K (robust SLP-DNet).
 */
export function logBarrierOps(o: SlpSize & { robust?: boolean }): number {
  const { antennas: M, users: K } = checkSize('logBarrierOps', o);
  return o.robust ? 8 * M * M * K + 4 * M * K + 6 * K : 4 * M * M * K + 2 * M * K + K;
}

/**
 * eq. (30) of SLP-SQ: C_APM = Σ_conv N_h N_w c_in f² c_out + Σ_fc (2N_in + 1)N_out + C_log-barrier.
 * (30) has no QR; layers marked `quantized` are split as in (29) with `quantRatio` (default 0).
 * The log-barrier term is added when `logBarrier` (the size, robust or not) is given; it is floating.
 */
export function apmOps(o: {
  layers: readonly LayerShape[];
  quantRatio?: number;
  logBarrier?: SlpSize & { robust?: boolean };
  convention?: ConvConvention;
}): LayerOps {
  const s = sumLayers('apmOps', o.layers, o.quantRatio ?? 0, o.convention);
  const lb = o.logBarrier ? logBarrierOps(o.logBarrier) : 0;
  return { binary: s.binary, floating: s.floating + lb, cost: s.cost + lb };
}
