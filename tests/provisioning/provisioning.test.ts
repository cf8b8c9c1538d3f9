import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

import { interpolateQuery } from '../../src/components/interpolate.js';
import type { FlowlensDataQuery } from '../../src/components/types.js';
import { describeErrors, resolveSettings, validateQuery } from '../../src/query/index.js';
import { dataSources, plugin, readJson, readYaml, root } from './repo.js';

interface Target {
  refId: string;
  datasource?: { type?: string; uid?: string };
  queryType?: string;
  channel?: string;
  [key: string]: unknown;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; datasource?: { uid?: string }; query?: unknown; current?: { value?: string | string[] } }> };
}

const pluginId = plugin().id;
const ours = dataSources().filter((d) => d.type === pluginId);
const ourUids = new Set(ours.map((d) => d.uid));
const dashboardFiles = readdirSync(resolve(root, 'provisioning/dashboards')).filter((f) => f.endsWith('.json'));

/** Substitutes a dashboard's variables by their saved current values, as Grafana does before a query. */
function withVariables(dash: Dashboard): (text: string) => string {
  const values = new Map(dash.templating.list.map((v) => [v.name, v.current?.value ?? '']));
  return (text) =>
    text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (all, a: string | undefined, b: string | undefined) => {
      const v = values.get((a ?? b)!);
      if (v === undefined) return all;
      return Array.isArray(v) ? v.join(',') : v;
    });
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

describe('provisioned data sources', () => {
  it('provisions a file store on the bundled sample and a ClickHouse store', () => {
    assert.deepEqual(ours.map((d) => d.jsonData?.store).sort(), ['clickhouse', 'file']);
  });

  it('have settings the shared settings check accepts', () => {
    for (const d of ours) {
      const r = resolveSettings(d.jsonData);
      assert.ok(r.ok, `${d.name}: ${r.ok ? '' : describeErrors(r.errors)}`);
    }
  });

  it('keep the ClickHouse password out of jsonData and take it from the environment', () => {
    for (const d of ours) {
      assert.doesNotMatch(JSON.stringify(d.jsonData ?? {}), /password/i, `${d.name} has a password in jsonData`);
      const secret = d.secureJsonData?.clickhousePassword;
      if (d.jsonData?.store === 'clickhouse') assert.match(secret ?? '', /^\$\{?[A-Z_]+\}?$/, 'use an ${ENV_VAR} reference, never a literal password');
    }
  });

  it('have unique uids', () => {
    assert.equal(ourUids.size, ours.length);
  });
});

describe('provisioned dashboards', () => {
  it('the provider reads the folder docker-compose mounts', () => {
    const providers = readYaml<{ providers: Array<{ options: { path: string } }> }>('provisioning/dashboards/flowlens.yaml').providers;
    assert.deepEqual(providers.map((p) => p.options.path), ['/etc/grafana/provisioning/dashboards']);
    assert.ok(dashboardFiles.length > 0);
  });

  for (const file of dashboardFiles) {
    const dash = readJson<Dashboard>(`provisioning/dashboards/${file}`);
    const replace = withVariables(dash);

    it(`${file}: has a title, a uid and panels`, () => {
      assert.ok(dash.title.trim());
      assert.match(dash.uid, /^[a-zA-Z0-9_-]{1,40}$/);
      assert.ok(dash.panels.length > 0);
    });

    it(`${file}: every Flowlens query is valid for the shared query model once variables are filled`, () => {
      let checked = 0;
      for (const panel of allPanels(dash.panels)) {
        for (const t of panel.targets ?? []) {
          const uid = t.datasource?.uid ?? panel.datasource?.uid;
          if (t.datasource?.type !== pluginId && !ourUids.has(uid ?? '')) continue;
          assert.ok(ourUids.has(uid ?? ''), `panel "${panel.title}" uses data source ${uid}, which is not provisioned`);
          const r = validateQuery(interpolateQuery(t as unknown as FlowlensDataQuery, replace));
          assert.ok(r.ok, `panel "${panel.title}" query ${t.refId}: ${r.ok ? '' : describeErrors(r.errors)}`);
          checked++;
        }
      }
      for (const v of dash.templating.list.filter((x) => x.type === 'query' && ourUids.has(x.datasource?.uid ?? ''))) {
        const r = validateQuery(v.query);
        assert.ok(r.ok, `variable ${v.name}: ${r.ok ? '' : describeErrors(r.errors)}`);
        checked++;
      }
      assert.ok(checked > 0, 'the dashboard should query Flowlens');
    });

    it(`${file}: covers features, host scores (time series and table), the profile and flows`, () => {
      const targets = allPanels(dash.panels).flatMap((p) => p.targets ?? []);
      const kinds = new Set(targets.map((t) => (t.queryType === 'hostScores' ? `hostScores:${String(t.output)}` : t.queryType)));
      for (const k of ['features', 'hostScores:timeseries', 'hostScores:table', 'profile', 'flows']) assert.ok(kinds.has(k), `no ${k} panel`);
    });

    it(`${file}: live panels subscribe to a Flowlens features stream`, () => {
      const live = allPanels(dash.panels).flatMap((p) => p.targets ?? []).filter((t) => t.channel !== undefined);
      assert.ok(live.length > 0, 'no live panel');
      for (const t of live) {
        const m = /^ds\/([^/]+)\/features\/(\d+)$/.exec(String(t.channel));
        assert.ok(m, `channel ${t.channel} should be ds/<uid>/features/<windowSeconds>`);
        assert.ok(ourUids.has(m[1]!), `channel ${t.channel} names an unknown data source`);
        assert.ok(Number(m[2]) > 0);
      }
    });
  }
});

describe('provisioned alert rules', () => {
  interface Query {
    refId: string;
    datasourceUid: string;
    model: Record<string, unknown> & { type?: string; expression?: string; reducer?: string; conditions?: Array<{ evaluator: { type: string; params: number[] } }> };
  }
  interface Rule {
    uid: string;
    title: string;
    condition: string;
    for: string;
    data: Query[];
  }
  const groups = readYaml<{ apiVersion: number; groups: Array<{ name: string; folder: string; interval: string; rules: Rule[] }> }>('provisioning/alerting/botnet-profile.yaml');
  const rules = groups.groups.flatMap((g) => g.rules);

  it('holds the "host behaves like the botnet profile" rule', () => {
    assert.equal(groups.apiVersion, 1);
    assert.ok(rules.some((r) => /botnet profile/i.test(r.title)));
  });

  for (const rule of rules) {
    it(`${rule.title}: queries Flowlens with a valid hostScores time-series query`, () => {
      const ds = rule.data.filter((q) => q.datasourceUid !== '__expr__');
      assert.ok(ds.length > 0);
      for (const q of ds) {
        assert.ok(ourUids.has(q.datasourceUid), `unknown data source ${q.datasourceUid}`);
        const r = validateQuery(q.model);
        assert.ok(r.ok, `${q.refId}: ${r.ok ? '' : describeErrors(r.errors)}`);
        assert.equal(r.query.queryType, 'hostScores');
        assert.equal((r.query as { output: string }).output, 'timeseries', 'alerting needs one series per host');
      }
    });

    it(`${rule.title}: reduces to the last value per host and compares it with a threshold`, () => {
      const byRef = new Map(rule.data.map((q) => [q.refId, q]));
      const condition = byRef.get(rule.condition);
      assert.ok(condition, `condition ${rule.condition} is not one of the rule's queries`);
      assert.equal(condition.model.type, 'threshold');
      const reduce = byRef.get(condition.model.expression ?? '');
      assert.ok(reduce && reduce.model.type === 'reduce' && reduce.model.reducer === 'last');
      assert.ok(byRef.get(reduce.model.expression ?? '')?.datasourceUid !== '__expr__', 'the reduce step reads the Flowlens query');
      const evaluator = condition.model.conditions?.[0]?.evaluator;
      assert.ok(evaluator && evaluator.type === 'gt' && Number.isFinite(evaluator.params[0]));
    });
  }
});
