/** Low-bit quantisation of SLP-SQ: BWN/TWN weights, stochastic row quantisation, k-bit activations. */
export * from './weights';
export * from './stochastic';
export * from './activation';
