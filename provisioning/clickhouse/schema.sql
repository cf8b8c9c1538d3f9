-- The generic preset's flow table (column names = Flowlens' internal flow fields) and a staging
-- table holding the sample's Argus CSV as text. Plain types only, so the same file runs on old
-- ClickHouse releases (the CI test loads it into Debian's 18.16) and on current ones.
CREATE DATABASE IF NOT EXISTS flowlens;
DROP TABLE IF EXISTS flowlens.binetflow_raw;
CREATE TABLE flowlens.binetflow_raw
(
    StartTime String, Dur String, Proto String, SrcAddr String, Sport String, Dir String, DstAddr String,
    Dport String, State String, sTos String, dTos String, TotPkts String, TotBytes String, SrcBytes String,
    Label String
) ENGINE = Memory;
DROP TABLE IF EXISTS flowlens.flows;
CREATE TABLE flowlens.flows
(
    ts DateTime('UTC'),
    src_ip String,
    dst_ip String,
    src_port UInt16,
    dst_port UInt16,
    proto String,
    state String,
    bytes UInt64,
    packets UInt64,
    src_bytes UInt64,
    dst_bytes UInt64,
    duration Float64,
    label String
) ENGINE = MergeTree ORDER BY (ts, src_ip);
