/**
 * Stands in for Grafana's plugin loader: provides the modules Grafana shares with plugins (React,
 * @grafana/data, ui, runtime) to an AMD `define`, loads the built dist/module.js and renders the
 * editors the plugin registers. Proves the webpack output loads with only those externals.
 */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as data from '@grafana/data';
import * as ui from '@grafana/ui';
import * as runtime from '@grafana/runtime';

const SHARED: Record<string, unknown> = { react: React, 'react-dom': ReactDOM, '@grafana/data': data, '@grafana/ui': ui, '@grafana/runtime': runtime };

interface PluginModule {
  plugin: data.DataSourcePlugin<data.DataSourceApi>;
}

type Define = ((deps: string[], factory: (...mods: unknown[]) => unknown) => void) & { amd: boolean };
const define = ((deps, factory) => {
  const missing = deps.filter((d) => !(d in SHARED) && d !== 'exports' && d !== 'module');
  if (missing.length) throw new Error(`module.js needs modules Grafana does not provide: ${missing.join(', ')}`);
  const exportsObject = {};
  const result = factory(...deps.map((d) => (d === 'exports' ? exportsObject : d === 'module' ? {} : SHARED[d])));
  void render((result ?? exportsObject) as PluginModule);
}) as Define;
define.amd = true;
(window as unknown as { define: Define }).define = define;

const settings = {
  id: 1, uid: 'flowlens', type: 'flowlens-netflow-datasource', name: 'Flowlens', access: 'proxy', readOnly: false,
  jsonData: { store: 'file', file: { root: '/var/lib/flowlens/sample' } },
  meta: { id: 'flowlens-netflow-datasource', info: { logos: {} } },
} as unknown as data.DataSourceInstanceSettings;

async function render(mod: PluginModule): Promise<void> {
  const { plugin } = mod;
  const Ds = plugin.DataSourceClass as unknown as new (s: data.DataSourceInstanceSettings) => data.DataSourceApi & { getDefaultQuery(app: string): data.DataQuery };
  const ds = new Ds(settings);
  const QueryEditor = plugin.components.QueryEditor!;
  const ConfigEditor = plugin.components.ConfigEditor!;
  const query = { ...ds.getDefaultQuery('panel-editor'), refId: 'A' };
  const theme = data.createTheme({ colors: { mode: 'dark' } });
  createRoot(document.getElementById('root')!).render(
    <data.ThemeContext.Provider value={theme}>
      <main id="loaded" data-variables={ds.variables ? 'yes' : 'no'}>
        <QueryEditor query={query} datasource={ds} onChange={() => {}} onRunQuery={() => {}} />
        <ConfigEditor options={{ ...settings, secureJsonFields: {} } as never} onOptionsChange={() => {}} />
      </main>
    </data.ThemeContext.Provider>,
  );
}
