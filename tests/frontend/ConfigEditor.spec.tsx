import React, { useState } from 'react';
import { render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';

import { ConfigEditor } from '../../src/components/ConfigEditor.js';
import type { FlowlensOptions, FlowlensSecureOptions } from '../../src/components/types.js';

type Settings = DataSourceSettings<FlowlensOptions, FlowlensSecureOptions>;

function settings(jsonData: FlowlensOptions, secureJsonFields: Record<string, boolean> = {}): Settings {
  return {
    id: 1,
    uid: 'flowlens',
    orgId: 1,
    name: 'Flowlens',
    type: 'flowlens-netflow-datasource',
    typeName: 'Flowlens',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData,
    secureJsonFields,
  } as Settings;
}

function Host({ initial, spy }: { initial: Settings; spy: jest.Mock }): React.JSX.Element {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(o) => {
        spy(o);
        setOptions(o);
      }}
    />
  );
}

const last = (spy: jest.Mock): Settings => spy.mock.calls[spy.mock.calls.length - 1]![0] as Settings;

describe('ConfigEditor: file store', () => {
  it('asks for the root folder and stores what is typed in jsonData.file', async () => {
    const spy = jest.fn();
    render(<Host initial={settings({})} spy={spy} />);
    expect(screen.getByText('Set the root folder that holds the flow files.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Root folder'), '/data');
    expect(last(spy).jsonData).toEqual({ file: { root: '/data' } });
    expect(screen.queryByText('Set the root folder that holds the flow files.')).not.toBeInTheDocument();
  });

  it('rejects a time zone that does not exist, with the shared message', () => {
    render(<Host initial={settings({ file: { root: '/data', timeZone: 'Mars/Olympus' } })} spy={jest.fn()} />);
    expect(screen.getByText(/'Mars\/Olympus' is not a time zone/)).toBeInTheDocument();
  });

  it('switches the store to ClickHouse and shows its fields', async () => {
    const spy = jest.fn();
    render(<Host initial={settings({ file: { root: '/data' } })} spy={spy} />);
    await userEvent.click(screen.getByLabelText('ClickHouse'));
    expect(last(spy).jsonData).toMatchObject({ store: 'clickhouse', file: { root: '/data' } });
    expect(screen.getByLabelText('URL')).toBeInTheDocument();
    expect(screen.queryByLabelText('Root folder')).not.toBeInTheDocument();
  });
});

describe('ConfigEditor: ClickHouse', () => {
  const ch = (extra: Partial<NonNullable<FlowlensOptions['clickhouse']>> = {}): FlowlensOptions => ({
    store: 'clickhouse',
    clickhouse: { url: 'http://clickhouse:8123', ...extra },
  });

  it('keeps the password in secureJsonData only', async () => {
    const spy = jest.fn();
    render(<Host initial={settings(ch())} spy={spy} />);
    await userEvent.type(screen.getByLabelText('Password'), 's3cret');
    const saved = last(spy);
    expect(saved.secureJsonData).toEqual({ clickhousePassword: 's3cret' });
    expect(JSON.stringify(saved.jsonData)).not.toContain('s3cret');
  });

  it('shows a stored password as configured and Reset clears it', async () => {
    const spy = jest.fn();
    render(<Host initial={settings(ch(), { clickhousePassword: true })} spy={spy} />);
    const input = screen.getByLabelText('Password');
    expect(input).toHaveValue('configured');
    expect(input).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    const saved = last(spy);
    expect(saved.secureJsonFields.clickhousePassword).toBe(false);
    expect(saved.secureJsonData).toEqual({ clickhousePassword: '' });
    expect(screen.getByLabelText('Password')).toBeEnabled();
    expect(screen.getByLabelText('Password')).toHaveValue('');
  });

  it('picks a schema preset and overrides one column', async () => {
    const spy = jest.fn();
    render(<Host initial={settings(ch({ columns: { ts: 'TimeReceived' } }))} spy={spy} />);
    await userEvent.click(screen.getByLabelText('Akvorado'));
    expect(last(spy).jsonData.clickhouse).toMatchObject({ preset: 'akvorado' });
    await userEvent.type(screen.getByLabelText('bytes'), 'Bytes');
    expect(last(spy).jsonData.clickhouse?.columns).toEqual({ ts: 'TimeReceived', bytes: 'Bytes' });
  });

  it('flags unsafe table and column names and a bad URL', () => {
    render(<Host initial={settings(ch({ url: 'clickhouse:8123', table: 'flows; DROP', columns: { src_ip: 'a-b' } }))} spy={jest.fn()} />);
    expect(screen.getByText(/The ClickHouse URL must look like/)).toBeInTheDocument();
    expect(screen.getByText(/The table name may only hold/)).toBeInTheDocument();
    expect(screen.getByText(/A column name may only hold/)).toBeInTheDocument();
  });

  it('stores timeouts as numbers and a cleared timeout falls back to the default', async () => {
    const spy = jest.fn();
    render(<Host initial={settings(ch({ queryTimeoutSeconds: 60 }))} spy={spy} />);
    const input = screen.getByLabelText('Query timeout (s)');
    await userEvent.clear(input);
    await userEvent.tab();
    expect(last(spy).jsonData.clickhouse).not.toHaveProperty('queryTimeoutSeconds');
    await userEvent.type(input, '0.5');
    await userEvent.tab();
    expect(last(spy).jsonData.clickhouse?.queryTimeoutSeconds).toBe(0.5);
  });
});

describe('ConfigEditor: limits', () => {
  it('stores limits as numbers and reports a non-integer', async () => {
    const spy = jest.fn();
    render(<Host initial={settings({ file: { root: '/data' } })} spy={spy} />);
    await userEvent.type(screen.getByLabelText('Max hosts'), '2.5');
    await userEvent.tab();
    expect(last(spy).jsonData.limits).toEqual({ maxHosts: 2.5 });
    expect(screen.getByText('Limits are whole numbers above 0.')).toBeInTheDocument();
  });
});
