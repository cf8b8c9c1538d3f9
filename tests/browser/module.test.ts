/**
 * The built plugin in a browser: runs the production webpack build into .cache/, loads module.js
 * through an AMD `define` that offers only what Grafana shares with plugins, and renders the editors
 * the plugin registers. Fails on any console error or page error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import webpack, { type Stats } from 'webpack';
import type { Browser } from 'playwright-core';

import webpackConfig from '../../.config/webpack/webpack.config.js';
import { launch, open, outDir, root, serve, skipReason } from './page.js';

const pluginDir = join(outDir, 'plugin');
let server: Server;
let baseUrl: string;
let browser: Browser;

function buildPlugin(): Promise<Stats> {
  const config = webpackConfig({ production: true });
  config.output = { ...config.output, path: pluginDir };
  return new Promise((ok, fail) =>
    webpack(config, (err, stats) => {
      if (err || !stats) return fail(err ?? new Error('webpack gave no stats'));
      if (stats.hasErrors()) return fail(new Error(stats.toString('errors-only')));
      ok(stats);
    }),
  );
}

describe('dist/module.js in headless Chromium', { skip: skipReason }, () => {
  before(async () => {
    await buildPlugin();
    await build({
      entryPoints: [join(root, 'tests/browser/amd-host.tsx')],
      bundle: true,
      outfile: join(outDir, 'amd-host.js'),
      define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
      jsx: 'transform',
      loader: { '.svg': 'text', '.ttf': 'empty', '.woff': 'empty', '.woff2': 'empty' },
      logLevel: 'error',
    });
    ({ server, url: baseUrl } = await serve({
      '/': join(root, 'tests/browser/module.html'),
      '/amd-host.js': join(outDir, 'amd-host.js'),
      '/module.js': join(pluginDir, 'module.js'),
    }));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('is an AMD module that only needs what Grafana provides', () => {
    const head = readFileSync(join(pluginDir, 'module.js'), 'utf8').slice(0, 400);
    const deps = /define\((\[[^\]]*\])/.exec(head);
    assert.ok(deps, 'module.js should start with define([...])');
    const names = JSON.parse(deps[1]!) as string[];
    assert.deepEqual(names.filter((n) => !['react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime', 'rxjs'].includes(n)), []);
  });

  it('registers the data source, both editors and host variables, and renders them', async () => {
    const { page, problems } = await open(browser, baseUrl);
    await page.locator('main#loaded').waitFor();
    assert.equal(await page.locator('main#loaded').getAttribute('data-variables'), 'yes');
    assert.ok(await page.getByText('Query type').isVisible());
    assert.ok(await page.getByText('num_entries').first().isVisible());
    assert.equal(await page.locator('#config-file-root').inputValue(), '/var/lib/flowlens/sample');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
