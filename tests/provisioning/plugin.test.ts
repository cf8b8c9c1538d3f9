import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { plugin, readJson, readText, root } from './repo.js';

const pkg = readJson<{ dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> }>('package.json');
const GRAFANA_PACKAGES = ['@grafana/data', '@grafana/ui', '@grafana/runtime', '@grafana/schema'];

describe('plugin.json', () => {
  const p = plugin();

  it('has the keys Grafana and its JSON schema require', () => {
    for (const key of ['type', 'name', 'id', 'info', 'dependencies'] as const) assert.ok(p[key], `plugin.json lacks ${key}`);
    assert.equal(p.type, 'datasource');
    assert.ok(p.info.author.name);
    assert.equal(p.info.version, '%VERSION%', 'the build fills in the version');
  });

  it('has an id of the form <org>-<name>-datasource in lower case', () => {
    assert.match(p.id, /^[0-9a-z-]+$/);
    assert.match(p.id, /^[a-z0-9]+-[a-z0-9]+-datasource$/);
    assert.equal(p.id, 'flowlens-netflow-datasource', 'provisioning and docker-compose.yaml use this id');
  });

  it('declares a backend executable named gpx_*', () => {
    assert.equal(p.backend, true);
    assert.match(p.executable ?? '', /^gpx_[a-z0-9_]+$/);
  });

  it('turns on alerting, streaming and metrics', () => {
    assert.equal(p.alerting, true);
    assert.equal(p.streaming, true);
    assert.equal(p.metrics, true);
  });

  it('points its logos and screenshots at files the build copies', () => {
    for (const logo of [p.info.logos.small, p.info.logos.large]) {
      assert.ok(existsSync(resolve(root, 'src', logo)), `src/${logo} is missing`);
    }
    const shots = (p.info as { screenshots?: { name: string; path: string }[] }).screenshots ?? [];
    assert.ok(shots.length > 0, "the plugin catalog asks for screenshots (the validator's 'screenshots' warning)");
    // shipped from docs/screenshots/<name>.png as img/screenshot-<name>.png
    for (const shot of shots) {
      const name = /^img\/screenshot-(.+)$/.exec(shot.path)?.[1];
      assert.ok(name && existsSync(resolve(root, 'docs/screenshots', name)), `${shot.path} has no docs/screenshots/ source`);
    }
  });

  it('builds against the oldest Grafana line it claims to support', () => {
    const m = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(p.dependencies.grafanaDependency);
    assert.ok(m, `grafanaDependency ${p.dependencies.grafanaDependency} should be a ">=x.y.z" range`);
    const versions = GRAFANA_PACKAGES.map((name) => pkg.dependencies[name] ?? pkg.devDependencies[name]);
    assert.equal(new Set(versions).size, 1, `pin ${GRAFANA_PACKAGES.join(', ')} to one version (got ${versions.join(', ')})`);
    const [major, minor] = versions[0]!.split('.');
    assert.match(versions[0]!, /^\d+\.\d+\.\d+$/, 'an exact version, not a range');
    assert.deepEqual([major, minor], [m[1], m[2]], 'the @grafana/* packages must come from the grafanaDependency lower bound line');
  });

  it('is copied into dist/ by the front end build, with placeholders filled', { skip: existsSync(resolve(root, 'dist/module.js')) ? false : 'dist/ not built (npm run build:frontend)' }, () => {
    const built = readJson<{ id: string; info: { version: string; updated: string } }>('dist/plugin.json');
    assert.equal(built.id, p.id);
    assert.match(built.info.version, /^\d+\.\d+\.\d+/);
    assert.match(built.info.updated, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(existsSync(resolve(root, 'dist/img/logo.svg')));
    assert.match(readText('dist/module.js'), /define\(/, 'module.js is an AMD module as Grafana loads it');
    assert.match(readText('dist/LICENSE'), /Apache License\s+Version 2\.0/, "the archive carries its license (the validator's 'license' error)");
    for (const shot of (built as { info: { screenshots?: { path: string }[] } }).info.screenshots ?? []) assert.ok(existsSync(resolve(root, 'dist', shot.path)), `dist/${shot.path}`);
  });
});

describe('dist/module.js.map', () => {
  it("names each of our sources by its path under src/, with the file's exact content, as Grafana's plugin validator compares them", { skip: existsSync(resolve(root, 'dist/module.js.map')) ? false : 'dist/ not built (npm run build:frontend)' }, () => {
    const map = readJson<{ sources: string[]; sourcesContent: string[] }>('dist/module.js.map');
    const prefix = `webpack://${plugin().id}/./`;
    const ours = map.sources.flatMap((s, i) => (s.startsWith(prefix) && !s.includes('node_modules') ? [{ rel: s.slice(prefix.length), content: map.sourcesContent[i] }] : []));
    assert.ok(ours.length > 10, `${ours.length} sources of ours in the map`);
    for (const { rel, content } of ours) assert.equal(content, readText(`src/${rel}`), `src/${rel}`);
  });
});
