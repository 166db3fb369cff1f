import { register } from '../../i18n';

register({
  'import.help.province': {
    zh: '全省名册含省、市、县、乡镇、单位、支部、用户各表：可以是一个 Excel 工作簿，也可以是每表一个 CSV 文件（一起选中），或接口格式的 JSON 文件。选中后先在本页逐表检查，再由服务器试运行，确认无误后才导入。',
    en: 'The province’s directory has the tables province, cities, counties, townships, units, branches and users — as one Excel workbook, one CSV file per table (choose them together), or the API’s JSON. They are checked here, then dry-run on the server, and imported only when you confirm.',
  },
  'import.help.city': {
    zh: '全市名册含市、县、乡镇、单位、支部、用户各表：可以是一个 Excel 工作簿，也可以是每表一个 CSV 文件（一起选中），或接口格式的 JSON 文件。选中后先在本页逐表检查，再由服务器试运行，确认无误后才导入。',
    en: 'The city’s directory has the tables city, counties, townships, units, branches and users — as one Excel workbook, one CSV file per table (choose them together), or the API’s JSON. They are checked here, then dry-run on the server, and imported only when you confirm.',
  },
  'import.help.county': {
    zh: '名册含县、乡镇、单位、支部、用户各表：可以是一个 Excel 工作簿，也可以是每表一个 CSV 文件（一起选中），或接口格式的 JSON 文件。选中后先在本页逐表检查，再由服务器试运行，确认无误后才导入。',
    en: 'The directory has the tables county, townships, units, branches and users — as one Excel workbook, one CSV file per table (choose them together), or the API’s JSON. They are checked here, then dry-run on the server, and imported only when you confirm.',
  },
  'import.template': { zh: '下载 Excel 模板', en: 'Download the Excel template' },
  'import.templateName.province': { zh: '全省名册导入模板.xlsx', en: 'province-directory-template.xlsx' },
  'import.templateName.city': { zh: '全市名册导入模板.xlsx', en: 'city-directory-template.xlsx' },
  'import.templateName.county': { zh: '名册导入模板.xlsx', en: 'directory-template.xlsx' },
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
    zh: '试运行（未保存）：{root} 名册，新增{places}；用户将新建 {created}、更新 {updated}、不变 {unchanged}，{rejected} 行将被拒绝。',
    en: 'Dry run (nothing stored) of the {root} directory: new {places}; users: {created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected.',
  },
  'import.doneSummary': {
    zh: '已导入：{root} 名册，新增{places}；用户新建 {created}、更新 {updated}、不变 {unchanged}，拒绝 {rejected} 行。',
    en: 'Imported the {root} directory: new {places}; users: {created} new, {updated} updated, {unchanged} unchanged, {rejected} rejected.',
  },
  'import.new.cities': { zh: '市 {n} 个', en: '{n} cities' },
  'import.new.counties': { zh: '县 {n} 个', en: '{n} counties' },
  'import.new.townships': { zh: '乡镇 {n} 个', en: '{n} townships' },
  'import.new.branches': { zh: '支部 {n} 个', en: '{n} branches' },
  'import.willRename': { zh: '将改名：{list}', en: 'Will rename: {list}' },
  'import.renamed': { zh: '已改名：{list}', en: 'Renamed: {list}' },
  'import.level.province': { zh: '省', en: 'Province' },
  'import.level.city': { zh: '市', en: 'City' },
  'import.level.county': { zh: '县', en: 'County' },
  'import.level.township': { zh: '乡镇', en: 'Township' },
  'import.level.branch': { zh: '支部', en: 'Branch' },
});
