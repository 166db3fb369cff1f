import type { Logger } from '@fivestar/platform';
import { LoggingChannel, webhookPayload, type OutgoingNotice } from './channels';
import { backoffMs } from './deliveries';

const notice: OutgoingNotice = {
  eventId: 'e-1',
  kind: 'escalation',
  title: '黄色督办单（挂牌督办）：乡镇审核',
  body: '一村：乡镇审核逾期未办理。',
};

describe('webhookPayload', () => {
  it('WeCom: markdown.content', () => {
    expect(webhookPayload('wecom', notice)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### 黄色督办单（挂牌督办）：乡镇审核\n一村：乡镇审核逾期未办理。' },
    });
  });

  it('DingTalk: markdown.title and markdown.text', () => {
    expect(webhookPayload('dingtalk', notice)).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '黄色督办单（挂牌督办）：乡镇审核',
        text: '### 黄色督办单（挂牌督办）：乡镇审核\n一村：乡镇审核逾期未办理。',
      },
    });
  });
});

describe('backoffMs', () => {
  it('doubles from the base after each failure, capped', () => {
    const opts = { baseDelayMs: 1000, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, opts))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffMs(1000, opts)).toBe(10_000);
  });
});

describe('LoggingChannel (email / SMS adapters)', () => {
  it('logs what it would send and accepts it', async () => {
    const lines: unknown[][] = [];
    const log = { info: (...a: unknown[]) => lines.push(a) } as unknown as Logger;
    const sms = new LoggingChannel('sms', log);
    expect(sms.name).toBe('sms');
    await expect(sms.deliver(notice, { address: '13800000000' })).resolves.toBeUndefined();
    expect(lines).toEqual([
      [
        { channel: 'sms', to: '13800000000', eventId: 'e-1', title: notice.title },
        'sms notice (logged, not sent)',
      ],
    ]);
  });
});
