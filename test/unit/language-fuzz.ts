// Input generators for the robustness tests (unit and LSP): truncated, spliced, byte-flipped and
// line-shuffled versions of real files, plus random token soup. Seeded, so a failure can be replayed.

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 0x100000000;
  };
}

const NOISE = ['{', '}', '"', ';', '#', ':', '/', '\\', '\n', ' ', '\t', '\r', '-', '--', '\u0000', 'é', '\u{1F600}', '0', '.', '[', ']', '@', 'x'];
const WORDS = ['lab', 'machine', 'host', 'namespace', 'veth', 'bridge', 'address', 'link', 'route', 'nat', 'chain', 'masquerade', 'dnat', 'snat', 'jump',
  'forwarding', 'on', 'loopback', 'up', 'down', 'mtu', 'via', 'dev', 'default', 'src', 'not-out', 'tcp', 'to', 'ns1', 'br0', 'veth1', 'ns1:veth1',
  'br0:p', '10.0.0.1/24', '10.0.0.1', 'fd00::1/64', '8080', 'ssh', 'root@h', '--', '{', '}', '"a b"', '\n',
  'expect', 'reaches', 'does', 'not', 'reach', 'lands', 'icmp', 'udp', 'ns1:80', 'a/ns1', '[fd00::1]:80', '\nexpect'];

export function mutations(corpus: string[], random: () => number, count: number): string[] {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const out: string[] = [];
  while (out.length < count) {
    const base = pick(corpus);
    const at = Math.floor(random() * (base.length + 1));
    switch (out.length % 7) {
      case 0: out.push(base.slice(0, at)); break;
      case 1: { const other = pick(corpus); out.push(base.slice(0, at) + other.slice(Math.floor(random() * other.length))); break; }
      case 2: {
        const chars = [...base];
        for (let i = 0; i < 1 + Math.floor(random() * 6); i++) chars[Math.floor(random() * chars.length)] = pick(NOISE);
        out.push(chars.join(''));
        break;
      }
      case 3: { const end = at + Math.floor(random() * 80); out.push(base.slice(0, at) + base.slice(end)); break; }
      case 4: { const lines = base.split('\n'); for (let i = 0; i < 4; i++) { const a = Math.floor(random() * lines.length); const b = Math.floor(random() * lines.length); [lines[a], lines[b]] = [lines[b], lines[a]]; } out.push(lines.join('\n')); break; }
      case 5: out.push(Array.from({ length: 5 + Math.floor(random() * 60) }, () => pick(WORDS)).join(random() < 0.5 ? ' ' : '')); break;
      default: out.push(base.slice(0, at) + pick(WORDS) + pick(NOISE) + base.slice(at)); break;
    }
  }
  return out;
}
