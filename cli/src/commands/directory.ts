import path from 'node:path';
import {
  OnboardAreaRequest,
  PLACE_LABELS,
  type AreaOnboarded,
  readDirectoryFiles,
  scopeOf,
  userColumn,
  type DirectoryImportResult,
  type DirectoryTablesResult,
  type ImportOutcome,
  type PlaceLevel,
  type PlaceRenamed,
  type TableError,
} from '@fivestar/contracts';
import type { Register } from '../context';
import { CliError, Exit, type FieldError } from '../exit';
import { parseJson, readInput, validate } from '../files';
import { table } from '../output';
import { loadWorkbook } from '../workbook';

const OUTCOME_LABELS: Record<ImportOutcome, string> = {
  created: '新建',
  updated: '更新',
  unchanged: '未变',
  rejected: '拒绝',
};

/** `乡镇 411099200 黄河乡 → 黄河镇` */
const renameText = (r: { level: PlaceLevel; code: string; from: string; to: string }) =>
  `${PLACE_LABELS[r.level]} ${r.code} ${r.from} → ${r.to}`;

/** `县 411099`, `省 41`: what a file is of. */
const rootText = (code: string) => `${PLACE_LABELS[scopeOf(code) ?? 'county']} ${code}`;

/** `新增市 2 个、县 5 个、乡镇 10 个、支部 300 个` (levels with nothing new left out). */
const placesText = (r: DirectoryImportResult) => {
  const levels = [
    ['市', r.cities.created],
    ['县', r.counties.created],
    ['乡镇', r.townships.created],
    ['支部', r.branches.created],
  ] as const;
  const added = levels.filter(([, n]) => n > 0).map(([label, n]) => `${label} ${n} 个`);
  return added.length ? `新增${added.join('、')}` : '没有新增的地方';
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
    ...(result.renamed.length
      ? [`${result.dryRun ? '将改名' : '已改名'}：${result.renamed.map(renameText).join('；')}`]
      : []),
    result.dryRun
      ? `试运行（未保存）：${rootText(result.root)}，${placesText(result)}；用户将新建 ${s.created}、更新 ${s.updated}、不变 ${s.unchanged}，${s.rejected} 行将被拒绝。`
      : `已导入${rootText(result.root)}：${placesText(result)}；用户新建 ${s.created}，更新 ${s.updated}，未变 ${s.unchanged}，拒绝 ${s.rejected}。`,
  ];
}

export const registerDirectory: Register = (program, act) => {
  const directory = program.command('directory').description('目录（省、市、县、乡镇、单位、支部、用户）');
  directory
    .command('rename')
    .description('乡镇或支部改名（区划调整：代码不变，原名留在调整记录中）；须为本县系统管理员')
    .argument('<code>', '乡镇代码（9位）或支部代码（12位）')
    .argument('<name>', '新名称')
    .action(
      act(async ({ out, api }, _opts, code: string, name: string) => {
        const level = /^\d{9}$/.test(code) ? 'township' : /^\d{12}$/.test(code) ? 'branch' : undefined;
        if (!level)
          throw new CliError(Exit.badInput, '代码应为乡镇代码（9位数字）或支部代码（12位数字）', [
            { field: 'code', message: `不是乡镇或支部代码：${code}` },
          ]);
        const collection = level === 'township' ? 'townships' : 'branches';
        const result = await (
          await api()
        ).json<PlaceRenamed>('PATCH', `/api/counties/${code.slice(0, 6)}/${collection}/${code}`, {
          json: { name },
        });
        out.result(
          [
            result.change
              ? `已改名：${renameText(result.change)}`
              : `名称未变：${PLACE_LABELS[level]} ${code} ${name}`,
          ],
          result,
        );
        return Exit.ok;
      }),
    );
  directory
    .command('onboard')
    .description('开通下级的市（4位）或县（6位），并创建其系统管理员；须为省或市的系统管理员')
    .argument('<code>', '市级代码（4位）或县级代码（6位）')
    .argument('<name>', '名称')
    .requiredOption('--admin <username>', '该市（县）系统管理员的用户名')
    .requiredOption('--admin-name <name>', '系统管理员姓名')
    .addHelpText(
      'after',
      '\n初始密码从环境变量 FIVESTAR_INITIAL_PASSWORD 读取（至少10位），首次登录后请修改。',
    )
    .action(
      act(async ({ io, out, api }, opts, code: string, name: string) => {
        const password = io.env.FIVESTAR_INITIAL_PASSWORD;
        if (!password)
          throw new CliError(Exit.badInput, '请用环境变量 FIVESTAR_INITIAL_PASSWORD 给出管理员的初始密码', [
            { field: 'FIVESTAR_INITIAL_PASSWORD', message: '未设置' },
          ]);
        const body = validate(
          OnboardAreaRequest,
          { code, name, admin: { username: opts.admin, name: opts.adminName, password } },
          '参数有误，未开通',
        );
        const done = await (await api()).json<AreaOnboarded>('POST', '/api/admin/areas', { json: body });
        out.result(
          [
            `${done.created ? '已开通' : '已在目录中，已创建管理员'}：${PLACE_LABELS[done.level]} ${done.code} ${done.name}`,
            `系统管理员：${done.admin.username}（${done.admin.name}），可导入本${PLACE_LABELS[done.level]}的目录：fivestar directory import <文件>`,
          ],
          done,
        );
        return Exit.ok;
      }),
    );
  directory
    .command('import')
    .description(
      '导入目录（省、市或县的）：一个 Excel 工作簿（省、市、县、乡镇、单位、支部、用户各表），或每表一个 CSV 文件，或接口格式的 JSON 文件；逐行显示结果',
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
