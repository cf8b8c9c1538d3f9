/**
 * Shared pieces of the headless-Chromium checks: a tiny static server for the harness pages and
 * Grafana's assets, the Chromium launch, and a page that records console and page errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const outDir = join(root, '.cache/browser');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `false` when Chromium is there, else the reason the browser tests are skipped. */
export const skipReason: string | false = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install chromium; CI installs it)`;

const SPINNER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

/** Serves the given URL paths from files, plus what Grafana itself serves around plugins. */
export function serve(files: Record<string, string>): Promise<{ server: Server; url: string }> {
  // Grafana's Icon component loads its SVGs from public/img/icons/, which @grafana/ui ships
  const publicDir = join(root, 'node_modules/@grafana/ui/dist/public');
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file = files[path];
    const font = /^\/fonts\/(inter-latin-[45]00-normal\.woff2)$/.exec(path);
    if (font) file = join(root, 'node_modules/@fontsource/inter/files', font[1]!);
    if (path === '/public/img/icons/unicons/spinner.svg') {
      // Grafana serves this one from its own public folder; the @grafana/ui package does not ship it
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SPINNER_SVG);
      return;
    }
    if (!file && path.startsWith('/public/') && path.endsWith('.svg')) {
      const candidate = resolve(publicDir, `.${path.slice('/public'.length)}`);
      if (candidate.startsWith(publicDir)) file = candidate;
    }
    if (!file || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens a URL and collects every console error and uncaught page error it raises. */
export async function open(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1040, height: 900 }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(url);
  return { page, problems };
}
