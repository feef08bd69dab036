// Placeholder until the issue that owns "vnet apply" lands; it says so instead of pretending to work.

import { VnetError } from '../../model/errors';
import type { CliCommand } from '../command';

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: '(not available yet)',
  usage: 'vnet apply',
  async run() {
    throw new VnetError('VN-NOT-AVAILABLE', 'vnet apply is not available in this build yet.');
  },
};
