/**
 * Change safety: every recorded history of a full cycle must replay on the current workflow code. A
 * change that alters the commands a running workflow would issue fails here; guard such changes with
 * `patched()` (docs/workflow-changes.md). Record new fixtures with `RECORD_HISTORIES=1 npm test`.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'workflows/test/histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));

const CYCLE = ['branch-full-cycle', 'branch-withdrawn', 'rectification', 'round-paged', 'branch-weak'];

test('fixtures cover the whole cycle: a branch, a rectification, a round, a withdrawal, a weak branch', () => {
  // As recorded before the restructuring of issue 14 and after it (docs/workflow-changes.md), and a branch
  // through a chain template's 市复核 and 省抽查 to the province's award (patch chain-template).
  expect(fixtures).toEqual(
    expect.arrayContaining([
      ...CYCLE.flatMap((name) => [`${name}.json`, `restructured-${name}.json`]),
      'chain-template.json',
    ]),
  );
});

test('every fixture replays deterministically on the current code', async () => {
  const { stdout } = await promisify(execFile)(
    path.join(root, 'node_modules/.bin/tsx'),
    ['test/replay-runner.ts', ...fixtures.map((f) => path.join(dir, f))],
    { cwd: root },
  );
  expect(stdout.trim().split('\n').sort()).toEqual(
    fixtures.map((f) =>
      expect.stringMatching(new RegExp(`^replayed ${f.replace('.', '\\.')} \\(\\d+ events\\)$`)),
    ),
  );
});
