// The allow-list of input-image hosts (IMAGE_SOURCE_ALLOWED_HOSTS). An entry is
//   host          that host on the URL scheme's default port only (443 for https, 80 for dev http)
//   host:port     that host on exactly that port
//   *.suffix[:port]  any subdomain of suffix (not suffix itself), same port rule
// where host is a DNS name, an IPv4 address or a bracketed IPv6 address. Entries are normalized
// the way URLs are (case, IDN to punycode, IPv4 shorthand, IPv6 compression, trailing dot), so an
// entry and a URL naming the same host compare equal. A malformed entry matches nothing (fail closed).

export interface HostRule {
  /** Normalized host name or IP literal (IPv6 in brackets), without a trailing dot. */
  host: string;
  /** Any subdomain of `host`. */
  wildcard: boolean;
  /** Undefined: the default port of the URL's scheme. */
  port?: number;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80 };
const ENTRY = /^(\*\.)?(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i;
/** Characters that would make URL parsing read more than a host out of the entry (or a second "*"). */
const NOT_IN_A_HOST = /[\s/\\?#@%*]/;

/** The rule an entry stands for, or undefined when it is not one (see the grammar above). */
export function parseHostRule(entry: string): HostRule | undefined {
  const match = ENTRY.exec(entry.trim());
  if (!match || NOT_IN_A_HOST.test(match[2])) return undefined;
  const [, wildcard, rawHost, rawPort] = match;
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  let host: string;
  try {
    host = withoutTrailingDot(new URL(`https://${rawHost}/`).hostname);
  } catch {
    return undefined;
  }
  if (host.length === 0 || (wildcard && host.startsWith('['))) return undefined;
  return { host, wildcard: Boolean(wildcard), port };
}

/** Whether `url`'s host and port are on the allow-list (`url` is already parsed, so normalized). */
export function isAllowedHost(url: URL, entries: readonly string[]): boolean {
  const host = withoutTrailingDot(url.hostname);
  const defaultPort = DEFAULT_PORTS[url.protocol];
  const port = url.port ? Number(url.port) : defaultPort;
  return entries.some((entry) => {
    const rule = parseHostRule(entry);
    if (!rule || port !== (rule.port ?? defaultPort) || port === undefined) return false;
    return rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host;
  });
}

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
