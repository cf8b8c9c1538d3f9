/**
 * RunStream cancelled while its send waits for buffer space (the subscriber stopped reading, then
 * went away): the waiting send fails at once and the handler ends, as Send on a cancelled stream
 * does in grpc-go. Found by a protocol audit (2026-12-06): the send waited for a 'drain' that never
 * comes after a cancel, so RunStream never ended and kept its instance, timers and reads alive.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startInProcess } from './inProcess.js';

describe('RunStream cancelled under back-pressure', () => {
  it('ends the handler when Grafana cancels while a send waits for room', async () => {
    let blocked!: () => void;
    const sendBlocked = new Promise<void>((r) => (blocked = r));
    let aborted!: () => void;
    const cancelSeen = new Promise<void>((r) => (aborted = r));
    let finished = false;
    const big = 'x'.repeat(256 * 1024);
    const p = await startInProcess({
      async runStream(_req, ctx, sender) {
        ctx.signal.addEventListener('abort', () => aborted(), { once: true });
        try {
          while (!ctx.signal.aborted) {
            let sent = false;
            const send = sender.sendJSON({ big }).then(() => void (sent = true));
            // a send still pending after a full turn of the event loop waits for 'drain'
            await new Promise((r) => setImmediate(r));
            if (!sent) blocked();
            await send;
          }
        } finally {
          finished = true;
        }
      },
    });
    try {
      const call = p.stream('pluginv2.Stream', 'RunStream', { path: 'x' });
      call.on('error', () => undefined);
      call.pause(); // never read: the server's writes back up
      await sendBlocked;
      call.cancel();
      await cancelSeen;
      // the waiting send fails as the cancel arrives: the handler has ended by the next turn
      await new Promise((r) => setImmediate(r));
      assert.ok(finished, 'the handler is still waiting in a send after the cancel');
    } finally {
      p.close();
    }
  });
});
