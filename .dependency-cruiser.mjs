/**
 * Import rules of the packages (`npm run lint`): no import loops, and each process imports only the
 * libraries (contracts, platform), never another process's package or the worker. The package names
 * resolve through tsconfig.json's paths to each package's src/, so the rules read as folders.
 */
const PACKAGE = '^(contracts|platform|workflows|services/[^/]+|cli|console)/';
/** The processes: the worker, the services, the CLI and the console. */
const PROCESS = '^(workflows|services/[^/]+|cli|console)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-import-loop',
      comment: 'A loop ties its modules into one: move what they share into a module of its own.',
      severity: 'error',
      from: { path: PACKAGE },
      to: { circular: true },
    },
    {
      name: 'process-imports-libraries-only',
      comment:
        'A process (services/*, workflows, cli, console) imports only @fivestar/contracts and @fivestar/platform of ours.',
      severity: 'error',
      from: { path: PROCESS },
      to: { path: PROCESS, pathNot: '^$1/' },
    },
    {
      name: 'console-imports-contracts-only',
      comment:
        'The console runs in the browser: @fivestar/contracts only (not its ./workflow entry, which loads the Temporal SDK).',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^(platform/|contracts/src/workflow/)' },
    },
    {
      name: 'platform-imports-contracts-only',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: PROCESS },
    },
    {
      name: 'contracts-import-nothing-of-ours',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(platform|workflows|services|cli|console)/' },
    },
    {
      name: 'clients-do-not-load-the-worker',
      comment:
        'Tests and benches are clients of the system: only the harness and the tests of the worker itself load it in-process.',
      severity: 'error',
      from: {
        path: '^(test|bench)/',
        pathNot: '^test/(harness\\.ts|request-bound\\.test\\.ts|schedules\\.test\\.ts|replay-runner\\.ts)$',
      },
      to: { path: '^workflows/' },
    },
  ],
  options: {
    includeOnly: '^(contracts|platform|workflows|services|cli|console|test|bench)/',
    exclude: { path: '/(dist|node_modules)/' },
    doNotFollow: { path: 'node_modules' },
    // Type-only imports tie modules together too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.json'],
    },
    cache: false,
  },
};
