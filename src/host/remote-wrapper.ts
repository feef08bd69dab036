// The few lines of sh that every script passes through on its way to a host. They become root (directly,
// or through `sudo -n`, which never prompts), and read the whole script before running any of it, so that
// no command inside the script can swallow the rest of it from stdin.

import { shellQuote } from '../model/shell';

/** Printed on stderr by the wrapper when it cannot become root; ssh-errors recognises it. */
export const NO_PRIVILEGE_MARK = 'vnet-wrapper: not root and no sudo';


// Reads the script (stdin to end of file), then runs it with stdin closed.
const RUN_WHOLE = 's=$(cat) || exit 125; exec </dev/null; eval "$s"';

// Reads the script (its length in bytes on the first line, then the text: stdin stays open, so there is no
// end of file to wait for, and `head -c` is much faster than sh's byte-wise `read`) and runs it, while a
// watchdog waits for stdin to close: then the caller is gone (stop(), or a dropped connection) and
// everything the script started is killed. When the script ends by itself, the same `kill 0` ends the
// watchdog.
const RUN_STREAM = [
  'IFS= read -r n || exit 125',
  's=$(head -c "$n") || exit 125',
  // An asynchronous list reads /dev/null unless told otherwise: hand the watchdog our stdin explicitly.
  'exec 3<&0',
  '(eval "$s") </dev/null 3<&- & job=$!',
  '{ cat <&3 >/dev/null 2>&1; kill 0; } &',
  'wait "$job"; code=$?',
  'trap \'exit "$code"\' TERM',
  'kill 0',
].join('\n');

function becomeRoot(program: string): string {
  const quoted = shellQuote(program);
  return [
    `if [ "$(id -u)" = 0 ]; then exec sh -c ${quoted}`,
    `elif command -v sudo >/dev/null 2>&1; then exec sudo -n sh -c ${quoted}`,
    `else echo ${shellQuote(NO_PRIVILEGE_MARK)} >&2; exit 126; fi`,
  ].join('\n');
}

/** argv that runs a script given on stdin as root: `sh -c …`. */
export function rootScriptArgv(): string[] {
  return ['sh', '-c', becomeRoot(RUN_WHOLE)];
}

/** argv for a long-lived script: its length and text on stdin (streamInput). */
export function rootStreamArgv(): string[] {
  return ['sh', '-c', becomeRoot(RUN_STREAM)];
}

/** The stdin of a stream: the script's length in bytes on a line, then the script. Stdin must stay open afterwards. */
export function streamInput(script: string): string {
  return `${Buffer.byteLength(script, 'utf8')}\n${script}`;
}

