// Where a webhook may go. With NODE_ENV=production a URL must be https and
// every address it resolves to public: no loopback, private, link-local or
// otherwise reserved range, so that a subscription cannot make Parcours call
// into its own network. The rule is checked when the subscription is made,
// and again at each delivery on the addresses the connection will use (a
// name may resolve elsewhere by then). Elsewhere any http(s) URL goes.
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { BlockList, isIP } from 'node:net';

export interface DestinationRules {
  /** https only, to public addresses only (NODE_ENV=production). */
  publicOnly: boolean;
}

/** A URL refused, with a reason for the caller; `code` goes to the delivery log. */
export class DestinationRefused extends Error {
  constructor(
    message: string,
    readonly code = 'EDESTINATION',
  ) {
    super(message);
  }
}

// IANA's special-purpose registries: nothing here is a public Internet host.
const NOT_PUBLIC: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];
const notPublic = new BlockList();
for (const [address, prefix, family] of NOT_PUBLIC) notPublic.addSubnet(address, prefix, family);

/** Whether an IP address is a public Internet address (IPv4-mapped IPv6 judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !notPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL, if its form is allowed: http(s), no credentials, https in production. */
export function parseDestination(raw: string, rules: DestinationRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefused('the url is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DestinationRefused('the url must be http or https');
  }
  if (url.username || url.password) throw new DestinationRefused('the url must not hold credentials');
  if (rules.publicOnly && url.protocol !== 'https:') {
    throw new DestinationRefused('the url must be https');
  }
  if (rules.publicOnly) {
    const literal = hostOf(url);
    if (isIP(literal) && !isPublicAddress(literal)) {
      throw new DestinationRefused('the url points to a private or reserved address', 'EPRIVATEADDRESS');
    }
  }
  return url;
}

/** The URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Refuses the URL unless its form and, in production, every address its name resolves to are allowed. */
export async function checkDestination(raw: string, rules: DestinationRules): Promise<URL> {
  const url = parseDestination(raw, rules);
  if (!rules.publicOnly) return url;
  const host = hostOf(url);
  if (isIP(host)) return url;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new DestinationRefused(`the url's host does not resolve`, 'ENOTFOUND');
  }
  if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
    throw new DestinationRefused('the url resolves to a private or reserved address', 'EPRIVATEADDRESS');
  }
  return url;
}

/**
 * A DNS lookup for the delivery's connection that refuses non-public
 * addresses: the address checked is the address connected to.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { all: true, verbatim: true, family: options.family as number | undefined }).then(
    (addresses) => {
      const bad = addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address));
      if (bad) {
        callback(
          new DestinationRefused('the host resolves to a private or reserved address', 'EPRIVATEADDRESS'),
          '',
        );
      } else if (options.all) {
        callback(null, addresses);
      } else {
        const first = addresses[0] as { address: string; family: number };
        callback(null, first.address, first.family);
      }
    },
    (err: NodeJS.ErrnoException) => callback(err, ''),
  );
};
