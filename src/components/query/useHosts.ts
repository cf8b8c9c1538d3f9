/** Loads the hosts seen in the panel's time range for host pickers (backend `GET hosts`). */
import { useEffect, useState } from 'react';
import type { TimeRange } from '@grafana/data';

import type { HostRole } from '../../query/index.js';

export interface HostSource {
  listHosts(role: HostRole, range?: TimeRange): Promise<string[]>;
}

export interface HostsState {
  hosts: string[];
  loading: boolean;
  error?: string;
}

export function useHosts(source: HostSource, role: HostRole, range: TimeRange | undefined): HostsState {
  const [state, setState] = useState<HostsState>({ hosts: [], loading: true });
  const from = range?.from.valueOf();
  const to = range?.to.valueOf();
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    source.listHosts(role, range).then(
      (hosts) => live && setState({ hosts, loading: false }),
      (err: unknown) => live && setState({ hosts: [], loading: false, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
    // the range object changes identity on every render; its bounds are what matter
  }, [source, role, from, to]);
  return state;
}

/** Grafana's fetch errors carry the backend's message in `data.message`. */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { data?: { message?: unknown; error?: unknown }; message?: unknown; statusText?: unknown };
    for (const m of [e.data?.message, e.data?.error, e.message, e.statusText]) {
      if (typeof m === 'string' && m !== '') return m;
    }
  }
  return typeof err === 'string' ? err : 'The request failed.';
}
