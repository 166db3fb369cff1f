import path from 'node:path';
import {
  readDirectoryFiles,
  userColumn,
  type DirectoryImportResult,
  type DirectoryTablesResult,
  type ImportOutcome,
  type TableError,
} from '@fivestar/contracts';
import type { Register } from '../context';
import { CliError, Exit, type FieldError } from '../exit';
import { parseJson, readInput } from '../files';
import { table } from '../output';
import { loadWorkbook } from '../workbook';

const OUTCOME_LABELS: Record<ImportOutcome, string> = {
  created: '新建',
  updated: '更新',
  unchanged: '未变',
  rejected: '拒绝',
};

/** `支部.csv:3:支部类型`: where a problem is, as compilers name places. */
export const place = (e: Omit<TableError, 'message'>) =>
  [e.source, e.row || null, e.column || null].filter((p) => p !== null).join(':');

/** The server's answer per user row, each named by the file and row it came from. */
export function resultLines(result: DirectoryImportResult, read: DirectoryTablesResult): string[] {
  const s = result.summary;
  return [
    ...table([
      ['来源', '用户名', '结果', '问题'],
      ...result.results.map((r) => {
        const from = read.userRows[r.row];
        return [
          from ? `${from.source}:${from.row}` : `users.${r.row}`,
          r.username ?? '—',
          OUTCOME_LABELS[r.outcome],
          (r.errors ?? []).map((e) => `${userColumn(e.field)}：${e.message}`).join('；'),
        ];
      }),
    ]),
    result.dryRun
      ? `试运行（未保存）：县 ${result.county}，新增乡镇 ${result.townships.created} 个、支部 ${result.branches.created} 个；用户将新建 ${s.created}、更新 ${s.updated}、不变 ${s.unchanged}，${s.rejected} 行将被拒绝。`
      : `已导入县 ${result.county}：新增乡镇 ${result.townships.created} 个、支部 ${result.branches.created} 个；用户新建 ${s.created}，更新 ${s.updated}，未变 ${s.unchanged}，拒绝 ${s.rejected}。`,
  ];
}

export const registerDirectory: Register = (program, act) => {
  program
    .command('directory')
    .description('目录（县、乡镇、支部、用户）')
    .command('import')
    .description(
      '导入目录：一个 Excel 工作簿（县、乡镇、支部、用户四张表），或每表一个 CSV 文件，或接口格式的 JSON 文件；逐行显示结果',
    )
    .argument('<files...>', '.xlsx、.csv（可多个）或 .json 文件')
    .option('--dry-run', '由服务器逐行完整检查，不保存')
    .addHelpText('after', '\n新用户没有密码时，用环境变量 FIVESTAR_INITIAL_PASSWORD 给出统一初始密码。')
    .action(
      act(async ({ io, out, api }, opts, ...args) => {
        const names = args.flat();
        const files = await Promise.all(
          names.map(async (name) => ({ name: path.basename(name), bytes: await readInput(name) })),
        );
        // A JSON syntax error is named with its line and column.
        for (const [i, f] of files.entries())
          if (f.name.toLowerCase().endsWith('.json')) parseJson(f.bytes.toString('utf8'), names[i]!);
        const read = await readDirectoryFiles(files, loadWorkbook);
        if (!read.request || read.errors.length) {
          const errors: FieldError[] = read.errors.map((e) => ({ field: place(e), message: e.message }));
          throw new CliError(Exit.badInput, `目录文件有误，未导入任何数据（${errors.length} 处）`, errors);
        }
        const initialPassword = io.env.FIVESTAR_INITIAL_PASSWORD || undefined;
        const result = await (
          await api()
        ).json<DirectoryImportResult>('POST', '/api/admin/users/import', {
          query: { dryRun: opts.dryRun ? 'true' : 'false' },
          json: { ...read.request, ...(initialPassword ? { initialPassword } : {}) },
        });
        out.result(resultLines(result, read), result);
        return result.summary.rejected ? Exit.checkFailed : Exit.ok;
      }),
    );
};
