/**
 * The editors with what real dashboards and hands put in queries: dashboard variables, half-typed
 * and hand-written shapes, unknown types, text left in a field, a query replaced from history.
 * Each case failed before its fix (front-end audit, 2026-12-06).
 */
import React, { useState } from 'react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { type DataSourceInstanceSettings, type DataSourceSettings, type ScopedVars } from '@grafana/data';
import { setTemplateSrv, type TemplateSrv } from '@grafana/runtime';

import { defaultQuery, resolveSettings, type FlowlensQuery, type ProfileSpec } from '../../src/query/index.js';
import type { FlowlensDataQuery, FlowlensOptions, FlowlensSecureOptions } from '../../src/components/types.js';
import { QueryEditor } from '../../src/components/QueryEditor.js';
import { ConfigEditor } from '../../src/components/ConfigEditor.js';
import { DataSource } from '../../src/datasource.js';
import { EditorHost, fakeDataSource, RANGE, renderEditor } from './helpers.js';

const q = (query: FlowlensQuery | Record<string, unknown>): FlowlensDataQuery => ({ refId: 'A', ...query }) as FlowlensDataQuery;
const last = (spy: jest.Mock): FlowlensDataQuery => spy.mock.calls[spy.mock.calls.length - 1]![0] as FlowlensDataQuery;
const SPEC = { features: [{ name: 'protocol' }, { name: 'bytes', bins: 5 }], window: 10, states: 4, covarianceType: 'diag', seed: 0, iterations: 10, tol: 0.01 };
const profileQ = (extra: Record<string, unknown> = {}) => q({ queryType: 'profile', schemaVersion: 1, profile: { ...SPEC, hosts: ['10.0.0.7'], ...extra } });
const quietConsole = () => jest.spyOn(console, 'error').mockImplementation(() => {});

// the shipped SOC dashboard's own panel queries (provisioning/dashboards/soc-overview.json)
describe('dashboard variables are accepted wherever a value may hold one', () => {
  it('"Host score vs. botnet profile" panel opens without errors and can train', async () => {
    const run = jest.fn();
    const panel = q({ queryType: 'hostScores', schemaVersion: 1, profile: { ...SPEC, hosts: ['$bot'] }, method: 'mean', output: 'timeseries', hosts: [], bucketSeconds: 900, limit: 20, filter: { srcCidrs: ['$network'] } });
    await renderEditor(<EditorHost initial={panel} datasource={fakeDataSource()} onRunQuery={run} />);
    expect(screen.queryByText(/'\$bot' is not an IP address/)).not.toBeInTheDocument();
    expect(screen.queryByText(/'\$network' is not a valid CIDR/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Train now/ })).toBeEnabled();
  });
  it.each([
    [{ filter: { protocols: ['$proto'] } }, /is not a protocol name/],
    [{ filter: { dstCidrs: ['${net}'] } }, /is not a valid CIDR/],
  ])('flows %j', async (extra, msg) => {
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('flows'), ...extra })} datasource={fakeDataSource()} />);
    expect(screen.queryByText(msg)).not.toBeInTheDocument();
  });
  it('Training from = ${__from:date:iso}', async () => {
    await renderEditor(<EditorHost initial={profileQ({ from: '${__from:date:iso}' })} datasource={fakeDataSource()} />);
    expect(screen.queryByText(/is not a time/)).not.toBeInTheDocument();
  });
  it('trainProfile interpolates the spec before posting it', async () => {
    setTemplateSrv({ replace: (t: string, _s?: ScopedVars) => t.replace('$bot', '147.32.84.165') } as unknown as TemplateSrv);
    const d = new DataSource({ id: 1, uid: 'f', type: 't', name: 'F', access: 'proxy', jsonData: {}, meta: { id: 't' } } as unknown as DataSourceInstanceSettings<FlowlensOptions>);
    const post = jest.spyOn(d, 'postResource').mockResolvedValue({ id: 'p', profile: {} });
    await d.trainProfile({ ...SPEC, hosts: ['$bot'] } as unknown as ProfileSpec, RANGE);
    expect(post.mock.calls[0]![1]).toMatchObject({ hosts: ['147.32.84.165'] });
  });
});

describe('tag fields keep text left without Enter, and split a pasted list', () => {
  it('Source CIDRs', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('flows'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    const cidr = screen.getByLabelText('Source CIDRs');
    await userEvent.type(cidr, '147.32.84.165');
    fireEvent.blur(cidr);
    const limit = screen.getByLabelText('Limit');
    await userEvent.clear(limit);
    await userEvent.type(limit, '50');
    fireEvent.blur(limit); // runs the query
    expect(last(spy)).toMatchObject({ limit: 50, filter: { srcCidrs: ['147.32.84.165'] } });
  });
  it('a pasted comma list is split', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('flows'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await userEvent.type(screen.getByLabelText('Source CIDRs'), '10.0.0.0/8, 192.168.0.0/16{enter}');
    expect(last(spy)).toMatchObject({ filter: { srcCidrs: ['10.0.0.0/8', '192.168.0.0/16'] } });
  });
});

describe('applyTemplateVariables takes a query that names only a profile id', () => {
  it.each(['hostScores', 'profile'])('%s', (queryType) => {
    setTemplateSrv({ replace: (t: string) => t } as unknown as TemplateSrv);
    const d = new DataSource({ id: 1, uid: 'f', type: 't', name: 'F', access: 'proxy', jsonData: {}, meta: { id: 't' } } as unknown as DataSourceInstanceSettings<FlowlensOptions>);
    const query = q({ queryType, schemaVersion: 1, profileId: 'neris-2011' });
    expect(() => d.applyTemplateVariables(query, {})).not.toThrow();
  });
});

describe('the editor draws hand-written and half-filled queries instead of failing', () => {
  it.each<[string, Record<string, unknown>]>([
    ['filter: null', { ...defaultQuery('flows'), filter: null }],
    ['srcCidrs as a string', { ...defaultQuery('flows'), filter: { srcCidrs: '10.0.0.0/8' } }],
    ['ports as a string', { ...defaultQuery('flows'), filter: { ports: '443' } }],
    ['hostScores hosts: null', { ...defaultQuery('hostScores'), hosts: null }],
    ['profile.hosts: null', { queryType: 'profile', schemaVersion: 1, profile: { hosts: null } }],
    ['profile.features: ["bytes"]', { queryType: 'profile', schemaVersion: 1, profile: { hosts: ['10.0.0.1'], features: ['bytes'] } }],
  ])('%s', async (_n, query) => {
    const c = quietConsole();
    await renderEditor(<EditorHost initial={q(query)} datasource={fakeDataSource()} />);
    expect(screen.getByText('Query type')).toBeInTheDocument();
    c.mockRestore();
  });
});

describe('an error without a field of its own is listed under the editor', () => {
  it.each<[string, FlowlensDataQuery, RegExp]>([
    ['mistyped profile setting', profileQ({ window_size: 5 }), /Unknown profile setting 'window_size' \(did you mean window\?\)/],
    ['profile.tol', profileQ({ tol: -1 }), /The tolerance must be a number/],
    ['profile.covarianceType', profileQ({ covarianceType: 'ful' }), /Covariance type must be one of/],
    ['unknown filter key', q({ ...defaultQuery('flows'), filter: { srcCidr: ['10.0.0.0/8'] } }), /Unknown filter 'srcCidr'/],
    ['filter.srcPorts', q({ ...defaultQuery('flows'), filter: { srcPorts: [70000] } }), /70000 is not a port/],
  ])('%s', async (_n, query, msg) => {
    await renderEditor(<EditorHost initial={query} datasource={fakeDataSource()} />);
    expect(screen.queryByText(msg)).toBeInTheDocument();
  });
});

describe('a source-port filter has a field', () => {
  it('shows filter.srcPorts', async () => {
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('flows'), filter: { srcPorts: [53] } })} datasource={fakeDataSource()} />);
    expect(screen.queryByText('53')).toBeInTheDocument();
  });
});

describe('an unknown query type is shown, not rewritten', () => {
  it('does not overwrite the saved query', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q({ queryType: 'hostscores', schemaVersion: 1, profile: { hosts: ['10.0.0.7'] }, method: 'viterbi' })} datasource={fakeDataSource()} onChangeSpy={spy} />);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('switching Profile and Host scores keeps the profile', () => {
  it('keeps the spec', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={profileQ({ states: 7 })} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await userEvent.click(screen.getByLabelText('Host scores'));
    expect(last(spy)).toMatchObject({ queryType: 'hostScores', profile: { hosts: ['10.0.0.7'], states: 7 } });
  });
});

describe('number fields', () => {
  it('keeps text it cannot read ("1m") next to the error', async () => {
    await renderEditor(<EditorHost initial={q(defaultQuery('features'))} datasource={fakeDataSource()} />);
    const input = screen.getByLabelText('Window seconds');
    await userEvent.clear(input);
    await userEvent.type(input, '1m');
    fireEvent.blur(input);
    expect(await screen.findByText(/The window must be/)).toBeInTheDocument();
    expect(input).toHaveValue('1m');
  });
  it('a NaN saved to JSON (null) is not shown as "null"', async () => {
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('features'), windowSeconds: JSON.parse(JSON.stringify(NaN)) })} datasource={fakeDataSource()} />);
    expect(screen.getByLabelText('Window seconds')).toHaveValue('');
  });
});

describe('Training from, to and Profile id follow the query', () => {
  it('show the current query after it is replaced', async () => {
    const props = { datasource: fakeDataSource() as unknown as DataSource, range: RANGE, onRunQuery: () => {}, onChange: () => {} };
    let r: ReturnType<typeof render>;
    await act(async () => {
      r = render(<QueryEditor {...props} query={profileQ({ from: '2011-08-16T10:00:00Z' })} />);
    });
    await act(async () => {
      r.rerender(<QueryEditor {...props} query={profileQ({ from: '2011-08-17T00:00:00Z' })} />);
    });
    expect(document.getElementById('profile-from')).toHaveValue('2011-08-17T00:00:00Z');
  });
  it('tabbing through them does not re-run the query', async () => {
    const run = jest.fn();
    await renderEditor(<EditorHost initial={profileQ()} datasource={fakeDataSource()} onRunQuery={run} />);
    for (const id of ['profile-from', 'profile-to', 'profile-id']) fireEvent.blur(document.getElementById(id)!);
    expect(run).not.toHaveBeenCalled();
  });
});

type Settings = DataSourceSettings<FlowlensOptions, FlowlensSecureOptions>;
const settings = (jsonData: FlowlensOptions): Settings => ({ id: 1, uid: 'u', orgId: 1, name: 'F', type: 't', typeName: 'F', typeLogoUrl: '', access: 'proxy', url: '', user: '', database: '', basicAuth: false, basicAuthUser: '', isDefault: false, withCredentials: false, readOnly: false, jsonData, secureJsonFields: {} }) as Settings;
function ConfigHost({ initial }: { initial: Settings }): React.JSX.Element {
  const [options, setOptions] = useState(initial);
  return <ConfigEditor options={options} onOptionsChange={setOptions} />;
}

describe('ClickHouse URL setting', () => {
  it('refuses user:password@ in the URL (stored in clear jsonData, overrides the secret)', () => {
    expect(resolveSettings({ store: 'clickhouse', clickhouse: { url: 'http://default:s3cret@ch:8123' } }).ok).toBe(false);
  });
  it('clearing the URL falls back to the default its placeholder shows', async () => {
    render(<ConfigHost initial={settings({ store: 'clickhouse', clickhouse: { url: 'http://ch:8123' } })} />);
    await userEvent.clear(screen.getByLabelText('URL'));
    expect(screen.queryByText(/The ClickHouse URL must look like/)).not.toBeInTheDocument();
  });
});

describe('a training result belongs to its spec', () => {
  it('clears the summary', async () => {
    const ds = fakeDataSource();
    ds.trainProfile.mockResolvedValue({ id: 'p-1', profile: { spec: { hosts: ['10.0.0.7'], states: 4 }, hmm: { nStates: 4 } } });
    await renderEditor(<EditorHost initial={profileQ()} datasource={ds} />);
    await userEvent.click(screen.getByRole('button', { name: /Train now/ }));
    await screen.findByLabelText('Training result');
    const states = screen.getByLabelText('States');
    await userEvent.clear(states);
    await userEvent.type(states, '8');
    fireEvent.blur(states);
    expect(screen.queryByLabelText('Training result')).not.toBeInTheDocument();
  });
});

describe('a bin count error sits on the Bins field', () => {
  it('marks Bins invalid', async () => {
    await renderEditor(<EditorHost initial={profileQ({ features: [{ name: 'bytes', bins: 1 }] })} datasource={fakeDataSource()} />);
    expect(screen.getByLabelText('Bins')).toHaveAttribute('aria-invalid', 'true');
  });
});

describe('option groups have accessible names', () => {
  it('Query type', async () => {
    await renderEditor(<EditorHost initial={q(defaultQuery('hostScores'))} datasource={fakeDataSource()} />);
    expect(screen.getByRole('radiogroup', { name: 'Query type' })).toBeInTheDocument();
  });
});

describe('the host list is loaded once', () => {
  it('one GET hosts per range', async () => {
    const ds = fakeDataSource();
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('hostScores'), profile: { ...SPEC, hosts: ['10.0.0.7'] } })} datasource={ds} />);
    await waitFor(() => expect(ds.listHosts).toHaveBeenCalled());
    expect(ds.listHosts).toHaveBeenCalledTimes(1);
  });
});
