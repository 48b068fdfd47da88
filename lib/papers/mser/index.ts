/** MSER hybrid beamforming (Shi, Cai, Hu, Champagne, Hanzo): the room of its notebook (in progress, issue 20). */
export * from './system';
export * from './symbols';
export * from './transceiver';
export * from './kde';
export * from './gradients';
export * from './gd';
export * from './init';
export * from './evaluate';
export * from './unfolded';
export * from './training';
export * from './mmse';
export * from './tune';
export * from './paperTables';
export * from './calibration';
export * from './baselines';
