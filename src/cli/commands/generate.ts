/**
 * `flowlens generate`: deterministic synthetic flows for tests, benchmarks and the bundled sample.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATED_FORMATS, generateFlows, generatedHosts, type GeneratedFormat } from '../../sources/synthetic/index.js';
import { UsageError } from '../errors.js';
import { instantOption } from '../format.js';
import type { CliIO } from '../io.js';
import { openOutput } from '../output.js';

export const HELP = `Usage: flowlens generate --format seed|binetflow|netflow-labeled --flows N --seed S [options]

Writes realistic synthetic flows: normal clients (DNS udp/53, web tcp/80 and 443, NTP udp/123,
ping, ARP; IPv4 and IPv6) talking to servers, repeated snapshots of long connections in the
seed's six states (new connecting established closing closed reset), background hosts, and with
--bots K infected hosts of one family (IRC and HTTP C&C beacons with a jittered period, scanning
bursts on tcp/445, spam bursts on tcp/25). The same options always give the same bytes.

binetflow labels: flow=From-Normal-…, flow=From-Botnet-…, flow=Background-…;
netflow-labeled labels: LEGITIMATE, Botnet, Background. seed has no labels, and only TCP and UDP
flows (its rows always carry both ports): no ping or ARP.

Options:
  --format F          seed, binetflow or netflow-labeled (required)
  --flows N           number of flows (required)
  --seed S            integer seed (required)
  --start T           time of the first flow, ISO 8601 or epoch seconds (default 2011-08-16T10:00:00Z)
  --duration SECONDS  time the flows span (default 3600)
  --bots K            infected hosts (default 0 for seed, 3 otherwise)
  --normal K          normal client hosts (default 12)
  --hosts             print the host roles (role,address) instead of flows
  -o, --output FILE   write to FILE instead of stdout (- for stdout)
  -h, --help          this help

Exit codes: 0 ok, 1 the output cannot be written, 2 usage error.
`;

function intOption(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${text}'`);
  return v;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        format: { type: 'string' },
        flows: { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        duration: { type: 'string' },
        bots: { type: 'string' },
        normal: { type: 'string' },
        hosts: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = v.format as GeneratedFormat | undefined;
  if (format === undefined || !GENERATED_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${GENERATED_FORMATS.join(', ')}`);
  const flows = intOption('flows', v.flows, 0);
  if (flows === undefined) throw new UsageError('--flows N is required');
  const seed = intOption('seed', v.seed, -(2 ** 53));
  if (seed === undefined) throw new UsageError('--seed S is required');
  let start: number | undefined;
  if (v.start !== undefined) {
    start = instantOption('start', v.start, '2011-08-16T10:00:00Z');
  }
  const duration = v.duration === undefined ? undefined : Number(v.duration);
  if (duration !== undefined && !(duration > 0 && Number.isFinite(duration))) throw new UsageError(`--duration must be a positive number of seconds, got '${v.duration}'`);
  const bots = intOption('bots', v.bots, 0) ?? (format === 'seed' ? 0 : 3);
  const normalHosts = intOption('normal', v.normal, 0);
  const options = { format, flows, seed, start, duration, bots, normalHosts };

  const out = await openOutput(io, v.output === undefined || v.output === '-' ? undefined : resolve(io.cwd, v.output));
  if (v.hosts) {
    const h = generatedHosts(options);
    await out.write(['role,address', ...h.bots.map((a) => `bot,${a}`), ...h.normal.map((a) => `normal,${a}`), ...h.background.map((a) => `background,${a}`)].join('\n') + '\n');
  } else {
    let batch: string[] = [];
    for (const line of generateFlows(options)) {
      batch.push(line);
      if (batch.length >= 8192) {
        if (!(await out.write(`${batch.join('\n')}\n`))) break;
        batch = [];
      }
    }
    if (batch.length) await out.write(`${batch.join('\n')}\n`);
  }
  await out.close();
  return 0;
}
