// Placeholder until the issue that owns "vnet export" lands; it says so instead of pretending to work.

import { VnetError } from '../../model/errors';
import type { CliCommand } from '../command';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: '(not available yet)',
  usage: 'vnet export',
  async run() {
    throw new VnetError('VN-NOT-AVAILABLE', 'vnet export is not available in this build yet.');
  },
};
