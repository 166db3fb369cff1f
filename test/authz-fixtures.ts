/**
 * How the authorisation matrix (test/authz-matrix.test.ts) calls each operation of the OpenAPI document:
 * the request for a target (the caller's own jurisdiction or another one) and what an allowed caller gets
 * on its own target. Every operation of the document needs an entry here, and every entry an operation.
 *
 * The round is at its first step (自评) for every branch when the matrix runs, and the cases of one
 * operation run one after another in the order of ROLES, so a state-dependent answer (409, 404) is
 * deterministic. Operations that change a branch or its task get a branch of their own (`dedicated`).
 */
import { DEFAULT_SCHEDULE, type Role } from '@fivestar/contracts';
import { DEMO_PASSWORD } from '@fivestar/api';

/** Where a case acts: the caller's own jurisdiction, or one outside it (see the test for which). */
export interface Target {
  county: string;
  township: string;
  branch: string;
  /** The round holding `branch`. */
  branchRound: string;
  /** A round of `county`. */
  round: string;
  /** The open self-check task of `branch` (its key). */
  taskKey: string;
  /** The user id of `branch`'s secretary. */
  secretaryId: string;
  /** An evidence file uploaded for `branch` in `branchRound`. */
  sha256: string;
  /** A user of `county` the matrix may rename (admin cases). */
  username: string;
}

/** What the matrix prepared once for every case. */
export interface World {
  runId: string;
  catalog: { id: string; version: number; file: unknown };
  /** The evidence requirements of the rural catalog (a self-check cites a file for each). */
  requirements: string[];
  /** Full self-scores and every star of the rural catalog. */
  selfCheck: { scores: Record<string, number>; targetStars: string[] };
  /** A fresh refresh token of a demo user. */
  refreshToken(): Promise<string>;
}

export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** JSON, or raw bytes with their content type (uploads). */
  body?: unknown;
  raw?: { bytes: Buffer; type: string };
}

export interface Fixture {
  request(t: Target, w: World): Call | Promise<Call>;
  /** The answer to an allowed caller on its own target: one for all, or per role. */
  status: number | Partial<Record<Role, number>>;
  /**
   * The answer to an allowed role on a target outside its jurisdiction, when it is not 403 (say why):
   * the matrix still asserts it exactly.
   */
  other?: number;
  /** Needs a branch no other operation touches (it changes the branch's workflow or task). */
  dedicated?: true;
  /** Runs after every other operation (it changes what the others see). */
  last?: true;
  /** Signs the caller in afresh for the call (it ends the session). */
  freshSession?: true;
}

const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n% authz ${tag}\n%%EOF\n`);
const reasons = ['权限矩阵测试'];
const branchParams = (t: Target) => ({ roundId: t.branchRound, code: t.branch });
const findingParams = (t: Target) => ({ ...branchParams(t), findingId: 'F99' });
/** Ledger and history actions on a self-check task: its secretary holds it, supervisors see it. */
const taskReaders = { village_secretary: 200, coordinator: 200, admin: 200 };
const outsideGroup = { township_reviewer: 403, county_reviewer: 403, observer: 403 };
/** Nothing to urge, extend or decide: the finding's workflow does not exist. */
const noFinding = { request: (t: Target) => ({ params: findingParams(t), body: {} }), status: 404 };

export const FIXTURES: Record<string, Fixture> = {
  // ---- identity ----
  login: {
    request: () => ({ body: { username: 'obs-411099-3', password: DEMO_PASSWORD } }),
    status: 200,
  },
  refreshSession: {
    request: async (_t, w) => ({ body: { refreshToken: await w.refreshToken() } }),
    status: 200,
  },
  getOpenApiDocument: { request: () => ({}), status: 200 },
  getMe: { request: () => ({}), status: 200 },
  logout: { request: () => ({}), status: 204, freshSession: true },
  // A wrong current password: refused after authorisation, nothing changes.
  changePassword: {
    request: () => ({ body: { currentPassword: 'not-the-password', newPassword: 'another-password-2026' } }),
    status: 400,
  },
  createApiToken: { request: () => ({ body: { name: 'authz', scopes: ['read'] } }), status: 201 },
  listApiTokens: { request: () => ({}), status: 200 },
  revokeApiToken: { request: () => ({ params: { id: '0123456789abcdef' } }), status: 404 },
  listUsers: { request: (t) => ({ query: { jurisdiction: t.branch } }), status: 200 },
  // Placing a user outside the admin's county is a field error of the body (docs/security.md).
  createUser: {
    request: (t, w) => ({
      body: {
        username: `authz-${w.runId}`,
        name: '矩阵测试用户',
        role: 'observer',
        jurisdiction: t.county,
        password: DEMO_PASSWORD,
      },
    }),
    status: 201,
    other: 400,
  },
  updateUser: {
    request: (t) => ({ params: { username: t.username }, body: { name: '观摩员（矩阵）' } }),
    status: 200,
  },
  // A county not the admin's is a field error of the file (docs/security.md).
  importDirectory: {
    request: (t) => ({
      body: {
        county: { code: t.county, name: '矩阵县' },
        users: [
          {
            username: t.username,
            name: '观摩员（矩阵）',
            role: 'observer',
            jurisdiction: t.county,
            active: true,
          },
        ],
      },
    }),
    status: 200,
    other: 400,
  },

  // ---- catalogs ----
  listCatalogs: { request: () => ({}), status: 200 },
  getCatalogTemplate: { request: () => ({ query: { branchType: 'rural' } }), status: 200 },
  getCatalog: {
    request: (_t, w) => ({ params: { id: w.catalog.id, version: String(w.catalog.version) } }),
    status: 200,
  },
  exportCatalog: {
    request: (_t, w) => ({ params: { id: w.catalog.id, version: String(w.catalog.version) } }),
    status: 200,
  },
  importCatalog: {
    request: (_t, w) => ({ query: { dryRun: 'true' }, body: w.catalog.file }),
    status: 200,
  },

  // ---- rounds ----
  // The round exists already: authorised, then refused as a duplicate.
  // Its schedule may reach a year the calendar lacks (the run's date decides): counted on weekdays.
  startRound: {
    request: (t) => ({
      body: {
        roundId: t.round,
        countyCode: t.county,
        year: 2026,
        title: '矩阵',
        schedule: { ...DEFAULT_SCHEDULE, uncoveredYear: 'weekdays-provisional' },
      },
    }),
    status: 409,
  },
  getRound: { request: (t) => ({ params: { roundId: t.round } }), status: 200 },
  // The caller's own county's rounds: nothing to name, so no other side.
  listRounds: { request: () => ({}), status: 200 },
  // Every user of the county reads its townships and branches (filters, names); another county's are 403.
  listCountyTownships: { request: (t) => ({ params: { countyCode: t.county } }), status: 200 },
  listCountyBranches: { request: (t) => ({ params: { countyCode: t.county } }), status: 200 },
  listDirectoryChanges: { request: (t) => ({ params: { countyCode: t.county } }), status: 200 },
  // The county's administrator renames its places (区划调整); the codes, and so the rounds, stay.
  renameTownship: {
    request: (t) => ({
      params: { countyCode: t.county, townshipCode: t.township },
      body: { name: '矩阵镇' },
    }),
    status: 200,
  },
  renameBranch: {
    request: (t) => ({ params: { countyCode: t.county, branchCode: t.branch }, body: { name: '矩阵村' } }),
    status: 200,
  },
  getRoundProgress: { request: (t) => ({ params: { roundId: t.round } }), status: 200 },
  closeRound: { request: (t) => ({ params: { roundId: t.round } }), status: 200, last: true },
  // Answers per branch: a branch outside the caller's jurisdiction is a 403 item of a 200 answer.
  bulkUrge: {
    request: (t) => ({ params: { roundId: t.branchRound }, body: { branchIds: [t.branch] } }),
    status: 200,
    other: 200,
    dedicated: true,
  },

  // ---- the province's campaign and onboarding (their positive paths: test/province.test.ts) ----
  listCampaigns: { request: () => ({}), status: 200 },
  // The county's 专班 may not open the province's campaign.
  openCampaign: {
    request: (t) => ({ body: { provinceCode: t.county.slice(0, 2), year: 2026, title: '权限矩阵' } }),
    status: 403,
  },
  // No campaign is open in the matrix's world: not found, on either side.
  getCampaign: { request: () => ({ params: { campaignId: '41-2026' } }), status: 404, other: 404 },
  getCampaignProgress: { request: () => ({ params: { campaignId: '41-2026' } }), status: 404, other: 404 },
  startCampaignRounds: {
    request: () => ({ params: { campaignId: '41-2026' }, body: {} }),
    status: 404,
    other: 404,
  },
  // A county's administrator onboards nothing: a city or county is onboarded from a level above it.
  onboardArea: {
    request: (t, w) => ({
      body: {
        code: t.county,
        name: '矩阵测试县',
        admin: { username: `authz-area-${w.runId}`, name: '矩阵', password: DEMO_PASSWORD },
      },
    }),
    status: 403,
  },
  // ---- a branch's steps (every branch waits for its self-check) ----
  getBranch: { request: (t) => ({ params: branchParams(t) }), status: 200 },
  submitSelfCheck: {
    request: (t, w) => ({
      params: branchParams(t),
      body: {
        ...w.selfCheck,
        evidence: w.requirements.map((requirement) => ({ requirement, sha256: t.sha256, filename: 'a.pdf' })),
      },
    }),
    status: 200,
    dedicated: true,
  },
  review: { request: (t) => ({ params: branchParams(t), body: { decision: 'approve' } }), status: 409 },
  recordObservation: {
    request: (t, w) => ({ params: branchParams(t), body: { scores: w.selfCheck.scores } }),
    status: 409,
  },
  closeObservation: { request: (t) => ({ params: branchParams(t), body: {} }), status: 409 },
  confirmAward: { request: (t) => ({ params: branchParams(t), body: {} }), status: 409 },
  upholdObjection: {
    request: (t) => ({ params: branchParams(t), body: { returnTo: 'SELF_CHECK', reasons } }),
    status: 409,
  },
  decideRevocation: {
    request: (t) => ({ params: findingParams(t), body: { confirm: false, reasons } }),
    status: 409,
  },
  urgeBranch: {
    request: (t) => ({ params: branchParams(t), body: { note: '请尽快自评' } }),
    status: { township_reviewer: 200, coordinator: 409 },
    dedicated: true,
  },
  // Only the holder of the open step (the secretary, at 自评) may ask for more time for it.
  requestExtension: {
    request: (t) => ({
      params: branchParams(t),
      body: { requestedDeadline: '2099-01-01T00:00:00Z', reasons },
    }),
    status: { village_secretary: 200, township_reviewer: 403, county_reviewer: 403, observer: 403 },
    dedicated: true,
  },
  decideExtension: {
    request: (t) => ({ params: branchParams(t), body: { approved: true } }),
    status: 409,
  },
  getFinding: { request: (t) => ({ params: findingParams(t) }), status: 404 },
  submitRectificationEvidence: {
    request: (t) => ({ params: findingParams(t), body: { description: '已整改' } }),
    status: 404,
  },
  verifyRectification: {
    request: (t) => ({ params: findingParams(t), body: { accepted: true } }),
    status: 404,
  },
  urgeFinding: noFinding,
  requestFindingExtension: {
    request: (t) => ({
      params: findingParams(t),
      body: { requestedDeadline: '2099-01-01T00:00:00Z', reasons },
    }),
    status: 404,
  },
  decideFindingExtension: {
    request: (t) => ({ params: findingParams(t), body: { approved: true } }),
    status: 404,
  },

  // ---- evidence ----
  uploadEvidence: {
    request: (t, w) => ({
      params: branchParams(t),
      query: { filename: 'matrix.pdf' },
      raw: { bytes: pdf(`${w.runId}-${t.branch}`), type: 'application/pdf' },
    }),
    status: 201,
  },
  listEvidence: { request: (t) => ({ params: branchParams(t) }), status: 200 },
  downloadEvidence: { request: (t) => ({ params: { sha256: t.sha256 } }), status: 200 },

  // ---- the task ledger ----
  listTasks: { request: () => ({}), status: 200 },
  taskHistory: {
    request: (t) => ({ query: { key: t.taskKey } }),
    status: { ...taskReaders, ...outsideGroup },
  },
  claimTask: {
    request: (t) => ({ body: { key: t.taskKey } }),
    status: { ...outsideGroup, village_secretary: 200, coordinator: 403, admin: 403 },
    dedicated: true,
  },
  unclaimTask: {
    request: (t) => ({ body: { key: t.taskKey } }),
    status: { ...outsideGroup, village_secretary: 409, coordinator: 409, admin: 409 },
  },
  returnTask: {
    request: (t) => ({ body: { key: t.taskKey } }),
    status: { ...outsideGroup, village_secretary: 409, coordinator: 409, admin: 409 },
  },
  // The coordinator (a supervisor) hands the task to its secretary; then it is the secretary's already.
  reassignTask: {
    request: (t) => ({ body: { key: t.taskKey, userId: t.secretaryId } }),
    status: { ...outsideGroup, village_secretary: 403, coordinator: 200, admin: 409 },
    dedicated: true,
  },
  delegateTask: {
    request: (t) => ({ body: { key: t.taskKey, userId: t.secretaryId } }),
    status: { ...outsideGroup, village_secretary: 403, coordinator: 403, admin: 403 },
  },
  ccTask: {
    request: (t) => ({ body: { key: t.taskKey, userIds: [t.secretaryId] } }),
    status: { ...taskReaders, ...outsideGroup },
  },
  bulkClaimTasks: { request: (t) => ({ body: { keys: [t.taskKey] } }), status: 200, dedicated: true },
  getLedger: { request: (t) => ({ query: { scope: t.branch } }), status: 200 },
  takeLedgerSnapshot: { request: (t) => ({ body: { scope: t.branch } }), status: 200 },
  getLedgerSummary: { request: (t) => ({ query: { scope: t.branch } }), status: 200 },

  // ---- notices ----
  getInbox: { request: () => ({}), status: 200 },
  markNoticesRead: { request: () => ({ body: { ids: ['1'] } }), status: 200 },
  archiveInbox: { request: () => ({ body: { ids: ['1'] } }), status: 200 },
  getNotificationPreferences: { request: () => ({}), status: 200 },
  setNotificationPreferences: {
    request: () => ({ body: { email: null, mobile: null, kinds: {} } }),
    status: 200,
  },
  listDeliveries: { request: () => ({}), status: 200 },
  retryDelivery: { request: () => ({ params: { id: '999999999' } }), status: 404 },
  sendDigests: { request: () => ({ body: { day: '2026-01-05' } }), status: 200 },
  listWebhooks: { request: () => ({}), status: 200 },
  // Inactive, so nothing is ever sent to it.
  upsertWebhook: {
    request: (t) => ({
      body: { jurisdiction: t.county, kind: 'wecom', url: 'https://127.0.0.1/authz-matrix', active: false },
    }),
    status: 200,
  },

  // ---- rankings and bulletins ----
  getRankings: { request: (t) => ({ query: { countyCode: t.county } }), status: 200 },
  takeBulletinSnapshot: {
    request: (t) => ({ body: { countyCode: t.county, period: '2026-01' } }),
    status: 200,
  },
  // No snapshot of these months: authorised, then nothing to show or publish.
  getBulletin: { request: (t) => ({ params: { code: t.county, period: '2020-01' } }), status: 404 },
  publishBulletin: { request: (t) => ({ params: { code: t.county, period: '2020-02' } }), status: 404 },
  // The city of the target county: both the own and the other county lie in city 4110, whose figures are
  // on every one of their users' path (only an unrelated jurisdiction is refused).
  getAreaRanking: {
    request: (t) => ({ query: { code: t.county.slice(0, 4), year: '2026' } }),
    status: 200,
    other: 200,
  },
  getFiveStarList: {
    request: (t) => ({ query: { code: t.county.slice(0, 4), year: '2026' } }),
    status: 200,
    other: 200,
  },

  // ---- operations and audit ----
  getServiceStats: { request: () => ({}), status: 200 },
  listFaults: { request: () => ({}), status: 200 },
  listCalendars: { request: () => ({}), status: 200 },
  getCalendar: { request: () => ({ params: { calendarId: 'cn-mainland' } }), status: 200 },
  // A dry run: previews the year, stores nothing.
  loadCalendarYear: {
    request: () => ({
      params: { calendarId: 'cn-mainland', year: '2031' },
      query: { dryRun: 'true' },
      body: { holidays: ['2031-01-01'], workdays: [] },
    }),
    status: 200,
  },
  // No command of that id was ever sent to the branch; the finding's workflow does not exist.
  getBranchCommand: {
    request: (t) => ({ params: { ...branchParams(t), commandId: 'cmd-none' } }),
    status: 404,
  },
  getFindingCommand: {
    request: (t) => ({ params: { ...findingParams(t), commandId: 'cmd-none' } }),
    status: 404,
  },
  listAuditEntries: { request: (t) => ({ query: { branchId: t.branch } }), status: 200 },
  exportAuditLog: { request: (t) => ({ query: { branchId: t.branch } }), status: 200 },
  verifyAuditChain: { request: () => ({}), status: 200 },
};
