/** NNO-C2PO (Balatsoukas-Stimming et al.): neural-network optimised 1-bit precoding, the notebook's room. */
export * from './system';
export * from './c2po';
export * from './unfolded';
export * from './training';
export * from './presets';
