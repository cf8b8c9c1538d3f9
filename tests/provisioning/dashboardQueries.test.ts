/**
 * The provisioned dashboard and alert rule run through the backend's real query path (in process,
 * no gRPC) on the bundled sample, as the demo's "Flowlens sample" data source would: every panel
 * answers data, the bots cross the dashboard's threshold and nobody else does, and the alert rule
 * (reduce last → threshold) fires for exactly the sample's bots.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';

import { encodeFrameToArrow } from '../../src/backend/grafana/arrowFrame.js';
import { createLogger } from '../../src/backend/grafana/logger.js';
import { MetricsRegistry } from '../../src/backend/grafana/metrics.js';
import type { DataQuery, DataSourceInstanceSettings } from '../../src/backend/grafana/types.js';
import { createInstance, type FlowlensInstance } from '../../src/backend/instance.js';
import { parseQuery } from '../../src/backend/plugin.js';
import { runQuery } from '../../src/backend/queries/index.js';
import { interpolateQuery } from '../../src/components/interpolate.js';
import type { FlowlensDataQuery } from '../../src/components/types.js';
import { dataSources, readJson, readYaml, root } from './repo.js';

const BOTS = ['147.32.84.160', '147.32.84.161', '147.32.84.162'];

interface Target {
  refId: string;
  datasource?: { uid?: string };
  queryType?: string;
  output?: string;
  [key: string]: unknown;
}
interface Panel {
  id: number;
  title: string;
  targets?: Target[];
  fieldConfig?: { defaults?: { thresholds?: { steps: Array<{ value: number | null }> } } };
}
const dash = readJson<{ time: { from: string; to: string }; panels: Panel[]; templating: { list: Array<{ name: string; current: { value: string } }> } }>(
  'provisioning/dashboards/soc-overview.json',
);
const vars = new Map(dash.templating.list.map((v) => [v.name, v.current.value]));
const replace = (text: string): string => text.replace(/\$\{?(\w+)\}?/g, (all, name: string) => vars.get(name) ?? all);
const range = { fromMs: Date.parse(dash.time.from), toMs: Date.parse(dash.time.to) };

let instance: FlowlensInstance;
const ctx = { signal: new AbortController().signal, logger: createLogger({ write: () => undefined }), metadata: {} };

async function run(model: Record<string, unknown>, intervalMS = 10_000): Promise<Table[]> {
  const dq: DataQuery = { refId: 'A', maxDataPoints: 1000, intervalMS, timeRange: range, json: model, queryType: '' };
  const frames = await runQuery(parseQuery(dq), dq, instance, ctx);
  return frames.map((f) => tableFromIPC(encodeFrameToArrow(f, 'A')));
}

/** host → its score series, from timeseries-multi frames labelled {host}. */
function seriesByHost(tables: Table[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const t of tables) {
    const score = t.schema.fields[1]!;
    const host = (JSON.parse(score.metadata.get('labels') ?? '{}') as { host?: string }).host;
    assert.ok(host, 'every score series is labelled with its host');
    out.set(host, [...t.getChild(score.name)!].filter((v): v is number => typeof v === 'number'));
  }
  return out;
}

describe('dashboard and alert rule on the bundled sample', () => {
  before(async () => {
    const provisioned = dataSources().find((d) => d.uid === 'flowlens-sample')!;
    const jsonData = provisioned.jsonData as { file: Record<string, unknown> };
    const settings = {
      id: 1, uid: provisioned.uid, name: provisioned.name, url: '', user: '', database: '', basicAuthEnabled: false, basicAuthUser: '',
      // the container path of the sample, pointed at the repository's copy
      jsonData: { ...jsonData, file: { ...jsonData.file, root: join(root, 'sample/flows') } },
      decryptedSecureJsonData: {},
    } as unknown as DataSourceInstanceSettings;
    instance = await createInstance(settings, { logger: ctx.logger, flowsRead: new MetricsRegistry().counter('flows_read_total', 'flows read') });
  });

  it('every Flowlens panel answers rows over the dashboard range', async () => {
    for (const panel of dash.panels) {
      for (const t of panel.targets ?? []) {
        if (t.datasource?.uid !== 'flowlens-sample') continue;
        const tables = await run(interpolateQuery(t as unknown as FlowlensDataQuery, replace) as unknown as Record<string, unknown>);
        assert.ok(tables.some((x) => x.numRows > 0), `panel "${panel.title}" (${t.queryType}) returned no rows`);
      }
    }
  });

  it('host-score panel: the bots cross the threshold, no other host ever does', async () => {
    const panel = dash.panels.find((p) => p.targets?.some((t) => t.queryType === 'hostScores' && t.output === 'timeseries'))!;
    const threshold = panel.fieldConfig!.defaults!.thresholds!.steps.find((s) => s.value !== null)!.value!;
    const t = panel.targets![0]!;
    const series = seriesByHost(await run(interpolateQuery(t as unknown as FlowlensDataQuery, replace) as unknown as Record<string, unknown>));
    // the monitored-network filter must leave the campus clients in, or "nobody else crosses" says nothing
    assert.ok([...series.keys()].filter((h) => !BOTS.includes(h)).length >= 10, `only ${series.size} hosts scored`);
    for (const bot of BOTS) assert.ok(Math.max(...(series.get(bot) ?? [-Infinity])) > threshold, `${bot} never crosses ${threshold}`);
    for (const [host, values] of series) {
      if (!BOTS.includes(host)) assert.ok(Math.max(...values) <= threshold, `${host} crosses ${threshold}: ${Math.max(...values)}`);
    }
  });

  it('alert rule: reduce(last) > threshold fires for exactly the bots', async () => {
    const rule = readYaml<{ groups: Array<{ rules: Array<{ data: Array<{ refId: string; datasourceUid: string; model: Record<string, unknown> & { conditions?: Array<{ evaluator: { params: number[] } }> } }> }> }> }>(
      'provisioning/alerting/botnet-profile.yaml',
    ).groups[0]!.rules[0]!;
    const query = rule.data.find((q) => q.datasourceUid !== '__expr__')!;
    const threshold = rule.data.find((q) => q.model.type === 'threshold')!.model.conditions![0]!.evaluator.params[0]!;
    const series = seriesByHost(await run(query.model, Number(query.model.intervalMs ?? 60_000)));
    const firing = [...series].filter(([, v]) => v.length > 0 && v[v.length - 1]! > threshold).map(([h]) => h).sort();
    assert.deepEqual(firing, BOTS);
  });
});
