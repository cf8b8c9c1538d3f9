/**
 * hclog-compatible JSON logging on stderr. go-plugin hosts parse each stderr line as JSON and do an
 * unchecked string assertion on `@level` and `@message`, so both are always strings; `@timestamp`
 * must have exactly six fractional digits or the host demotes the whole line to raw text.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogValue = string | number | boolean | null | undefined | readonly string[] | Readonly<Record<string, string | number | boolean>>;
export type LogFields = Readonly<Record<string, LogValue | Error>>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
  isEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  /** Where finished lines go (default: process.stderr). Each call receives one line ending in "\n". */
  write?: (line: string) => void;
  level?: LogLevel;
  /** hclog's `@module`, e.g. the plugin id. */
  module?: string;
  /** Include `@timestamp` (microsecond precision, UTC). Default true. */
  timestamps?: boolean;
}

const RESERVED = new Set(['@level', '@message', '@timestamp', '@module']);

/** `2006-01-02T15:04:05.000000Z`: Go's hclog TimeFormatJSON, exactly six fractional digits. */
export function formatTimestamp(epochMs: number): string {
  const wholeMs = Math.floor(epochMs);
  const micros = Math.min(999, Math.floor((epochMs - wholeMs) * 1000));
  const iso = new Date(wholeMs).toISOString(); // yyyy-mm-ddThh:mm:ss.mmmZ
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function fieldValue(v: LogValue | Error): unknown {
  if (v instanceof Error) return v.message;
  return v;
}

export function levelFromString(s: string | undefined, fallback: LogLevel): LogLevel {
  const l = (s ?? '').trim().toLowerCase();
  if (l === 'warning') return 'warn';
  return (LOG_LEVELS as readonly string[]).includes(l) ? (l as LogLevel) : fallback;
}

/** Renders one hclog JSON line (without the newline). */
export function formatLine(level: LogLevel, message: string, fields: LogFields, opts: { module?: string; timestamp?: number }): string {
  const entry: Record<string, unknown> = { '@level': level, '@message': String(message) };
  if (opts.timestamp !== undefined) entry['@timestamp'] = formatTimestamp(opts.timestamp);
  if (opts.module) entry['@module'] = opts.module;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    // A field may never replace the keys the host parses.
    entry[RESERVED.has(k) ? `_${k}` : k] = fieldValue(v);
  }
  return JSON.stringify(entry);
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const min = LOG_LEVELS.indexOf(options.level ?? 'debug');
  const timestamps = options.timestamps ?? true;
  const isEnabled = (level: LogLevel): boolean => LOG_LEVELS.indexOf(level) >= min;
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (!isEnabled(level)) return;
    const line = formatLine(level, message, fields ? { ...base, ...fields } : base, {
      module: options.module,
      timestamp: timestamps ? nowMs() : undefined,
    });
    write(line + '\n');
  };
  return {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    with: (fields) => createLogger(options, { ...base, ...fields }),
    isEnabled,
  };
}
