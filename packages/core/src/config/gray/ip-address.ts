const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/**
 * The canonical text of an IP address, so that a beta list and a client's socket address compare as strings:
 * IPv4 as is, IPv6 in RFC 5952 form (lowercase, longest zero run as `::`), an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.7`, what a dual-stack socket reports) as its IPv4 address. Undefined when `text` is not an address.
 *
 * @example
 *   canonicalIp('::FFFF:10.0.0.7'); // '10.0.0.7'
 *   canonicalIp('2001:DB8:0:0:0:0:0:1'); // '2001:db8::1'
 */
export function canonicalIp(text: string): string | undefined {
  const t = text.trim();
  if (IPV4.test(t)) return t;
  const hextets = ipv6Hextets(t);
  if (!hextets) return undefined;
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    return [hextets[6] >> 8, hextets[6] & 0xff, hextets[7] >> 8, hextets[7] & 0xff].join('.');
  }
  return compress(hextets);
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part counts for two), or undefined. */
function ipv6Hextets(t: string): number[] | undefined {
  if (!t.includes(':') || t.length > 45) return undefined;
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && IPV4.test(g)) {
        const [a, b, c, d] = g.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else if (HEXTET.test(g)) out.push(Number.parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const zeros = 8 - head.length - tail.length;
  return zeros >= 1 ? [...head, ...new Array<number>(zeros).fill(0), ...tail] : undefined;
}

function compress(hextets: number[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}
