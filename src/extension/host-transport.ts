// From a configured host and the ssh settings to the engine's Transport. Every command the transport sends
// is logged (the output channel), and the ssh settings reach it the way --ssh-option reaches the CLI's.

import { createTransport, type TransportOptions } from '../host/connect';
import type { Transport } from '../host/transport';
import type { ExtensionSettings, HostEntry } from './settings';

function hostTransportOptions(entry: HostEntry, settings: ExtensionSettings, log: (line: string) => void): TransportOptions {
  return {
    identity: entry.identityFile,
    sshOptions: settings.sshOptions,
    sshCommand: settings.sshPath,
    configFile: settings.sshConfigFile,
    log,
  };
}

export function createHostTransport(entry: HostEntry, settings: ExtensionSettings, log: (line: string) => void): Transport {
  return createTransport(entry.destination, hostTransportOptions(entry, settings, log));
}

/** Whether a settings change means a host's transport must be made again. */
export function transportSettingsKey(entry: HostEntry, settings: ExtensionSettings): string {
  return JSON.stringify([entry, settings.sshPath, settings.sshOptions, settings.sshConfigFile, settings.refreshMode, settings.refreshIntervalSeconds]);
}
