// Placeholder until the issue that owns "vnet check" lands; it says so instead of pretending to work.

import { VnetError } from '../../model/errors';
import type { CliCommand } from '../command';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: '(not available yet)',
  usage: 'vnet check',
  async run() {
    throw new VnetError('VN-NOT-AVAILABLE', 'vnet check is not available in this build yet.');
  },
};
