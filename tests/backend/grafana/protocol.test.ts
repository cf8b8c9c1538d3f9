/** Our .proto: embedded copy matches proto/, and field numbers are Grafana's (protocol doc §2). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessage, encodeMessage, messageType, serviceDefinition } from '../../../src/backend/grafana/protocol.js';
import { PROTO_SOURCES } from '../../../src/backend/grafana/protoSources.generated.js';
import { REPO } from '../helpers/plugin.js';

describe('embedded protocol definitions', () => {
  it('embed exactly the .proto files in proto/ (run `node scripts/build-backend.mjs --protos` after editing them)', () => {
    const files: string[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
        else if (e.name.endsWith('.proto')) files.push(`${rel}${e.name}`);
      }
    };
    walk(join(REPO, 'proto'), '');
    assert.deepEqual(Object.keys(PROTO_SOURCES).sort(), files.sort());
    for (const f of files) assert.equal(PROTO_SOURCES[f], readFileSync(join(REPO, 'proto', f), 'utf8'), f);
  });

  it('use the field numbers Grafana uses', () => {
    const ids = (type: string) => Object.fromEntries(Object.values(messageType(type).fields).map((f) => [f.name, f.id]));
    assert.deepEqual(ids('pluginv2.DataResponse'), { frames: 1, error: 2, jsonMeta: 3, status: 4, errorSource: 5, format: 6 });
    assert.deepEqual(ids('pluginv2.DataQuery'), { refId: 1, maxDataPoints: 2, intervalMS: 3, timeRange: 4, json: 5, queryType: 6 });
    assert.deepEqual(ids('pluginv2.PluginContext'), {
      orgId: 1,
      pluginId: 2,
      user: 3,
      appInstanceSettings: 4,
      dataSourceInstanceSettings: 5,
      grafanaConfig: 6,
      pluginVersion: 7,
      userAgent: 8,
      apiVersion: 9,
      namespace: 10,
    });
    assert.equal(ids('pluginv2.DataSourceInstanceSettings').uid, 11);
    assert.equal(ids('pluginv2.DataSourceInstanceSettings').lastUpdatedMS, 10);
    assert.deepEqual(ids('pluginv2.CallResourceResponse'), { code: 1, headers: 2, body: 3 });
    assert.deepEqual(ids('plugin.ConnInfo'), { service_id: 1, network: 2, address: 3, knock: 4 });
  });

  it('declare the method paths go-plugin and Grafana call', () => {
    assert.equal(serviceDefinition('pluginv2.Data').QueryData!.path, '/pluginv2.Data/QueryData');
    assert.equal(serviceDefinition('pluginv2.Resource').CallResource!.responseStream, true);
    assert.equal(serviceDefinition('plugin.GRPCBroker').StartStream!.requestStream, true);
    assert.equal(serviceDefinition('plugin.GRPCStdio').StreamStdio!.path, '/plugin.GRPCStdio/StreamStdio');
    assert.equal(serviceDefinition('grpc.health.v1.Health').Check!.path, '/grpc.health.v1.Health/Check');
  });

  it('decode int64 epoch milliseconds as numbers and bytes as Buffers', () => {
    const t = messageType('pluginv2.DataQuery');
    const m = decodeMessage(t, encodeMessage(t, { refId: 'A', timeRange: { fromEpochMS: 1313500000123, toEpochMS: 1313600000000 }, json: Buffer.from('{}') }));
    assert.deepEqual(m.timeRange, { fromEpochMS: 1313500000123, toEpochMS: 1313600000000 });
    assert.ok(Buffer.isBuffer(m.json));
  });
});
