/** The experiment kit: what every paper module needs to run, save, re-check and judge experiments. */
export * from './stats';
export * from './claims';
export * from './schema';
export * from './savedRun';
export * from './paths';
export * from './testSets';
