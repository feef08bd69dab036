// One nftables JSON expression or statement (libnftables-json(5)) back in nft's own syntax, close to what
// `nft list` prints. Counters print without their numbers, so that the text of a rule does not change
// with every packet. Pure.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one key of a JSON expression object (`{"payload": {...}}` → `payload`), or null. */
export function soleKey(value: unknown): string | null {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : null;
}

// meta keys nft prints without the `meta` word.
const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype', 'skuid', 'skgid', 'rtclassid', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'ibrname', 'obrname']);
const BINARY_OPS = ['&', '|', '^', '<<', '>>'];

function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An expression: a value, a selector (payload, meta, ct, fib…), a prefix, range, set or concatenation. */
export function exprText(value: unknown, hex = false): string {
  if (typeof value === 'number') return hex ? `0x${value.toString(16).padStart(8, '0')}` : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'exists' : 'missing';
  if (Array.isArray(value)) return value.map((v) => exprText(v, hex)).join(',');
  const key = soleKey(value);
  if (key === null) return JSON.stringify(value);
  const body = (value as Json)[key];
  const b = isObject(body) ? body : {};
  switch (key) {
    case 'payload':
      return typeof b.protocol === 'string' ? `${b.protocol} ${String(b.field)}` : `@${String(b.base)},${String(b.offset)},${String(b.len)}`;
    case 'meta': return UNQUALIFIED_META.has(String(b.key)) ? String(b.key) : `meta ${String(b.key)}`;
    case 'ct': return ['ct', b.dir, b.family, b.key].filter((p) => typeof p === 'string').join(' ');
    case 'fib': return `fib ${(Array.isArray(b.flags) ? b.flags : [b.flags]).map(String).join(' . ')} ${String(b.result)}`;
    case 'prefix': return `${exprText(b.addr)}/${String(b.len)}`;
    case 'range': return Array.isArray(body) ? `${exprText(body[0], hex)}-${exprText(body[1], hex)}` : JSON.stringify(body);
    case 'set': return `{ ${(Array.isArray(body) ? body : [body]).map(setElementText).join(', ')} }`;
    case 'concat': return (Array.isArray(body) ? body : [body]).map((v) => exprText(v, hex)).join(' . ');
    case 'numgen': return `numgen ${String(b.mode)} mod ${String(b.mod)}${b.offset ? ` offset ${String(b.offset)}` : ''}`;
    case 'jhash': case 'symhash': return `${key} ${b.expr !== undefined ? `${exprText(b.expr)} ` : ''}mod ${String(b.mod)}`;
    case 'elem': return exprText(b.val, hex);
    case 'rt': return `rt ${String(b.key)}`;
    case 'socket': return `socket ${String(b.key)}`;
    case 'osf': return `osf ${String(b.key)}`;
    case 'exthdr': return `exthdr ${String(b.name)}${b.field ? ` ${String(b.field)}` : ''}`;
    case 'tcp option': return `tcp option ${String(b.name)}${b.field ? ` ${String(b.field)}` : ''}`;
    case 'map': return `${exprText(b.key)} map ${exprText(b.data)}`;
    default:
      if (BINARY_OPS.includes(key) && Array.isArray(body)) return body.map((v, i) => exprText(v, i > 0)).join(` ${key} `);
      return verdictText(key, body) ?? `${key} ${JSON.stringify(body)}`;
  }
}

function setElementText(element: unknown): string {
  // A map or verdict map element is a pair [key, value].
  if (Array.isArray(element) && element.length === 2) return `${exprText(element[0])} : ${statementText(element[1])}`;
  return exprText(element);
}

function verdictText(key: string, body: unknown): string | null {
  if (['accept', 'drop', 'return', 'continue', 'queue'].includes(key) && (body === null || body === undefined)) return key;
  if ((key === 'jump' || key === 'goto') && isObject(body)) return `${key} ${String(body.target)}`;
  return null;
}

// meta keys whose values are interface names: nft prints them quoted.
const IFNAME_KEYS = new Set(['iifname', 'oifname', 'ibrname', 'obrname']);

function matchText(b: Json): string {
  const binary = BINARY_OPS.includes(soleKey(b.left) ?? '');
  const left = isObject(b.left) && isObject(b.left.meta) ? b.left.meta.key : null;
  const right = typeof b.right === 'string' && IFNAME_KEYS.has(String(left)) ? quoted(b.right) : exprText(b.right, binary);
  // nft leaves out `==` (and the implicit `in` of flags), except after a bitwise operation.
  const op = (b.op === '==' && !binary) || b.op === 'in' ? '' : `${String(b.op)} `;
  return `${exprText(b.left)} ${op}${right}`;
}

/** `to ADDR[:PORT]` of snat, dnat, masquerade or redirect. */
export function natTarget(b: Json): string | null {
  const addr = b.addr !== undefined ? exprText(b.addr) : '';
  const port = b.port !== undefined ? exprText(b.port) : '';
  if (!addr && !port) return null;
  const host = addr.includes(':') && port ? `[${addr}]` : addr;
  return port ? `${host}:${port}` : host;
}

function natText(key: string, b: Json): string {
  const family = typeof b.family === 'string' ? ` ${b.family}` : '';
  const target = natTarget(b);
  const flags = b.flags === undefined ? '' : ` ${(Array.isArray(b.flags) ? b.flags : [b.flags]).map(String).join(',')}`;
  return `${key}${target !== null ? `${family} to ${target}` : ''}${flags}`;
}

function rejectText(b: Json): string {
  if (b.type === undefined || ((b.type === 'icmp' || b.type === 'icmpx') && b.expr === 'port-unreachable')) return 'reject';
  if (b.type === 'tcp reset') return 'reject with tcp reset';
  return `reject with ${String(b.type)} ${exprText(b.expr)}`;
}

function logText(b: Json): string {
  const parts = ['log'];
  if (typeof b.prefix === 'string') parts.push(`prefix ${quoted(b.prefix)}`);
  if (b.level !== undefined) parts.push(`level ${String(b.level)}`);
  if (b.group !== undefined) parts.push(`group ${String(b.group)}`);
  return parts.join(' ');
}

/** One statement of a rule's `expr` array. */
export function statementText(statement: unknown): string {
  const key = soleKey(statement);
  if (key === null) return JSON.stringify(statement);
  const body = (statement as Json)[key];
  const b = isObject(body) ? body : {};
  const verdict = verdictText(key, body);
  if (verdict !== null) return verdict;
  switch (key) {
    case 'match': return matchText(b);
    case 'counter': return 'counter';
    case 'reject': return rejectText(b);
    case 'masquerade': case 'snat': case 'dnat': case 'redirect': return natText(key, b);
    case 'mangle': return `${exprText(b.key)} set ${exprText(b.value, BINARY_OPS.includes(soleKey(b.value) ?? ''))}`;
    case 'vmap': return `${exprText(b.key)} vmap ${exprText(b.data)}`;
    case 'log': return logText(b);
    case 'limit': return `limit rate ${b.inv ? 'over ' : ''}${String(b.rate)}/${String(b.per ?? 'second')}${b.burst ? ` burst ${String(b.burst)} packets` : ''}`;
    case 'notrack': return 'notrack';
    case 'flow': return `flow add ${String(b.flowtable)}`;
    case 'xt': return `xt ${String(b.type)} ${String(b.name)}`;
    case 'set': return `${String(b.op)} ${String(b.set)} { ${exprText(b.elem)} }`;
    default: return `${key} ${JSON.stringify(body)}`;
  }
}
