import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { dataSources, plugin, readJson, readYaml, root } from './repo.js';

interface Service {
  image: string;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = readYaml<{ services: Record<string, Service> }>('docker-compose.yaml');
const id = plugin().id;

const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yaml', () => {
  it('passes `docker-compose config`', { skip: hasDockerCompose ? false : 'docker-compose is not installed here (CI installs Debian\'s docker-compose)' }, () => {
    const r = spawnSync('docker-compose', ['-f', 'docker-compose.yaml', 'config', '-q'], { cwd: root, encoding: 'utf8', env: { ...process.env, CLICKHOUSE_PASSWORD: 'x' } });
    assert.equal(r.status, 0, r.stderr);
  });

  it('runs Grafana from a glibc (-ubuntu) image so the Node single executable starts', () => {
    assert.match(compose.services.grafana!.image, /^grafana\/grafana(-oss|-enterprise)?:.*-ubuntu$/);
  });

  it('mounts the built plugin, allows it unsigned and mounts the provisioning', () => {
    const g = compose.services.grafana!;
    assert.ok(g.volumes?.some((v) => v.startsWith(`./dist:/var/lib/grafana/plugins/${id}`)));
    assert.ok(g.volumes?.some((v) => v.startsWith('./provisioning:/etc/grafana/provisioning')));
    assert.ok(g.environment?.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS?.split(',').includes(id));
  });

  it('mounts the sample where the file data source looks for it', () => {
    const file = dataSources().find((d) => d.jsonData?.store === 'file')!;
    const rootDir = (file.jsonData!.file as { root: string }).root;
    assert.ok(compose.services.grafana!.volumes?.some((v) => v.startsWith(`./sample/flows:${rootDir}`)), `mount ./sample/flows at ${rootDir}`);
  });

  it('hands the ClickHouse password to Grafana for the provisioned secret', () => {
    const ch = dataSources().find((d) => d.jsonData?.store === 'clickhouse')!;
    const name = /^\$\{?([A-Z_]+)\}?$/.exec(ch.secureJsonData!.clickhousePassword!)![1]!;
    assert.ok(compose.services.grafana!.environment?.[name] !== undefined, `grafana needs ${name}`);
    assert.equal(compose.services.grafana!.environment?.[name], compose.services.clickhouse!.environment?.CLICKHOUSE_PASSWORD);
  });

  it('loads the sample into ClickHouse before Grafana starts', () => {
    assert.match(compose.services.clickhouse!.image, /^clickhouse\/clickhouse-server:/);
    const loader = compose.services['clickhouse-loader']!;
    assert.ok(loader.volumes?.some((v) => v.startsWith('./sample/flows:')));
    assert.equal(loader.depends_on?.clickhouse?.condition, 'service_healthy');
    assert.equal(compose.services.grafana!.depends_on?.['clickhouse-loader']?.condition, 'service_completed_successfully');
  });

  it('is what `npm run server` starts', () => {
    const scripts = readJson<{ scripts: Record<string, string> }>('package.json').scripts;
    assert.match(scripts.server ?? '', /docker compose up/);
  });
});
