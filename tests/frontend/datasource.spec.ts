import { dateTime, type DataQueryRequest, type DataSourceInstanceSettings, type ScopedVars } from '@grafana/data';
import { setTemplateSrv, type TemplateSrv } from '@grafana/runtime';

import { of } from 'rxjs';

import { DataSource, type FlowlensVariableSupport } from '../../src/datasource.js';
import { csvFormat, interpolateQuery } from '../../src/components/interpolate.js';
import type { FlowlensDataQuery, FlowlensOptions } from '../../src/components/types.js';
import { defaultQuery, QUERY_SCHEMA_VERSION, type HostScoresQuery, type ProfileQuery } from '../../src/query/index.js';

const VARS: Record<string, string | string[]> = {
  bots: ['147.32.84.165', '147.32.84.191'],
  net: '147.32.84.0/24',
  start: '2011-08-16T10:00:00Z',
};

/** A stand-in for Grafana's template service: $name and ${name} with the given formatter. */
const templateSrv = {
  replace(text: string, _scoped?: ScopedVars, format?: (v: unknown) => string) {
    return text.replace(/\$\{?(\w+)\}?/g, (all, name: string) => (name in VARS ? (format ? format(VARS[name]) : String(VARS[name])) : all));
  },
} as unknown as TemplateSrv;

function ds(): DataSource {
  return new DataSource({
    id: 1,
    uid: 'flowlens',
    type: 'flowlens-netflow-datasource',
    name: 'Flowlens',
    access: 'proxy',
    readOnly: false,
    jsonData: {},
    meta: { id: 'flowlens-netflow-datasource' },
  } as unknown as DataSourceInstanceSettings<FlowlensOptions>);
}

beforeAll(() => setTemplateSrv(templateSrv));

describe('DataSource', () => {
  it('starts new queries as a valid features query', () => {
    expect(ds().getDefaultQuery('dashboard' as never)).toEqual(defaultQuery('features'));
  });

  it('skips hidden queries', () => {
    const d = ds();
    expect(d.filterQuery({ ...defaultQuery('flows'), refId: 'A', hide: true } as FlowlensDataQuery)).toBe(false);
    expect(d.filterQuery({ ...defaultQuery('flows'), refId: 'A' } as FlowlensDataQuery)).toBe(true);
  });

  it('expands a multi-value host variable into one host per entry and fills single values', () => {
    const base = defaultQuery('hostScores') as HostScoresQuery;
    const query = {
      ...base,
      refId: 'A',
      hosts: ['$bots', '10.0.0.1'],
      profile: { ...base.profile, hosts: ['${bots}'], from: '$start' },
      filter: { srcCidrs: ['$net'], protocols: ['tcp'] },
    } as HostScoresQuery & FlowlensDataQuery;
    const out = ds().applyTemplateVariables(query, {}) as HostScoresQuery;
    expect(out.hosts).toEqual(['147.32.84.165', '147.32.84.191', '10.0.0.1']);
    expect(out.profile.hosts).toEqual(['147.32.84.165', '147.32.84.191']);
    expect(out.profile.from).toBe('2011-08-16T10:00:00Z');
    expect(out.filter).toEqual({ srcCidrs: ['147.32.84.0/24'], protocols: ['tcp'] });
    expect(query.hosts).toEqual(['$bots', '10.0.0.1']);
  });

  it('upgrades schema-0 queries before they are sent', () => {
    const out = ds().applyTemplateVariables({ refId: 'A', queryType: 'scores', referenceHost: '$net' } as unknown as FlowlensDataQuery, {});
    expect(out).toMatchObject({ queryType: 'hostScores', schemaVersion: QUERY_SCHEMA_VERSION, profile: { hosts: ['147.32.84.0/24'] } });
  });

  it('lists hosts through the hosts resource with the range in epoch milliseconds', async () => {
    const d = ds();
    const get = jest.spyOn(d, 'getResource').mockResolvedValue({ hosts: ['a', 'b'] });
    const range = { from: dateTime(1000), to: dateTime(2000), raw: { from: 'now-1h', to: 'now' } };
    await expect(d.listHosts('dst', range)).resolves.toEqual(['a', 'b']);
    expect(get).toHaveBeenCalledWith('hosts', { role: 'dst', limit: 1000, from: '1000', to: '2000' });
    await expect(d.metricFindQuery({ role: 'src' }, { range })).resolves.toEqual([
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
    ]);
  });

  it('trains a profile through profiles/train, filling an absent training range from the panel range', async () => {
    const d = ds();
    const post = jest.spyOn(d, 'postResource').mockResolvedValue({ id: 'p', profile: { id: 'p' } });
    const spec = { ...(defaultQuery('profile') as ProfileQuery).profile, hosts: ['10.0.0.1'] };
    await d.trainProfile(spec);
    expect(post).toHaveBeenLastCalledWith('profiles/train', spec);
    const range = { from: dateTime(Date.UTC(2011, 7, 16, 10)), to: dateTime(Date.UTC(2011, 7, 16, 11)), raw: { from: 'now-1h', to: 'now' } };
    await d.trainProfile(spec, range);
    expect(post).toHaveBeenLastCalledWith('profiles/train', { ...spec, from: '2011-08-16T10:00:00.000Z', to: '2011-08-16T11:00:00.000Z' });
    await d.trainProfile({ ...spec, from: '2011-08-16T09:00:00Z' }, range);
    expect(post).toHaveBeenLastCalledWith('profiles/train', { ...spec, from: '2011-08-16T09:00:00Z', to: '2011-08-16T11:00:00.000Z' });
  });
});

describe('FlowlensVariableSupport', () => {
  it('runs variable queries as hosts queries, starting new ones from the defaults', () => {
    const d = ds();
    const query = jest.spyOn(d, 'query').mockReturnValue(of({ data: [] }));
    const saved = { refId: 'b', queryType: 'hosts', schemaVersion: 1, role: 'dst', limit: 5, filter: {} } as FlowlensDataQuery;
    (d.variables as FlowlensVariableSupport).query({ targets: [{ refId: 'a' }, saved] } as unknown as DataQueryRequest<FlowlensDataQuery>);
    expect(query.mock.calls[0]![0].targets).toEqual([{ ...defaultQuery('hosts'), refId: 'a' }, saved]);
  });
});

describe('interpolateQuery', () => {
  it('leaves text without variables untouched and drops the All marker', () => {
    const replace = jest.fn((t: string) => (t === '$h' ? '$__all' : t));
    const q = { ...defaultQuery('flows'), refId: 'A', filter: { dstCidrs: ['10.0.0.0/8', '$h'] } } as FlowlensDataQuery;
    expect(interpolateQuery(q, replace)).toMatchObject({ filter: { dstCidrs: ['10.0.0.0/8'] } });
    expect(replace).toHaveBeenCalledTimes(1);
  });

  it('formats multi-values comma-joined', () => {
    expect(csvFormat(['a', 'b'])).toBe('a,b');
    expect(csvFormat('a')).toBe('a');
  });
});
