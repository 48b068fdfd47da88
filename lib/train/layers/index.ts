/** Layer functions over a `ParamSet`: dense, 1-D/2-D convolution, bipartite message passing. */
export { sequential } from './layer';
export type { Layer } from './layer';
export * from './activation';
export * from './dense';
export { linear, leakyRelu } from './linear';
export * from './conv';
export * from './messagePassing';
export * from './batchNorm';
export * from './prelu';
