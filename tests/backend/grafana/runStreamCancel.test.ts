/**
 * Found by a protocol audit (2026-12-06): RunStream when the subscriber stops reading and then goes away (Grafana unsubscribes,
 * restarts, the connection drops). sendJSON/sendFrame wait for 'drain' once grpc-js buffers are
 * full; after the call is cancelled 'drain' never comes, so the handler's await never settles
 * and RunStream never ends (its instance, timers and store reads stay alive). In grpc-go,
 * Send on a cancelled stream returns an error at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startInProcess } from './inProcess.js';

describe('RunStream cancelled under back-pressure', () => {
  it('lets the handler finish after Grafana cancels the stream', async () => {
    let sent = 0;
    let finished = false;
    const big = 'x'.repeat(256 * 1024);
    const p = await startInProcess({
      async runStream(_req, ctx, sender) {
        try {
          while (!ctx.signal.aborted) {
            await sender.sendJSON({ n: sent, big });
            sent++;
          }
        } finally {
          finished = true;
        }
      },
    });
    try {
      const call = p.stream('pluginv2.Stream', 'RunStream', { path: 'x' });
      call.on('error', () => undefined);
      // never read: the server's writes back up
      await new Promise((r) => setTimeout(r, 1000));
      call.pause();
      assert.ok(sent > 0, 'some packets were sent');
      call.cancel();
      const until = Date.now() + 3000;
      while (!finished && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.ok(finished, `RunStream handler still blocked in send ${3}s after cancel (sent ${sent} packets); runStream endpoint finished ${p.metrics.render().includes('endpoint="runStream"')}`);
    } finally {
      p.close();
    }
  });
});

describe('RunStream cancelled during a burst (subscriber reading normally)', () => {
  it('lets the handler finish after Grafana cancels the stream', async () => {
    let sent = 0;
    let finished = false;
    const p = await startInProcess({
      async runStream(_req, ctx, sender) {
        try {
          // a catch-up burst: many small window frames back to back
          while (!ctx.signal.aborted) {
            await sender.sendJSON({ n: sent, pad: 'y'.repeat(2000) });
            sent++;
          }
        } finally {
          finished = true;
        }
      },
    });
    try {
      const call = p.stream('pluginv2.Stream', 'RunStream', { path: 'x' });
      let received = 0;
      call.on('data', () => received++);
      call.on('error', () => undefined);
      await new Promise((r) => setTimeout(r, 300));
      call.cancel();
      const until = Date.now() + 3000;
      while (!finished && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.ok(finished, `RunStream handler still blocked 3 s after cancel (sent ${sent}, client received ${received})`);
    } finally {
      p.close();
    }
  });
});
