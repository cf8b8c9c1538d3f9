/**
 * One instance per data source, as the Go SDK keeps them: keyed by numeric id, uid and org plus
 * tenant, rebuilt when `lastUpdatedMS` or Grafana's config changes, the old one disposed a few
 * seconds later so in-flight requests can finish. Concurrent first requests create it once.
 */
import { badRequest } from './errors.js';
import type { Logger } from './logger.js';
import type { DataSourceInstanceSettings, PluginContext } from './types.js';

export interface Instance {
  dispose?(): void | Promise<void>;
}

export type InstanceFactory<T extends Instance> = (settings: DataSourceInstanceSettings, pluginContext: PluginContext) => T | Promise<T>;

interface Entry<T> {
  lastUpdatedMS: number;
  configKey: string;
  instance: Promise<T>;
}

export interface InstanceManagerOptions {
  disposeDelayMs?: number;
  logger?: Logger;
}

function configKey(cfg: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(cfg).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class InstanceManager<T extends Instance> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly pendingDisposals = new Map<ReturnType<typeof setTimeout>, Promise<T>>();
  private readonly disposeDelayMs: number;

  constructor(private readonly factory: InstanceFactory<T>, private readonly options: InstanceManagerOptions = {}) {
    this.disposeDelayMs = options.disposeDelayMs ?? 5000;
  }

  /** The instance for the data source in `pluginContext`, created or refreshed as needed. */
  get(pluginContext: PluginContext, tenant = ''): Promise<T> {
    const settings = pluginContext.dataSourceInstanceSettings;
    if (!settings) throw badRequest('This request carries no data source settings; it must be made for a data source.');
    // uids are unique per org only: two orgs' data sources may share one (provisioned from the same
    // file), so the key holds the global numeric id and the org too, as the Go SDK's does
    const key = `${settings.id}#${settings.uid}#${pluginContext.orgId}#${tenant}`;
    const cfg = configKey(pluginContext.grafanaConfig);
    const cur = this.entries.get(key);
    if (cur && cur.lastUpdatedMS === settings.lastUpdatedMS && cur.configKey === cfg) return cur.instance;

    const instance = Promise.resolve().then(() => this.factory(settings, pluginContext));
    const entry: Entry<T> = { lastUpdatedMS: settings.lastUpdatedMS, configKey: cfg, instance };
    this.entries.set(key, entry);
    // A failed creation is not cached: the next request tries again (settings may be fixed by then).
    instance.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    if (cur) {
      this.options.logger?.debug('Data source settings changed; replacing its instance', { uid: settings.uid, id: settings.id });
      this.disposeLater(cur.instance);
    }
    return instance;
  }

  get size(): number {
    return this.entries.size;
  }

  private disposeLater(old: Promise<T>): void {
    const timer = setTimeout(() => {
      this.pendingDisposals.delete(timer);
      void this.disposeOne(old);
    }, this.disposeDelayMs);
    timer.unref();
    this.pendingDisposals.set(timer, old);
  }

  private async disposeOne(p: Promise<T>): Promise<void> {
    try {
      const inst = await p;
      await inst.dispose?.();
    } catch (err) {
      this.options.logger?.warn('Disposing an instance failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Disposes every instance now (process shutdown). */
  async disposeAll(): Promise<void> {
    const old = [...this.pendingDisposals.entries()];
    this.pendingDisposals.clear();
    for (const [t] of old) clearTimeout(t);
    const all = [...old.map(([, p]) => p), ...[...this.entries.values()].map((e) => e.instance)].map((p) => this.disposeOne(p));
    this.entries.clear();
    await Promise.all(all);
  }
}
