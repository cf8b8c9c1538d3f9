/** Gaussian hidden Markov model, hmmlearn 0.3.3-exact (see semantics.md §2.4). */
export * from './types.js';
export { fit, fitSteps, initParams, initParamsSteps, type FitOptions, type FitResult, type InitOptions } from './fit.js';
export { PreparedHmm } from './model.js';
export { kmeans, kmeansSteps, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { CovarianceError } from './emission.js';
export { accumulate, type SufficientStats } from './estep.js';
export { mstep } from './mstep.js';
