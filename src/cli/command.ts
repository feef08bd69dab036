// The shape every `vnet` sub-command has: one file per command under src/cli/commands.

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdin and stdout are a terminal (prompts are only shown then). */
  interactive: boolean;
  /** Reads one line from the user; only called when interactive. */
  prompt: (question: string) => Promise<string>;
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
