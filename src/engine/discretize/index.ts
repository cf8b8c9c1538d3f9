/** Flow discretizers (semantics.md §2.2). */
export * from './discretizer.js';
