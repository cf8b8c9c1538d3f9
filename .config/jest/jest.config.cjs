/**
 * Jest for the React editors (create-plugin's setup: @swc/jest + jsdom). The rest of the suite runs
 * on node:test; jest only picks up tests/frontend/**\/*.spec.ts(x), which node:test does not.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

// ESM-only packages Grafana's UI pulls in; jest must transform them like our own code.
const esModules = ['ol', 'd3', 'd3-[a-z-]+', 'internmap', 'delaunator', 'robust-predicates', 'marked', 'uuid', 'nanoid', 'rxjs', '@grafana/schema'];

module.exports = {
  rootDir: root,
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/tests/frontend/**/*.spec.{ts,tsx}'],
  setupFilesAfterEnv: ['<rootDir>/jest-setup.cjs'],
  moduleNameMapper: {
    // sources import with NodeNext's ".js" suffix
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '\\.(css|scss|sass)$': '<rootDir>/.config/jest/styleMock.cjs',
  },
  transform: {
    '^.+\\.(t|j)sx?$|^.+\\.mjs$': [
      '@swc/jest',
      {
        sourceMaps: 'inline',
        jsc: {
          parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
          transform: { react: { runtime: 'classic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esModules.join('|')})/)`],
  watchPathIgnorePatterns: ['<rootDir>/node_modules', '<rootDir>/dist'],
};
