// The verdicts of a file's expectations as problems on their lines: a failed one says where the packet
// stops and why, and points at the statement that decided it (a route, the address a connected route
// comes from, a NAT rule, forwarding); an uncertain one says what the trace assumed. Where the cure is
// obvious, a quick fix: turn forwarding on, or add the route to a single gateway.

import { formatCidr, formatIp, ipOfCidr, networkOf, parseIp } from '../model/cidr';
import { describeRoute } from '../model/route';
import type { ExpectationVerdict, TraceResult } from '../trace/index';
import type { Problem } from './diagnostics';
import { insertIntoPlace } from './edits';
import { lowerNatRule, lowerRoute } from './lower';
import type { ExpectModel, MachineModel, PlaceModel, VnetModel } from './model';
import { Links, connectedAddresses, subnetsHolding } from './net';
import type { Span } from './span';
import type { TextFix } from './syntax';

type Related = NonNullable<Problem['related']>[number];

function placeAt(model: VnetModel, host: string, namespace: string): PlaceModel | null {
  const machine = model.multiMachine ? model.machines.find((m) => m.name === host) : model.machines[0];
  return machine?.places.get(namespace) ?? null;
}

function placeSpan(place: PlaceModel): Span | null {
  const statement = place.statements[0];
  if (!statement) return null;
  return statement.name?.span ?? statement.keyword;
}

/** The statements of a place whose route, rule or setting `text` quotes (or, with `within`, mentions). */
function statementsQuoted(place: PlaceModel, text: string, within = false): Related[] {
  const found: Related[] = [];
  const matches = (quoted: string) => (within ? text.includes(quoted) : text === quoted);
  for (const route of place.routes) {
    const lowered = lowerRoute(route);
    if (!lowered) continue;
    const words = describeRoute(lowered);
    if (matches(words) || (!lowered.dev && (within ? text.includes(`${words} dev `) : text.startsWith(`${words} dev `)))) {
      found.push({ span: route.node.span, message: `the route ${words} in ${place.name}` });
    }
  }
  for (const address of connectedAddresses(place)) {
    const words = describeRoute({ to: formatCidr(networkOf(address.cidr!)), via: null, dev: address.iface.name });
    if (matches(words)) found.push({ span: address.node.span, message: `the kernel makes the route ${words} from this address` });
  }
  for (const rule of place.nat) {
    const lowered = lowerNatRule(rule);
    if (lowered && matches(lowered.rule)) found.push({ span: rule.node.span, message: `this NAT rule of ${place.name}` });
  }
  if (/ip_forward = 0|forwarding = 0/.test(text)) {
    const span = place.forwardingNode?.span ?? placeSpan(place);
    if (span) found.push({ span, message: `forwarding is off in ${place.name}` });
  }
  return found;
}

/** The drop's hop: the last of its direction. */
function dropStep(result: TraceResult): string | null {
  const hops = result.drop?.direction === 'reply' ? result.reply : result.hops;
  return hops[hops.length - 1]?.step ?? null;
}

function dropRelated(model: VnetModel, result: TraceResult): { place: PlaceModel | null; related: Related[] } {
  const drop = result.drop;
  if (!drop) return { place: null, related: [] };
  const place = placeAt(model, drop.host, drop.namespace);
  if (!place) return { place, related: [] };
  const related = drop.rule ? statementsQuoted(place, drop.rule) : [];
  // "No neighbour answers": the route that chose that way is the culprit, not the (absent) neighbour.
  const hops = drop.direction === 'reply' ? result.reply : result.hops;
  const route = [...hops].reverse().find((h) => h.step === 'route' && h.namespace === drop.namespace && h.by);
  if (route && route.by !== drop.rule) related.push(...statementsQuoted(place, route.by!));
  if (related.length === 0) {
    const span = placeSpan(place);
    if (span) related.push({ span, message: `${place.name}, where it is dropped` });
  }
  return { place, related };
}

/** The one gateway a namespace could route through: an address of a forwarding namespace on one of its links. */
function singleGateway(place: PlaceModel): string | null {
  const links = new Links(place.machine);
  const gateways = new Set<string>();
  for (const mine of connectedAddresses(place)) {
    for (const other of place.machine.places.values()) {
      if (other === place || !other.forwarding) continue;
      for (const theirs of connectedAddresses(other)) {
        if (!links.sameLink(mine.iface, theirs.iface)) continue;
        const ip = ipOfCidr(theirs.cidr!);
        if (subnetsHolding(place, ip, mine.iface).length) gateways.add(formatIp(ip));
      }
    }
  }
  return gateways.size === 1 ? [...gateways][0] : null;
}

function destinationSubnet(machine: MachineModel, destination: string): string | null {
  const ip = parseIp(destination);
  if (!ip) return null;
  for (const place of machine.places.values()) {
    const holding = subnetsHolding(place, ip);
    if (holding.length) return formatCidr(networkOf(holding[0].cidr!));
  }
  return null;
}

function fixesFor(model: VnetModel, place: PlaceModel | null, result: TraceResult): TextFix[] {
  const drop = result.drop;
  if (!place || !drop) return [];
  const step = dropStep(result);
  if (step === 'ip_forward') {
    const edit = place.forwardingNode ? { span: place.forwardingNode.span, newText: 'on' } : insertIntoPlace(model, place, 'forwarding on');
    return [{ title: `Turn forwarding on in ${place.name}`, edits: [edit] }];
  }
  const missing = /^no route to (\S+)$/.exec(drop.reason);
  if (!missing) return [];
  const gateway = singleGateway(place);
  if (!gateway) return [];
  const fixes: TextFix[] = [];
  const subnet = destinationSubnet(place.machine, missing[1]);
  if (subnet) fixes.push({ title: `Add \`route ${subnet} via ${gateway}\` to ${place.name}`, edits: [insertIntoPlace(model, place, `route ${subnet} via ${gateway}`)] });
  if (!place.routes.some((r) => r.to === 'default')) {
    const fix = { title: `Add \`route default via ${gateway}\` to ${place.name}`, edits: [insertIntoPlace(model, place, `route default via ${gateway}`)] };
    if (place.routes.length === 0) fixes.unshift(fix); else fixes.push(fix);
  }
  return fixes;
}

/**
 * The outside address a request was heading for when the file's root namespace had no way to it: no route,
 * or a gateway on none of the file's subnets. On the host its own interfaces (eth0, which a file does not
 * declare) decide that, so the file cannot; null when the drop is anything else.
 */
function leftToTheHost(model: VnetModel, result: TraceResult): string | null {
  const drop = result.drop;
  if (!drop || drop.direction !== 'request') return null;
  const place = placeAt(model, drop.host, drop.namespace);
  if (!place?.root) return null;
  const found = /^no route to (\S+)$/.exec(drop.reason) ?? /^the gateway (\S+) is on no connected subnet$/.exec(drop.reason);
  if (!found || destinationSubnet(place.machine, found[1]) !== null) return null;
  return found[1];
}

function claimOf(e: ExpectationVerdict['expectation']): string {
  return e.text.replace(/^expect\s+/, '');
}

function uncertainProblem(model: VnetModel, node: ExpectModel, verdict: ExpectationVerdict): Problem {
  const result = verdict.trace!;
  const assumed = result.assumptions.map((a) => `in ${a.namespace}: ${a.assumed}`).join('; ');
  const outside = leftToTheHost(model, result);
  const would = outside
    ? `it would leave the lab's subnets for ${outside}, where the host's own interfaces decide`
    : result.reachable === verdict.expectation.reaches ? 'it would hold' : `it would fail${result.drop ? ` (dropped in ${result.drop.namespace}: ${result.drop.reason})` : ''}`;
  const related: Related[] = [];
  for (const a of result.assumptions) {
    const place = placeAt(model, a.host, a.namespace);
    if (place) related.push(...statementsQuoted(place, `${a.rule} ${a.assumed}`, true));
  }
  return {
    span: node.node.span, severity: 'info', code: 'VN-EXPECT-UNCERTAIN',
    message: `Not settled by this file: the trace had to assume something (${assumed}). With that assumption ${would}. \`vnet test\` checks it live.`,
    ...(related.length ? { related } : {}),
  };
}

function problemOf(model: VnetModel, node: ExpectModel, verdict: ExpectationVerdict): Problem | null {
  const e = verdict.expectation;
  if (verdict.outcome === 'holds' && !(verdict.trace && leftToTheHost(model, verdict.trace))) return null;
  if (verdict.outcome === 'uncertain' && verdict.trace) return uncertainProblem(model, node, verdict);
  const span = node.node.span;
  if (!verdict.trace) {
    if (node.from?.address) {
      return {
        span, severity: 'info', code: 'VN-EXPECT-UNCHECKED',
        message: `Not checked here: ${node.from.address} is outside the lab, and no interface of this file leads off the host to it. \`vnet test\` checks it on the host.`,
      };
    }
    const why = verdict.why ?? 'the trace cannot start';
    return { span, severity: 'warning', code: 'VN-EXPECT-FAILS', message: `Expected ${claimOf(e)}, but ${why.charAt(0).toLowerCase()}${why.slice(1)}` };
  }
  const result = verdict.trace;
  const outside = leftToTheHost(model, result);
  if (outside) {
    return {
      span, severity: 'info', code: 'VN-EXPECT-UNCHECKED',
      message: `Not checked here: in ${result.drop!.namespace} the packet heads for ${outside}, which is on none of the lab's subnets; the host's own interfaces (not declared in this file) decide where it goes. \`vnet test\` checks it on the host.`,
    };
  }
  const { place, related } = e.reaches && !result.reachable ? dropRelated(model, result) : { place: null, related: [] };
  const by = e.reaches && result.drop?.rule ? ` (${result.drop.rule})` : '';
  if (!e.reaches && result.deliveredTo) {
    const landed = placeAt(model, result.deliveredTo.host, result.deliveredTo.namespace);
    const at = landed && placeSpan(landed);
    if (at) related.push({ span: at, message: `${landed!.name}, where it lands` });
  }
  const fixes = e.reaches ? fixesFor(model, place, result) : [];
  return {
    span, severity: 'warning', code: 'VN-EXPECT-FAILS', message: `Expected ${claimOf(e)}, but ${verdict.why}${by}.`,
    ...(fixes.length ? { fixes } : {}), ...(related.length ? { related } : {}),
  };
}

/** One problem per expectation that does not hold, on its statement. */
export function expectationProblems(model: VnetModel, verdicts: readonly ExpectationVerdict[]): Problem[] {
  const byExpectation = new Map(model.expectations.filter((m) => m.expectation).map((m) => [m.expectation!, m]));
  const out: Problem[] = [];
  for (const verdict of verdicts) {
    const node = byExpectation.get(verdict.expectation);
    if (!node) continue;
    const problem = problemOf(model, node, verdict);
    if (problem) out.push(problem);
  }
  // Expectations beyond those judged (a file with very many): said once, on the first of them.
  const judged = new Set(verdicts.map((v) => v.expectation));
  const rest = model.expectations.filter((m) => m.expectation && !judged.has(m.expectation));
  if (verdicts.length && rest.length) {
    out.push({
      span: rest[0].node.span, severity: 'info', code: 'VN-EXPECT-UNCHECKED',
      message: `Not checked as you type: this and the ${rest.length - 1} expectations after it are beyond the first ${verdicts.length}. \`vnet test\` checks them all.`,
    });
  }
  return out;
}

/**
 * The statements of the file a drop comes from (a route, an address, a NAT rule, `forwarding`), or the
 * namespace where it happens: `vnet trace FILE` quotes them with their lines.
 */
export function dropStatements(model: VnetModel, result: TraceResult): { line: number; why: string }[] {
  return dropRelated(model, result).related.map((r) => ({ line: model.lines.position(r.span.start).line, why: r.message }));
}
