/** What every CLI command gets instead of touching `process` directly (so commands are testable). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdin: NodeJS.ReadableStream;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
}

/** A subcommand: gets the arguments after its name; resolves to the process exit code. */
export type CommandHandler = (argv: readonly string[], io: CliIo) => Promise<number>;
