import React, { useState } from 'react';
import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';

import { ConfigEditor } from '../../src/components/ConfigEditor.js';
import type { FlowlensOptions, FlowlensSecureOptions } from '../../src/components/types.js';
import { pick } from './helpers.js';

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

describe('ConfigEditor: file store, generic CSV header columns', () => {
  const OPTIONAL = ['src_port', 'dst_port', 'proto', 'state', 'bytes', 'packets', 'src_bytes', 'dst_bytes', 'duration', 'label'];
  const csv = (columns?: Record<string, string>): FlowlensOptions => ({ file: { root: '/data', format: 'csv', ...(columns ? { columns } : {}) } });

  it('shows the column fields only while the format is csv, ts, src_ip and dst_ip marked required', async () => {
    const spy = jest.fn();
    render(<Host initial={settings({ file: { root: '/data' } })} spy={spy} />);
    expect(screen.queryByLabelText('ts *')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('bytes')).not.toBeInTheDocument();

    await pick('Format', 'csv');
    expect(last(spy).jsonData).toEqual({ file: { root: '/data', format: 'csv' } });
    for (const role of ['ts', 'src_ip', 'dst_ip']) expect(screen.getByLabelText(`${role} *`)).toBeInTheDocument();
    for (const role of OPTIONAL) expect(screen.getByLabelText(role)).toBeInTheDocument();
    expect(screen.getByText('Generic CSV needs ts: name the header column that holds the flow start time.')).toBeInTheDocument();
    expect(screen.getByText('Generic CSV needs src_ip: name the header column that holds the source address.')).toBeInTheDocument();
    expect(screen.getByText('Generic CSV needs dst_ip: name the header column that holds the destination address.')).toBeInTheDocument();

    await pick('Format', 'nfdump');
    expect(screen.queryByLabelText('ts *')).not.toBeInTheDocument();
    expect(screen.queryByText(/Generic CSV needs/)).not.toBeInTheDocument();
  });

  it('stores typed header names, spaces included, in jsonData.file.columns and clears the messages they answer', async () => {
    const spy = jest.fn();
    render(<Host initial={settings(csv())} spy={spy} />);
    await userEvent.type(screen.getByLabelText('ts *'), 'Start Time');
    await userEvent.type(screen.getByLabelText('src_ip *'), 'Source Address');
    expect(last(spy).jsonData).toEqual({ file: { root: '/data', format: 'csv', columns: { ts: 'Start Time', src_ip: 'Source Address' } } });
    expect(screen.queryByText(/Generic CSV needs ts:/)).not.toBeInTheDocument();
    expect(screen.getByText(/Generic CSV needs dst_ip:/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('dst_ip *'), 'Destination Address');
    await userEvent.type(screen.getByLabelText('bytes'), 'Bytes (total)');
    expect(last(spy).jsonData.file?.columns).toEqual({ ts: 'Start Time', src_ip: 'Source Address', dst_ip: 'Destination Address', bytes: 'Bytes (total)' });
    expect(screen.queryByText(/Generic CSV needs/)).not.toBeInTheDocument();
  });

  it('trims a name when leaving its field and drops a role whose field is emptied', async () => {
    const spy = jest.fn();
    render(<Host initial={settings(csv({ ts: 'when', src_ip: 'from', dst_ip: 'to', label: 'tag' }))} spy={spy} />);
    await userEvent.type(screen.getByLabelText('proto'), 'ipproto  ');
    expect(last(spy).jsonData.file?.columns).toMatchObject({ proto: 'ipproto  ' });
    await userEvent.tab();
    expect(last(spy).jsonData.file?.columns).toMatchObject({ proto: 'ipproto' });
    await userEvent.clear(screen.getByLabelText('label'));
    expect(last(spy).jsonData.file?.columns).toEqual({ ts: 'when', src_ip: 'from', dst_ip: 'to', proto: 'ipproto' });
  });

  it('shows the shared messages for a column given twice next to its field and for an unknown role above the fields', () => {
    render(<Host initial={settings(csv({ ts: 'when', src_ip: 'addr', dst_ip: 'ADDR', source: 'sa' }))} spy={jest.fn()} />);
    // An InlineField holds its label and its message; the label's parent is that field.
    const fieldOf = (label: string): HTMLElement => screen.getByText(label).parentElement!;
    expect(within(fieldOf('dst_ip *')).getByText("Column 'ADDR' is already given for src_ip; each role needs its own column.")).toBeInTheDocument();
    expect(within(fieldOf('src_ip *')).queryByText(/already given/)).not.toBeInTheDocument();
    expect(screen.getByText(/^Unknown column role 'source': use one of ts, src_ip, dst_ip,/)).toBeInTheDocument();
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
