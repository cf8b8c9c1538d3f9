/**
 * A QueryData answer of many frames (an alert rule over 100 000 hosts is one frame per host) is
 * encoded in time slices: a CollectMetrics sent meanwhile is answered before it, not after (found by
 * a load audit, 2026-12-06: every other request waited 7 s behind the encoding).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float64Field, secondsToNanos, timeField } from '../../../src/backend/grafana/frame.js';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { startInProcess, type InProcess } from './inProcess.js';

const FRAMES = 20_000;

describe('QueryData with many frames', () => {
  it('lets a request that arrives during the encoding be handled before the last frame is encoded', async () => {
    const events: string[] = [];
    const box: { server?: InProcess } = {};
    let metrics: Promise<unknown> | undefined;
    const frames: Frame[] = Array.from({ length: FRAMES }, (_, i) => {
      const fields = [timeField('time', secondsToNanos([1_700_000_000 + i])), { ...float64Field('score', new Float64Array([-i])), labels: { host: `10.0.${i >> 8}.${i & 255}` } }];
      // the encoder reads each frame's fields: the first read sends the other request, the last is the end
      return {
        name: '',
        get fields() {
          if (i === 0) metrics ??= box.server!.unary('pluginv2.Diagnostics', 'CollectMetrics', {});
          if (i === FRAMES - 1) events.push('last frame encoded');
          return fields;
        },
      };
    });
    const server = (box.server = await startInProcess({
      queryData: async () => ({ A: { frames, status: 200 } }),
      collectMetrics: async () => (events.push('metrics handled'), ''),
    }));
    try {
      await server.unary('pluginv2.Data', 'QueryData', { pluginContext: {}, queries: [{ refId: 'A', json: Buffer.from('{}') }] });
      await metrics;
      assert.equal(events[0], 'metrics handled', events.join(', '));
    } finally {
      server.close();
    }
  });
});
