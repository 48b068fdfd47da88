/**
 * Claims as data: each statement a paper makes about its figures becomes one row
 * `{ id, figure, paper, measured, rule, holds }`, decided on our own measurements. Papers build their
 * rows with the rules of `./stats`; notebooks render them with `claimRows` (a table) and
 * `claimsSummary` (markdown); tests look claims up by `id`.
 */

export interface Claim {
  /** stable identifier, e.g. "fig2-early-ge" (tests and saved runs refer to it) */
  id: string;
  /** where in the paper, e.g. "Fig. 2 (10 dB)" */
  figure: string;
  /** the paper's statement, paraphrased closely */
  paper: string;
  /** what we measured, e.g. "L=1: +0.545 ± 0.004; L=2: …" */
  measured: string;
  /** how `holds` was decided, e.g. "paired difference > 2 s.e. at every L" */
  rule: string;
  holds: boolean;
}

/** Check a list of claims: ids unique and non-empty, texts present. Returns it. */
export function checkClaims(claims: Claim[]): Claim[] {
  const seen = new Set<string>();
  for (const c of claims) {
    if (!c.id || seen.has(c.id)) throw new Error(`claims: id "${c.id}" is empty or used twice`);
    seen.add(c.id);
    for (const k of ['figure', 'paper', 'measured', 'rule'] as const) {
      if (typeof c[k] !== 'string' || c[k] === '') throw new Error(`claim ${c.id}: ${k} must be a non-empty string`);
    }
    if (typeof c.holds !== 'boolean') throw new Error(`claim ${c.id}: holds must be true or false`);
  }
  return claims;
}

/** The claim with this id; an error naming the ids there are when it is absent. */
export function findClaim(claims: Claim[], id: string): Claim {
  const c = claims.find((x) => x.id === id);
  if (!c) throw new Error(`no claim "${id}"; there are: ${claims.map((x) => x.id).join(', ')}`);
  return c;
}

/** Rows for a table: figure, the paper's words, what we measured, the rule, and "yes"/"NO". */
export function claimRows(claims: Claim[]): Record<string, string>[] {
  return claims.map((c) => ({ figure: c.figure, 'paper says': c.paper, 'we measured': c.measured, rule: c.rule, holds: c.holds ? 'yes' : 'NO' }));
}

/** "**13 of 14 claims hold** …" followed by the claims that do not, as markdown lines. */
export function claimsSummary(claims: Claim[], context: string): string {
  const failed = claims.filter((c) => !c.holds);
  return [
    `**${claims.length - failed.length} of ${claims.length} claims hold** ${context}.`,
    ...(failed.length ? ['Claims that do not hold here:', ...failed.map((c) => `* ${c.figure}: *${c.paper}* — we measured ${c.measured}.`)] : []),
  ].join('\n');
}
