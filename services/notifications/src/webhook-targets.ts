import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may post (docs/security.md, Webhook targets): never to this machine or the networks
 * around it (SSRF) — private, loopback, link-local, unique-local, multicast, unspecified and other
 * special-purpose ranges, IPv4 and IPv6, IPv4 written inside IPv6 included — unless an administrator
 * allows a host, address or CIDR in `WEBHOOK_ALLOWED_HOSTS`. Checked on the addresses a host name
 * resolves to, at registration and again at every delivery, which then connects to exactly the
 * addresses it checked.
 */

interface Range {
  /** For logs and the delivery's last error. */
  name: string;
  /** For the administrator's answer. */
  zh: string;
  list: BlockList;
}

function range(name: string, zh: string, subnets: [string, number, 'ipv4' | 'ipv6'][]): Range {
  const list = new BlockList();
  for (const [net, prefix, type] of subnets) list.addSubnet(net, prefix, type);
  return { name, zh, list };
}

/** An IPv4 subnet and the IPv6 forms that carry it: mapped, NAT64, 6to4 and (deprecated) compatible. */
function v4(net: string, prefix: number): [string, number, 'ipv4' | 'ipv6'][] {
  const [a = 0, b = 0, c = 0, d = 0] = net.split('.').map(Number);
  const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
  return [
    [net, prefix, 'ipv4'],
    [`::ffff:${net}`, 96 + prefix, 'ipv6'],
    [`64:ff9b::${net}`, 96 + prefix, 'ipv6'],
    [`::${net}`, 96 + prefix, 'ipv6'],
    [`2002:${hex(a, b)}:${hex(c, d)}::`, 16 + prefix, 'ipv6'],
  ];
}

/** In order: the IPv6 ranges first, so `::1` is loopback rather than an IPv4-compatible 0.0.0.1. */
const RANGES: Range[] = [
  range('unspecified', '未指定地址', [['::', 128, 'ipv6']]),
  range('loopback', '本机回环地址', [['::1', 128, 'ipv6']]),
  range('link-local', '链路本地地址', [['fe80::', 10, 'ipv6']]),
  range('site-local', '站点本地地址', [['fec0::', 10, 'ipv6']]),
  range('unique-local', '唯一本地地址', [['fc00::', 7, 'ipv6']]),
  range('multicast', '组播地址', [['ff00::', 8, 'ipv6']]),
  range('discard-only', '保留地址', [['100::', 64, 'ipv6']]),
  range('unspecified', '未指定地址', v4('0.0.0.0', 8)),
  range('private', '内网地址', [...v4('10.0.0.0', 8), ...v4('172.16.0.0', 12), ...v4('192.168.0.0', 16)]),
  range('shared (carrier-grade NAT)', '运营商内网地址', v4('100.64.0.0', 10)),
  range('loopback', '本机回环地址', v4('127.0.0.0', 8)),
  range('link-local', '链路本地地址', v4('169.254.0.0', 16)),
  range('reserved', '保留地址', [...v4('192.0.0.0', 24), ...v4('198.18.0.0', 15), ...v4('240.0.0.0', 4)]),
  range('multicast', '组播地址', v4('224.0.0.0', 4)),
];

const familyOf = (address: string): 'ipv4' | 'ipv6' | null => {
  const f = isIP(address);
  return f === 4 ? 'ipv4' : f === 6 ? 'ipv6' : null;
};

/** The special-purpose range `address` lies in, or null for an ordinary (public) address. */
export function blockedRange(address: string): Pick<Range, 'name' | 'zh'> | null {
  const plain = address.replace(/%.*$/, '');
  const family = familyOf(plain);
  // Not an address at all: refuse rather than guess.
  if (!family) return { name: 'not an IP address', zh: '无效地址' };
  return RANGES.find((r) => r.list.check(plain, family)) ?? null;
}

/** What `WEBHOOK_ALLOWED_HOSTS` allows: host names (exact) and addresses or CIDRs. */
export interface WebhookAllowList {
  readonly entries: readonly string[];
  readonly hosts: ReadonlySet<string>;
  readonly networks: BlockList;
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const bare = (host: string) =>
  host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();

/**
 * Parses the allow-list (a comma list or the entries): a host name (`robot.intranet`, exact, not its
 * subdomains), an address (`10.1.2.3`, `[fd00::1]`) or a CIDR (`10.1.0.0/16`). Anything else — a
 * wildcard, a URL, a port — is refused, so a typo does not open more than meant.
 */
export function parseWebhookAllowList(list: string | readonly string[]): WebhookAllowList {
  const entries = (typeof list === 'string' ? list.split(',') : [...list])
    .map((e) => e.trim())
    .filter(Boolean);
  const hosts = new Set<string>();
  const networks = new BlockList();
  for (const entry of entries) {
    const [first = '', bits, ...rest] = entry.split('/');
    const address = bare(first);
    const family = familyOf(address);
    const max = family === 'ipv6' ? 128 : 32;
    if (family && rest.length === 0 && bits === undefined) networks.addAddress(address, family);
    else if (family && rest.length === 0 && /^\d{1,3}$/.test(bits!) && Number(bits) <= max)
      networks.addSubnet(address, Number(bits), family);
    else if (bits === undefined && HOST_NAME.test(address) && !/^[\d.]+$/.test(address)) hosts.add(address);
    else
      throw new Error(
        `WEBHOOK_ALLOWED_HOSTS: "${entry}" is not a host name, an IP address or a CIDR such as 10.0.0.0/8`,
      );
  }
  return { entries, hosts, networks };
}

export const NOTHING_ALLOWED: WebhookAllowList = parseWebhookAllowList([]);

/** `WEBHOOK_ALLOWED_HOSTS` of the environment (none: only public addresses). */
export function webhookAllowListFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookAllowList {
  return parseWebhookAllowList(env.WEBHOOK_ALLOWED_HOSTS ?? '');
}

/** Resolves a host name to all its addresses (the system's resolver by default; tests pass their own). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;
export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** A webhook target that may not be posted to; `message` for logs, `detail` for the administrator. */
export class WebhookTargetRefused extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'WebhookTargetRefused';
  }
}

const ALLOW_HINT = '如确需使用，请由系统管理员在 WEBHOOK_ALLOWED_HOSTS 中放行该主机或网段';

/** A checked target: its URL and the addresses to connect to (and only those). */
export interface CheckedTarget {
  url: URL;
  addresses: LookupAddress[];
}

/**
 * Resolves the URL's host and checks every address it resolves to (an IP literal is its own address):
 * all must be public, or allowed by host name or network. Throws WebhookTargetRefused for a target
 * that may not be used; a resolver's error (no such host, a timeout) is thrown as it is, since DNS may
 * answer later.
 */
export async function checkWebhookTarget(
  url: string,
  allow: WebhookAllowList,
  resolve: Resolver = systemResolver,
): Promise<CheckedTarget> {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new WebhookTargetRefused(
      'webhook target refused: not an http(s) URL',
      '通知机器人地址须为 http(s) 网址',
    );
  const host = bare(parsed.hostname);
  const family = familyOf(host);
  const addresses = family ? [{ address: host, family: family === 'ipv4' ? 4 : 6 }] : await resolve(host);
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  if (allow.hosts.has(host)) return { url: parsed, addresses };
  for (const { address } of addresses) {
    const plain = address.replace(/%.*$/, '');
    const fam = familyOf(plain);
    if (fam && allow.networks.check(plain, fam)) continue;
    const blocked = blockedRange(plain);
    if (!blocked) continue;
    const shown = family ? host : `${host} (${plain})`;
    throw new WebhookTargetRefused(
      `webhook target refused: ${shown} is a ${blocked.name} address, not allowed by WEBHOOK_ALLOWED_HOSTS`,
      `通知机器人地址不允许：${shown} 是${blocked.zh}。${ALLOW_HINT}`,
    );
  }
  return { url: parsed, addresses };
}

/**
 * The check at registration: as checkWebhookTarget, but a host that does not resolve (within
 * `timeoutMs`) is refused too, since nothing about it could be checked.
 */
export async function assertWebhookTarget(
  url: string,
  allow: WebhookAllowList,
  resolve: Resolver = systemResolver,
  timeoutMs = 3000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([checkWebhookTarget(url, allow, resolve), late]);
  } catch (err) {
    if (err instanceof WebhookTargetRefused) throw err;
    const host = URL.canParse(url) ? new URL(url).hostname : url;
    throw new WebhookTargetRefused(
      `webhook target refused: ${host} does not resolve (${(err as Error).message})`,
      `通知机器人地址无法解析：${host}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A `lookup` for the HTTP request that answers the checked addresses and never asks DNS again, so a
 * name re-pointed between the check and the connection (DNS rebinding) still reaches what was checked.
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const want = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = want ? addresses.filter((a) => a.family === want) : addresses;
    const list = usable.length > 0 ? usable : addresses;
    if (options.all) callback(null, [...list]);
    else callback(null, list[0]!.address, list[0]!.family);
  };
}
