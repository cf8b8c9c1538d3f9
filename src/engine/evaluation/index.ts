/** Scores against ground truth: confusion counts, ROC AUC, per-bucket separation. */
export * from './evaluate.js';
