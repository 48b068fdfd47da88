export * from './core/backend';
export { Rng } from './core/random';
export * as complex from './core/complex';
