/**
 * The Flowlens data source in the browser: queries go to the Node backend (QueryData), the editor's
 * helpers use the backend's resource routes, and dashboard variables are substituted here.
 */
import {
  CustomVariableSupport,
  type CoreApp,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import type { Observable } from 'rxjs';

import { defaultQuery, type HostRole, type ProfileSpec } from './query/index.js';
import { csvFormat, interpolateQuery } from './components/interpolate.js';
import { migrateDataQuery } from './components/queryModel.js';
import type { FlowlensDataQuery, FlowlensOptions, HostsResponse, TrainResponse } from './components/types.js';
import { VariableQueryEditor } from './components/VariableQueryEditor.js';

/** Query strings the resource routes take for a time range: epoch milliseconds. */
function rangeParams(range: TimeRange | undefined): { from?: string; to?: string } {
  if (!range) return {};
  return { from: String(range.from.valueOf()), to: String(range.to.valueOf()) };
}

export class DataSource extends DataSourceWithBackend<FlowlensDataQuery, FlowlensOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<FlowlensOptions>) {
    super(instanceSettings);
    this.variables = new FlowlensVariableSupport(this);
  }

  override getDefaultQuery(_app: CoreApp): Partial<FlowlensDataQuery> {
    return defaultQuery('features');
  }

  override filterQuery(query: FlowlensDataQuery): boolean {
    return !query.hide;
  }

  /** Older saved queries (schema 0) are upgraded before they are shown or sent. */
  migrateQuery(query: FlowlensDataQuery): FlowlensDataQuery {
    return migrateDataQuery(query);
  }

  override applyTemplateVariables(query: FlowlensDataQuery, scopedVars: ScopedVars): FlowlensDataQuery {
    const templateSrv = getTemplateSrv();
    return interpolateQuery(this.migrateQuery(query), (text) => templateSrv.replace(text, scopedVars, csvFormat));
  }

  /** Distinct hosts seen in the range (the backend's `GET hosts`). */
  async listHosts(role: HostRole, range?: TimeRange, limit = 1000): Promise<string[]> {
    const res = await this.getResource<HostsResponse>('hosts', { role, limit, ...rangeParams(range) });
    return Array.isArray(res?.hosts) ? res.hosts : [];
  }

  /**
   * Trains the profile now (the backend's `POST profiles/train`, body: the spec) and returns its
   * summary. A spec without a training range means "the query's range", so the panel's range is
   * written into it here, where the backend cannot know it.
   */
  trainProfile(spec: ProfileSpec, range?: TimeRange): Promise<TrainResponse> {
    const templateSrv = getTemplateSrv();
    const replaced = interpolateQuery({ refId: 'train', queryType: 'profile', profile: spec } as FlowlensDataQuery, (text) => templateSrv.replace(text, {}, csvFormat));
    const body: ProfileSpec = { ...(replaced as { profile: ProfileSpec }).profile };
    if (range && !body.from) body.from = range.from.toISOString();
    if (range && !body.to) body.to = range.to.toISOString();
    return this.postResource<TrainResponse>('profiles/train', body);
  }

  /** Legacy variable API, still used by ad-hoc callers: one value per host. */
  override async metricFindQuery(query: unknown, options?: { range?: TimeRange }): Promise<MetricFindValue[]> {
    const role = (query as { role?: HostRole } | undefined)?.role ?? 'src';
    const hosts = await this.listHosts(role, options?.range);
    return hosts.map((h) => ({ text: h, value: h }));
  }
}

/** Host variables: a `hosts` query whose frame's string column becomes the variable's values. */
export class FlowlensVariableSupport extends CustomVariableSupport<DataSource, FlowlensDataQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<FlowlensDataQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.map((t) => (t.queryType === 'hosts' ? migrateDataQuery(t) : ({ ...defaultQuery('hosts'), refId: t.refId } as FlowlensDataQuery)));
    return this.datasource.query({ ...request, targets });
  }
}
