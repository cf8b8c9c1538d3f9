/**
 * The go-plugin launch contract: the magic cookie, app-protocol negotiation, where to listen, and
 * the one line printed on stdout once the server listens (protocol doc §1.3, §1.4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAGIC_COOKIE_KEY = 'grafana_plugin_type';
export const MAGIC_COOKIE_VALUE = 'datasource';
export const CORE_PROTOCOL_VERSION = 1;
export const SUPPORTED_APP_VERSIONS: readonly number[] = [2];

// Same wording as go-plugin's servers, for whoever runs the executable by hand.
export const NOT_LAUNCHED_BY_HOST_MESSAGE =
  'This binary is a plugin. These are not meant to be executed directly.\n' +
  'Please execute the program that consumes these plugins, which will\n' +
  'load any plugins automatically\n';

export type Env = Readonly<Record<string, string | undefined>>;

export function hasMagicCookie(env: Env): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

/** Highest version both sides support; go-plugin servers fall back to their lowest otherwise. */
export function negotiateAppVersion(env: Env, supported: readonly number[] = SUPPORTED_APP_VERSIONS): number {
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? '')
    .split(',')
    .map((s) => Number.parseInt(s.trim(), 10))
    .filter((n) => Number.isInteger(n));
  const common = supported.filter((v) => offered.includes(v));
  return common.length ? Math.max(...common) : Math.min(...supported);
}

export type Network = 'unix' | 'tcp';

export function handshakeLine(appVersion: number, network: Network, address: string): string {
  if (address.includes('|') || address.includes('\n')) throw new Error(`address ${JSON.stringify(address)} cannot go into a handshake line`);
  return `${CORE_PROTOCOL_VERSION}|${appVersion}|${network}|${address}|grpc\n`;
}

// sun_path holds 108 bytes on Linux, 104 on macOS; stay below both.
const MAX_SOCKET_PATH = 100;

export interface ListenTarget {
  network: Network;
  /** What grpc-js binds to. */
  bindAddress: string;
  /** Removes the socket folder (unix only). */
  cleanup: () => void;
}

/** A unix socket in a fresh private folder (PLUGIN_UNIX_SOCKET_DIR or the temp dir), else 127.0.0.1. */
export function chooseListenTarget(env: Env): ListenTarget {
  if (process.platform !== 'win32' && env.FLOWLENS_PLUGIN_TCP !== '1') {
    for (const base of [env.PLUGIN_UNIX_SOCKET_DIR, tmpdir(), '/tmp']) {
      if (!base) continue;
      let dir: string;
      try {
        dir = mkdtempSync(join(base, 'plugin'));
      } catch {
        continue;
      }
      const path = join(dir, 's');
      if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      return { network: 'unix', bindAddress: `unix:${path}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    }
  }
  return { network: 'tcp', bindAddress: '127.0.0.1:0', cleanup: () => undefined };
}
