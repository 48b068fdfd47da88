/** NNO-C2PO (Balatsoukas-Stimming et al.): neural-network optimised 1-bit precoding, the notebook's room. */
export * from './system';
export * from './c2po';
export * from './unfolded';
export * from './training';
export * from './presets';
export * from './channels';
export * from './evaluate';
export * from './experiments';
export * from './analysis';
export * from './claims';
export * from './saved';
export * from './report';
