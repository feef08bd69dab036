// `vnet graph`: draws a network as SVG with the same layout and drawing code as the topology webview.
// A .vnet file gives the desired network, --host the live one, both together the drift view.

import { readFile, writeFile } from 'node:fs/promises';
import { renderTopologySvg } from '../../diagram/index';
import { traceNetworkOf } from '../../diagram/trace-network';
import { traceSummary } from '../../diagram/trace-overlay';
import { validSinglePort } from '../../model/ports';
import { trace, type TraceQuestion, type TraceResult } from '../../trace/index';
import { compileVnet } from '../../language/index';
import { VnetError } from '../../model/errors';
import type { DiagramHostInput, DiagramInput } from '../../model/protocol';
import { STATE_SCHEMA, type Lab, type Topology } from '../../model/topology';
import { flagValue, parseArgs, type FlagSpec, type ParsedArgs } from '../args';
import type { CliCommand, CliIo } from '../command';
import { EXIT } from '../exit-codes';
import { HOST_FLAGS, HOST_HELP, probeFromArgs } from '../host-options';

/** Reads a live host; the host engineer's probe, passed in so this file stays free of transports. */
export type ProbeHost = (target: string, args: ParsedArgs, io: CliIo) => Promise<Topology>;

export interface GraphDependencies {
  probe?: ProbeHost;
  /** Flags the probe understands (ssh options…), merged into this command's flags. */
  hostFlags?: Record<string, FlagSpec>;
  /** Their help lines, appended to the usage. */
  hostHelp?: string;
}

const SUMMARY = 'Draw a network (file, host, or the drift between them) as SVG';

const SHORT_USAGE = 'vnet graph FILE|--host T [--trace "FROM TO [tcp PORT|udp PORT|icmp]"] [--svg OUT]';

const USAGE = [
  'vnet graph FILE [--host T] [--svg OUT] [--title TEXT]',
  '       vnet graph --host T [--svg OUT]',
  '',
  '  FILE         a .vnet file (the desired network) or a `vnet show --json` state file',
  '  --host T     read the live network of host T (`local` for this machine);',
  '               with FILE too, draw the drift between file and host',
  '  --svg OUT    where to write the SVG (default: standard output, also with "-")',
  '  --title TEXT the drawing\'s title (default: the lab or host name)',
  '  --trace "FROM TO [tcp PORT|udp PORT|icmp]"',
  '               draw a trace on the network (docs/trace.md): the request and reply paths and the',
  '               drop point; on the live side of a drift view. FROM and TO as in `vnet trace`',
].join('\n');

/** `FROM TO [icmp | tcp PORT | udp PORT]`: the question of --trace, in the words of `vnet trace`. */
export function parseTraceSpec(text: string): TraceQuestion {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = 'Give --trace "FROM TO [tcp PORT|udp PORT|icmp]", e.g. --trace "red 10.0.0.2 tcp 80".';
  if (words.length < 2 || words.length > 4) throw new VnetError('VN-USAGE-TRACE', `--trace "${text}" is not a trace. ${usage}`);
  const [from, to, protocol = 'icmp', port] = words;
  if (protocol === 'icmp' && port === undefined) return { from, to, protocol, port: null };
  if ((protocol === 'tcp' || protocol === 'udp') && port !== undefined) {
    if (!validSinglePort(port)) throw new VnetError('VN-USAGE-PORT', `--trace: ${protocol} takes a port from 1 to 65535, got "${port}".`);
    return { from, to, protocol, port: Number(port) };
  }
  throw new VnetError('VN-USAGE-TRACE', `--trace "${text}": the protocol is icmp, tcp PORT or udp PORT. ${usage}`);
}

/** The live side: the shared host options (--host, --identity, --ssh-option, --timeout) and the probe. */
const probeWithHostOptions: ProbeHost = (_target, args, io) => probeFromArgs(args, io.signal);

/** A .vnet file lowered to its lab; a state file read as one live topology. */
async function readSource(path: string): Promise<{ lab: Lab; live: boolean; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new VnetError('VN-GRAPH-READ', `Cannot read ${path}: ${(error as Error).message}. Check the path.`);
  }
  if (/\.json$/i.test(path)) {
    let topology: Topology;
    try { topology = JSON.parse(text) as Topology; } catch {
      throw new VnetError('VN-GRAPH-STATE', `${path} is not JSON. Pass a .vnet file or the output of "vnet show --json".`);
    }
    if (topology?.schema !== STATE_SCHEMA || !Array.isArray(topology.namespaces)) {
      throw new VnetError('VN-GRAPH-STATE', `${path} is not a VNet state file (schema ${STATE_SCHEMA}). Create one with "vnet show --json".`);
    }
    return { lab: { name: topology.host, hosts: [{ name: topology.host, target: topology.host, topology }] }, live: true, warnings: [] };
  }
  const result = compileVnet(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.lab) {
    throw new VnetError('VN-GRAPH-INVALID', `${path} declares no usable lab: ${errors[0]?.message ?? 'add a "lab NAME" line'}. Run "vnet check ${path}".`);
  }
  const warnings = errors.length
    ? [`${path} has ${errors.length} error${errors.length > 1 ? 's' : ''}; the drawing shows what could be read. Run "vnet check ${path}".`]
    : [];
  return { lab: result.lab, live: false, warnings };
}

/** The trace of --trace, on the network the drawing shows. */
function traceOn(input: DiagramInput, question: TraceQuestion): TraceResult {
  const network = traceNetworkOf(input);
  if (!network) throw new VnetError('VN-USAGE-TRACE', 'There is no network to trace on. Give a FILE or --host.');
  return trace(network, question);
}

export function createGraphCommand(dependencies: GraphDependencies = {}): CliCommand {
  return {
    name: 'graph',
    summary: SUMMARY,
    usage: dependencies.hostHelp ? `${USAGE}\n${dependencies.hostHelp.split('\n').filter((l) => !l.trimStart().startsWith('--host ')).join('\n')}` : USAGE,
    async run(argv, io) {
      const args = parseArgs(argv, {
        host: { value: true },
        svg: { value: true },
        title: { value: true },
        trace: { value: true },
        ...dependencies.hostFlags,
      });
      if (args.positionals.length > 1) throw new VnetError('VN-USAGE-ARGS', `vnet graph takes one FILE, got ${args.positionals.length}. Usage: ${SHORT_USAGE}`);
      const file = args.positionals[0];
      const target = flagValue(args, 'host');
      if (!file && !target) throw new VnetError('VN-USAGE-ARGS', `Give a .vnet FILE, --host T, or both. Usage: ${SHORT_USAGE}`);
      const traceSpec = flagValue(args, 'trace');
      const question = traceSpec !== undefined ? parseTraceSpec(traceSpec) : null;

      const hosts: DiagramHostInput[] = [];
      let title = flagValue(args, 'title');
      if (file) {
        const source = await readSource(file);
        for (const warning of source.warnings) io.stderr(`vnet graph: ${warning}\n`);
        title ??= source.lab.name;
        for (const host of source.lab.hosts) hosts.push(source.live ? { name: host.name, live: host.topology } : { name: host.name, desired: host.topology });
      }
      if (target) {
        if (!dependencies.probe) {
          throw new VnetError('VN-NOT-AVAILABLE', 'Reading a live host is not available in this build of vnet graph yet. Save the host\'s state with "vnet show --json > state.json" and run "vnet graph state.json".');
        }
        if (hosts.length > 1) {
          throw new VnetError('VN-USAGE-HOSTS', `The lab spans ${hosts.length} hosts; --host compares one. Draw each host's drift from a single-host file, or omit --host.`);
        }
        io.signal.throwIfAborted();
        const live = await dependencies.probe(target, args, io);
        if (hosts.length) hosts[0] = { ...hosts[0], live };
        else hosts.push({ name: target, live });
        title ??= target;
      }
      io.signal.throwIfAborted();
      const input: DiagramInput = { title: title ?? 'network', hosts };
      const traced = question ? traceOn(input, question) : null;
      if (traced) io.stderr(`vnet graph: trace ${traceSummary(traced)}${traced.drop ? `: ${traced.drop.reason}` : ''}\n`);
      const { svg } = await renderTopologySvg(input, { signal: io.signal, trace: traced });
      const out = flagValue(args, 'svg');
      if (!out || out === '-') {
        io.stdout(svg);
      } else {
        try {
          await writeFile(out, svg, 'utf8');
        } catch (error) {
          throw new VnetError('VN-GRAPH-WRITE', `Cannot write ${out}: ${(error as Error).message}. Check the folder exists and is writable.`);
        }
        io.stderr(`vnet graph: wrote ${out}\n`);
      }
      return EXIT.ok;
    },
  };
}

/** Registered in src/cli/commands.ts. */
export const graphCommand: CliCommand = createGraphCommand({ probe: probeWithHostOptions, hostFlags: HOST_FLAGS, hostHelp: HOST_HELP });
