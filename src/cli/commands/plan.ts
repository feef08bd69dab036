// Placeholder until the issue that owns "vnet plan" lands; it says so instead of pretending to work.

import { VnetError } from '../../model/errors';
import type { CliCommand } from '../command';

export const planCommand: CliCommand = {
  name: 'plan',
  summary: '(not available yet)',
  usage: 'vnet plan',
  async run() {
    throw new VnetError('VN-NOT-AVAILABLE', 'vnet plan is not available in this build yet.');
  },
};
