/** Reads the repository's plugin, provisioning and compose files for the checks in this folder. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const readText = (path: string): string => readFileSync(resolve(root, path), 'utf8');
export const readJson = <T = Record<string, unknown>>(path: string): T => JSON.parse(readText(path)) as T;
export const readYaml = <T = Record<string, unknown>>(path: string): T => parse(readText(path)) as T;

export interface PluginJson {
  id: string;
  type: string;
  name: string;
  backend?: boolean;
  executable?: string;
  alerting?: boolean;
  streaming?: boolean;
  metrics?: boolean;
  info: { logos: { small: string; large: string }; version: string; author: { name: string } };
  dependencies: { grafanaDependency: string };
}

export interface ProvisionedDataSource {
  name: string;
  type: string;
  uid: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

export const plugin = (): PluginJson => readJson<PluginJson>('plugin.json');
export const dataSources = (): ProvisionedDataSource[] => readYaml<{ datasources: ProvisionedDataSource[] }>('provisioning/datasources/flowlens.yaml').datasources;
