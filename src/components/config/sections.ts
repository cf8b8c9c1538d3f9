/** Small helpers the config sections share: merge one section of jsonData, numbers from inputs. */
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import type { FlowlensJsonData } from '../../query/index.js';
import type { FlowlensOptions, FlowlensSecureOptions } from '../types.js';

export type ConfigProps = DataSourcePluginOptionsEditorProps<FlowlensOptions, FlowlensSecureOptions>;

type Section = 'file' | 'clickhouse' | 'limits';

/**
 * Options with one jsonData section patched; other sections and keys are kept as they are. A key
 * patched to undefined is removed, so the shared defaults apply to it again.
 */
export function patchSection<S extends Section>(options: ConfigProps['options'], section: S, patch: Partial<NonNullable<FlowlensJsonData[S]>>): ConfigProps['options'] {
  const merged: Record<string, unknown> = { ...(options.jsonData[section] ?? {}), ...patch };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return { ...options, jsonData: { ...options.jsonData, [section]: merged } };
}

export const LABEL_WIDTH = 22;
