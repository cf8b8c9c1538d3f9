import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readJson, readYaml, root } from './repo.js';

const SAMPLE = join(root, 'sample/flows/flowlens-sample.binetflow');
const GENERATE = ['generate', '--format', 'binetflow', '--flows', '20000', '--seed', '1', '--duration', '7200'];

/** source address → labels of its flows, from the sample's CSV (columns SrcAddr and Label). */
function labelsBySource(text: string): Map<string, Set<string>> {
  const lines = text.trimEnd().split('\n');
  const header = lines[0]!.split(',');
  const src = header.indexOf('SrcAddr');
  const label = header.indexOf('Label');
  const out = new Map<string, Set<string>>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const set = out.get(cells[src]!) ?? new Set<string>();
    set.add(cells[label]!.replace(/-V\d+-.*/, '').replace(/^(flow=(?:From-)?[A-Za-z]+).*/, '$1'));
    out.set(cells[src]!, set);
  }
  return out;
}

describe('bundled sample', () => {
  const text = readFileSync(SAMPLE, 'utf8');

  it('is small: a few MB at most, and only flow files in the mounted folder', () => {
    const files = readdirSync(join(root, 'sample/flows'));
    assert.deepEqual(files, ['flowlens-sample.binetflow']);
    assert.ok(statSync(SAMPLE).size < 4 * 1024 * 1024, 'keep the sample under 4 MiB');
  });

  it('is exactly what the project generator writes for the documented command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlens-sample-'));
    try {
      const out = join(dir, 'sample.binetflow');
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...GENERATE, '-o', out], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(readFileSync(out).equals(readFileSync(SAMPLE)), 'sample/flows differs from the generator output: regenerate it (see sample/README.md)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds the bot the dashboard and the alert rule profile, labelled as a bot', () => {
    const labels = labelsBySource(text);
    const dash = readJson<{ templating: { list: Array<{ name: string; current: { value: string } }> } }>('provisioning/dashboards/soc-overview.json');
    const bot = dash.templating.list.find((v) => v.name === 'bot')!.current.value;
    const rule = readYaml<{ groups: Array<{ rules: Array<{ data: Array<{ model: { profile?: { hosts: string[] } } }> }> }> }>('provisioning/alerting/botnet-profile.yaml');
    const ruleHosts = rule.groups.flatMap((g) => g.rules.flatMap((r) => r.data.flatMap((q) => q.model.profile?.hosts ?? [])));
    for (const host of [bot, ...ruleHosts]) {
      // has(), not equality: whether an infected host's ordinary traffic is labelled Botnet is the generator's call
      assert.ok(labels.get(host)?.has('flow=From-Botnet'), `${host} should be a bot source in the sample`);
    }
    assert.ok([...labels.values()].some((s) => s.has('flow=From-Normal')), 'the sample needs normal hosts to compare with');
  });

  it('spans the dashboard time range', () => {
    const dash = readJson<{ time: { from: string; to: string } }>('provisioning/dashboards/soc-overview.json');
    const lines = text.trimEnd().split('\n');
    const t = (line: string): number => Date.parse(`${line.slice(0, 19).replace(/\//g, '-').replace(' ', 'T')}Z`);
    assert.ok(t(lines[1]!) >= Date.parse(dash.time.from));
    assert.ok(t(lines[lines.length - 1]!) <= Date.parse(dash.time.to));
  });
});
