import { SubmitRectificationEvidence } from './commands';

const photo = { sha256: 'a'.repeat(64), filename: '会议记录.png' };
const issues = (input: unknown) =>
  SubmitRectificationEvidence.safeParse(input).error?.issues.map((i) => ({
    path: i.path.join('.'),
    message: i.message,
  }));

describe('SubmitRectificationEvidence', () => {
  it('takes a description alone (as every submission before files did), with no files', () => {
    expect(SubmitRectificationEvidence.parse({ description: ' 已补齐记录 ' })).toEqual({
      description: '已补齐记录',
      evidence: [],
    });
  });

  it('takes files alone, or both', () => {
    expect(SubmitRectificationEvidence.parse({ evidence: [photo] })).toEqual({
      description: '',
      evidence: [photo],
    });
    expect(SubmitRectificationEvidence.parse({ description: '已整改', evidence: [photo] }).evidence).toEqual([
      photo,
    ]);
  });

  it('refuses neither a description nor a file, in Chinese, at the description', () => {
    const message = '请写明整改情况或上传整改材料';
    expect(issues({})).toEqual([{ path: 'description', message }]);
    expect(issues({ description: '   ', evidence: [] })).toEqual([{ path: 'description', message }]);
  });

  it('names a file that is not an upload reference', () => {
    expect(issues({ evidence: [photo, { sha256: 'not-a-digest', filename: 'x.png' }] })).toEqual([
      { path: 'evidence.1.sha256', message: '应为上传后返回的sha256' },
    ]);
    expect(issues({ evidence: [{ sha256: photo.sha256, filename: ' ' }] })?.[0]?.path).toBe(
      'evidence.0.filename',
    );
  });

  it('takes at most 20 files', () => {
    const files = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        sha256: i.toString(16).padStart(64, '0'),
        filename: `${i}.jpg`,
      }));
    expect(SubmitRectificationEvidence.safeParse({ evidence: files(20) }).success).toBe(true);
    expect(issues({ evidence: files(21) })).toEqual([{ path: 'evidence', message: '一次最多提交20个文件' }]);
  });
});
