// Placeholder until the issue that owns "vnet graph" lands; it says so instead of pretending to work.

import { VnetError } from '../../model/errors';
import type { CliCommand } from '../command';

export const graphCommand: CliCommand = {
  name: 'graph',
  summary: '(not available yet)',
  usage: 'vnet graph',
  async run() {
    throw new VnetError('VN-NOT-AVAILABLE', 'vnet graph is not available in this build yet.');
  },
};
