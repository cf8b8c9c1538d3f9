/**
 * A page that renders the real editors with Grafana's dark theme and a fake data source, for the
 * headless-Chromium check (tests/browser/editors.test.ts). `?view=` picks the scenario.
 */
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, dateTime, ThemeContext, type DataSourceSettings, type TimeRange } from '@grafana/data';
import { GlobalStyles } from '@grafana/ui';

import { ConfigEditor } from '../../src/components/ConfigEditor.js';
import { QueryEditor } from '../../src/components/QueryEditor.js';
import type { FlowlensDataQuery, FlowlensOptions, FlowlensSecureOptions, TrainResponse } from '../../src/components/types.js';
import type { DataSource } from '../../src/datasource.js';
import { defaultQuery, type FlowlensQuery, type HostRole, type ProfileSpec } from '../../src/query/index.js';

const HOSTS = ['147.32.84.160', '147.32.84.161', '147.32.84.162', '147.32.84.10', '147.32.84.11', '2001:db8:84::103'];
const RANGE: TimeRange = { from: dateTime('2011-08-16T10:00:00Z'), to: dateTime('2011-08-16T12:00:00Z'), raw: { from: 'now-2h', to: 'now' } };

const fakeDataSource = {
  listHosts: (_role: HostRole) => Promise.resolve(HOSTS),
  // what the backend answers for the bundled sample (flowlens train --host 147.32.84.160)
  trainProfile: (spec: ProfileSpec): Promise<TrainResponse> =>
    Promise.resolve({
      id: 'bot-147.32.84.160',
      profile: {
        spec: { hosts: spec.hosts, states: spec.states },
        hmm: { nStates: spec.states },
        training: {
          logLikelihood: [-39829.604, -29585.356, -25122.739, -19813.422, -15964.231, -13326.543, -13238.343, -13154.538, -13150.395, -13146.725],
          converged: false,
          windows: 2147,
          flows: 2156,
          referenceScores: { mean: -6.1228 },
        },
      },
    }),
} as unknown as DataSource;

const botProfile = (): FlowlensQuery => {
  const q = defaultQuery('hostScores');
  return { ...q, profile: { ...(q as { profile: ProfileSpec }).profile, hosts: ['147.32.84.160'], from: '2011-08-16T10:00:00Z', to: '2011-08-16T12:00:00Z' } } as FlowlensQuery;
};

const QUERIES: Record<string, FlowlensQuery> = {
  features: { ...defaultQuery('features'), filter: { srcCidrs: ['147.32.84.0/24'], protocols: ['tcp', 'udp'] } } as FlowlensQuery,
  hostScores: botProfile(),
  invalid: { ...defaultQuery('flows'), limit: 0, filter: { srcCidrs: ['147.32.84.300/24'], ports: [70000] } } as FlowlensQuery,
  hosts: defaultQuery('hosts'),
};

function QueryView({ initial }: { initial: FlowlensQuery }): React.JSX.Element {
  const [query, setQuery] = useState({ ...initial, refId: 'A' } as FlowlensDataQuery);
  return <QueryEditor query={query} datasource={fakeDataSource} range={RANGE} onChange={setQuery} onRunQuery={() => {}} />;
}

function settings(jsonData: FlowlensOptions, secureJsonFields: Record<string, boolean>): DataSourceSettings<FlowlensOptions, FlowlensSecureOptions> {
  return {
    id: 1, uid: 'flowlens', orgId: 1, name: 'Flowlens', type: 'flowlens-netflow-datasource', typeName: 'Flowlens', typeLogoUrl: '',
    access: 'proxy', url: '', user: '', database: '', basicAuth: false, basicAuthUser: '', isDefault: false, withCredentials: false,
    readOnly: false, jsonData, secureJsonFields,
  } as DataSourceSettings<FlowlensOptions, FlowlensSecureOptions>;
}

const CONFIGS: Record<string, DataSourceSettings<FlowlensOptions, FlowlensSecureOptions>> = {
  configFile: settings({ store: 'file', file: { root: '/var/lib/flowlens/sample', format: 'binetflow', timeZone: 'UTC' } }, {}),
  configClickhouse: settings(
    { store: 'clickhouse', clickhouse: { url: 'http://clickhouse:8123', user: 'flowlens', database: 'flows', table: 'flows', preset: 'akvorado', columns: { ts: 'TimeReceived' } } },
    { clickhousePassword: true },
  ),
};

function ConfigView({ initial }: { initial: DataSourceSettings<FlowlensOptions, FlowlensSecureOptions> }): React.JSX.Element {
  const [options, setOptions] = useState(initial);
  return <ConfigEditor options={options} onOptionsChange={setOptions} />;
}

function App(): React.JSX.Element {
  const view = new URLSearchParams(window.location.search).get('view') ?? 'features';
  const theme = createTheme({ colors: { mode: 'dark' } });
  const query = QUERIES[view];
  const config = CONFIGS[view];
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <main id="view" data-view={view} style={{ padding: 16, width: 1000, background: theme.colors.background.primary }}>
        {query && <QueryView initial={query} />}
        {config && <ConfigView initial={config} />}
        {!query && !config && <p>Unknown view {view}</p>}
      </main>
    </ThemeContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
