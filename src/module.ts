/** Grafana's entry point for the Flowlens data source plugin (built into dist/module.js). */
import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor.js';
import { QueryEditor } from './components/QueryEditor.js';
import { DataSource } from './datasource.js';
import type { FlowlensDataQuery, FlowlensOptions, FlowlensSecureOptions } from './components/types.js';

export const plugin = new DataSourcePlugin<DataSource, FlowlensDataQuery, FlowlensOptions, FlowlensSecureOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
