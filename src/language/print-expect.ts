// An Expectation written back as an `expect` statement, in its canonical spelling: icmp left implicit,
// a tcp port as `NAME:PORT`, a udp one as `NAME:PORT udp`, names quoted when they need it.

import { parseIp } from '../model/cidr';
import type { Expectation } from '../model/expectation';
import { ROOT_NAMESPACE } from '../model/topology';
import { formatName } from './quote';

/** `host` is the root namespace's keyword, written bare; any other name is quoted when it needs it. */
function namespaceText(name: string): string {
  return name === ROOT_NAMESPACE ? name : formatName(name);
}

/** `ns`, `MACHINE/ns` or an address; a namespace name never holds "/", so the first one is the machine's. */
function endText(end: string, port: number | null): string {
  const ip = parseIp(end);
  if (ip) return port === null ? end : ip.family === 6 ? `[${end}]:${port}` : `${end}:${port}`;
  const slash = end.indexOf('/');
  const name = slash > 0 ? `${formatName(end.slice(0, slash))}/${namespaceText(end.slice(slash + 1))}` : namespaceText(end);
  return port === null ? name : `${name}:${port}`;
}

export function printExpectation(e: Expectation): string {
  const verb = e.reaches ? 'reaches' : 'does not reach';
  const port = e.protocol === 'icmp' ? null : e.port;
  const protocol = e.protocol === 'udp' ? ' udp' : '';
  const lands = e.landsOn ? ` lands on ${endText(e.landsOn.namespace, e.landsOn.port)}` : '';
  return `expect ${endText(e.from, null)} ${verb} ${endText(e.to, port)}${protocol}${lands}`;
}
