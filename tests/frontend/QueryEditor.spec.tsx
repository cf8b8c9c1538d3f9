import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';

import { defaultQuery, DEFAULT_FEATURES, QUERY_SCHEMA_VERSION, type FlowlensQuery } from '../../src/query/index.js';
import { CoreApp } from '@grafana/data';

import type { FlowlensDataQuery } from '../../src/components/types.js';
import { EditorHost, fakeDataSource, HOSTS, pick, RANGE, renderEditor } from './helpers.js';

const q = (query: FlowlensQuery | Record<string, unknown>): FlowlensDataQuery => ({ refId: 'A', ...query }) as FlowlensDataQuery;
const lastCall = (spy: jest.Mock): FlowlensDataQuery => spy.mock.calls[spy.mock.calls.length - 1]![0] as FlowlensDataQuery;

async function commitText(label: string, text: string): Promise<void> {
  const input = screen.getByLabelText(label);
  await userEvent.clear(input);
  await userEvent.type(input, text);
  fireEvent.blur(input);
}

describe('QueryEditor: features', () => {
  it('starts from the default features and window and runs a valid change', async () => {
    const spy = jest.fn();
    const run = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('features'))} datasource={fakeDataSource()} onChangeSpy={spy} onRunQuery={run} />);
    for (const f of DEFAULT_FEATURES) expect(screen.getByText(f)).toBeInTheDocument();
    expect(screen.getByLabelText('Window seconds')).toHaveValue('10');

    await commitText('Window seconds', '60');
    expect(lastCall(spy)).toMatchObject({ queryType: 'features', windowSeconds: 60, refId: 'A' });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('shows the shared validation message next to a bad window and does not run the query', async () => {
    const run = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('features'))} datasource={fakeDataSource()} onRunQuery={run} />);
    await commitText('Window seconds', '-5');
    expect(await screen.findByText(/The window must be a number of seconds from 0.001 to 604800/)).toBeInTheDocument();
    expect(run).not.toHaveBeenCalled();
  });

  it('adds a whole feature family in catalog order', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('features'), features: ['num_entries'] })} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await userEvent.click(screen.getByRole('button', { name: /Add family/ }));
    await userEvent.click(await screen.findByText('Connection states'));
    expect((lastCall(spy) as { features: string[] }).features).toEqual([
      'num_entries',
      'num_state_closed',
      'num_state_established',
      'num_state_reset',
      'num_state_new',
      'num_state_closing',
      'num_state_connecting',
    ]);
  });

  it('says which feature is unknown and when none is picked', async () => {
    const { unmount } = await renderEditor(<EditorHost initial={q({ ...defaultQuery('features'), features: ['num_entries', 'bogus'] })} datasource={fakeDataSource()} />);
    expect(screen.getByText(/Unknown feature "bogus"/)).toBeInTheDocument();
    unmount();
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('features'), features: [] })} datasource={fakeDataSource()} />);
    expect(screen.getByText('Pick at least one feature, e.g. num_entries.')).toBeInTheDocument();
  });

  it('puts filter errors under the filter field they are about', async () => {
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('features'), filter: { srcCidrs: ['10.0.0.0/8', '10.0.0.300/8'], ports: [70000] } })} datasource={fakeDataSource()} />);
    expect(screen.getByText(/'10\.0\.0\.300\/8' is not a valid CIDR/)).toBeInTheDocument();
    expect(screen.getByText(/70000 is not a port/)).toBeInTheDocument();
  });

  it('turns typed ports into numbers in the filter', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('features'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    const input = screen.getByPlaceholderText('443 ⏎');
    await userEvent.type(input, '443{enter}');
    expect(lastCall(spy)).toMatchObject({ filter: { ports: [443] } });
  });
});

describe('QueryEditor: query type picker', () => {
  it('switches to host scores, keeps the filter and asks for a reference host', async () => {
    const spy = jest.fn();
    const run = jest.fn();
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('features'), filter: { protocols: ['tcp'] } })} datasource={fakeDataSource()} onChangeSpy={spy} onRunQuery={run} />);
    await userEvent.click(screen.getByLabelText('Host scores'));
    expect(lastCall(spy)).toMatchObject({ queryType: 'hostScores', method: 'mean', output: 'timeseries', filter: { protocols: ['tcp'] }, refId: 'A' });
    expect(await screen.findByText(/Choose the reference host/)).toBeInTheDocument();
    expect(run).not.toHaveBeenCalled();
  });

  it.each([
    ['Flows', 'flows'],
    ['Hosts', 'hosts'],
    ['Profile', 'profile'],
    ['Features', 'features'],
  ])('offers the %s type', async (label, type) => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery(type === 'features' ? 'flows' : 'features'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await userEvent.click(screen.getByLabelText(label));
    expect(lastCall(spy).queryType).toBe(type);
  });
});

describe('QueryEditor: host scores', () => {
  const scored = (): FlowlensDataQuery => {
    const base = defaultQuery('hostScores');
    return q({ ...base, profile: { ...(base as { profile: object }).profile, hosts: ['147.32.84.165'] } });
  };

  it('offers the hosts the backend lists for the panel range as reference hosts', async () => {
    const ds = fakeDataSource();
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('hostScores'))} datasource={ds} onChangeSpy={spy} />);
    await waitFor(() => expect(ds.listHosts).toHaveBeenCalled());
    expect(ds.listHosts.mock.calls[0]![0]).toBe('src');
    await pick('Reference host', HOSTS[1]!);
    expect(lastCall(spy)).toMatchObject({ queryType: 'hostScores', profile: { hosts: [HOSTS[1]] } });
    expect(screen.queryByText(/Choose the reference host/)).not.toBeInTheDocument();
  });

  it('edits states, window, seed, method and output', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={scored()} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await commitText('States', '3');
    await commitText('Profile window', '20');
    await commitText('Seed', '1');
    await userEvent.click(screen.getByLabelText('viterbi'));
    await userEvent.click(screen.getByLabelText('Table'));
    expect(lastCall(spy)).toMatchObject({ method: 'viterbi', output: 'table', profile: { states: 3, window: 20, seed: 1 } });
  });

  it('applies the bin count to the numeric profile attributes only', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={scored()} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await commitText('Bins', '8');
    expect((lastCall(spy) as { profile: { features: unknown } }).profile.features).toEqual([{ name: 'protocol' }, { name: 'bytes', bins: 8 }]);
  });

  it('reports an out-of-range state count from the shared model', async () => {
    await renderEditor(<EditorHost initial={scored()} datasource={fakeDataSource()} />);
    await commitText('States', '0');
    expect(await screen.findByText('States must be a whole number from 1 to 64 (default 4).')).toBeInTheDocument();
  });

  it('trains the profile on demand and shows iterations, convergence, log-likelihood and states', async () => {
    const ds = fakeDataSource();
    ds.trainProfile.mockResolvedValue({
      id: 'p-1',
      profile: {
        version: 1,
        spec: { hosts: ['147.32.84.165'], states: 4 },
        hmm: { nStates: 4 },
        training: { logLikelihood: [-5000, -2000, -1300, -1250, -1240, -1235, -1234.5678], converged: true, windows: 812, flows: 821, referenceScores: { mean: -1.52 } },
      },
    });
    await renderEditor(<EditorHost initial={scored()} datasource={ds} />);
    await userEvent.click(screen.getByRole('button', { name: /Train now/ }));
    const result = await screen.findByLabelText('Training result');
    expect(ds.trainProfile).toHaveBeenCalledWith(expect.objectContaining({ hosts: ['147.32.84.165'], states: 4 }), expect.anything());
    const row = (label: string): string | null | undefined => within(result).getByText(label).closest('dt')?.nextElementSibling?.textContent;
    expect(row('Profile id')).toBe('p-1');
    expect(row('Iterations')).toBe('7');
    expect(row('Converged')).toBe('yes');
    expect(row('Log-likelihood')).toBe('-1234.568');
    expect(row('States')).toBe('4');
    expect(row('Training windows')).toBe('812');
    expect(row('Reference score (mean)')).toBe('-1.520');
  });

  it('offers to keep the panel range the profile was trained on, which writes it into the spec', async () => {
    const ds = fakeDataSource();
    ds.trainProfile.mockResolvedValue({ id: 'p-1', profile: { spec: { hosts: ['147.32.84.165'], states: 4 } } });
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={scored()} datasource={ds} onChangeSpy={spy} />);
    await userEvent.click(screen.getByRole('button', { name: /Train now/ }));
    await userEvent.click(await screen.findByRole('button', { name: /Keep this training range/ }));
    expect(lastCall(spy)).toMatchObject({ profile: { hosts: ['147.32.84.165'], from: RANGE.from.toISOString(), to: RANGE.to.toISOString() } });
    // with a range of its own the spec trains there: nothing to keep
    await userEvent.click(screen.getByRole('button', { name: /Train now/ }));
    await screen.findByLabelText('Training result');
    expect(screen.queryByRole('button', { name: /Keep this training range/ })).not.toBeInTheDocument();
  });

  it('shows the backend message when training fails', async () => {
    const ds = fakeDataSource();
    ds.trainProfile.mockRejectedValue({ status: 400, data: { message: 'No flows from 147.32.84.165 in the training range.' } });
    await renderEditor(<EditorHost initial={scored()} datasource={ds} />);
    await userEvent.click(screen.getByRole('button', { name: /Train now/ }));
    expect(await screen.findByText('No flows from 147.32.84.165 in the training range.')).toBeInTheDocument();
  });

  it('cannot train before a reference host is chosen', async () => {
    await renderEditor(<EditorHost initial={q(defaultQuery('hostScores'))} datasource={fakeDataSource()} />);
    expect(screen.getByRole('button', { name: /Train now/ })).toBeDisabled();
  });

  it('says so when the host list cannot be loaded', async () => {
    const ds = fakeDataSource();
    ds.listHosts.mockRejectedValue({ data: { message: 'store unreachable' } });
    await renderEditor(<EditorHost initial={scored()} datasource={ds} />);
    expect(await screen.findByText('Could not load hosts: store unreachable')).toBeInTheDocument();
  });
});

describe('QueryEditor: profile, flows, hosts', () => {
  it('flows: newest first by default, oldest first on request', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('flows'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    expect(screen.getByRole('radiogroup', { name: 'Order' })).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Oldest first'));
    expect(lastCall(spy)).toMatchObject({ queryType: 'flows', order: 'oldest' });
  });

  it('profile: edits the spec and offers training', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q({ ...defaultQuery('profile'), profile: { hosts: ['10.0.0.7'] } })} datasource={fakeDataSource()} onChangeSpy={spy} />);
    expect(screen.getByRole('button', { name: /Train now/ })).toBeEnabled();
    await commitText('Iterations', '50');
    expect(lastCall(spy)).toMatchObject({ queryType: 'profile', profile: { hosts: ['10.0.0.7'], iterations: 50 } });
  });

  it('profile: an imported profile id replaces the spec', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('profile'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    const input = screen.getByPlaceholderText('optional');
    await userEvent.type(input, 'neris-2011');
    fireEvent.blur(input);
    expect(lastCall(spy)).toMatchObject({ profileId: 'neris-2011' });
    expect(screen.queryByText(/Choose the reference host/)).not.toBeInTheDocument();
  });

  it('flows: validates the row limit', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('flows'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await commitText('Limit', '0');
    expect(await screen.findByText(/The row limit must be a whole number from 1/)).toBeInTheDocument();
    await commitText('Limit', '200');
    expect(lastCall(spy)).toMatchObject({ queryType: 'flows', limit: 200 });
    expect(screen.queryByText(/The row limit/)).not.toBeInTheDocument();
  });

  it('hosts: picks the role', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('hosts'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    await userEvent.click(screen.getByLabelText('Destinations'));
    expect(lastCall(spy)).toMatchObject({ queryType: 'hosts', role: 'dst' });
  });
});

describe('QueryEditor: saved queries', () => {
  it('upgrades a schema-0 query on load and stores the upgraded form', async () => {
    const spy = jest.fn();
    await renderEditor(
      <EditorHost
        initial={q({ queryType: 'scores', referenceHost: '147.32.84.165', scoreMethod: 'loglik', srcCidr: '147.32.84.0/24' })}
        datasource={fakeDataSource()}
        onChangeSpy={spy}
      />,
    );
    expect(spy).toHaveBeenCalled();
    expect(spy.mock.calls[0]![0]).toMatchObject({
      refId: 'A',
      queryType: 'hostScores',
      schemaVersion: QUERY_SCHEMA_VERSION,
      method: 'loglik',
      profile: { hosts: ['147.32.84.165'] },
      filter: { srcCidrs: ['147.32.84.0/24'] },
    });
    expect(screen.getByLabelText('loglik')).toBeChecked();
  });

  it('leaves a current query alone on load', async () => {
    const spy = jest.fn();
    await renderEditor(<EditorHost initial={q(defaultQuery('flows'))} datasource={fakeDataSource()} onChangeSpy={spy} />);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('QueryEditor: in an alert rule', () => {
  it('asks for time-series output when host scores are set to a table', async () => {
    const base = defaultQuery('hostScores');
    await renderEditor(<EditorHost initial={q({ ...base, output: 'table' })} datasource={fakeDataSource()} app={CoreApp.UnifiedAlerting} />);
    expect(screen.getByText(/Choose the Time series output/)).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Time series'));
    expect(screen.queryByText(/Choose the Time series output/)).not.toBeInTheDocument();
  });

  it('says that table-only query types cannot be alerted on, and says nothing on dashboards', async () => {
    const { unmount } = await renderEditor(<EditorHost initial={q(defaultQuery('flows'))} datasource={fakeDataSource()} app={CoreApp.UnifiedAlerting} />);
    expect(screen.getByText(/alert rules cannot evaluate/)).toBeInTheDocument();
    unmount();
    await renderEditor(<EditorHost initial={q(defaultQuery('flows'))} datasource={fakeDataSource()} app={CoreApp.Dashboard} />);
    expect(screen.queryByText(/alert rules cannot evaluate/)).not.toBeInTheDocument();
  });
});
