import {
  commander,
  NotTakenError,
  POLL_FOR_MS,
  StillProcessingError,
  type CommandTransport,
  type Sent,
} from './command';

const answered = (status: number, body: unknown = {}, location: string | null = null): Sent => ({
  kind: 'answered',
  status,
  body,
  location,
});
const accepted = (location = '/api/rounds/r/branches/b/commands/u%3Ak') =>
  answered(202, { status: 'accepted', commandId: 'u:k', location }, location);
const notTaken = (retryAfterMs = 5000): Sent => ({ kind: 'not-taken', retryAfterMs });

/** A scripted server and a clock that moves only when the client sleeps. */
function fakeServer(script: { post?: (Sent | Error)[]; get?: (Sent | Error)[] }) {
  let now = 0;
  const posts: { path: string; body: unknown; key: string; at: number }[] = [];
  const gets: string[] = [];
  const next = (list: (Sent | Error)[] | undefined, what: string): Promise<Sent> => {
    const item = list?.shift();
    if (!item) throw new Error(`unscripted ${what}`);
    return item instanceof Error ? Promise.reject(item) : Promise.resolve(item);
  };
  const transport: CommandTransport = {
    post: (path, body, key) => {
      posts.push({ path, body, key, at: now });
      return next(script.post, 'post');
    },
    get: (location) => {
      gets.push(location);
      return next(script.get, 'get');
    },
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
  };
  return { transport, posts, gets, now: () => now };
}

describe('a bounded sign-off', () => {
  it('answers a 200 at once, with an Idempotency-Key', async () => {
    const server = fakeServer({ post: [answered(200, { step: 'TOWNSHIP_REVIEW' })] });
    const send = commander(server.transport);
    await expect(send('/rounds/r/branches/b/self-check', { a: 1 })).resolves.toEqual({
      step: 'TOWNSHIP_REVIEW',
    });
    expect(server.posts[0]!.key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('follows a 202 to its answer, telling the caller it was accepted', async () => {
    const server = fakeServer({
      post: [accepted()],
      get: [answered(202, { status: 'accepted' }), notTaken(), answered(200, { step: 'AWARD' })],
    });
    const onAccepted = jest.fn();
    const send = commander(server.transport);
    await expect(send('/p', {}, onAccepted)).resolves.toEqual({ step: 'AWARD' });
    expect(onAccepted).toHaveBeenCalledTimes(1);
    // Pending, a failed poll (tried again), then the answer.
    expect(server.gets).toEqual(Array(3).fill('/api/rounds/r/branches/b/commands/u%3Ak'));
  });

  it('a refusal found by polling is the refusal', async () => {
    const refusal = new Error('当前环节不允许此操作');
    const server = fakeServer({ post: [accepted()], get: [refusal] });
    await expect(commander(server.transport)('/p', {})).rejects.toBe(refusal);
  });

  it('stops polling after a while: still processing, not an error; the same submission keeps its key', async () => {
    const pending = Array.from({ length: 100 }, () => answered(202));
    const server = fakeServer({ post: [accepted(), answered(200, 'done')], get: pending });
    const send = commander(server.transport);
    await expect(send('/p', { x: 1 })).rejects.toBeInstanceOf(StillProcessingError);
    expect(server.now()).toBeGreaterThanOrEqual(POLL_FOR_MS);
    expect(server.now()).toBeLessThan(POLL_FOR_MS + 5000);
    await expect(send('/p', { x: 1 })).resolves.toBe('done');
    expect(server.posts[1]!.key).toBe(server.posts[0]!.key);
  });

  it('not taken (503, timeout): retrying the same body resends the same key, after Retry-After', async () => {
    const server = fakeServer({
      post: [notTaken(5000), notTaken(0), answered(200, 'ok'), answered(200, 'again')],
    });
    const send = commander(server.transport);
    const error = await send('/p', { x: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotTakenError);
    expect((error as NotTakenError).retryAfterMs).toBe(5000);
    await expect(send('/p', { x: 1 })).rejects.toBeInstanceOf(NotTakenError);
    await expect(send('/p', { x: 1 })).resolves.toBe('ok');
    const [first, second, third] = server.posts;
    expect(second!.key).toBe(first!.key);
    expect(third!.key).toBe(first!.key);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(5000);
    // Answered: the next submission is a new intent, with a new key.
    await send('/p', { x: 1 });
    expect(server.posts[3]!.key).not.toBe(first!.key);
  });

  it('another body is another intent, and a refusal ends the intent', async () => {
    const refusal = new Error('400');
    const server = fakeServer({ post: [notTaken(0), answered(200), refusal, answered(200)] });
    const send = commander(server.transport);
    await send('/p', { x: 1 }).catch(() => undefined);
    await send('/p', { x: 2 });
    expect(server.posts[1]!.key).not.toBe(server.posts[0]!.key);
    await send('/q', {}).catch(() => undefined);
    await send('/q', {});
    expect(server.posts[3]!.key).not.toBe(server.posts[2]!.key);
  });
});
