import type { LookupAddress } from 'node:dns';
import {
  blockedRange,
  checkWebhookTarget,
  NOTHING_ALLOWED,
  parseWebhookAllowList,
  pinnedLookup,
  webhookAllowListFromEnv,
  WebhookTargetRefused,
  type Resolver,
} from './webhook-targets';

const resolving =
  (table: Record<string, string[]>): Resolver =>
  (host) =>
    Promise.resolve(
      (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

describe('blockedRange', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['fc12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'site-local'],
    // IPv4 inside IPv6: mapped (both spellings), NAT64, IPv4-compatible, 6to4.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::', 'private'],
  ])('%s is %s', (address, name) => {
    expect(blockedRange(address)?.name).toBe(name);
  });

  it.each(['1.1.1.1', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(blockedRange(address)).toBeNull();
    },
  );
});

describe('the allow-list', () => {
  it('takes host names, addresses and CIDRs, from the environment too', () => {
    const allow = parseWebhookAllowList(' robot.intranet , 127.0.0.1, 10.8.0.0/16, [fd00::1], fe80::/64 ,');
    expect(allow.entries).toHaveLength(5);
    expect([...allow.hosts]).toEqual(['robot.intranet']);
    expect(allow.networks.check('127.0.0.1', 'ipv4')).toBe(true);
    expect(allow.networks.check('127.0.0.2', 'ipv4')).toBe(false);
    expect(allow.networks.check('10.8.200.1', 'ipv4')).toBe(true);
    expect(allow.networks.check('fd00::1', 'ipv6')).toBe(true);
    expect(webhookAllowListFromEnv({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }).entries).toEqual(['127.0.0.1']);
    expect(webhookAllowListFromEnv({}).entries).toEqual([]);
  });

  it.each(['*', '*.intranet', 'http://robot.intranet', 'robot.intranet:8080', '10.0.0.0/33', '1.2.3', 'a/8'])(
    'refuses %s',
    (entry) => {
      expect(() => parseWebhookAllowList(entry)).toThrow(/WEBHOOK_ALLOWED_HOSTS/);
    },
  );
});

describe('checkWebhookTarget', () => {
  const dns = resolving({
    'qyapi.weixin.qq.com': ['101.91.40.1'],
    'rebound.example': ['127.0.0.1'],
    'mixed.example': ['8.8.8.8', '10.0.0.7'],
    'v6.example': ['::ffff:169.254.169.254'],
    'robot.intranet': ['10.1.2.3'],
  });

  it('passes a public host with the addresses to connect to', async () => {
    const t = await checkWebhookTarget(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
      NOTHING_ALLOWED,
      dns,
    );
    expect(t.url.hostname).toBe('qyapi.weixin.qq.com');
    expect(t.addresses).toEqual([{ address: '101.91.40.1', family: 4 }]);
  });

  it.each([
    ['http://127.0.0.1:8080/x', /127\.0\.0\.1 is a loopback address/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[fd00::5]/', /unique-local/],
    ['http://0x7f.1/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://rebound.example/', /rebound\.example \(127\.0\.0\.1\) is a loopback/],
    ['http://mixed.example/', /10\.0\.0\.7\) is a private/],
    ['http://v6.example/', /link-local/],
    ['ftp://8.8.8.8/', /not an http\(s\) URL/],
  ])('refuses %s', async (url, message) => {
    const refusal = checkWebhookTarget(url, NOTHING_ALLOWED, dns);
    await expect(refusal).rejects.toBeInstanceOf(WebhookTargetRefused);
    await expect(refusal).rejects.toThrow(message);
  });

  it('explains the refusal to the administrator, naming the way to allow it', async () => {
    const err = (await checkWebhookTarget('http://127.0.0.1/', NOTHING_ALLOWED, dns).catch(
      (e: unknown) => e,
    )) as WebhookTargetRefused;
    expect(err.detail).toMatch(/本机回环地址/);
    expect(err.detail).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
  });

  it('lets through what is allowed, by address, network or host name', async () => {
    const allow = parseWebhookAllowList('127.0.0.1, 10.0.0.0/24, robot.intranet');
    await expect(checkWebhookTarget('http://127.0.0.1:9/', allow, dns)).resolves.toBeDefined();
    await expect(checkWebhookTarget('http://[::ffff:127.0.0.1]/', allow, dns)).resolves.toBeDefined();
    await expect(checkWebhookTarget('http://rebound.example/', allow, dns)).resolves.toBeDefined();
    await expect(checkWebhookTarget('http://mixed.example/', allow, dns)).resolves.toBeDefined();
    await expect(checkWebhookTarget('http://robot.intranet/', allow, dns)).resolves.toMatchObject({
      addresses: [{ address: '10.1.2.3', family: 4 }],
    });
    // 127.0.0.2 is loopback and not the allowed 127.0.0.1.
    await expect(checkWebhookTarget('http://127.0.0.2/', allow, dns)).rejects.toBeInstanceOf(
      WebhookTargetRefused,
    );
  });

  it('passes a resolver error on as it is (DNS may answer later)', async () => {
    const failing: Resolver = () => Promise.reject(new Error('getaddrinfo EAI_AGAIN x'));
    const err = await checkWebhookTarget('http://x.example/', NOTHING_ALLOWED, failing).catch(
      (e: unknown) => e,
    );
    expect(err).not.toBeInstanceOf(WebhookTargetRefused);
    expect((err as Error).message).toMatch(/EAI_AGAIN/);
  });
});

describe('pinnedLookup', () => {
  const addresses: LookupAddress[] = [
    { address: '203.0.113.7', family: 4 },
    { address: '2001:db8::7', family: 6 },
  ];

  it('answers the checked addresses, never asking DNS', () => {
    const lookup = pinnedLookup(addresses);
    const all = jest.fn();
    lookup('anything.example', { all: true }, all);
    expect(all).toHaveBeenCalledWith(null, addresses);
    const one = jest.fn();
    lookup('anything.example', { family: 6 }, one);
    expect(one).toHaveBeenCalledWith(null, '2001:db8::7', 6);
    const first = jest.fn();
    lookup('anything.example', {}, first);
    expect(first).toHaveBeenCalledWith(null, '203.0.113.7', 4);
  });
});
