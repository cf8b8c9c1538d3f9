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
import { badRequest, notFound, throwIfAborted } from './grafana/errors.js';
import { runInSlices } from './grafana/timeSlices.js';
import type { CallContext, TimeRange } from './grafana/types.js';
import type { FlowlensInstance } from './instance.js';
import { readHostFlows } from './queries/common.js';

const MAX_PROFILES = 64;

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 20);
}

/** Cheap identity of a training table: enough to notice that the flows changed. */
function fingerprint(t: FlowTable): unknown {
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += t.ts[i]!;
  return [t.length, sum, t.dicts.ip.size];
}

export class ProfileRegistry {
  private readonly byId = new Map<string, Profile>();

  get(id: string): Profile {
    const p = this.byId.get(id);
    if (!p) throw notFound(`No profile ${id} on this data source: train it (POST /profiles/train) or import it (POST /profiles/import) first. Profiles are kept in memory until the plugin restarts.`);
    this.byId.delete(id);
    this.byId.set(id, p);
    return p;
  }

  put(id: string, p: Profile): void {
    this.byId.delete(id);
    this.byId.set(id, p);
    while (this.byId.size > MAX_PROFILES) this.byId.delete(this.byId.keys().next().value!);
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
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
    this.put(id, profile);
    return { id, profile };
  }

  clear(): void {
    this.byId.clear();
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
): Promise<{ id: string; profile: Profile }> {
  if (ref.profileId) return { id: ref.profileId, profile: instance.profiles.get(ref.profileId) };
  const spec = withProfileDefaults(ref.profile);
  const range = trainingRange(spec, queryRange);
  const { table } = await readHostFlows(instance, range, {}, spec.hosts.map((h) => h.trim().toLowerCase()), ctx);
  const id = `spec-${hashOf([spec, range, fingerprint(table)])}`;
  if (instance.profiles.has(id)) return { id, profile: instance.profiles.get(id) };
  throwIfAborted(ctx.signal);
  let profile: Profile;
  try {
    profile = await runInSlices(trainProfileSteps(table, spec), ctx.signal);
  } catch (err) {
    if (err instanceof ProfileError) throw badRequest(`The profile cannot be trained: ${err.message}.`);
    throw err;
  }
  instance.profiles.put(id, profile);
  ctx.logger.info('Profile trained', { id, windows: profile.training.windows, flows: profile.training.flows });
  return { id, profile };
}
