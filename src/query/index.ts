/** The shared query and settings model: one import for the editor, the backend and the CLI. */
export * from './types.js';
export * from './defaults.js';
export * from './validate.js';
export * from './migrate.js';
export * from './filter.js';
export * from './profileSpec.js';
export * from './settings.js';
export * from './featureCatalog.js';
export * from './ip.js';
