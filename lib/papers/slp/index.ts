/** SLP-SQ (Mohammad, Masouros, Andreopoulos): symbol-level precoding with quantised NN weights, the notebook's room. */
export * from './problem';
export * from './solver';
export * from './blp';
export * from './network';
export * from './data';
export * from './training';
export * from './evaluate';
export * from './presets';
export * from './nets';
export * from './experiments';
export * from './complexity';
export * from './memory';
export * from './results';
export * from './claims';
export * from './saved';
export * from './report';
