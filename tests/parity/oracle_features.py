#!/usr/bin/env python3
"""Pandas oracle for `flowlens features` (semantics.md §1).

An independent re-implementation: it parses the input file itself with pandas and computes each
tumbling window's features with the seed notebook's own calls (`len(df[c].unique())`,
`groupby(...)[col].count()`, `len(groupby)`, `quantile`, `median`, `mean`, `max`), so a parity test
compares Flowlens with what the notebook's code computes, not with Flowlens's own output.

Differences from the notebook, all required by semantics.md:
  * batches are tumbling windows floor(ts / T) * T, not "close the batch at every flow whose second
    is a multiple of T" (which made thousands of one-flow batches and dropped the tail);
  * num_state_* counts rows (`groupby('state').size()`), not non-null `dst_tx` values;
  * count_conns / count_flows use `groupby(...).ngroups` where the notebook wrote `len(groupby)`:
    with several keys, pandas 2.2's `len()` also counts key combinations that contain NaN (it
    ignores dropna=True), while semantics.md says "a 5-tuple with a missing part forms no flow
    group". Both agree whenever no port is missing (the notebook's own data);
  * extra features the names promised: distinct_<a>_per_<b>_<k> (`nunique()`), entries_per_flow_<k>
    (rows per 5-tuple) and byte sums.

Usage: oracle_features.py --format seed|binetflow|netflow-labeled --window T FILE > features.csv
Output: CSV, header `time,<features>`, time as ISO-8601 UTC, NaN as an empty field.
"""
import argparse
import ipaddress
import math
import re
import sys

import numpy as np
import pandas as pd

SEED_COLUMNS = ['ts', 'ip_protocol', 'state', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'src_tx', 'dst_tx']
STATES = ['closed', 'established', 'reset', 'new', 'closing', 'connecting']
STATS = ['max', 'mean', 'perc25', 'perc50', 'perc75', 'perc90']


def epoch_seconds(dt):
    """tz-aware datetime64[ns] Series -> float epoch seconds, each the double nearest the written
    decimal. Python's int / int rounds once; int64 -> float64 and then / 1e9 would round twice, and
    a timestamp one ulp off can land in the neighbouring window when T is not a binary fraction."""
    ns = dt.astype('int64').tolist()
    return pd.Series([n / 1_000_000_000 for n in ns], index=dt.index, dtype='float64')


def read_seed(path):
    df = pd.read_csv(path, header=None, names=SEED_COLUMNS,
                     dtype={'ip_protocol': str, 'state': str, 'src_ip': str, 'dst_ip': str})
    df['ts'] = epoch_seconds(pd.to_datetime(df['ts'], format='%Y-%m-%d %H:%M:%S', utc=True))
    for c in ['src_ip', 'dst_ip', 'ip_protocol']:
        df[c] = df[c].str.lower()
    df['bytes_total'] = df['src_tx'] + df['dst_tx']
    return df


BAD = -1.0


PORT_PROTOCOLS = {'tcp', 'udp', 'sctp', 'udplite', 'dccp', 'udt'}


def parse_argus_port(text, proto):
    """Argus writes ICMP type/code as hex (0x0303) and leaves ARP ports empty. For a protocol
    without ports, a hex value above 0xffff (up to 32 bits) is the identifier Argus writes in the
    port's place, such as an ESP tunnel's SPI (0x2020597d): no port (NaN), the flow kept. Any
    other value outside 0-65535 is not a port: the reader skips such a line as 'bad-port', so it
    is dropped here too."""
    t = text.strip()
    if t == '':
        return np.nan
    if t.lower().startswith('0x'):
        v = int(t, 16)
        if v <= 65535:
            return float(v)
        return np.nan if proto not in PORT_PROTOCOLS and len(t) <= 10 else BAD
    v = int(t)
    return float(v) if 0 <= v <= 65535 else BAD


def read_binetflow(path, derive_dst_bytes):
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=False)
    df = pd.DataFrame()
    df['ts'] = epoch_seconds(pd.to_datetime(raw['StartTime'], format='%Y/%m/%d %H:%M:%S.%f', utc=True))
    df['ip_protocol'] = raw['Proto'].str.strip().str.lower()
    df['state'] = raw['State'].str.strip().replace('', np.nan)
    df['src_ip'] = raw['SrcAddr'].str.strip().str.lower()
    df['dst_ip'] = raw['DstAddr'].str.strip().str.lower()
    df['src_port'] = [parse_argus_port(t, p) for t, p in zip(raw['Sport'], df['ip_protocol'])]
    df['dst_port'] = [parse_argus_port(t, p) for t, p in zip(raw['Dport'], df['ip_protocol'])]
    total = pd.to_numeric(raw['TotBytes'])
    df['src_tx'] = pd.to_numeric(raw['SrcBytes'])
    df['dst_tx'] = (total - df['src_tx']) if derive_dst_bytes else np.nan
    df['bytes_total'] = total
    bad = (df['src_port'] == BAD) | (df['dst_port'] == BAD)
    return df[~bad].copy()


NETFLOW_UNITS = {'K': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12}
MAC = re.compile(r'^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$')


def is_ip(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def split_endpoint(token):
    """`IP:port` for IPv4; nfdump writes IPv6 with its port after a dot (`2001:db8::5.5353`), since
    the address itself is full of colons; port-less protocols (ICMP, ARP, ...) give the bare
    address. Returns (address, port text, '' when there is none)."""
    t = token.lower()
    if t.count(':') == 1:
        addr, port = t.rsplit(':', 1)
        return addr, port
    if ':' in t and not is_ip(t) and not MAC.match(t) and '.' in t:
        addr, _, port = t.rpartition('.')
        return addr, port
    return t, ''


def parse_netflow_port(text):
    """Decimal port, or nfdump's ICMP `type.code`, which Flowlens numbers type * 256 + code (the
    value Argus writes in hex). Anything else or out of range is not a port: BAD."""
    if text == '':
        return np.nan
    if re.fullmatch(r'\d+', text):
        v = int(text)
        return float(v) if v <= 65535 else BAD
    m = re.fullmatch(r'(\d+)\.(\d+)', text)
    if m and int(m.group(1)) <= 255 and int(m.group(2)) <= 255:
        return float(int(m.group(1)) * 256 + int(m.group(2)))
    return BAD


def read_netflow_labeled(path):
    """CTU-13 `*.pcap.netflow.labeled`: a `Date flow start ...` header, then lines of blank-separated
    tokens `date time duration proto src -> dst flags tos packets bytes flows label...`; nfdump may
    print a large counter as two tokens (`1.2 M`). Every data line is a flow, the first one too."""
    rows = []
    with open(path, encoding='utf-8') as f:
        for raw in f:
            tok = raw.split()
            if not tok or re.match(r'date\b', tok[0], re.I):
                continue
            k = 9
            counters = []
            for _ in range(2):  # packets, bytes
                v = float(tok[k])
                k += 1
                if k < len(tok) and tok[k] in NETFLOW_UNITS:
                    v = round(v * NETFLOW_UNITS[tok[k]])
                    k += 1
                counters.append(v)
            src, sport = split_endpoint(tok[4])
            dst, dport = split_endpoint(tok[6])
            rows.append({
                'when': tok[0] + ' ' + tok[1],
                'ip_protocol': tok[3].lower(),
                'state': tok[7],
                'src_ip': src,
                'src_port': parse_netflow_port(sport),
                'dst_ip': dst,
                'dst_port': parse_netflow_port(dport),
                'bytes_total': counters[1],
            })
    df = pd.DataFrame(rows, columns=['when', 'ip_protocol', 'state', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'bytes_total'])
    df['ts'] = epoch_seconds(pd.to_datetime(df['when'], format='ISO8601', utc=True))
    df['src_port'] = df['src_port'].astype('float64')
    df['dst_port'] = df['dst_port'].astype('float64')
    df['bytes_total'] = df['bytes_total'].astype('float64')
    bad = (df['src_port'] == BAD) | (df['dst_port'] == BAD)
    return df[~bad].drop(columns=['when']).copy()


def describe_distribution(s):
    """The notebook's describe_distribution, call for call."""
    return {
        'max': s.max(),
        'mean': s.mean(),
        'perc25': s.quantile(.25),
        'perc50': s.median(),
        'perc75': s.quantile(.75),
        'perc90': s.quantile(.9),
    }


def put(stats, prefix, s):
    for k, v in describe_distribution(s).items():
        stats[prefix + '_' + k] = v


def batch_features(df, has_bytes):
    stats = {}
    stats['num_entries'] = len(df)
    stats['count_dst_port'] = len(df['dst_port'].unique())
    stats['count_src_port'] = len(df['src_port'].unique())
    stats['count_dst_ip'] = len(df['dst_ip'].unique())
    stats['count_src_ip'] = len(df['src_ip'].unique())
    df_state_count = df.groupby('state').size()
    for state in STATES:
        stats['num_state_' + state] = df_state_count[state] if state in df_state_count else 0

    gp1 = df.groupby(['dst_ip', 'src_ip'])
    stats['count_conns'] = gp1.ngroups
    put(stats, 'dst_port_per_conn', gp1['dst_port'].count())

    gp2 = df.groupby(['dst_ip', 'dst_port', 'src_ip', 'src_port', 'ip_protocol'])
    stats['count_flows'] = gp2.ngroups
    stats['num_flows_per_conn_mean'] = stats['count_flows'] / stats['count_conns'] if stats['count_conns'] else math.nan

    gp3 = df.groupby(['dst_ip'])
    put(stats, 'dst_port_per_dst_ip', gp3['dst_port'].count())
    put(stats, 'src_ip_per_dst_ip', gp3['src_ip'].count())
    gp4 = df.groupby(['src_ip'])
    put(stats, 'dst_port_per_src_ip', gp4['dst_port'].count())
    put(stats, 'dst_ip_per_src_ip', gp4['dst_ip'].count())
    gp5 = df.groupby(['dst_port'])
    put(stats, 'dst_ip_per_dst_port', gp5['dst_ip'].count())
    put(stats, 'src_ip_per_dst_port', gp5['src_ip'].count())

    # extras
    put(stats, 'entries_per_flow', gp2.size())
    put(stats, 'distinct_dst_port_per_conn', gp1['dst_port'].nunique())
    put(stats, 'distinct_dst_port_per_dst_ip', gp3['dst_port'].nunique())
    put(stats, 'distinct_src_ip_per_dst_ip', gp3['src_ip'].nunique())
    put(stats, 'distinct_dst_port_per_src_ip', gp4['dst_port'].nunique())
    put(stats, 'distinct_dst_ip_per_src_ip', gp4['dst_ip'].nunique())
    put(stats, 'distinct_dst_ip_per_dst_port', gp5['dst_ip'].nunique())
    put(stats, 'distinct_src_ip_per_dst_port', gp5['src_ip'].nunique())
    stats['bytes_up'] = df['src_tx'].sum() if has_bytes['up'] else math.nan
    stats['bytes_down'] = df['dst_tx'].sum() if has_bytes['down'] else math.nan
    stats['bytes_total'] = df['bytes_total'].sum() if has_bytes['total'] else math.nan
    return stats


def fmt(v):
    v = float(v)
    if math.isnan(v):
        return ''
    return repr(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--format', choices=['seed', 'binetflow', 'netflow-labeled'], required=True)
    ap.add_argument('--window', type=float, default=10.0)
    ap.add_argument('--binetflow-dst-bytes', choices=['derived', 'none'], default='derived',
                    help='whether dst bytes of a binetflow row are TotBytes - SrcBytes or absent')
    ap.add_argument('file')
    args = ap.parse_args()
    T = args.window
    if args.format == 'seed':
        df = read_seed(args.file)
        has_bytes = {'up': True, 'down': True, 'total': True}
    elif args.format == 'netflow-labeled':
        # one Bytes column: the flow's total, with no split by direction
        df = read_netflow_labeled(args.file)
        has_bytes = {'up': False, 'down': False, 'total': True}
    else:
        derived = args.binetflow_dst_bytes == 'derived'
        df = read_binetflow(args.file, derived)
        has_bytes = {'up': True, 'down': derived, 'total': True}
    df['window'] = np.floor(df['ts'] / T) * T
    out = sys.stdout
    header = None
    for start, batch in df.groupby('window', sort=True):
        stats = batch_features(batch.drop(columns=['window']), has_bytes)
        if header is None:
            header = list(stats.keys())
            out.write('time,' + ','.join(header) + '\n')
        t = pd.Timestamp(start, unit='s', tz='UTC')
        iso = t.strftime('%Y-%m-%dT%H:%M:%S') + ('Z' if t.microsecond == 0 else '.%03dZ' % (t.microsecond // 1000))
        out.write(iso + ',' + ','.join(fmt(stats[k]) for k in header) + '\n')


if __name__ == '__main__':
    main()
