/**
 * Types for `quadprog` (npm, MIT): the Goldfarb–Idnani dual active-set method, a port of R's
 * quadprog. It solves min −dᵀb + ½ bᵀ D b subject to Aᵀ b ≥ b0, the first `meq` constraints as
 * equalities. Arrays are 1-based as in Fortran: index 0 is unused; `Dmat[i][j]`, `Amat[i][j]` is
 * row i (variable), column j (constraint).
 */
declare module 'quadprog' {
  export interface QpResult {
    /** the minimiser, 1-based */
    solution: number[];
    /** the objective value −dᵀb + ½ bᵀDb at the minimiser */
    value: number[];
    unconstrained_solution: number[];
    /** [iterations, constraints dropped from the active set] */
    iterations: number[];
    /** active constraint indices (1-based), 0-padded */
    iact: number[];
    /** Lagrange multipliers of every constraint, 1-based */
    Lagrangian: number[];
    /** "" when solved, otherwise e.g. "constraints are inconsistent, no solution!" */
    message: string;
  }
  export function solveQP(Dmat: number[][], dvec: number[], Amat: number[][], bvec: number[], meq?: number, factorized?: number[]): QpResult;
}
