import { register } from '../../i18n';

register({
  'import.help': {
    zh: '名册含县、乡镇、支部、用户四张表：可以是一个 Excel 工作簿，也可以是每表一个 CSV 文件（一起选中），或接口格式的 JSON 文件。选中后先在本页逐表检查，再由服务器试运行，确认无误后才导入。',
    en: 'The directory has four tables — county, townships, branches, users — as one Excel workbook, one CSV file per table (choose them together), or the API’s JSON. They are checked here, then dry-run on the server, and imported only when you confirm.',
  },
  'import.template': { zh: '下载 Excel 模板', en: 'Download the Excel template' },
  'import.templateName': { zh: '名册导入模板.xlsx', en: 'directory-template.xlsx' },
  'import.files': { zh: '选择文件（.xlsx、.csv 或 .json）', en: 'Choose files (.xlsx, .csv or .json)' },
  'import.initialPassword': {
    zh: '统一初始密码（新用户未填密码时使用，至少10位）',
    en: 'Initial password (for new users without one; 10+ characters)',
  },
  'import.source': { zh: '文件/表', en: 'File / sheet' },
  'import.column': { zh: '列', en: 'Column' },
  'import.dryRun': { zh: '试运行', en: 'Dry run' },
  'import.importValid': { zh: '导入其余各行', en: 'Import the other rows' },
  'import.dryRunSummary': {
    zh: '试运行（未保存）：新增乡镇 {townships} 个、支部 {branches} 个；用户将新建 {created}、更新 {updated}、不变 {unchanged}，{rejected} 行将被拒绝。',
    en: 'Dry run (nothing stored): {townships} new townships, {branches} new branches; users: {created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected.',
  },
  'import.doneSummary': {
    zh: '已导入：新增乡镇 {townships} 个、支部 {branches} 个；用户新建 {created}、更新 {updated}、不变 {unchanged}，拒绝 {rejected} 行。',
    en: 'Imported: {townships} new townships, {branches} new branches; users: {created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected.',
  },
  'import.willRename': { zh: '将改名：{list}', en: 'Will rename: {list}' },
  'import.renamed': { zh: '已改名：{list}', en: 'Renamed: {list}' },
  'import.level.county': { zh: '县', en: 'County' },
  'import.level.township': { zh: '乡镇', en: 'Township' },
  'import.level.branch': { zh: '支部', en: 'Branch' },
});
