/** Where a command writes; tests pass buffers, the real CLI passes the process streams. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Absolute working directory that relative paths are resolved against. */
  cwd: string;
}

export type Command = (args: string[], io: CliIO) => Promise<number>;

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
