#!/usr/bin/env python3
"""A vectorized pandas version of the seed features: one read_csv, a window column, and one
groupby per key over all windows at once (group sizes per (window, key), then per-window
statistics of those sizes). Prints windows and seconds as JSON.

Usage: vectorized.py FILE [T]
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

COLUMNS = ['ts', 'ip_protocol', 'state', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'src_tx', 'dst_tx']
STATES = ['closed', 'established', 'reset', 'new', 'closing', 'connecting']


def describe(sizes, prefix, out):
    g = sizes.groupby(level='window')
    out[prefix + '_max'] = g.max()
    out[prefix + '_mean'] = g.mean()
    out[prefix + '_perc25'] = g.quantile(.25)
    out[prefix + '_perc50'] = g.median()
    out[prefix + '_perc75'] = g.quantile(.75)
    out[prefix + '_perc90'] = g.quantile(.9)


def main():
    path = sys.argv[1]
    T = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    t0 = time.perf_counter()
    c0 = time.process_time()
    df = pd.read_csv(path, header=None, names=COLUMNS)
    ts = pd.to_datetime(df['ts'], format='%Y-%m-%d %H:%M:%S', utc=True).astype('int64') // 10**9
    df['window'] = (ts // T) * T
    w = df.groupby('window')
    out = {'num_entries': w.size()}
    for c in ['dst_port', 'src_port', 'dst_ip', 'src_ip']:
        out['count_' + c] = w[c].nunique(dropna=False)
    states = df.groupby(['window', 'state']).size().unstack(fill_value=0)
    for s in STATES:
        out['num_state_' + s] = states[s] if s in states else 0
    conn = df.groupby(['window', 'dst_ip', 'src_ip'])['dst_port'].count()
    out['count_conns'] = conn.groupby(level='window').size()
    describe(conn, 'dst_port_per_conn', out)
    flows = df.groupby(['window', 'dst_ip', 'dst_port', 'src_ip', 'src_port', 'ip_protocol']).size()
    out['count_flows'] = flows.groupby(level='window').size()
    out['num_flows_per_conn_mean'] = out['count_flows'] / out['count_conns']
    for key, cols in [('dst_ip', ['dst_port', 'src_ip']), ('src_ip', ['dst_port', 'dst_ip']), ('dst_port', ['dst_ip', 'src_ip'])]:
        g = df.groupby(['window', key])
        for col in cols:
            describe(g[col].count(), col + '_per_' + key, out)
    result = pd.DataFrame(out)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({'windows': len(result), 'seconds': seconds, 'cpu': cpu, 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'columns': len(result.columns)}))
    np.asarray(result.values)


if __name__ == '__main__':
    main()
