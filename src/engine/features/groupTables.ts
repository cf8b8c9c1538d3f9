/**
 * Reusable group-by tables for one window at a time: dense group ids for integer keys, with no
 * per-flow objects and no clearing between windows (slots are stamped with a generation number,
 * so starting a new window is O(1)).
 */

function nextPow2(n: number): number {
  let c = 16;
  while (c < n) c *= 2;
  return c;
}

/** Groups for a key that is a small non-negative integer (dictionary code, port): direct indexing. */
export class DirectGroups {
  /** Hot loops may inline `add` by reading these after `reset` (see WindowAggregator). */
  gens: Int32Array;
  ids: Int32Array;
  gen = 0;
  /** Number of groups in the current window. */
  size = 0;
  /** Whether the last `add` created its group. */
  isNew = false;
  /** Whether some row of the last `groupIds` pass had no key (groupPasses.ts). */
  missing = false;

  constructor(keySpace = 1024) {
    this.gens = new Int32Array(keySpace);
    this.ids = new Int32Array(keySpace);
  }

  /** Starts a new window whose keys are all `< keySpace`. */
  reset(keySpace: number): void {
    if (keySpace > this.gens.length) {
      const cap = nextPow2(keySpace);
      this.gens = new Int32Array(cap);
      this.ids = new Int32Array(cap);
      this.gen = 0;
    }
    this.gen++;
    if (this.gen === 0x7fffffff) {
      this.gens.fill(0);
      this.gen = 1;
    }
    this.size = 0;
  }

  /** The group id of `key` (0, 1, … in order of first appearance in the window). */
  add(key: number): number {
    if (this.gens[key] === this.gen) {
      this.isNew = false;
      return this.ids[key]!;
    }
    this.gens[key] = this.gen;
    this.isNew = true;
    const id = this.size++;
    this.ids[key] = id;
    return id;
  }
}

/** Mixes integer key parts into a well-spread 32-bit hash. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}

/**
 * Groups for a key of up to four int32 parts (a pair of addresses, a 5-tuple packed into four
 * parts, …): open addressing with linear probing, sized per window to at least twice its rows.
 */
export class TupleGroups {
  private gens: Int32Array;
  private ka: Int32Array;
  private kb: Int32Array;
  private kc: Int32Array;
  private kd: Int32Array;
  private ids: Int32Array;
  private gen = 0;
  private mask = 15;
  size = 0;
  isNew = false;

  constructor(capacity = 1024) {
    const cap = nextPow2(capacity);
    this.gens = new Int32Array(cap);
    this.ka = new Int32Array(cap);
    this.kb = new Int32Array(cap);
    this.kc = new Int32Array(cap);
    this.kd = new Int32Array(cap);
    this.ids = new Int32Array(cap);
  }

  /** Starts a new window of at most `maxGroups` groups. */
  reset(maxGroups: number): void {
    const cap = nextPow2(2 * maxGroups);
    if (cap > this.gens.length) {
      this.gens = new Int32Array(cap);
      this.ka = new Int32Array(cap);
      this.kb = new Int32Array(cap);
      this.kc = new Int32Array(cap);
      this.kd = new Int32Array(cap);
      this.ids = new Int32Array(cap);
      this.gen = 0;
    }
    this.mask = cap - 1;
    this.gen++;
    if (this.gen === 0x7fffffff) {
      this.gens.fill(0);
      this.gen = 1;
    }
    this.size = 0;
  }

  /** `add` for a two-part key (the other parts stay 0); an instance should use one arity. */
  add2(a: number, b: number): number {
    const mask = this.mask;
    const gens = this.gens;
    const gen = this.gen;
    const ka = this.ka;
    const kb = this.kb;
    let h = mix(Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) & mask;
    for (;;) {
      if (gens[h] !== gen) {
        gens[h] = gen;
        ka[h] = a;
        kb[h] = b;
        const id = this.size++;
        this.ids[h] = id;
        this.isNew = true;
        return id;
      }
      if (ka[h] === a && kb[h] === b) {
        this.isNew = false;
        return this.ids[h]!;
      }
      h = (h + 1) & mask;
    }
  }

  add(a: number, b: number, c: number, d: number): number {
    const mask = this.mask;
    const gens = this.gens;
    const gen = this.gen;
    let h = mix(Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d) ^ Math.imul(d, 0x27d4eb2f)) & mask;
    for (;;) {
      if (gens[h] !== gen) {
        gens[h] = gen;
        this.ka[h] = a;
        this.kb[h] = b;
        this.kc[h] = c;
        this.kd[h] = d;
        const id = this.size++;
        this.ids[h] = id;
        this.isNew = true;
        return id;
      }
      if (this.ka[h] === a && this.kb[h] === b && this.kc[h] === c && this.kd[h] === d) {
        this.isNew = false;
        return this.ids[h]!;
      }
      h = (h + 1) & mask;
    }
  }
}
