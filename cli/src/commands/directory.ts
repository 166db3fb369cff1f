import {
  DirectoryFileUser,
  DirectoryImportRequest,
  type ImportOutcome,
  type ImportRowResult,
} from '@fivestar/contracts';
import type { Register } from '../context';
import { Exit, type FieldError } from '../exit';
import { fieldErrors, readJson, validate } from '../files';
import { table } from '../output';

const OUTCOME_LABELS: Record<ImportOutcome, string> = {
  created: '新建',
  updated: '更新',
  unchanged: '未变',
  rejected: '拒绝',
};

/** A dry run's verdict on one user row: `errors` empty when the row would be taken. */
export interface RowCheck {
  row: number;
  username: string | null;
  errors: FieldError[];
}

/** Checks each user row with the contracts' row schema (the API has no dry run for the directory). */
export function checkUserRows(users: readonly unknown[]): RowCheck[] {
  return users.map((raw, row) => {
    const r = DirectoryFileUser.safeParse(raw);
    const username = (raw as { username?: unknown } | null)?.username;
    return {
      row,
      username: typeof username === 'string' ? username : null,
      errors: r.success
        ? []
        : fieldErrors(r.error.issues.map((i) => ({ ...i, path: ['users', row, ...i.path] }))),
    };
  });
}

/** Per-row results as a table; rows are named as the server names them (`users.<index>`). */
export function rowLines(
  rows: readonly { row: number; username: string | null; result: string; errors?: FieldError[] }[],
): string[] {
  return table([
    ['行', '用户名', '结果', '问题'],
    ...rows.map((r) => [
      `users.${r.row}`,
      r.username ?? '—',
      r.result,
      // The server names the request's fields (`body.users.3.role`); the file has no `body`.
      (r.errors ?? []).map((e) => `${e.field.replace(/^body\./, '')}：${e.message}`).join('；'),
    ]),
  ]);
}

export const registerDirectory: Register = (program, act) => {
  program
    .command('directory')
    .description('目录（县、乡镇、支部、用户）')
    .command('import')
    .description('导入目录文件（JSON：{county, townships, branches, users}），逐行显示结果')
    .argument('<file>', '目录文件')
    .option('--dry-run', '只在本地检查，不导入')
    .action(
      act(async ({ out, api }, opts, file) => {
        const body = validate(
          DirectoryImportRequest,
          await readJson(file!),
          `目录文件 ${file} 有误，未导入任何数据`,
        );
        if (opts.dryRun) {
          const results = checkUserRows(body.users);
          const rejected = results.filter((r) => r.errors.length).length;
          out.result(
            [
              ...rowLines(results.map((r) => ({ ...r, result: r.errors.length ? '有误' : '可导入' }))),
              `试运行：${body.townships.length} 个乡镇，${body.branches.length} 个支部，${results.length} 个用户，其中 ${rejected} 行有误。`,
              '未导入任何数据（接口没有试运行，已按接口的合同在本地检查；辖区归属与已有用户由服务器在导入时检查）。',
            ],
            {
              dryRun: true,
              county: body.county.code,
              results,
              summary: { valid: results.length - rejected, rejected },
            },
          );
          return rejected ? Exit.checkFailed : Exit.ok;
        }
        const result = await (
          await api()
        ).json<{
          county: string;
          results: ImportRowResult[];
          summary: Record<ImportOutcome, number>;
          published: number;
        }>('POST', '/api/admin/users/import', { json: body });
        const s = result.summary;
        out.result(
          [
            ...rowLines(result.results.map((r) => ({ ...r, result: OUTCOME_LABELS[r.outcome] }))),
            `已导入县 ${result.county}：新建 ${s.created}，更新 ${s.updated}，未变 ${s.unchanged}，拒绝 ${s.rejected}。`,
          ],
          result,
        );
        return s.rejected ? Exit.checkFailed : Exit.ok;
      }),
    );
};
