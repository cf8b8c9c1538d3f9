/** gRPC deadlines and cancellation become an AbortSignal handlers pass to the store. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { Metadata } from '@grpc/grpc-js';
import { callContext } from '../../../src/backend/grafana/callContext.js';
import { RequestAbortedError } from '../../../src/backend/grafana/errors.js';
import { createLogger } from '../../../src/backend/grafana/logger.js';

function fakeCall(deadline: number) {
  const call = new EventEmitter() as EventEmitter & { getDeadline: () => number; metadata: Metadata };
  call.getDeadline = () => deadline;
  call.metadata = new Metadata();
  call.metadata.set('TenantID', 't1');
  return call;
}

const logger = createLogger({ write: () => undefined });
type Call = Parameters<typeof callContext>[0];

describe('callContext', () => {
  it('aborts with a deadline error when the gRPC deadline passes', async () => {
    const ctx = callContext(fakeCall(Date.now() + 20) as unknown as Call, logger);
    assert.equal(ctx.signal.aborted, false);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(ctx.signal.aborted, true);
    assert.ok(ctx.signal.reason instanceof RequestAbortedError);
    assert.equal((ctx.signal.reason as RequestAbortedError).reason, 'deadline');
    assert.equal((ctx.signal.reason as RequestAbortedError).status, 504);
  });

  it('aborts with a cancellation error when the caller cancels', () => {
    const call = fakeCall(Infinity);
    const ctx = callContext(call as unknown as Call, logger);
    assert.equal(ctx.deadlineMs, undefined);
    call.emit('cancelled');
    assert.equal((ctx.signal.reason as RequestAbortedError).reason, 'cancelled');
  });

  it('exposes metadata with lower-case keys and stops listening once released', () => {
    const call = fakeCall(Infinity);
    const ctx = callContext(call as unknown as Call, logger);
    assert.equal(ctx.metadata.tenantid, 't1');
    ctx.release();
    call.emit('cancelled');
    assert.equal(ctx.signal.aborted, false);
  });
});
