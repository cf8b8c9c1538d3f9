/**
 * `hostScores`: how well a profile explains each host. Time-series output is one frame per host
 * (dataplane timeseries-multi: time + `score` with labels {host}), the shape alert rules evaluate
 * per host; table output is one frame with host, score, windows, flows, verdict.
 */
import { missingProfileColumn } from '../../engine/discretize/index.js';
import { compareScores, scoreHostsSteps, scoreHostSeriesSteps, type HostScore } from '../../engine/scoring/index.js';
import type { HostScoresQuery } from '../../query/index.js';
import { badRequest, throwIfAborted } from '../grafana/errors.js';
import { float64Field, int64Field, secondsToNanos, stringField, timeField, type Frame, type Notice } from '../grafana/frame.js';
import { runInSlices } from '../grafana/timeSlices.js';
import type { CallContext, DataQuery } from '../grafana/types.js';
import type { FlowlensInstance } from '../instance.js';
import { QuietReferenceError, resolveProfile } from '../profiles.js';
import { checkHosts, compileFilter, countSources, rangeSeconds, readHostFlows } from './common.js';

const TIMESERIES_META = { type: 'timeseries-multi', typeVersion: [0, 1] } as const;

export function scoresTable(scores: readonly HostScore[], notices: Notice[]): Frame {
  const valid = Uint8Array.from(scores, (s) => (s.score === null ? 0 : 1));
  return {
    name: 'host scores',
    meta: { type: 'table', ...(notices.length ? { notices } : {}) },
    fields: [
      stringField('host', scores.map((s) => s.host)),
      float64Field('score', Float64Array.from(scores, (s) => s.score ?? 0), { nullable: true, valid }),
      int64Field('windows', BigInt64Array.from(scores, (s) => BigInt(s.windows))),
      int64Field('flows', BigInt64Array.from(scores, (s) => BigInt(s.flows))),
      stringField('verdict', scores.map((s) => s.verdict), { nullable: true }),
    ],
  };
}

/** Bucket width in seconds: the query's, else the panel interval rounded to whole seconds (at least 1 s; 60 s without one). */
export function bucketSeconds(q: HostScoresQuery, dq: DataQuery): number {
  if (q.bucketSeconds > 0) return q.bucketSeconds;
  return dq.intervalMS > 0 ? Math.max(1, Math.round(dq.intervalMS / 1000)) : 60;
}

/**
 * Bucket starts, the first one moved up to the panel's start when its bucket began before it:
 * only flows in the range were scored, and a point left of the axis is not drawn (a bucket as
 * long as the range would show an empty panel).
 */
export function startsInRange(starts: Float64Array, from: number): Float64Array {
  if (starts.length === 0 || starts[0]! >= from) return starts;
  // only the first can: every flow scored is in the range, so later buckets start after `from`
  const out = Float64Array.from(starts);
  out[0] = from;
  return out;
}

export async function hostScoresQuery(q: HostScoresQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext, fromAlert = false): Promise<Frame[]> {
  compileFilter(q.filter);
  const variable = q.hosts.find((h) => h.includes('$'));
  if (variable !== undefined) {
    throw badRequest(`'${variable}' is a dashboard variable, which alert rules and other queries run by the server do not replace: list the host addresses in the query.`);
  }
  // one series per host: the same host twice (or in two spellings) gave two series with the same
  // {host} labels, which ngalert refuses, putting the whole rule in Error
  const hosts = q.hosts.length ? [...new Set(q.hosts.map((h) => h.trim().toLowerCase()))] : undefined;
  // before any read: 20,000 listed hosts reached ClickHouse as a query past its max_query_size
  if (hosts) checkHosts(instance, hosts.length, true);
  if (!q.profileId) checkHosts(instance, new Set(q.profile.hosts.map((h) => h.trim().toLowerCase())).size, true);
  const flows = await readHostFlows(instance, dq.timeRange, q.filter, hosts, ctx);
  const table = flows.table;
  checkHosts(instance, hosts ? hosts.length : countSources(table));
  const notices = [...flows.notices];
  // Trained (or found) only once the scoring side is known to be within the limits.
  let resolved;
  try {
    resolved = await resolveProfile(instance, q, dq.timeRange, ctx);
  } catch (err) {
    // trained on the panel's range, a reference host that sent nothing there means no scores
    // for this range: no data (with the reason), which an alert rule handles as such, not an error
    if (err instanceof QuietReferenceError && !q.profileId && !q.profile.from && !q.profile.to) {
      notices.push({ severity: 'warning', text: `${err.message.replace(/^The profile cannot be trained: /, '').replace(/\.$/, '')}: no scores for this range.` });
      return q.output === 'table' ? [scoresTable([], notices)] : [{ name: '', meta: { ...TIMESERIES_META, notices }, fields: [] }];
    }
    throw err;
  }
  const { id, profile } = resolved;
  for (const text of resolved.notes) notices.push({ severity: 'info', text });
  if (table.length === 0) {
    // no flow in the range (a quiet period under a profile trained elsewhere): no data, which an
    // alert rule handles as such, not a complaint about columns an empty read cannot have
    const meta = q.output === 'table' ? undefined : { ...TIMESERIES_META, custom: { profileId: id }, ...(notices.length ? { notices } : {}) };
    return meta ? [{ name: '', meta, fields: [] }] : [scoresTable([], notices)];
  }
  const missing = missingProfileColumn(profile.discretizer, table);
  if (missing !== null) throw badRequest(`Profile ${id}: ${missing}.`);
  throwIfAborted(ctx.signal);
  const scores = await runInSlices(scoreHostsSteps(table, profile, { method: q.method, hosts }), ctx.signal);
  const scored = scores.filter((s) => s.score !== null);

  if (q.output === 'table') {
    const shown = scores.slice(0, q.limit);
    if (scores.length > shown.length) notices.push({ severity: 'info', text: `Showing the ${shown.length} highest of ${scores.length} hosts; raise the limit to see more.` });
    return [{ ...scoresTable(shown, notices), meta: { type: 'table', custom: { profileId: id }, ...(notices.length ? { notices } : {}) } }];
  }

  // An alert rule reduces each host's series (its last bucket, typically): a host that only now
  // behaves like the profile has a low whole-range score, and cut at the limit its alert would never
  // exist (hosts near the cut would flap). Rules see every scored host; maxHosts still bounds them.
  const top = scored.sort(compareScores).slice(0, fromAlert ? scored.length : q.limit).map((s) => s.host);
  if (scored.length > top.length) notices.push({ severity: 'info', text: `Showing the ${top.length} highest-scoring of ${scored.length} hosts; raise the limit to see more.` });
  const bucket = bucketSeconds(q, dq);
  const series = top.length ? await runInSlices(scoreHostSeriesSteps(table, profile, bucket, { hosts: top }), ctx.signal) : [];
  // a series point is always the mean per-window log-likelihood of the bucket; the method picks the hosts
  if (q.method !== 'mean') notices.push({ severity: 'info', text: `The ${q.method} score chose these hosts; each point is the mean per-window log-likelihood of its bucket.` });
  const meta = { ...TIMESERIES_META, custom: { profileId: id, bucketSeconds: bucket, method: 'mean', rankedBy: q.method } };
  if (series.length === 0) {
    // Dataplane "no data": one typed frame without fields.
    return [{ name: '', meta: { ...meta, ...(notices.length ? { notices } : {}) }, fields: [] }];
  }
  const from = rangeSeconds(dq.timeRange).from;
  return series.map((s, i) => ({
    name: '',
    meta: i === 0 && notices.length ? { ...meta, notices } : meta,
    fields: [
      timeField('time', secondsToNanos(startsInRange(s.time, from)), { interval: bucket * 1000 }),
      float64Field('score', s.value, { labels: { host: s.host }, config: { displayNameFromDS: s.host } }),
    ],
  }));
}
