// The registry of sub-commands, in the order `vnet help` lists them.

import type { CliCommand } from './command';
import { showCommand } from './commands/show';
import { checkCommand } from './commands/check';
import { planCommand } from './commands/plan';
import { applyCommand } from './commands/apply';
import { destroyCommand } from './commands/destroy';
import { exportCommand } from './commands/export';
import { graphCommand } from './commands/graph';
import { traceCommand } from './commands/trace';
import { captureCommand } from './commands/capture';
import { testCommand } from './commands/test';

export const commands: CliCommand[] = [
  showCommand,
  checkCommand,
  planCommand,
  applyCommand,
  destroyCommand,
  exportCommand,
  graphCommand,
  traceCommand,
  captureCommand,
  testCommand,
];
