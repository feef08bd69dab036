// The extension's settings (`vnet.*` in package.json), read and checked in one place. Pure: the caller
// passes a getter (vscode's WorkspaceConfiguration.get in the extension, a record in tests). A bad value
// never stops the extension: it is replaced by the default and reported as a problem the user can fix.

import { describeError } from '../model/errors';
import { parseSshOption } from '../host/ssh-args';
import { LOCAL_TARGET, parseDestination } from '../host/ssh-destination';
import { plainText } from './text-safety';

export type RefreshMode = 'live' | 'poll' | 'manual';
export type SudoMode = 'auto' | 'always' | 'never';

export interface HostEntry {
  /** `local`, `[user@]host[:port]` or an alias from the ssh config. The host's identity in the extension. */
  destination: string;
  label: string | null;
  identityFile: string | null;
}

export interface ExtensionSettings {
  hosts: HostEntry[];
  showLocalHost: boolean;
  refreshMode: RefreshMode;
  refreshIntervalSeconds: number;
  sshPath: string;
  sshOptions: [string, string][];
  sshConfigFile: string | null;
  useSudo: SudoMode;
  labsFolder: string | null;
}

const DEFAULT_REFRESH_INTERVAL_SECONDS = 10;
const MIN_REFRESH_INTERVAL_SECONDS = 2;

export const DEFAULT_SETTINGS: ExtensionSettings = {
  hosts: [],
  showLocalHost: true,
  refreshMode: 'live',
  refreshIntervalSeconds: DEFAULT_REFRESH_INTERVAL_SECONDS,
  sshPath: 'ssh',
  sshOptions: [],
  sshConfigFile: null,
  useSudo: 'auto',
  labsFolder: null,
};

export interface SettingsResult {
  settings: ExtensionSettings;
  /** One sentence per ignored value, naming the setting and what to write instead. */
  problems: string[];
}

/** Reads `vnet.<key>`; undefined when unset. */
export type SettingGetter = (key: string) => unknown;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;
}

function hasLineBreak(value: string): boolean {
  return /[\r\n\0]/.test(value);
}

/** One entry of `vnet.hosts`: a string, or { destination, label?, identityFile? }. */
function parseHostEntry(value: unknown): HostEntry {
  const raw = typeof value === 'string' ? { destination: value } : value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('each entry must be a destination string or { "destination": "…", "label": "…", "identityFile": "…" }');
  }
  const record = raw as Record<string, unknown>;
  const destination = text(record.destination);
  if (!destination) throw new Error('an entry has no "destination"');
  if (destination !== LOCAL_TARGET) parseDestination(destination);
  const label = text(record.label);
  const identityFile = text(record.identityFile);
  if (identityFile !== null && hasLineBreak(identityFile)) throw new Error(`the identityFile of ${destination} contains a line break`);
  if (identityFile !== null && destination === LOCAL_TARGET) throw new Error('"local" takes no identityFile');
  return { destination, label, identityFile };
}

export function readSettings(get: SettingGetter): SettingsResult {
  const problems: string[] = [];
  const settings: ExtensionSettings = { ...DEFAULT_SETTINGS, hosts: [], sshOptions: [] };
  readHosts(get('hosts'), settings, problems);
  readRefresh(get, settings, problems);
  readSsh(get, settings, problems);
  const showLocal = get('showLocalHost');
  if (typeof showLocal === 'boolean') settings.showLocalHost = showLocal;
  const sudo = get('useSudo');
  if (sudo === 'auto' || sudo === 'always' || sudo === 'never') settings.useSudo = sudo;
  else if (sudo !== undefined) problems.push('vnet.useSudo must be "auto", "always" or "never"; using "auto".');
  const labs = get('labsFolder');
  if (text(labs) && !hasLineBreak(labs as string)) settings.labsFolder = (labs as string).trim();
  return { settings, problems };
}

function readHosts(hosts: unknown, settings: ExtensionSettings, problems: string[]): void {
  if (hosts !== undefined && !Array.isArray(hosts)) {
    problems.push('vnet.hosts must be a list of ssh destinations; it was ignored.');
    return;
  }
  const seen = new Set<string>();
  for (const value of hosts ?? []) {
    try {
      const entry = parseHostEntry(value);
      if (seen.has(entry.destination)) continue;
      seen.add(entry.destination);
      settings.hosts.push(entry);
    } catch (error) {
      problems.push(`vnet.hosts: ${plainText(describeError(error))} The entry was left out.`);
    }
  }
}

function readRefresh(get: SettingGetter, settings: ExtensionSettings, problems: string[]): void {
  const mode = get('refresh.mode');
  if (mode === 'live' || mode === 'poll' || mode === 'manual') settings.refreshMode = mode;
  else if (mode !== undefined) problems.push(`vnet.refresh.mode must be "live", "poll" or "manual"; using "${DEFAULT_SETTINGS.refreshMode}".`);
  const interval = get('refresh.intervalSeconds');
  if (typeof interval === 'number' && Number.isFinite(interval) && interval >= MIN_REFRESH_INTERVAL_SECONDS) {
    settings.refreshIntervalSeconds = interval;
  } else if (interval !== undefined) {
    problems.push(`vnet.refresh.intervalSeconds must be a number of seconds, at least ${MIN_REFRESH_INTERVAL_SECONDS}; using ${DEFAULT_REFRESH_INTERVAL_SECONDS}.`);
  }
}

function readSsh(get: SettingGetter, settings: ExtensionSettings, problems: string[]): void {
  const sshPath = get('ssh.path');
  if (text(sshPath) && !hasLineBreak(sshPath as string)) settings.sshPath = (sshPath as string).trim();
  else if (sshPath !== undefined && sshPath !== '') problems.push('vnet.ssh.path must be the path of the ssh program; using "ssh".');
  const options = get('ssh.options');
  if (Array.isArray(options)) {
    for (const option of options) {
      try {
        if (typeof option !== 'string') throw new Error('each entry must be a string KEY=VALUE');
        settings.sshOptions.push(parseSshOption(option));
      } catch (error) {
        problems.push(`vnet.ssh.options: ${plainText(describeError(error))} It was left out.`);
      }
    }
  } else if (options !== undefined) {
    problems.push('vnet.ssh.options must be a list of "KEY=VALUE" strings; it was ignored.');
  }
  const configFile = get('ssh.configFile');
  if (text(configFile) && !hasLineBreak(configFile as string)) settings.sshConfigFile = (configFile as string).trim();
  else if (configFile !== undefined && configFile !== '' && configFile !== null) problems.push('vnet.ssh.configFile must be the path of an ssh config file; it was ignored.');
}

/** The hosts the tree shows, in order: `local` first (when shown), then the configured ones. */
export function visibleHosts(settings: ExtensionSettings): HostEntry[] {
  const configured = settings.hosts.filter((h) => h.destination !== LOCAL_TARGET);
  const localEntry = settings.hosts.find((h) => h.destination === LOCAL_TARGET);
  const local = localEntry ?? (settings.showLocalHost ? { destination: LOCAL_TARGET, label: null, identityFile: null } : null);
  return local ? [local, ...configured] : configured;
}

/** The value to write back to `vnet.hosts` after adding a host (existing entries kept as they were written). */
export function withHostAdded(current: unknown, entry: HostEntry): unknown[] {
  const list = Array.isArray(current) ? [...current] : [];
  const exists = list.some((value) => {
    try { return parseHostEntry(value).destination === entry.destination; } catch { return false; }
  });
  if (exists) return list;
  const plain = entry.label === null && entry.identityFile === null;
  const value: Record<string, string> = { destination: entry.destination };
  if (entry.label !== null) value.label = entry.label;
  if (entry.identityFile !== null) value.identityFile = entry.identityFile;
  list.push(plain ? entry.destination : value);
  return list;
}

/** The value to write back to `vnet.hosts` after removing a host; entries that do not parse are kept. */
export function withHostRemoved(current: unknown, destination: string): unknown[] {
  const list = Array.isArray(current) ? current : [];
  return list.filter((value) => {
    try { return parseHostEntry(value).destination !== destination; } catch { return true; }
  });
}
