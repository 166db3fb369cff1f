import { previewDirectory } from './directory-preview';

const file = (users: unknown[]) =>
  JSON.stringify({
    county: { code: '411099', name: '示范县' },
    townships: [],
    branches: [],
    users,
  });

describe('the directory dry run', () => {
  test('a clean file has no errors and is ready to send', () => {
    const out = previewDirectory(
      file([{ username: 'sec-a', name: '张三', role: 'coordinator', jurisdiction: '411099' }]),
    );
    expect(out.errors).toEqual([]);
    expect(out.body?.users).toHaveLength(1);
  });

  test('each bad user row is reported with its row number and field', () => {
    const out = previewDirectory(
      file([
        { username: 'ok-user', name: '李四', role: 'coordinator', jurisdiction: '411099' },
        { username: 'bad-scope', name: '王五', role: 'village_secretary', jurisdiction: '411099' },
      ]),
    );
    expect(out.errors).toEqual([{ row: 2, field: 'jurisdiction', message: '辖区层级与角色不符' }]);
  });

  test('a file that is not JSON, or has no users, is refused as a whole', () => {
    expect(previewDirectory('{').errors[0]).toMatchObject({ row: 0 });
    expect(previewDirectory(file([])).errors).toEqual([
      expect.objectContaining({ row: 0, field: 'users', message: '至少要有一个用户' }),
    ]);
  });
});
