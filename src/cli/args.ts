// A small argument parser: flags with values, repeatable flags, booleans and positionals. Unknown flags
// are a usage error, so that a typo never silently changes what a command does to a host.

import { VnetError } from '../model/errors';

export interface FlagSpec {
  /** Takes a value (`--host T`); otherwise a boolean. */
  value?: boolean;
  repeatable?: boolean;
}

export interface ParsedArgs {
  flags: Map<string, string[]>;
  booleans: Set<string>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Map(), booleans: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { parsed.positionals.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('--') || arg === '-') { parsed.positionals.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const flag = spec[name];
    if (!flag) throw new VnetError('VN-USAGE-FLAG', `Unknown option --${name}. Run "vnet help" for the options.`);
    if (!flag.value) {
      if (eq > 0) throw new VnetError('VN-USAGE-FLAG', `--${name} takes no value.`);
      parsed.booleans.add(name);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new VnetError('VN-USAGE-FLAG', `--${name} needs a value.`);
    const list = parsed.flags.get(name) ?? [];
    if (list.length && !flag.repeatable) throw new VnetError('VN-USAGE-FLAG', `--${name} may be given once.`);
    list.push(value);
    parsed.flags.set(name, list);
  }
  return parsed;
}

export function flagValue(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}
