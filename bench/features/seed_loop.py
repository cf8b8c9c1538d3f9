#!/usr/bin/env python3
"""The seed notebook's approach, with tumbling batches: read rows one by one with csv.reader,
collect each T-second batch as a list of rows, then per batch build a DataFrame and run the
notebook's groupbys (seed 56 features). Prints windows and seconds as JSON.

Usage: seed_loop.py FILE [T]
"""
import csv
import json
import resource
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone

import pandas as pd

COLUMNS = ['ts', 'ip_protocol', 'state', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'src_tx', 'dst_tx']
STATES = ['closed', 'established', 'reset', 'new', 'closing', 'connecting']


def describe_distribution(s):
    return {'max': s.max(), 'mean': s.mean(), 'perc25': s.quantile(.25), 'perc50': s.median(),
            'perc75': s.quantile(.75), 'perc90': s.quantile(.9)}


def batch_stats(df):
    stats = {'num_entries': len(df)}
    for c in ['dst_port', 'src_port', 'dst_ip', 'src_ip']:
        stats['count_' + c] = len(df[c].unique())
    df_state_count = df.groupby('state').size()
    for state in STATES:
        stats['num_state_' + state] = df_state_count[state] if state in df_state_count else 0
    gp1 = df.groupby(['dst_ip', 'src_ip'])
    stats['count_conns'] = len(gp1)
    for k, v in describe_distribution(gp1['dst_port'].count()).items():
        stats['dst_port_per_conn_' + k] = v
    gp2 = df.groupby(['dst_ip', 'dst_port', 'src_ip', 'src_port', 'ip_protocol'])
    stats['count_flows'] = len(gp2)
    stats['num_flows_per_conn_mean'] = stats['count_flows'] / stats['count_conns']
    for key, cols in [('dst_ip', ['dst_port', 'src_ip']), ('src_ip', ['dst_port', 'dst_ip']), ('dst_port', ['dst_ip', 'src_ip'])]:
        gp = df.groupby([key])
        for col in cols:
            for k, v in describe_distribution(gp[col].count()).items():
                stats[col + '_per_' + key + '_' + k] = v
    return stats


def main():
    path = sys.argv[1]
    T = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    t0 = time.perf_counter()
    c0 = time.process_time()
    batches = []
    current, current_w = [], None
    with open(path, newline='') as f:
        for e in csv.reader(f):
            ts = datetime.strptime(e[0], '%Y-%m-%d %H:%M:%S').replace(tzinfo=timezone.utc).timestamp()
            w = int(ts // T)
            # ICMP/ARP rows have no ports: None becomes NaN in the DataFrame, as in the notebook
            row = [ts, e[1], e[2], e[3], int(e[4]) if e[4] else None, e[5], int(e[6]) if e[6] else None, int(e[7]), int(e[8])]
            if w != current_w and current:
                batches.append(current)
                current = []
            current_w = w
            current.append(row)
    if current:
        batches.append(current)
    all_stats = defaultdict(list)
    for rows in batches:
        df = pd.DataFrame(rows, columns=COLUMNS)
        for k, v in batch_stats(df).items():
            all_stats[k].append(v)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({'windows': len(batches), 'seconds': seconds, 'cpu': cpu, 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == '__main__':
    main()
