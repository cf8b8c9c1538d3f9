/**
 * Trained and imported profiles of one data source. A profile is found by an id: the hash of what
 * determines it (spec, training range, a fingerprint of the training flows) for trained ones, the
 * hash of the document for imported ones. Training the same spec on the same data happens once.
 */
import { createHash } from 'node:crypto';
import type { FlowTable } from '../engine/flowTable.js';
import { profileFromJSON, profileToJSON, ProfileError, specRange, trainProfileSteps, type Profile } from '../engine/profile/index.js';
import type { ProfileSpec } from '../query/index.js';
import { withProfileDefaults } from '../query/index.js';
import { badRequest, notFound, PluginError, throwIfAborted } from './grafana/errors.js';
import { runInSlices } from './grafana/timeSlices.js';
import type { CallContext, TimeRange } from './grafana/types.js';
import type { FlowlensInstance } from './instance.js';
import { checkHosts, readHostFlows } from './queries/common.js';

/**
 * No reference host sent a flow in the training range: nothing to train on. A 400 like any
 * training problem, but its own class so a score query over the panel's range can answer "no
 * data" instead (a quiet bot is not an error for an alert rule).
 */
export class QuietReferenceError extends PluginError {}

/** Profiles trained for queries (a spec without its own range trains on each new query range). */
const MAX_TRAINED_FOR_QUERIES = 64;
/**
 * Profiles a user imported or trained on purpose (the resource routes): kept apart, so a panel or
 * an alert that retrains on every new range cannot push them out.
 */
const MAX_KEPT = 256;
/**
 * Memory for each kind of profile, by the size of their JSON: a count alone let 256 imports of
 * 16 MB documents (vocabularies of a million values) hold gigabytes.
 */
const MAX_PROFILE_BYTES = 256 * 2 ** 20;

/** A map that forgets its least recently used entries past `max` entries or `maxWeight` in all. */
class Lru<V> {
  private readonly items = new Map<string, { v: V; weight: number }>();
  private weight = 0;
  constructor(
    private readonly max: number,
    private readonly maxWeight = Infinity,
  ) {}
  get(id: string): V | undefined {
    const e = this.items.get(id);
    if (e !== undefined) {
      this.items.delete(id);
      this.items.set(id, e);
    }
    return e?.v;
  }
  set(id: string, v: V, weight = 0): void {
    this.delete(id);
    this.items.set(id, { v, weight });
    this.weight += weight;
    for (const old of this.items.keys()) {
      if ((this.items.size <= this.max && this.weight <= this.maxWeight) || old === id) break;
      this.delete(old);
    }
  }
  private delete(id: string): void {
    const e = this.items.get(id);
    if (e === undefined) return;
    this.weight -= e.weight;
    this.items.delete(id);
  }
  has(id: string): boolean {
    return this.items.has(id);
  }
  get size(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
    this.weight = 0;
  }
}

/** About what a profile holds in memory: its parameters and vocabularies, as their JSON's length. */
function profileBytes(p: Profile): number {
  return JSON.stringify(profileToJSON(p)).length * 2;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 20);
}

/** Whether any of `hosts` is the source of a flow in `t` (stores that cannot select sources give every flow). */
function sendsAny(t: FlowTable, hosts: readonly string[]): boolean {
  const codes = new Set<number>();
  for (const h of hosts) {
    const c = t.dicts.ip.lookup(h.trim().toLowerCase());
    if (c !== undefined) codes.add(c);
  }
  if (codes.size === 0) return false;
  for (let i = 0; i < t.length; i++) if (codes.has(t.srcIp[i]!)) return true;
  return false;
}

/**
 * Reference hosts that sent some flows but fewer than a window: training leaves them out (a window
 * never spans two hosts) while their flows still shape the bins. Said to whoever reads the profile.
 */
function shortReferenceHosts(t: FlowTable, hosts: readonly string[], window: number): string[] {
  const counts = new Map<number, number>();
  for (const h of hosts) {
    const c = t.dicts.ip.lookup(h.trim().toLowerCase());
    if (c !== undefined) counts.set(c, 0);
  }
  for (let i = 0; i < t.length; i++) {
    const n = counts.get(t.srcIp[i]!);
    if (n !== undefined) counts.set(t.srcIp[i]!, n + 1);
  }
  const short = [...counts].filter(([, n]) => n > 0 && n < window).map(([c, n]) => `${t.dicts.ip.value(c)} (${n} flow${n === 1 ? '' : 's'})`);
  if (short.length === 0) return [];
  return [`Reference host${short.length === 1 ? '' : 's'} ${short.join(', ')} gave no window (fewer flows than the window of ${window}) and ${short.length === 1 ? 'is' : 'are'} not in the model; ${short.length === 1 ? 'its' : 'their'} flows still shape the bins.`];
}

/** Cheap identity of a training table: enough to notice that the flows changed. */
function fingerprint(t: FlowTable): unknown {
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += t.ts[i]!;
  return [t.length, sum, t.dicts.ip.size];
}

export class ProfileRegistry {
  private readonly kept = new Lru<Profile>(MAX_KEPT, MAX_PROFILE_BYTES);
  private readonly trained = new Lru<Profile>(MAX_TRAINED_FOR_QUERIES, MAX_PROFILE_BYTES);

  get(id: string): Profile {
    const p = this.kept.get(id) ?? this.trained.get(id);
    if (!p) throw notFound(`No profile ${id} on this data source: train it (POST /profiles/train) or import it (POST /profiles/import) first. Profiles are kept in memory until the plugin restarts.`);
    return p;
  }

  /** Keeps a profile: `kept` for one a user imported or trained on purpose, else one trained for a query. */
  put(id: string, p: Profile, kept = false): void {
    if (kept) this.kept.set(id, p, profileBytes(p));
    else if (!this.kept.has(id)) this.trained.set(id, p, profileBytes(p));
  }

  get size(): number {
    return this.kept.size + this.trained.size;
  }

  has(id: string): boolean {
    return this.kept.has(id) || this.trained.has(id);
  }

  /** Validates a profile document (400 with every problem) and keeps it. */
  import(doc: unknown): { id: string; profile: Profile } {
    let profile: Profile;
    try {
      profile = profileFromJSON(doc);
    } catch (err) {
      if (err instanceof ProfileError) throw badRequest(`The profile is not valid: ${err.message}.`);
      throw err;
    }
    const id = `imp-${hashOf(profileToJSON(profile))}`;
    this.put(id, profile, true);
    return { id, profile };
  }

  clear(): void {
    this.kept.clear();
    this.trained.clear();
  }
}

/** The training range: the spec's own `from`/`to` where given, the query's range otherwise. */
export function trainingRange(spec: ProfileSpec, queryRange: TimeRange): TimeRange {
  const r = specRange(spec);
  return { fromMs: r.from !== undefined ? r.from * 1000 : queryRange.fromMs, toMs: r.to !== undefined ? r.to * 1000 : queryRange.toMs };
}

/**
 * The profile a query asks for: an imported/trained one by id, or the spec trained on the
 * reference flows of its training range (cached by spec, range and data).
 */
export async function resolveProfile(
  instance: FlowlensInstance,
  ref: { profile: ProfileSpec; profileId?: string },
  queryRange: TimeRange,
  ctx: CallContext,
  keep = false,
): Promise<{ id: string; profile: Profile; notes: string[] }> {
  if (ref.profileId) return { id: ref.profileId, profile: instance.profiles.get(ref.profileId), notes: [] };
  const spec = withProfileDefaults(ref.profile);
  const range = trainingRange(spec, queryRange);
  let table: FlowTable;
  try {
    const hosts = [...new Set(spec.hosts.map((h) => h.trim().toLowerCase()))];
    checkHosts(instance, hosts.length, true);
    ({ table } = await readHostFlows(instance, range, {}, hosts, ctx));
  } catch (err) {
    // a range the spec gives is not the panel's: say which range the message is about
    const own = (spec.from ?? '') !== '' || (spec.to ?? '') !== '';
    if (own && err instanceof PluginError && err.status < 500) {
      throw new PluginError(`The profile's training range (profile.from, profile.to): ${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`, err.status, err.source, { cause: err });
    }
    throw err;
  }
  // the range as numbers: '…00Z', '…00.000Z' and epoch seconds are one training, one id
  const { from: _from, to: _to, ...rest } = spec;
  if (!sendsAny(table, spec.hosts)) {
    throw new QuietReferenceError(`The profile cannot be trained: ${spec.hosts.map((h) => `reference host ${h} has no flows as source in the training range`).join('; ')}.`, 400, 'plugin');
  }
  const id = `spec-${hashOf([rest, range, fingerprint(table)])}`;
  const notes = shortReferenceHosts(table, spec.hosts, spec.window);
  if (instance.profiles.has(id)) {
    const found = instance.profiles.get(id);
    if (keep) instance.profiles.put(id, found, true);
    return { id, profile: found, notes };
  }
  throwIfAborted(ctx.signal);
  let profile: Profile;
  try {
    profile = await runInSlices(trainProfileSteps(table, spec), ctx.signal);
  } catch (err) {
    if (err instanceof ProfileError) throw badRequest(`The profile cannot be trained: ${err.message}.`);
    throw err;
  }
  instance.profiles.put(id, profile, keep);
  ctx.logger.info('Profile trained', { id, windows: profile.training.windows, flows: profile.training.flows });
  return { id, profile, notes };
}
