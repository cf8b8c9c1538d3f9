/**
 * `flowlens evaluate`: host scores against ground truth — per-host outcome of the seed's verdict,
 * confusion counts, optionally the per-bucket separation, and the ROC AUC of the ranking.
 */
import { resolve } from 'node:path';
import { bucketSeparation, evaluateScores, labelsFromTable, truthFromLists, type Truth } from '../../engine/evaluation/index.js';
import { scoreHosts, scoreHostSeries } from '../../engine/scoring/index.js';
import { columnsHelp, fileInput } from '../columnMap.js';
import { DataError, UsageError } from '../errors.js';
import { formatNumber } from '../format.js';
import type { CliIO } from '../io.js';
import { writeStdout } from '../output.js';
import { tzHelp } from '../inputs.js';
import { isClickHouseSpec, resolveInput } from '../sources.js';
import { bucketOption, checkProfileFits, csvField, listOption, loadProfile, methodOption, parse, rangeOption, readFlows, reportUnscored, str } from './score.js';

export const HELP = `Usage: flowlens evaluate --profile profile.json (--infected IPs --normal IPs | --labels) [options] FILE…

Scores the labeled hosts of FILE… with a profile (as flowlens score) and compares with the truth.

Options:
  --profile FILE        trained profile (JSON)
  --infected IP[,IP…]   hosts known to be infected
  --normal IP[,IP…]     hosts known to be normal
  --labels              take the truth from the files' label column (CTU-13): a host is infected
                        when one of its flows as source is labelled flow=From-Botnet-… (binetflow)
                        or Botnet (netflow-labeled), else normal when one is flow=From-Normal-… or
                        LEGITIMATE; To-… labels describe the destination and are not used; other
                        hosts are left out
  --method M            mean (default), loglik or viterbi (see flowlens score)
  --bucket S            also report, over buckets of S seconds, the share of buckets in which
                        every infected host's series value is above every normal host's
  --from T, --to T      only flows with from <= ts < to
  --input-format F      auto (default) or a reader format name
${columnsHelp(24)}${tzHelp(24)}  -h, --help            this help

Output: CSV host,truth,score,windows,flows,verdict,outcome (outcome TP/FP/TN/FN with "like the
profile" counted as flagged infected; empty when the host has no score), highest score first;
then "confusion TP=… FP=… TN=… FN=…", with --bucket "buckets <separated>/<total> <share>", and as
last line "AUC <number>" (ROC AUC of the scores, ties ½; "AUC NA" without scored hosts of both kinds).

FILE may be - for standard input (gzip accepted).

Exit codes: 0 ok, 1 data error, 2 usage error.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse(args, {
    profile: { type: 'string' },
    infected: { type: 'string' },
    normal: { type: 'string' },
    labels: { type: 'boolean' },
    method: { type: 'string' },
    bucket: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  });
  if (v.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const profilePath = str(v.profile);
  if (!profilePath) throw new UsageError('--profile is required (a profile from flowlens train)');
  const infected = listOption(v.infected);
  const normal = listOption(v.normal);
  const useLabels = v.labels === true;
  if (useLabels === (infected !== undefined || normal !== undefined)) {
    throw new UsageError('give either --labels or both --infected and --normal host lists');
  }
  if (!useLabels && (!infected?.length || !normal?.length)) throw new UsageError('--infected and --normal must both list at least one host');
  const method = methodOption(v.method);
  const bucket = bucketOption(v.bucket);
  const range = rangeOption(v.from, v.to);
  if (positionals.length === 0) throw new UsageError('no input FILE given');
  if (positionals.some(isClickHouseSpec)) throw new UsageError('evaluate reads flow files only: export the flows to a file, or score the table with flowlens score');
  const input = fileInput(str(v['input-format']), str(v.columns), positionals);
  let truth: Map<string, Truth>;
  if (useLabels) truth = new Map();
  else {
    try {
      truth = truthFromLists(infected!, normal!);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }
  const profile = await loadProfile(resolve(io.cwd, profilePath));
  const table = await readFlows(positionals.map((f) => resolveInput(io.cwd, f)), input, io, v.tz);
  checkProfileFits(profile, table);
  if (useLabels) {
    truth = labelsFromTable(table);
    // the data lacks what the option needs: a data error (exit 1), the command line was fine
    if (truth.size === 0) throw new DataError('--labels: the files have no Botnet/Normal/LEGITIMATE labels; give --infected and --normal instead');
  }
  const hosts = [...truth.keys()];
  const ev = evaluateScores(scoreHosts(table, profile, { method, hosts, range }), truth);
  const out = ['host,truth,score,windows,flows,verdict,outcome\n'];
  for (const h of ev.hosts) {
    out.push(`${csvField(h.host)},${h.truth},${h.score === null ? '' : formatNumber(h.score)},${h.windows},${h.flows},${h.verdict ?? ''},${h.outcome ?? ''}\n`);
  }
  reportUnscored(ev.hosts, io, profile.spec.window);
  const c = ev.confusion;
  out.push(`confusion TP=${c.TP} FP=${c.FP} TN=${c.TN} FN=${c.FN}\n`);
  if (bucket !== undefined) {
    const sep = bucketSeparation(scoreHostSeries(table, profile, bucket, { hosts, range }), truth);
    out.push(`buckets ${sep.separated}/${sep.buckets} ${sep.share === null ? 'NA' : formatNumber(sep.share)}\n`);
  }
  out.push(`AUC ${ev.auc === null ? 'NA' : formatNumber(ev.auc)}\n`);
  await writeStdout(io, out.join(''));
  return 0;
}
