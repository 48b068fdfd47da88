/** Layer functions over a `ParamSet`: dense, 1-D/2-D convolution, bipartite message passing; 2-D pooling (no parameters). */
export { sequential } from './layer';
export type { Layer } from './layer';
export * from './activation';
export * from './dense';
export { linear, leakyRelu } from './linear';
export * from './conv';
export * from './pool';
export * from './messagePassing';
export * from './batchNorm';
export * from './prelu';
