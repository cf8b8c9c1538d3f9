/**
 * Found by a protocol audit (2026-12-06): a DataResponse with both frames and an error. grafana-plugin-sdk-go
 * (backend/convert_to_protobuf.go, QueryDataResponse) always marshals dr.Frames and sets Error
 * beside them, so Grafana shows the partial data (and its notices) together with the error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float64Field } from '../../../src/backend/grafana/frame.js';
import { createLogger } from '../../../src/backend/grafana/logger.js';
import { toWireResponse } from '../../../src/backend/grafana/pluginServices.js';

describe('frames returned together with an error', () => {
  it('keeps the frames, like the Go SDK', () => {
    const logger = createLogger({ write: () => undefined });
    const frame = { meta: { notices: [{ severity: 'warning' as const, text: 'stopped after 1 row' }] }, fields: [float64Field('v', new Float64Array([1]))] };
    const r = toWireResponse('A', { frames: [frame], error: 'row limit reached', status: 413, errorSource: 'plugin' }, logger);
    assert.equal(r.error, 'row limit reached');
    assert.equal(r.status, 413);
    assert.equal((r.frames as Buffer[]).length, 1, 'the partial frame (and its notice) was dropped');
  });
});
