/** Every DataResponse carries a status; failures carry an error source (protocol doc §2.3). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest, downstreamError, notImplemented } from '../../../src/backend/grafana/errors.js';
import { float64Field } from '../../../src/backend/grafana/frame.js';
import { createLogger } from '../../../src/backend/grafana/logger.js';
import { errorResponse, toWireResponse } from '../../../src/backend/grafana/pluginServices.js';

const lines: string[] = [];
const logger = createLogger({ write: (l) => lines.push(l) });

describe('DataResponse normalisation', () => {
  it('fills status 200 on success and encodes each frame as its own Arrow file', () => {
    const r = toWireResponse('A', { frames: [{ fields: [] }, { fields: [float64Field('v', new Float64Array([1]))] }] }, logger);
    assert.equal(r.status, 200);
    assert.equal((r.frames as Buffer[]).length, 2);
    for (const f of r.frames as Buffer[]) assert.equal(f.subarray(0, 6).toString(), 'ARROW1');
    assert.equal('error' in r, false);
  });

  it('fills status 500 and source plugin for an error without them', () => {
    const r = toWireResponse('A', { error: 'boom' }, logger);
    assert.deepEqual(r, { frames: [], error: 'boom', status: 500, errorSource: 'plugin' });
  });

  it('replaces an out-of-range status (Grafana would turn 0 into 500 anyway)', () => {
    assert.equal(toWireResponse('A', { frames: [], status: 0 }, logger).status, 200);
  });

  it('maps errors to status and source: user 400/plugin, missing 501/plugin, store 502/downstream, bug 500/plugin', () => {
    assert.deepEqual(errorResponse(badRequest('fix it'), logger), { frames: [], error: 'fix it', status: 400, errorSource: 'plugin' });
    assert.equal(errorResponse(notImplemented('later'), logger).status, 501);
    assert.deepEqual(errorResponse(downstreamError('store down'), logger), { frames: [], error: 'store down', status: 502, errorSource: 'downstream' });
    const bug = errorResponse(new TypeError('x is undefined'), logger);
    assert.equal(bug.status, 500);
    assert.equal(bug.errorSource, 'plugin');
    assert.match(bug.error as string, /Internal error in the plugin: x is undefined/);
    assert.ok(lines.some((l) => JSON.parse(l)['@level'] === 'error'), 'bugs are logged at error level');
  });

  it('turns a frame that cannot be encoded into a 500 for that refId, not a failed call', () => {
    const r = toWireResponse('A', { frames: [{ fields: [float64Field('v', new Float64Array(1), { valid: new Uint8Array([0]) })] }] }, logger);
    assert.equal(r.status, 500);
    assert.match(r.error as string, /not declared nullable/);
  });
});
