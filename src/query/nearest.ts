/** The closest of a few known words to a mistyped one, for "did you mean" in messages. */

/** Levenshtein distance: inserts, deletes and substitutions of one character each cost 1. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known word nearest to `word` (case and `_`/`-` ignored; a known word it starts with, or
 * that starts with it, counts as one edit), or null when none is within `maxEdits`: a
 * suggestion far from what was typed would mislead.
 */
export function nearest(word: string, known: readonly string[], maxEdits = 3): string | null {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | null = null;
  let bestDistance = maxEdits + 1;
  const w = norm(word);
  for (const k of known) {
    const n = norm(k);
    // a known word with something added (window_size, num_entries_total) is as near as a typo
    const d = n.length >= 4 && (w.startsWith(n) || n.startsWith(w)) ? 1 : editDistance(w, n);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
