/**
 * Found by a protocol audit (2026-12-06): FieldConfig.decimals is a uint16 in grafana-plugin-sdk-go
 * (data/field_config.go). A fractional or negative value makes Grafana's Arrow decode fail (the
 * audit saw "cannot unmarshal number 2.5 into … uint16"), and Grafana fails the WHOLE QueryData
 * (every refId) on the first frame it cannot decode (convert_from_protobuf.go). The encoder guards
 * the other strict metadata (notice severity, typeVersion, label values) per refId; now decimals too.
 * A valid value decodes in the SDKs: tests/conformance/harness/arrowDecode.go (run with both SDKs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float64Field } from '../../../src/backend/grafana/frame.js';
import { createLogger } from '../../../src/backend/grafana/logger.js';
import { toWireResponse } from '../../../src/backend/grafana/pluginServices.js';

describe('field config the Go decoder rejects', () => {
  for (const decimals of [2.5, -1, 70000]) {
    it(`fails only this refId for decimals ${decimals} instead of sending a frame Grafana cannot decode`, () => {
      const r = toWireResponse('A', { frames: [{ fields: [float64Field('v', new Float64Array([1]), { config: { decimals } })] }] }, createLogger({ write: () => undefined }));
      assert.equal(r.status, 500, 'the frame was encoded and sent; Grafana fails the whole QueryData on it');
    });
  }
});
