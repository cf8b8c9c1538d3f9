/**
 * The plugin front end build, following @grafana/create-plugin's webpack + swc setup (the successor
 * of the deprecated @grafana/toolkit), adapted to run on Node 20 (loaded through tsx) and to our
 * layout: plugin.json stays at the repository root and is copied into dist/ with its version filled in.
 *
 *   webpack -c .config/webpack/webpack.config.ts --env production
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'webpack';

import { externals } from './externals.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
const pluginJson = JSON.parse(readFileSync(resolve(root, 'plugin.json'), 'utf8')) as { id: string };

interface Env {
  production?: boolean;
  development?: boolean;
}

/** plugin.json with the %VERSION% / %TODAY% placeholders Grafana's catalog expects filled in. */
export function stampPluginJson(text: string, version: string, today: string): string {
  return text.replace(/%VERSION%/g, version).replace(/%TODAY%/g, today);
}

export default function config(env: Env = {}): Configuration {
  const production = Boolean(env.production);
  return {
    mode: production ? 'production' : 'development',
    context: root,
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: { module: './src/module.ts' },
    externals,
    output: {
      path: resolve(root, 'dist'),
      filename: '[name].js',
      library: { type: 'amd' },
      // Grafana serves plugin assets from here; lazy chunks must load from the same place
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      // dist/ also holds the backend executable, so nothing is cleaned here
      clean: false,
      // source paths relative to src/, where Grafana's plugin validator looks for them (it compares
      // every source in the map with the submitted code under src/)
      devtoolModuleFilenameTemplate: (info: { resourcePath: string }) => `webpack://${pluginJson.id}/${info.resourcePath.replace(/^\.\/src\//, './')}`,
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.jsx'],
      // sources import with NodeNext's ".js" suffix; the files on disk are .ts/.tsx
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      modules: [resolve(root, 'src'), 'node_modules'],
    },
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                baseUrl: resolve(root, 'src'),
                target: 'es2015',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
                transform: { react: { runtime: 'classic' } },
              },
            },
          },
        },
        { test: /\.(png|jpe?g|gif|svg)$/, type: 'asset/resource', generator: { filename: 'img/[name][ext]' } },
      ],
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          {
            from: 'plugin.json',
            to: '.',
            transform: (content: Buffer) => stampPluginJson(content.toString(), pkg.version, new Date().toISOString().slice(0, 10)),
          },
          { from: 'src/README.md', to: '.' },
          { from: 'CHANGELOG.md', to: '.' },
          { from: 'LICENSE', to: '.' },
          { from: 'src/img/**/*', to: 'img/[name][ext]' },
          // the editors' screenshots (tests/browser/editors.test.ts keeps them current) for plugin.json
          { from: 'docs/screenshots/*.png', to: 'img/screenshot-[name][ext]' },
        ],
      }),
    ],
    performance: { hints: false },
    stats: production ? 'normal' : 'minimal',
  };
}
