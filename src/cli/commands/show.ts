// Placeholder until the issue that owns "vnet show" lands; it says so instead of pretending to work.

import { VnetError } from '../../model/errors';
import type { CliCommand } from '../command';

export const showCommand: CliCommand = {
  name: 'show',
  summary: '(not available yet)',
  usage: 'vnet show',
  async run() {
    throw new VnetError('VN-NOT-AVAILABLE', 'vnet show is not available in this build yet.');
  },
};
