/**
 * Our .proto text (embedded at build time) parsed with protobufjs, and grpc-js service definitions
 * built from it. Messages cross the wire as plain objects: field names exactly as in the .proto
 * (keepCase), int64 as JS numbers (epoch milliseconds and ids fit), bytes as Buffers.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { PROTO_SOURCES } from './protoSources.generated.js';

export type Message = Record<string, unknown>;

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, arrays: true, objects: true };

let cachedRoot: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  for (const text of Object.values(PROTO_SOURCES)) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

export function messageType(fullName: string): protobuf.Type {
  return protoRoot().lookupType(fullName);
}

export function encodeMessage(type: protobuf.Type, obj: Message): Buffer {
  const err = type.verify(obj);
  if (err) throw new Error(`${type.fullName}: ${err}`);
  const bytes = type.encode(type.fromObject(obj)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeMessage(type: protobuf.Type, buf: Uint8Array): Message {
  return type.toObject(type.decode(buf), TO_OBJECT);
}

/** A grpc-js ServiceDefinition for `pkg.Service` (used by our server and by test clients). */
export function serviceDefinition(fullName: string): ServiceDefinition {
  const service = protoRoot().lookupService(fullName);
  const def: Record<string, MethodDefinition<Message, Message>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType;
    const res = method.resolvedResponseType;
    if (!req || !res) throw new Error(`${fullName}.${method.name}: unresolved message types`);
    def[method.name] = {
      path: `/${fullName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (o) => encodeMessage(req, o),
      requestDeserialize: (b) => decodeMessage(req, b),
      responseSerialize: (o) => encodeMessage(res, o),
      responseDeserialize: (b) => decodeMessage(res, b),
      originalName: method.name,
    };
  }
  return def;
}

export const SERVICES = {
  data: 'pluginv2.Data',
  diagnostics: 'pluginv2.Diagnostics',
  resource: 'pluginv2.Resource',
  stream: 'pluginv2.Stream',
  health: 'grpc.health.v1.Health',
  controller: 'plugin.GRPCController',
  stdio: 'plugin.GRPCStdio',
  broker: 'plugin.GRPCBroker',
} as const;
