import { Writable } from 'node:stream';
import { createLogger } from './logger';

/** Logs one object and gives back the line as written. */
function logged(obj: object): Record<string, any> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  createLogger('redaction-test', 'info', sink).info(obj, 'x');
  return JSON.parse(lines[0]!) as Record<string, any>;
}

describe('log redaction', () => {
  it('hides passwords, tokens, refresh tokens and cookies at the top level and one level down', () => {
    const line = logged({
      password: 'p1',
      token: 't1',
      refreshToken: 'r1',
      cookie: 'c1',
      body: { password: 'p2', newPassword: 'p3', currentPassword: 'p4', refreshToken: 'r2', token: 't2' },
      user: { initialPassword: 'p5', name: '张三' },
    });
    expect(line.password).toBe('[redacted]');
    expect(line.token).toBe('[redacted]');
    expect(line.refreshToken).toBe('[redacted]');
    expect(line.cookie).toBe('[redacted]');
    expect(line.body).toEqual({
      password: '[redacted]',
      newPassword: '[redacted]',
      currentPassword: '[redacted]',
      refreshToken: '[redacted]',
      token: '[redacted]',
    });
    expect(line.user).toEqual({ initialPassword: '[redacted]', name: '张三' });
  });

  it('hides the authorization and cookie headers of a logged request, and a set-cookie answer', () => {
    const line = logged({
      req: { id: 'r-1', headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'user-agent': 'jest' } },
      res: { statusCode: 200, headers: { 'set-cookie': 'sid=2' } },
    });
    expect(line.req.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'user-agent': 'jest',
    });
    expect(line.res.headers['set-cookie']).toBe('[redacted]');
    expect(JSON.stringify(line)).not.toMatch(/abc|sid=/);
  });
});
