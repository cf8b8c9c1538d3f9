/**
 * Access to the test ClickHouse server started by tests/services/clickhouse.sh. Integration tests
 * skip (with this message) when FLOWLENS_CLICKHOUSE_URL is unset.
 */
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { DEFAULT_CLICKHOUSE_SETTINGS, type ClickHouseSettings } from '../../../src/query/settings.js';

export const SERVER_URL = process.env.FLOWLENS_CLICKHOUSE_URL ?? '';
export const SKIP = SERVER_URL === '' ? 'FLOWLENS_CLICKHOUSE_URL is not set: start a server with `eval "$(tests/services/clickhouse.sh start)"`' : false;
export const USER = process.env.FLOWLENS_CLICKHOUSE_USER ?? 'default';
export const PASSWORD = process.env.FLOWLENS_CLICKHOUSE_PASSWORD ?? '';

export function adminClient(): ClickHouseClient {
  return createClient({ url: SERVER_URL, username: USER, password: PASSWORD, log: { level: ClickHouseLogLevel.OFF }, request_timeout: 120_000 });
}

/** A database of our own per test file, so parallel runs do not collide. */
export function testDatabase(tag: string): string {
  return `flowlens_${tag}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
}

export function settingsFor(database: string, table: string, extra: Partial<ClickHouseSettings> = {}): ClickHouseSettings {
  return { ...DEFAULT_CLICKHOUSE_SETTINGS, url: SERVER_URL, user: USER, database, table, preset: 'generic', columns: {}, queryTimeoutSeconds: 30, connectTimeoutSeconds: 5, ...extra };
}

export async function exec(client: ClickHouseClient, sql: string): Promise<void> {
  await client.command({ query: sql });
}
