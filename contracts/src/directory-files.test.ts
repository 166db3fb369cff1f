import { toCsv } from './csv';
import { readDirectoryFiles, type DirectoryFile } from './directory-files';
import { templateHeader } from './directory-tables';

const encode = (text: string) => new TextEncoder().encode(text);
const json = (users: unknown[]): DirectoryFile => ({
  name: 'directory.json',
  bytes: encode(JSON.stringify({ county: { code: '411099', name: '示范县' }, users })),
});
const csv = (name: string, rows: string[][]): DirectoryFile => ({ name, bytes: encode(toCsv(rows)) });
const noWorkbook = () => Promise.reject(new Error('not a zip file'));

describe('reading the chosen directory files', () => {
  it('takes a JSON file as the request; its user rows are the server’s to judge', async () => {
    const r = await readDirectoryFiles(
      [
        json([
          { username: 'coord-a', name: '张三', role: 'coordinator', jurisdiction: '411099' },
          { username: 'sec-b', name: '李四', role: 'village_secretary', jurisdiction: '411099' },
        ]),
      ],
      noWorkbook,
    );
    expect(r.request?.users).toHaveLength(2);
    expect(r.errors).toEqual([]);
    expect(r.userRows).toEqual([
      { source: 'directory.json', row: 1 },
      { source: 'directory.json', row: 2 },
    ]);
  });

  it('takes CSV files, one per table, in any order', async () => {
    const r = await readDirectoryFiles(
      [
        csv('users.csv', [templateHeader('users'), ['coord-a', '张三', '县级专班', '411099']]),
        csv('county.csv', [templateHeader('county'), ['411099', '示范县']]),
      ],
      noWorkbook,
    );
    expect(r.errors).toEqual([]);
    expect(r.request?.users).toEqual([
      { username: 'coord-a', name: '张三', role: 'coordinator', jurisdiction: '411099', active: true },
    ]);
  });

  it('names a file it cannot read, and refuses JSON mixed with tables', async () => {
    const broken = await readDirectoryFiles([{ name: 'a.xlsx', bytes: encode('x') }], noWorkbook);
    expect(broken.errors[0]).toMatchObject({
      source: 'a.xlsx',
      message: '无法打开 Excel 文件：not a zip file',
    });
    const mixed = await readDirectoryFiles([json([]), csv('c.csv', [['县代码']])], noWorkbook);
    expect(mixed.errors[0]!.message).toBe('JSON 目录文件须单独导入，不能与表格一起选');
    const other = await readDirectoryFiles([{ name: 'a.txt', bytes: encode('x') }], noWorkbook);
    expect(other.errors[0]!.message).toContain('不支持的文件类型');
    const syntax = await readDirectoryFiles([{ name: 'd.json', bytes: encode('{') }], noWorkbook);
    expect(syntax.request).toBeUndefined();
    expect(syntax.errors[0]!.message).toMatch(/^不是有效的 JSON/);
  });
});
