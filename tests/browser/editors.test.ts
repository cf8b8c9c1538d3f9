/**
 * Real-browser check of the editors: bundles tests/browser/harness.tsx, opens each scenario in
 * headless Debian Chromium through playwright-core, fails on any console error or page error, and
 * takes screenshots (UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/, else to .cache/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

import { launch, open as openUrl, outDir, root, serve, skipReason } from './page.js';

const shotDir = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs/screenshots') : join(outDir, 'screenshots');

let server: Server;
let baseUrl: string;
let browser: Browser;

async function bundleHarness(): Promise<void> {
  await build({
    entryPoints: [join(root, 'tests/browser/harness.tsx')],
    bundle: true,
    outfile: join(outDir, 'harness.js'),
    // development React reports misuse (bad props, key warnings) as console errors, which fail the test
    define: { 'process.env.NODE_ENV': '"development"', global: 'window' },
    jsx: 'transform',
    loader: { '.svg': 'text', '.ttf': 'empty', '.woff': 'empty', '.woff2': 'empty' },
    logLevel: 'error',
  });
}

/** Opens one scenario of the harness and waits until it has rendered. */
async function open(view: string): Promise<{ page: Page; problems: string[] }> {
  const opened = await openUrl(browser, `${baseUrl}/?view=${view}`);
  await opened.page.locator(`main[data-view="${view}"]`).waitFor();
  return opened;
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(shotDir, { recursive: true });
  // let menus close, fonts load and async host lists settle before the picture
  await page.evaluate('document.fonts.ready');
  await page.waitForTimeout(300);
  await page.locator('main').screenshot({ path: join(shotDir, `${name}.png`) });
}

describe('editors in headless Chromium', { skip: skipReason }, () => {
  before(async () => {
    await bundleHarness();
    ({ server, url: baseUrl } = await serve({
      '/': join(root, 'tests/browser/index.html'),
      '/harness.js': join(outDir, 'harness.js'),
      '/harness.css': join(outDir, 'harness.css'),
    }));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('features query: default features grouped by family and the filter, without errors', async () => {
    const { page, problems } = await open('features');
    await page.getByText('num_entries').first().waitFor();
    assert.ok(await page.getByText('count_dst_port').isVisible());
    await page.getByRole('button', { name: /Add family/ }).click();
    await page.getByText('Connection states').click();
    await page.getByText('num_state_established').waitFor();
    await shoot(page, 'query-editor-features');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('host scores: reference host from the list, train now shows the result', async () => {
    const { page, problems } = await open('hostScores');
    await page.getByRole('button', { name: /Train now/ }).click();
    await page.getByText('Profile trained').waitFor();
    assert.ok(await page.getByText('-13146.725').isVisible());
    await shoot(page, 'query-editor-host-scores');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('validation messages from the shared model sit next to their fields', async () => {
    const { page, problems } = await open('invalid');
    await page.getByText(/is not a valid CIDR/).waitFor();
    assert.ok(await page.getByText(/70000 is not a port/).isVisible());
    assert.ok(await page.getByText(/The row limit must be a whole number/).isVisible());
    await shoot(page, 'query-editor-validation');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('config editor: file store', async () => {
    const { page, problems } = await open('configFile');
    assert.equal(await page.locator('#config-file-root').inputValue(), '/var/lib/flowlens/sample');
    await shoot(page, 'config-editor-file');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('config editor: ClickHouse with a stored password shows it as configured', async () => {
    const { page, problems } = await open('configClickhouse');
    assert.equal(await page.locator('#config-ch-password').inputValue(), 'configured');
    assert.ok(await page.getByRole('button', { name: 'Reset' }).isVisible());
    await shoot(page, 'config-editor-clickhouse');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
