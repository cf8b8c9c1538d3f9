/** HMM host profiles: training, the JSON form, host grouping (semantics.md §2). */
export * from './types.js';
export { trainProfile, trainProfileSteps, specRange, hostSlot, hostWindows, type TrainOptions, type InitialParams } from './train.js';
export { profileToJSON, profileFromJSON } from './json.js';
export { groupBySource, hostRows, timeOrder, type HostFlows, type TimeRange } from './hostFlows.js';
