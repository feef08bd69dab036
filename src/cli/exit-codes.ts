// Exit codes of the `vnet` command, documented in docs/cli.md. Scripts depend on them: never renumber.

export const EXIT = {
  ok: 0,
  /** `check` found errors, or a command failed in a way no other code names. */
  failure: 1,
  usage: 2,
  unreachable: 3,
  authRefused: 4,
  hostKey: 5,
  privilege: 6,
  missingTool: 7,
  applyFailed: 8,
  conflict: 9,
  declined: 10,
  timeout: 11,
  /** `trace`: the packet or its reply is dropped. */
  traceDropped: 12,
  /** `trace`: a rule on the path could not be evaluated, so the verdict rests on an assumption. */
  traceUncertain: 13,
  /** `trace --live`: the real packet did not do what the trace predicted. */
  liveDisagrees: 14,
  /** `trace --live`: the packet could not be sent (an outside source): there is no live answer. */
  liveNotSent: 15,
  /** `test`: one or more expectations failed on the host. */
  testFailed: 16,
} as const;

/** Maps an error code (VnetError.code) to the exit code that names its kind. */
export function exitCodeFor(code: string): number {
  if (code.startsWith('VN-USAGE')) return EXIT.usage;
  switch (code) {
    case 'VN-SSH-UNREACHABLE': return EXIT.unreachable;
    case 'VN-SSH-AUTH': return EXIT.authRefused;
    case 'VN-SSH-HOSTKEY': return EXIT.hostKey;
    case 'VN-HOST-PRIVILEGE': case 'VN-HOST-SUDO-PASSWORD': return EXIT.privilege;
    case 'VN-HOST-TOOL': case 'VN-LIVE-TOOL': return EXIT.missingTool;
    case 'VN-APPLY-STEP': case 'VN-APPLY-INTERRUPTED': case 'VN-APPLY-STALE': case 'VN-HOST-BUSY': return EXIT.applyFailed;
    case 'VN-OWNERSHIP': return EXIT.conflict;
    case 'VN-DECLINED': return EXIT.declined;
    case 'VN-TIMEOUT': case 'VN-SSH-TIMEOUT': return EXIT.timeout;
    default: return EXIT.failure;
  }
}
