/**
 * The first or last `k` rows of a stable time order, without sorting every row: a panel showing
 * the newest 1 000 of 12 M flows sorted all 12 M when the files were not in time order (1.2 s
 * during which the server answered nothing else). A heap of the k best rows by (time, row) keeps
 * the cost near one comparison per row; only the k kept are sorted.
 */

/**
 * Row indices of the `k` earliest rows in time order (ties in row order), or with `newest` the
 * `k` latest, newest first (ties in reverse row order): exactly the two ends of a stable sort by
 * time. Every row when `k >= length`.
 */
export function timeEnds(ts: Float64Array, length: number, k: number, newest: boolean): Int32Array {
  const n = Math.max(0, Math.min(k, length));
  // for the newest, the heap's root is the smallest kept (time, row); else the largest
  const sign = newest ? 1 : -1;
  /** Whether row a comes before row b in the heap's order (a is the worse one to keep). */
  const before = (a: number, b: number): boolean => {
    const d = (ts[a]! - ts[b]!) * sign;
    return d < 0 || (d === 0 && (a - b) * sign < 0);
  };
  const heap = new Int32Array(n);
  let size = 0;
  const down = (at: number): void => {
    for (;;) {
      const l = 2 * at + 1;
      if (l >= size) return;
      const r = l + 1;
      const c = r < size && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, heap[at]!)) return;
      const t = heap[c]!;
      heap[c] = heap[at]!;
      heap[at] = t;
      at = c;
    }
  };
  for (let i = 0; i < length && n > 0; i++) {
    if (size < n) {
      let at = size++;
      heap[at] = i;
      while (at > 0) {
        const p = (at - 1) >> 1;
        if (!before(heap[at]!, heap[p]!)) break;
        const t = heap[p]!;
        heap[p] = heap[at]!;
        heap[at] = t;
        at = p;
      }
    } else if (before(heap[0]!, i)) {
      heap[0] = i;
      down(0);
    }
  }
  // best first: the reverse of the heap's order
  return heap.sort((a, b) => (before(a, b) ? 1 : before(b, a) ? -1 : 0));
}
