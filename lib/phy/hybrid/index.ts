/**
 * Hybrid analog/digital beamforming baselines, float64 JavaScript on `ComplexBatchF64`:
 * OMP spatially sparse precoding and MMSE combining (El Ayach et al., IEEE TWC 2014, Algorithms 1–2)
 * and MO-AltMin (Yu et al., IEEE JSTSP 2016: alternating least squares and Riemannian conjugate
 * gradient on the complex circle manifold). Shapes: F_opt [batch, N_t, N_s], F_RF [batch, N_t, R_t],
 * F_BB [batch, R_t, N_s]; combiners W_RF [batch, N_r, R_r], W_BB [batch, R_r, N_s].
 */
export { ompHybrid, ompCombiner, steeringDictionary } from './omp';
export type { OmpOptions, OmpResult, OmpCombinerOptions, OmpCombinerResult, SteeringDictionaryOptions } from './omp';
export { altMinManifold } from './altMin';
export type { AltMinOptions, AltMinResult } from './altMin';
