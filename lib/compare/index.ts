/** The side-by-side room (issue 21): tables across the five papers, read from their committed runs. */
export * from './trace';
export * from './field';
export * from './runs';
export * from './steps';
export * from './throughput';
export * from './lowRes';
export * from './lowResReport';
export * from './generalisation';
export * from './blockBer';
