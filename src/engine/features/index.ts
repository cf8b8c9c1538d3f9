/** Batch features over tumbling windows: aggregate rows per window, then compute named features. */
export type { WindowAggregate, RowsPerKey, DistinctPerKey, MultisetKey, SeedState, WindowsRequest } from './windowAggregate.js';
export { aggregateWindows, aggregateWindowsSteps, emptyAggregate, WindowAggregator, type AggregateOptions } from './aggregate.js';
export { computeFeatures, computeFeaturesSteps, featureValues, FeaturePlan, unknownFeatures, type FeatureColumns } from './compute.js';
export { WindowStream, type WindowStreamOptions } from './windowStream.js';
export { bucketByWindow, windowNumber } from './windowIndex.js';
export { featureFrame, featureFrameSteps, fillEmptyWindows, fillEmptyWindowsSteps, keepMask, type FeatureFrameOptions } from './pipeline.js';
