/** hclog JSON lines as go-plugin hosts parse them (protocol doc §1.5). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, formatTimestamp, levelFromString } from '../../../src/backend/grafana/logger.js';

function capture(level?: 'trace' | 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l), module: 'flowlens', level });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('hclog JSON logger', () => {
  it('writes one JSON object per line with string @level and @message', () => {
    const { logger, lines, parsed } = capture();
    logger.info('Query received', { refId: 'A', rows: 3 });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('\n'));
    assert.equal(lines[0]!.trimEnd().includes('\n'), false);
    const o = parsed()[0]!;
    assert.equal(o['@level'], 'info');
    assert.equal(o['@message'], 'Query received');
    assert.equal(o['@module'], 'flowlens');
    assert.equal(o.refId, 'A');
    assert.equal(o.rows, 3);
  });

  it('uses exactly the level names hclog recognises', () => {
    const { logger, parsed } = capture('trace');
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    assert.deepEqual(parsed().map((o) => o['@level']), ['trace', 'debug', 'info', 'warn', 'error']);
  });

  it('formats @timestamp with exactly six fractional digits and Z (Go layout 2006-01-02T15:04:05.000000Z07:00)', () => {
    const { logger, parsed } = capture();
    logger.info('x');
    assert.match(parsed()[0]!['@timestamp'] as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.equal(formatTimestamp(Date.UTC(2024, 4, 1, 12, 0, 0, 123) + 0.456), '2024-05-01T12:00:00.123456Z');
    assert.equal(formatTimestamp(Date.UTC(2024, 4, 1)), '2024-05-01T00:00:00.000000Z');
  });

  it('never lets a field replace @level or @message, and turns errors into their message', () => {
    const { logger, parsed } = capture();
    logger.warn('real', { '@message': 'fake', '@level': 'error', error: new Error('boom') });
    const o = parsed()[0]!;
    assert.equal(o['@message'], 'real');
    assert.equal(o['@level'], 'warn');
    assert.equal(o['_@message'], 'fake');
    assert.equal(o.error, 'boom');
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    assert.equal(lines.length, 1);
  });

  it('adds fields from with() to every line', () => {
    const { logger, parsed } = capture();
    logger.with({ datasource: 'ds1' }).info('x', { refId: 'A' });
    assert.equal(parsed()[0]!.datasource, 'ds1');
  });

  it('reads level names case-insensitively, mapping warning to warn', () => {
    assert.equal(levelFromString('WARNING', 'debug'), 'warn');
    assert.equal(levelFromString('Error', 'debug'), 'error');
    assert.equal(levelFromString('loud', 'info'), 'info');
    assert.equal(levelFromString(undefined, 'debug'), 'debug');
  });
});
