/**
 * Everything Flowlens keeps per data source: resolved settings (or what is wrong with them), the
 * configured store, and caches. Rebuilt by the instance manager when the settings change.
 */
import { describeErrors, resolveSettings, type ResolvedSettings } from '../query/index.js';
import { badRequest, notImplemented, type PluginError } from './grafana/errors.js';
import type { Logger } from './grafana/logger.js';
import type { Counter } from './grafana/metrics.js';
import type { DataSourceInstanceSettings } from './grafana/types.js';
import { ProfileRegistry } from './profiles.js';
import { FileStore } from './store/fileStore.js';
import { probeFlowFile, readFlowFiles } from './store/flowFiles.js';
import type { FlowStore } from './store/store.js';

export interface InstanceDeps {
  logger: Logger;
  flowsRead: Counter;
}

export interface FlowlensInstance {
  readonly uid: string;
  readonly name: string;
  /** Why the data source cannot answer (bad settings, unsupported store), or undefined. */
  readonly problem?: PluginError;
  readonly settings?: ResolvedSettings;
  readonly store?: FlowStore;
  readonly logger: Logger;
  readonly flowsRead: Counter;
  /** Trained and imported profiles (memory only). */
  readonly profiles: ProfileRegistry;
  /** The store, or the reason there is none. */
  requireStore(): FlowStore;
  dispose(): Promise<void>;
}

export async function createInstance(ds: DataSourceInstanceSettings, deps: InstanceDeps): Promise<FlowlensInstance> {
  // Secrets stay in `ds.decryptedSecureJsonData` and are handed only to the store that needs them.
  const logger = deps.logger.with({ datasource: ds.uid || String(ds.id) });
  const resolved = resolveSettings(ds.jsonData);
  let problem: PluginError | undefined;
  let settings: ResolvedSettings | undefined;
  let store: FlowStore | undefined;
  if (!resolved.ok) {
    problem = badRequest(`The data source settings need fixing: ${describeErrors(resolved.errors)}`);
  } else {
    settings = resolved.settings;
    if (settings.store === 'file') store = new FileStore(settings.file, readFlowFiles, { probe: probeFlowFile, listingTtlMs: 1000, maxBytes: settings.limits.maxBytes });
    else {
      // Loaded on first use: a file-store plugin never pays for the ClickHouse client at start-up.
      const { ClickHouseFlowStore } = await import('./store/clickhouseStore.js');
      store = ClickHouseFlowStore.fromSettings(settings.clickhouse, ds.decryptedSecureJsonData.clickhousePassword ?? '', settings.limits.maxBytes);
    }
  }
  logger.debug('Data source instance created', { store: settings?.store ?? 'invalid' });
  const profiles = new ProfileRegistry();
  return {
    uid: ds.uid,
    name: ds.name,
    problem,
    settings,
    store,
    logger,
    flowsRead: deps.flowsRead,
    profiles,
    requireStore() {
      if (store) return store;
      throw problem ?? notImplemented('No store is configured.');
    },
    async dispose() {
      profiles.clear();
      await store?.dispose();
    },
  };
}
