// `vnet trace`: follows a packet through a network, hop by hop, and says whether the round trip works,
// where it stops and why (docs/trace.md). A .vnet FILE gives the desired network; otherwise the live host.

import { readFile } from 'node:fs/promises';
import { compileVnet, dropSourceLines } from '../../language/index';
import { VnetError } from '../../model/errors';
import { printable } from '../../model/names';
import { STATE_SCHEMA, type Lab, type Topology } from '../../model/topology';
import { validSinglePort } from '../../model/ports';
import { renderTrace, trace, type TraceQuestion, type TraceResult } from '../../trace/index';
import { checkLive, type LiveHost } from '../../host/live-check';
import { probeHost } from '../../host/probe';
import { renderLiveCheck, type LiveCheck } from '../../model/live-check';
import { flagValue, parseArgs, type ParsedArgs } from '../args';
import { printHelpIfAsked, type CliCommand } from '../command';
import { EXIT } from '../exit-codes';
import { callTimeoutMs, hostArgsFrom, HOST_FLAGS, HOST_HELP, probeFromArgs, transportFromArgs } from '../host-options';
import { liveHostsOf } from '../live-hosts';

const SHORT_USAGE = 'vnet trace [FILE] [--host T] --from NS|ADDR --to ADDR|NS [--icmp | --tcp PORT | --udp PORT] [--json]';

const USAGE = [
  SHORT_USAGE,
  '',
  '  FILE            a .vnet file: trace its desired network (or a `vnet show --json` state file)',
  '  --from NS|ADDR  a namespace (`host` for the root one; HOST/NS in a lab), or an address outside the host',
  '  --to ADDR|NS    an address, or a namespace (its first address)',
  '  --icmp          an echo request (the default)',
  '  --tcp PORT      a TCP connection to PORT',
  '  --udp PORT      a UDP datagram to PORT',
  '  --json          print the verdict as JSON (docs/trace.md)',
  '  --live          then send the real packet on the host and say whether it agrees (with FILE: needs --host,',
  '                  or the machines\' ssh targets in the file)',
  '',
  'Without FILE it reads the live host (--host, default local):',
  HOST_HELP,
  '',
  `Exit codes: ${EXIT.ok} reachable, ${EXIT.traceDropped} dropped, ${EXIT.traceUncertain} uncertain (a rule on the path was not evaluated).`,
  `With --live: the trace's code when the real packet agrees (or cannot tell), ${EXIT.liveDisagrees} when it does not, ${EXIT.liveNotSent} when it cannot be sent (an outside source).`,
].join('\n');

function portOf(args: ParsedArgs, flag: 'tcp' | 'udp'): number {
  const text = flagValue(args, flag)!;
  if (!validSinglePort(text)) throw new VnetError('VN-USAGE-PORT', `--${flag} takes a port from 1 to 65535, got "${text}".`);
  return Number(text);
}

function questionOf(args: ParsedArgs): TraceQuestion {
  const from = flagValue(args, 'from');
  const to = flagValue(args, 'to');
  if (!from || !to) throw new VnetError('VN-USAGE-ARGS', `Give both --from and --to. Usage: ${SHORT_USAGE}`);
  const chosen = (['icmp', 'tcp', 'udp'] as const).filter((p) => args.booleans.has(p) || args.flags.has(p));
  if (chosen.length > 1) throw new VnetError('VN-USAGE-ARGS', `Give one of --icmp, --tcp PORT, --udp PORT (got ${chosen.map((p) => `--${p}`).join(' and ')}).`);
  const protocol = chosen[0] ?? 'icmp';
  return { from, to, protocol, port: protocol === 'icmp' ? null : portOf(args, protocol) };
}

/** The desired network of a .vnet file, or a saved state. */
async function readNetwork(path: string): Promise<Topology | Lab> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (error) {
    throw new VnetError('VN-TRACE-READ', `Cannot read ${path}: ${(error as Error).message}. Check the path.`);
  }
  if (/\.json$/i.test(path)) {
    let topology: Topology | null = null;
    try { topology = JSON.parse(text) as Topology; } catch { /* said below */ }
    if (topology?.schema !== STATE_SCHEMA || !Array.isArray(topology.namespaces)) {
      throw new VnetError('VN-TRACE-STATE', `${path} is not a VNet state file (schema ${STATE_SCHEMA}). Create one with "vnet show --json".`);
    }
    return topology;
  }
  const result = compileVnet(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.lab || errors.length) {
    throw new VnetError('VN-TRACE-INVALID', `${path} has errors (${errors[0]?.message ?? 'no lab'}): a trace needs a valid network. Run "vnet check ${path}".`);
  }
  return result.lab;
}

type SourceLine = ReturnType<typeof dropSourceLines>[number];

/** A file trace's drop, with the lines of the .vnet file behind it (none for a state file). */
async function sourceOfDrop(file: string, result: TraceResult): Promise<SourceLine[]> {
  if (/\.json$/i.test(file) || !result.drop) return [];
  return dropSourceLines(await readFile(file, 'utf8'), result);
}

function renderSource(file: string | undefined, source: readonly SourceLine[]): string {
  if (!file || !source.length) return '';
  return `in ${file}:\n${source.map((s) => `  line ${s.line}: ${printable(s.text)}  (${s.why})\n`).join('')}`;
}

function exitCodeOf(result: TraceResult, live: LiveCheck | null): number {
  if (live && !live.sent) return EXIT.liveNotSent;
  if (live?.agrees === false) return EXIT.liveDisagrees;
  if (result.uncertain) return EXIT.traceUncertain;
  return result.reachable ? EXIT.ok : EXIT.traceDropped;
}

/** The live host, read and traced; its transport stays open for the live check. */
async function traceLiveHost(args: ParsedArgs, question: TraceQuestion, signal: AbortSignal): Promise<{ result: TraceResult; hosts: LiveHost[]; close: () => Promise<void> }> {
  const transport = transportFromArgs(args);
  try {
    const topology = await probeHost(transport, { signal, timeoutMs: callTimeoutMs(hostArgsFrom(args)) });
    signal.throwIfAborted();
    return { result: trace(topology, question), hosts: [{ name: topology.host, topology, transport }], close: () => transport.close() };
  } catch (error) {
    await transport.close();
    throw error;
  }
}

/** The trace, and with --live the real packet beside it. */
async function traceAndCheck(args: ParsedArgs, file: string | undefined, question: TraceQuestion, signal: AbortSignal): Promise<{ result: TraceResult; live: LiveCheck | null }> {
  if (!args.booleans.has('live')) {
    const network = file ? await readNetwork(file) : await probeFromArgs(args, signal);
    signal.throwIfAborted();
    return { result: trace(network, question), live: null };
  }
  if (file) {
    const network = await readNetwork(file);
    const result = trace(network, question);
    return { result, live: await checkLive(result, liveHostsOf(network, args, file), { signal }) };
  }
  const traced = await traceLiveHost(args, question, signal);
  try {
    return { result: traced.result, live: await checkLive(traced.result, traced.hosts, { signal }) };
  } finally {
    await traced.close();
  }
}

export const traceCommand: CliCommand = {
  name: 'trace',
  summary: 'Follow a packet through a network and say why it does or does not get through',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, { ...HOST_FLAGS, from: { value: true }, to: { value: true }, icmp: {}, tcp: { value: true }, udp: { value: true }, json: {}, live: {}, help: {} });
    if (printHelpIfAsked(args, traceCommand, io)) return EXIT.ok;
    if (args.positionals.length > 1) throw new VnetError('VN-USAGE-ARGS', `vnet trace takes at most one FILE, got ${args.positionals.length}. Usage: ${SHORT_USAGE}`);
    const file = args.positionals[0];
    if (file && args.flags.has('host') && !args.booleans.has('live')) {
      throw new VnetError('VN-USAGE-ARGS', 'Give a FILE (its desired network) or --host (the live one), not both; with --live, FILE is traced and --host is where the real packet is sent.');
    }
    const question = questionOf(args);
    const { result, live } = await traceAndCheck(args, file, question, io.signal);
    const source = file ? await sourceOfDrop(file, result) : [];
    if (args.booleans.has('json')) io.stdout(`${JSON.stringify({ ...result, ...(live ? { live } : {}), ...(source.length ? { source } : {}) }, null, 2)}\n`);
    else io.stdout(renderTrace(result) + renderSource(file, source) + (live ? renderLiveCheck(live) : ''));
    return exitCodeOf(result, live);
  },
};
