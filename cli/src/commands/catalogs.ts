import path from 'node:path';
import type { CatalogDryRun, CatalogImported } from '@fivestar/contracts';
import type { Register } from '../context';
import { CliError, Exit } from '../exit';
import { parseJson, readInput } from '../files';

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const DRY_RUN_TEXT: Record<CatalogDryRun['outcome'], string> = {
  created: '可以导入，将保存为新版本',
  unchanged: '与已保存的版本相同，导入不会改变任何内容',
  conflict: '不能导入',
};

export const registerCatalogs: Register = (program, act) => {
  program
    .command('catalogs')
    .description('星级目录')
    .command('import')
    .description('导入星级目录（JSON 或 Excel 模板 .xlsx）')
    .argument('<file>', '目录文件（.json 或 .xlsx）')
    .option('--dry-run', '由服务器完整检查（含版本规则），不保存')
    .action(
      act(async ({ out, api }, opts, file) => {
        const contentType = CONTENT_TYPES[path.extname(file!).toLowerCase()];
        if (!contentType)
          throw new CliError(Exit.badInput, `不支持的文件类型：${file}（只支持 .json 或 .xlsx）`);
        const bytes = await readInput(file!);
        // A JSON syntax error is named here, with its line and column, before anything is sent.
        if (contentType === 'application/json') parseJson(bytes.toString('utf8'), file!);
        const client = await api();
        const send = () =>
          client.json<CatalogDryRun | CatalogImported>('POST', '/api/catalogs/import', {
            query: { dryRun: opts.dryRun ? 'true' : 'false' },
            body: bytes,
            contentType,
          });
        if (!opts.dryRun) {
          const a = (await send()) as CatalogImported;
          const what = a.status === 'created' ? '已保存为新版本' : '与已保存的版本相同，未改变';
          out.result(`目录 ${a.id} 第 ${a.version} 版：${what}`, a);
          return;
        }
        let a: CatalogDryRun;
        try {
          a = (await send()) as CatalogDryRun;
        } catch (err) {
          // The file's errors are what a dry run looks for: the check failed (1), not the usage (2).
          if (err instanceof CliError && err.exitCode === Exit.badInput)
            throw new CliError(
              Exit.checkFailed,
              `试运行发现错误，未导入任何数据：${err.message}`,
              err.errors,
            );
          throw err;
        }
        const summary = {
          dryRun: true,
          outcome: a.outcome,
          id: a.id,
          version: a.version,
          digest: a.digest,
          message: a.message,
        };
        out.result(
          [
            `试运行：目录 ${a.id} 第 ${a.version} 版${DRY_RUN_TEXT[a.outcome]}${a.message ? `：${a.message}` : ''}`,
            '未导入任何数据。',
          ],
          summary,
        );
        return a.outcome === 'conflict' ? Exit.checkFailed : Exit.ok;
      }),
    );
};
