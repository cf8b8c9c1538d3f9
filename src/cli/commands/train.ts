/**
 * `flowlens train`: trains an HMM profile on the flows of reference host(s) and writes it as
 * JSON (semantics.md §2). Deterministic: the same files and options give the same profile.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ProfileError, profileToJSON, trainProfile, type TrainOptions } from '../../engine/profile/index.js';
import { COVARIANCE_TYPES, PROFILE_FEATURES, type CovarianceType, type ProfileFeature, type ProfileFeatureName, type ProfileSpec } from '../../query/profileSpec.js';
import { columnsHelp, fileInput } from '../columnMap.js';
import { DataError, UsageError } from '../errors.js';
import { formatIsoSeconds, formatNumber } from '../format.js';
import type { CliIO } from '../io.js';
import { fsReason, isNodeError } from '../fsErrors.js';
import { checkWritable, openOutput } from '../output.js';
import { tzHelp } from '../inputs.js';
import { CLICKHOUSE_HELP, clickHouseHostFlows, clickHouseInput, refusePasswordOption, resolveInput } from '../sources.js';
import { intOption, listOption, parse, readFlows, str, timeOption } from './score.js';

export const HELP = `Usage: flowlens train --host IP[,IP…] -o profile.json [options] FILE… | clickhouse://USER@HOST:PORT/DB/TABLE

Trains a profile: the flows whose source is the reference host(s), in time order, are discretized
(discretizers fitted on those flows), cut into sliding windows of --window flow codes, and a
Gaussian HMM is fitted to the windows by Baum-Welch exactly as hmmlearn 0.3.3 GaussianHMM does.

Options:
  --host IP[,IP…]       reference host(s) (e.g. a known bot); each host's windows form one sequence
  -o, --output FILE     where to write the profile JSON ("-" = stdout)
  --states N            hidden states (default 4)
  --window W            flows per window (default 10)
  --bins P              equal-frequency bins of numeric features (default 5)
  --features LIST       discretized attributes in mixed-radix order (default protocol,bytes);
                        any of ${Object.keys(PROFILE_FEATURES).join(', ')}; a numeric one may
                        carry its own bin count as name:P (e.g. bytes:8)
  --covariance T        diag (default), spherical or full
  --seed S              seed of the initialisation (k-means++ and Dirichlet draws; default 0)
  --iterations N        at most N EM iterations (default 10)
  --tol X               stop when the log-likelihood gains less than X (default 0.01)
  --from T, --to T      training range: flows with from <= ts < to (ISO 8601 or epoch seconds)
  --init FILE           JSON {startprob, transmat, means, covars} used as initial parameters
                        instead of the seeded initialisation (for checks against hmmlearn)
  --input-format F      auto (default) or a reader format name (binetflow, netflow-labeled, …)
${columnsHelp(24)}${tzHelp(24)}  -h, --help            this help

${CLICKHOUSE_HELP}
Writes the profile to --output and a summary (windows, log-likelihood per iteration) to stderr.
FILE may be - for standard input (gzip accepted).

Exit codes: 0 ok, 1 data error (unreadable file, reference host without enough flows, output that
cannot be written), 2 usage error.
`;

function parseFeatures(text: string | undefined, bins: number): ProfileFeature[] {
  if (text === undefined) return [{ name: 'protocol' }, { name: 'bytes', bins }];
  const out: ProfileFeature[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, p] = part.split(':');
    if (!name || !(name in PROFILE_FEATURES)) throw new UsageError(`unknown profile feature '${name}': use ${Object.keys(PROFILE_FEATURES).join(', ')}`);
    const fname = name as ProfileFeatureName;
    if (PROFILE_FEATURES[fname] === 'categorical') {
      if (p !== undefined) throw new UsageError(`'${name}' is categorical and takes no bin count`);
      out.push({ name: fname });
    } else {
      const b = p === undefined ? bins : Number(p);
      if (!Number.isInteger(b) || b < 2 || b > 100) throw new UsageError(`bins of '${name}' must be a whole number from 2 to 100, got '${p}'`);
      out.push({ name: fname, bins: b });
    }
  }
  if (out.length === 0) throw new UsageError('--features lists no feature');
  return out;
}

async function readInit(path: string): Promise<NonNullable<TrainOptions['init']>> {
  let raw: unknown;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read --init ${path}: ${isNodeError(err) ? fsReason(err, 'read') : String(err)}`);
  }
  try {
    raw = JSON.parse(text) as unknown;
  } catch (err) {
    throw new DataError(`--init ${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const flat = (name: string): number[] => {
    const v = o[name];
    if (!Array.isArray(v)) throw new DataError(`--init ${path}: "${name}" must be a (nested) list of numbers`);
    return (v as unknown[]).flat(3) as number[];
  };
  return { startprob: flat('startprob'), transmat: flat('transmat'), means: flat('means'), covars: flat('covars') };
}

export async function run(args: string[], io: CliIO): Promise<number> {
  refusePasswordOption(args);
  const { values: v, positionals } = parse(args, {
    host: { type: 'string' },
    output: { type: 'string', short: 'o' },
    states: { type: 'string' },
    window: { type: 'string' },
    bins: { type: 'string' },
    features: { type: 'string' },
    covariance: { type: 'string' },
    seed: { type: 'string' },
    iterations: { type: 'string' },
    tol: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    init: { type: 'string' },
  });
  if (v.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const hosts = listOption(v.host);
  if (!hosts || hosts.length === 0) throw new UsageError('--host is required: the reference host(s) whose flows the profile learns');
  const output = str(v.output);
  if (!output) throw new UsageError('-o/--output is required (a file for the profile JSON, or - for stdout)');
  const covariance = str(v.covariance) ?? 'diag';
  if (!(COVARIANCE_TYPES as readonly string[]).includes(covariance)) throw new UsageError(`--covariance must be one of ${COVARIANCE_TYPES.join(', ')}`);
  const tolText = str(v.tol);
  const tol = tolText === undefined ? 0.01 : Number(tolText);
  if (!(tol >= 0) || !Number.isFinite(tol)) throw new UsageError(`--tol must be a number >= 0, got '${tolText}'`);
  const from = timeOption(v.from, 'from');
  const to = timeOption(v.to, 'to');
  if (from !== undefined && to !== undefined && from >= to) throw new UsageError('--from must be earlier than --to');
  const spec: ProfileSpec = {
    hosts,
    ...(from !== undefined ? { from: formatIsoSeconds(from) } : {}),
    ...(to !== undefined ? { to: formatIsoSeconds(to) } : {}),
    features: parseFeatures(str(v.features), intOption(v.bins, 'bins', 5, 2, 100)),
    window: intOption(v.window, 'window', 10, 1, 1000),
    states: intOption(v.states, 'states', 4, 1, 64),
    covarianceType: covariance as CovarianceType,
    seed: intOption(v.seed, 'seed', 0, 0, 2 ** 32 - 1),
    iterations: intOption(v.iterations, 'iterations', 10, 1, 1000),
    tol,
  };
  if (positionals.length === 0) throw new UsageError('no input FILE given');
  const input = fileInput(str(v['input-format']), str(v.columns), positionals);
  // found now, not after the training: the folder is missing, read-only, or the path is a folder
  const outputPath = output === '-' ? undefined : resolve(io.cwd, output);
  await checkWritable(outputPath);
  const initPath = str(v.init);
  const init = initPath ? await readInit(resolve(io.cwd, initPath)) : undefined;
  const url = clickHouseInput(positionals);
  const table = url !== null ? await clickHouseHostFlows(url, { from, to, hosts }, io) : await readFlows(positionals.map((f) => resolveInput(io.cwd, f)), input, io, v.tz);

  const verbose = io.stderr.isTTY === true;
  let profile;
  try {
    profile = trainProfile(table, spec, {
      ...(init ? { init } : {}),
      onProgress: (it, of, ll) => {
        if (verbose) io.stderr.write(`iteration ${it}/${of}: log-likelihood ${formatNumber(ll)}\n`);
      },
      onNote: (text) => io.stderr.write(`note: ${text}\n`),
    });
  } catch (err) {
    if (err instanceof ProfileError) throw new DataError(err.problems.join('\n'));
    throw err;
  }
  const text = `${JSON.stringify(profileToJSON(profile), null, 1)}\n`;
  const out = await openOutput(io, outputPath);
  await out.write(text);
  await out.close();
  const t = profile.training;
  io.stderr.write(
    `trained on ${t.windows} windows from ${t.flows} flows of ${hosts.join(', ')}; ` +
      `${t.logLikelihood.length} iteration${t.logLikelihood.length === 1 ? '' : 's'}, ${t.converged ? 'converged' : 'stopped at the iteration limit'}; ` +
      `final log-likelihood ${formatNumber(t.logLikelihood[t.logLikelihood.length - 1]!)}\n`,
  );
  return 0;
}
