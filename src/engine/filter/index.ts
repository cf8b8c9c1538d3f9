export { CompiledFilter, filterTable } from './flowFilter.js';
export { gatherRows } from './gather.js';
