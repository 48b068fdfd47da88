/** GNN quantised precoding (Feys, Van der Perre, Rottenberg): learning to quantise and precode, the notebook's room. */
export * from './model';
export * from './precoder';
export * from './system';
export * from './loss';
export * from './training';
export * from './evaluate';
export * from './presets';
export * from './experiments';
export * from './complexity';
export * from './power';
export * from './nets';
export * from './figures';
export * from './results';
export * from './claims';
export * from './saved';
export * from './report';
