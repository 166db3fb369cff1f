#!/usr/bin/env node
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Extracts a working-day calendar (the `WorkCalendar` format of ../calendar.ts) from the data of the
 * MIT-licensed npm package chinese-days (https://github.com/vsme/chinese-days).
 *
 *   node contracts/src/calendars/extract-chinese-days.js <chinese-days.json> [out.json|-] [year ...]
 *
 * <chinese-days.json> is the package's dist/chinese-days.json ({ holidays, workdays, inLieuDays }, each
 * keyed by YYYY-MM-DD). Only `holidays` and `workdays` (调休上班) are used: the in-lieu days are already
 * holidays. Years default to 2024 2025 2026; a year the data does not contain is an error, never an
 * empty year. The output is deterministic (sorted dates, fixed layout that prettier accepts unchanged).
 */
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_YEARS = ['2024', '2025', '2026'];
const PRINT_WIDTH = 110;

function fail(message) {
  process.stderr.write(`extract-chinese-days: ${message}\n`);
  process.exit(1);
}

function packageVersion(inputPath) {
  // dist/chinese-days.json → ../package.json, when the package was unpacked whole.
  const pkgPath = path.join(path.dirname(inputPath), '..', 'package.json');
  if (!fs.existsSync(pkgPath)) return 'unknown version';
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  return pkg.name === 'chinese-days' ? pkg.version : 'unknown version';
}

/** A JSON array laid out the way prettier lays it out: on one line when it fits, else one item per line. */
function jsonArray(items, indent, prefixLength) {
  const flat = `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
  if (items.length === 0 || indent.length + prefixLength + flat.length + 1 <= PRINT_WIDTH) return flat;
  const inner = indent + '  ';
  return `[\n${items.map((s) => inner + JSON.stringify(s)).join(',\n')}\n${indent}]`;
}

function main() {
  const [inputPath, outPath = '-', ...yearArgs] = process.argv.slice(2);
  if (!inputPath) fail('usage: extract-chinese-days.js <chinese-days.json> [out.json|-] [year ...]');
  const years = yearArgs.length > 0 ? yearArgs : DEFAULT_YEARS;
  for (const y of years) if (!/^\d{4}$/.test(y)) fail(`not a year: ${y}`);

  const data = JSON.parse(fs.readFileSync(inputPath, 'utf8'));
  for (const key of ['holidays', 'workdays'])
    if (!data[key] || typeof data[key] !== 'object') fail(`${inputPath} has no "${key}" object`);
  const source = `chinese-days@${packageVersion(inputPath)} (MIT, https://github.com/vsme/chinese-days)`;

  const datesOf = (key, year) =>
    Object.keys(data[key])
      .filter((d) => d.startsWith(`${year}-`))
      .sort();

  const lines = ['{', '  "id": "cn-mainland",', '  "years": {'];
  years
    .slice()
    .sort()
    .forEach((year, i, all) => {
      const holidays = datesOf('holidays', year);
      const workdays = datesOf('workdays', year);
      if (holidays.length === 0) fail(`${inputPath} has no holidays for ${year}: not published there`);
      const indent = '      ';
      lines.push(`    "${year}": {`);
      lines.push(`${indent}"holidays": ${jsonArray(holidays, indent, '"holidays": '.length)},`);
      lines.push(`${indent}"workdays": ${jsonArray(workdays, indent, '"workdays": '.length)},`);
      lines.push(`${indent}"source": ${JSON.stringify(source)}`);
      lines.push(`    }${i < all.length - 1 ? ',' : ''}`);
    });
  lines.push('  }', '}', '');
  const text = lines.join('\n');

  if (outPath === '-') process.stdout.write(text);
  else fs.writeFileSync(outPath, text);
}

main();
