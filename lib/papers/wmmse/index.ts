/** Deep unfolding of the WMMSE beamforming algorithm (Pellaco, Bengtsson, Jaldén): the notebook's room. */
export * from './system';
export * from './wmmse';
export * from './unfolded';
export * from './training';
export * from './presets';
export * from './experiments';
export * from './claims';
export * from './saved';
export * from './analysis';
