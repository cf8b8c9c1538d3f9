/** Host scores against a profile, the seed's verdict and per-bucket series (semantics.md §2.5). */
export { scoreHosts, scoreHostsSteps, compareScores, type HostScore, type ScoreOptions } from './hostScores.js';
export { scoreHostSeries, scoreHostSeriesSteps, type HostSeries, type SeriesOptions } from './series.js';
export { verdictOf, type Verdict } from './verdict.js';
