// Ports and port ranges, checked once. iptables spells a range `8000:8100` in a `--dport` match and
// `8000-8100` in a DNAT target; both are accepted where their spelling is.

export const PORT_RANGE_HINT = 'a number from 1 to 65535, or a range like 8000:8100';

function isPortNumber(text: string): boolean {
  return /^[0-9]{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535;
}

/** A port, or a range of two ports joined by `separator` whose first is not above the second. */
export function validPort(text: string, separator: '-' | ':' = ':'): boolean {
  const parts = text.split(separator);
  if (parts.length > 2 || !parts.every(isPortNumber)) return false;
  return parts.length === 1 || Number(parts[0]) <= Number(parts[1]);
}

/** A single port (no range). */
export function validSinglePort(text: string): boolean {
  return isPortNumber(text);
}

/** The protocols whose rules can match a port (`-p tcp -m tcp --dport 80`). */
export const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);
