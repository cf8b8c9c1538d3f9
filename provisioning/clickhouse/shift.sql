-- Staging → flows. Argus times ("2011/08/16 10:00:00.403800", UTC) are shifted so the newest flow
-- is now (whole seconds: ts is a DateTime), ICMP type/code "ports" written in hex ("0x0008") are
-- decoded, and the destination bytes are derived. Only functions old and new ClickHouse share.
INSERT INTO flowlens.flows
SELECT
    toDateTime(toUInt32(start) + shift, 'UTC') AS ts,
    SrcAddr AS src_ip,
    DstAddr AS dst_ip,
    if(startsWith(Sport, '0x'), reinterpretAsUInt16(reverse(unhex(substring(concat('0000', substring(Sport, 3)), length(Sport) - 1, 4)))), toUInt16OrZero(Sport)) AS src_port,
    if(startsWith(Dport, '0x'), reinterpretAsUInt16(reverse(unhex(substring(concat('0000', substring(Dport, 3)), length(Dport) - 1, 4)))), toUInt16OrZero(Dport)) AS dst_port,
    lower(Proto) AS proto,
    State AS state,
    toUInt64OrZero(TotBytes) AS bytes,
    toUInt64OrZero(TotPkts) AS packets,
    toUInt64OrZero(SrcBytes) AS src_bytes,
    toUInt64(greatest(toInt64OrZero(TotBytes) - toInt64OrZero(SrcBytes), 0)) AS dst_bytes,
    toFloat64OrZero(Dur) AS duration,
    Label AS label
FROM
(
    SELECT
        *,
        toDateTime(replaceAll(substring(StartTime, 1, 19), '/', '-'), 'UTC') AS start,
        toUInt32(now()) - (SELECT toUInt32(max(toDateTime(replaceAll(substring(StartTime, 1, 19), '/', '-'), 'UTC'))) FROM flowlens.binetflow_raw) AS shift
    FROM flowlens.binetflow_raw
);
DROP TABLE flowlens.binetflow_raw;
