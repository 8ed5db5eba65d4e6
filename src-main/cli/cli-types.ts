/** What every CLI command gets instead of touching `process` directly (so commands are testable). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdin: NodeJS.ReadableStream;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  /** True when stdout is a terminal (colour, widths); absent means no. */
  readonly stdoutIsTty?: boolean;
  /** True when stdin is a terminal (questions may be asked); absent means no. */
  readonly stdinIsTty?: boolean;
  /** The terminal width (`COLUMNS`, else the terminal's); absent when unknown. */
  readonly columns?: number;
}

/** A subcommand: gets the arguments after its name; resolves to the process exit code. */
export type CommandHandler = (argv: readonly string[], io: CliIo) => Promise<number>;
