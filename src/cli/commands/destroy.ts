// Placeholder until the issue that owns "vnet destroy" lands; it says so instead of pretending to work.

import { VnetError } from '../../model/errors';
import type { CliCommand } from '../command';

export const destroyCommand: CliCommand = {
  name: 'destroy',
  summary: '(not available yet)',
  usage: 'vnet destroy',
  async run() {
    throw new VnetError('VN-NOT-AVAILABLE', 'vnet destroy is not available in this build yet.');
  },
};
