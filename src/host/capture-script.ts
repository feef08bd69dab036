// The scripts of a capture on a host: start tcpdump in an interface's namespace writing pcap to stdout,
// stop it, and make sure none is left. Built from validated names and argv joined with the one quoting
// function: the filter is one argument after `--`, never shell text.

import { VnetError } from '../model/errors';
import { checkCaptureFilter, checkCapturePoint, type CapturePoint } from '../model/capture';
import { shellCommand, shellQuote } from '../model/shell';
import { ROOT_NAMESPACE } from '../model/topology';

/** What the start script says on stderr, one line each; capture-stream reads them. */
export const CAPTURE_MARK = {
  pid: 'vnet-capture: pid ',
  noTcpdump: 'vnet-capture: no tcpdump',
  noNamespace: 'vnet-capture: no namespace',
  noInterface: 'vnet-capture: no interface',
} as const;

/** The exit code of the start script when a check before tcpdump failed (the mark says which). */
export const CAPTURE_CHECK_FAILED = 3;

export interface CaptureScriptOptions {
  /** A tcpdump filter, checked by checkCaptureFilter; empty captures everything. */
  filter?: string;
  /** Stop after this many packets (tcpdump -c). */
  count?: number;
}

/** argv prefix that runs a command inside the point's namespace, and the file that must exist for it. */
function namespaceEntry(point: CapturePoint): { prefix: string[]; mustExist: string | null } {
  if (point.path !== undefined) return { prefix: ['nsenter', `--net=${point.path}`, '--'], mustExist: point.path };
  if (point.namespace === ROOT_NAMESPACE) return { prefix: [], mustExist: null };
  return { prefix: ['ip', 'netns', 'exec', point.namespace], mustExist: `/run/netns/${point.namespace}` };
}

export function checkCaptureRequest(point: CapturePoint, options: CaptureScriptOptions): void {
  const pointProblem = checkCapturePoint(point);
  if (pointProblem) throw new VnetError('VN-CAPTURE-NAME', pointProblem);
  const filterProblem = checkCaptureFilter(options.filter ?? '');
  if (filterProblem) throw new VnetError('VN-CAPTURE-FILTER', filterProblem);
  if (options.count !== undefined && (!Number.isInteger(options.count) || options.count < 1)) {
    throw new VnetError('VN-CAPTURE-COUNT', `A packet count is a whole number from 1 up, not ${options.count}.`);
  }
}

/** tcpdump's argv: pcap to stdout, each packet as it comes (-U, --immediate-mode), no name lookups. */
export function tcpdumpArgv(point: CapturePoint, options: CaptureScriptOptions): string[] {
  const filter = (options.filter ?? '').trim();
  return [
    'tcpdump', '-U', '--immediate-mode', '-n', '-w', '-', '-i', point.interface,
    ...(options.count !== undefined ? ['-c', String(options.count)] : []),
    ...(filter ? ['--', filter] : []),
  ];
}

/**
 * Checks that tcpdump, the namespace and the interface are there, then runs tcpdump in the background and
 * says its pid (so that a stop can end exactly it), and waits for it. The stream's wrapper kills it when
 * the connection closes.
 */
export function captureStartScript(point: CapturePoint, options: CaptureScriptOptions = {}): string {
  checkCaptureRequest(point, options);
  const { prefix, mustExist } = namespaceEntry(point);
  const fail = (mark: string) => `{ echo ${shellQuote(mark)} >&2; exit ${CAPTURE_CHECK_FAILED}; }`;
  return [
    `command -v tcpdump >/dev/null 2>&1 || ${fail(CAPTURE_MARK.noTcpdump)}`,
    ...(mustExist ? [`[ -e ${shellQuote(mustExist)} ] || ${fail(CAPTURE_MARK.noNamespace)}`] : []),
    `${shellCommand([...prefix, 'ip', 'link', 'show', 'dev', point.interface])} >/dev/null 2>&1 || ${fail(CAPTURE_MARK.noInterface)}`,
    `${shellCommand([...prefix, ...tcpdumpArgv(point, options)])} &`,
    `echo ${shellQuote(CAPTURE_MARK.pid)}"$!" >&2`,
    'wait "$!"',
    '',
  ].join('\n');
}

/** Only ever numbers reach the scripts below. */
function pidList(pids: readonly number[]): string {
  for (const pid of pids) if (!Number.isSafeInteger(pid) || pid < 2) throw new Error(`not a pid: ${pid}`);
  return pids.join(' ');
}

/** A pid that is still one of our captures: alive, and tcpdump (or its namespace entry about to become it). */
const IS_CAPTURE = 'grep -q tcpdump "/proc/$pid/cmdline" 2>/dev/null';

/** Asks the captures to end (SIGTERM): tcpdump writes what it holds and exits, which ends its stream. */
export function captureStopScript(pids: readonly number[]): string {
  return `for pid in ${pidList(pids)}; do if ${IS_CAPTURE}; then kill -TERM "$pid" 2>/dev/null; fi; done\n`;
}

/** After the streams ended: prints `left PID` for each capture still running, and kills it for sure. */
export function captureSweepScript(pids: readonly number[]): string {
  return `for pid in ${pidList(pids)}; do if ${IS_CAPTURE}; then echo "left $pid"; kill -KILL "$pid" 2>/dev/null; fi; done\n`;
}

/** The pids a sweep found still running. */
export function parseSweep(stdout: string): number[] {
  return stdout.split('\n').map((line) => /^left (\d+)$/.exec(line)).filter((m) => m !== null).map((m) => Number(m[1]));
}
