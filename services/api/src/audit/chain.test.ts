import { createHash } from 'node:crypto';
import { canonical } from '../catalogs/versions';
import {
  entryHash,
  GENESIS_HASH,
  payloadDigest,
  storable,
  storableEntry,
  withoutSecrets,
  type UnhashedEntry,
} from './chain';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined, so key order never changes a digest', () => {
    expect(canonical({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}',
    );
    expect(canonical({ x: 1, y: 2 })).toBe(canonical({ y: 2, x: 1 }));
  });
});

describe('payload digest', () => {
  it('removes passwords, tokens and secrets at any depth before hashing', () => {
    expect(
      withoutSecrets({
        username: 'u',
        password: 'p',
        nested: [{ refreshToken: 't', keep: 1, webhookSecret: 's' }],
      }),
    ).toEqual({ username: 'u', nested: [{ keep: 1 }] });
    // The digest of a login cannot depend on the password, nor reveal it.
    expect(payloadDigest({ username: 'u', password: 'one' })).toBe(
      payloadDigest({ username: 'u', password: 'two' }),
    );
    expect(payloadDigest({ username: 'u', password: 'one' })).toBe(sha256('{"username":"u"}'));
  });

  it('hashes raw uploads as bytes and records no digest when no body was read', () => {
    expect(payloadDigest(Buffer.from('%PDF-1.7'))).toBe(sha256('%PDF-1.7'));
    expect(payloadDigest(undefined)).toBeNull();
    expect(payloadDigest({ b: 2, a: 1 })).toBe(payloadDigest({ a: 1, b: 2 }));
    expect(payloadDigest({ a: 1 })).not.toBe(payloadDigest({ a: 2 }));
  });
});

describe('chain hashing', () => {
  const entry: UnhashedEntry = {
    seq: 1,
    at: '2026-11-27T01:00:00.000Z',
    requestId: 'r1',
    clientIp: '127.0.0.1',
    actor: 'u-coord-411099',
    role: 'coordinator',
    jurisdiction: '411099',
    action: 'POST /rounds',
    target: 'rounds/411099-2026',
    roundId: '411099-2026',
    branchId: null,
    scope: '411099',
    payloadDigest: sha256('{}'),
    status: 201,
    problem: null,
    outcomeOf: null,
    prevHash: GENESIS_HASH,
  };

  it('is sha256 of the previous hash followed by the canonical entry, as before outcomes existed', () => {
    // The formula entries were written with before `outcomeOf`: they keep verifying unchanged.
    const { prevHash, outcomeOf: _, ...legacy } = entry;
    expect(entryHash(entry)).toBe(sha256(prevHash + canonical(legacy)));
    // An outcome entry's link to its opening is part of its hash; an opening's missing status too.
    expect(entryHash({ ...entry, outcomeOf: 7 })).toBe(
      sha256(prevHash + canonical({ ...legacy, outcomeOf: 7 })),
    );
    expect(entryHash({ ...entry, status: null })).toBe(
      sha256(prevHash + canonical({ ...legacy, status: null })),
    );
  });

  it("hashes only the entry: a listing's derived fields never count", () => {
    expect(entryHash({ ...entry, pending: true } as UnhashedEntry)).toBe(entryHash(entry));
  });

  it('changes with any field and with the link to the previous entry', () => {
    const h = entryHash(entry);
    expect(entryHash({ ...entry, status: 403 })).not.toBe(h);
    expect(entryHash({ ...entry, actor: null })).not.toBe(h);
    expect(entryHash({ ...entry, prevHash: 'f'.repeat(64) })).not.toBe(h);
    expect(entryHash({ ...entry })).toBe(h);
    expect(entryHash({ ...entry, outcomeOf: 3 })).not.toBe(h);
  });
});

describe('canonical encoding', () => {
  it('replaces what PostgreSQL cannot store (lone surrogates, U+0000) with U+FFFD, and nothing else', () => {
    expect(storable('users/\ud800')).toBe('users/\ufffd');
    expect(storable('a\udc00b\ud800')).toBe('a\ufffdb\ufffd');
    expect(storable('x\u0000y')).toBe('x\ufffdy');
    // Pairs, CJK, emoji and U+FFFD itself are kept as they are.
    for (const s of ['支部 411099', '😀', '\ud83d\ude00', '\ufffd', '\u0001', ''])
      expect(storable(s)).toBe(s);
    expect(storableEntry({ a: '\ud800', b: 1, c: null })).toEqual({ a: '\ufffd', b: 1, c: null });
  });

  it('hashes an entry as it is stored: its lone surrogate and the U+FFFD PostgreSQL keeps agree', () => {
    const base = {
      seq: 1,
      at: '2026-11-27T01:00:00.000Z',
      requestId: 'r1',
      clientIp: null,
      actor: null,
      role: null,
      jurisdiction: null,
      action: 'POST /auth/login',
      roundId: null,
      branchId: null,
      scope: null,
      payloadDigest: null,
      status: 401,
      problem: '未认证',
      outcomeOf: null,
      prevHash: GENESIS_HASH,
    };
    const sent = entryHash({ ...base, target: 'users/\ud800' });
    expect(sent).toBe(entryHash({ ...base, target: 'users/\ufffd' }));
    // Without anything to replace, the canonical form is plain canonical JSON.
    const plain = { ...base, target: 'users/张三' };
    const { prevHash, outcomeOf: _, ...rest } = plain;
    expect(entryHash(plain)).toBe(sha256(prevHash + canonical(rest)));
  });
});
