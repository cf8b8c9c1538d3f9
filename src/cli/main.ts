/**
 * The `flowlens` command: dispatches to one module per sub-command. Modules are loaded lazily so
 * `flowlens features` does not pay for loading the HMM code and the other way round.
 */
import { UsageError, DataError, EXIT_DATA, EXIT_USAGE } from './errors.js';
import { processIO, type CliIO, type Command } from './io.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

// Each command module exports `run`. Keep this list in the order `--help` shows it.
export const COMMANDS: Record<string, CommandEntry> = {
  features: { summary: 'per-window traffic features of flow files (the seed\'s 56, pandas-exact) as CSV or JSON', load: async () => (await import('./commands/features.js')).run },
  train: { summary: 'train an HMM host profile on reference host(s)', load: async () => (await import('./commands/train.js')).run },
  score: { summary: 'score every host against a profile (CSV, or a time series with --bucket)', load: async () => (await import('./commands/score.js')).run },
  evaluate: { summary: 'host scores against ground truth: confusion counts and ROC AUC', load: async () => (await import('./commands/evaluate.js')).run },
  generate: { summary: 'write deterministic synthetic flows (seed, binetflow, netflow-labeled; normal hosts and bots)', load: async () => (await import('./commands/generate.js')).run },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'Usage: flowlens <command> [options] [FILE…]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `flowlens <command> --help` for the options of a command.',
    'Exit codes: 0 ok, 1 data error, 2 usage error.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`flowlens: unknown command "${name}".\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    const run = await entry.load();
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`flowlens ${name}: ${err.message}\nRun \`flowlens ${name} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    if (err instanceof DataError) {
      io.stderr.write(`flowlens ${name}: ${err.message}\n`);
      return EXIT_DATA;
    }
    throw err;
  }
}

const isEntryPoint = process.argv[1] !== undefined && /(?:^|[\\/])(?:main\.[cm]?[jt]s|flowlens(?:\.[cm]?js)?)$/.test(process.argv[1]);
if (isEntryPoint) {
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`flowlens: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT_DATA;
    },
  );
}
