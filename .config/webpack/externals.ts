/**
 * What Grafana provides to plugins at run time (create-plugin's list): these are loaded from the
 * running Grafana, never bundled, so the plugin uses the host's React, rxjs and @grafana/* copies.
 */
import type { Configuration, ExternalItemFunctionData } from 'webpack';

type ExternalCallback = (err?: Error, result?: string) => void;

export const externals: Configuration['externals'] = [
  { 'amd-module': 'module' },
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
  // legacy SDK imports named "grafana/…" resolve to Grafana's own modules
  ({ request }: ExternalItemFunctionData, callback: ExternalCallback) => {
    const prefix = 'grafana/';
    if (request && request.startsWith(prefix)) return callback(undefined, request.slice(prefix.length));
    callback();
  },
];
