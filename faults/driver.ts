/**
 * Drives one branch through its sign-off chain as the demo users would (README, "Try it"): evidence, the
 * self-check citing it, township review, county pre-review, two observation sheets and the close, the
 * award. Each sign-off is a command with its own Idempotency-Key (http.ts). The chain stops at the first
 * command that is refused or not answered within its budget: the next ones could only be refused.
 */
import { COMMAND_BUDGET_MS } from './config';
import { exchanges, runCommand, User, type CommandRecord, type Exchange } from './http';
import { sleep } from './log';

export interface Cast {
  secretaries: Map<string, User>;
  township: User;
  county: User;
  observer1: User;
  observer2: User;
  coordinator: User;
  admin: User;
}

/** What the round's rural catalog asks: every star claimed, every task at full marks, every file cited. */
export interface Sheets {
  stars: string[];
  scores: Record<string, number>;
  requirements: string[];
}

export interface BranchRun {
  code: string;
  window: string;
  upload: Exchange[];
  commands: CommandRecord[];
  /** Every command acknowledged (and a 202's answer came). */
  done: boolean;
  /** The label of the command the chain stopped at, when it did. */
  stoppedAt?: string;
}

export const SIGN_OFFS = [
  'self-check',
  'township review',
  'county review',
  'observation 1',
  'observation 2',
  'close observation',
  'award',
] as const;
export type SignOff = (typeof SIGN_OFFS)[number];

export async function driveBranch(
  window: string,
  roundId: string,
  code: string,
  cast: Cast,
  sheets: Sheets,
  /** Called just before each sign-off is sent (the fault windows inject their fault there). */
  before: (label: SignOff) => void = () => undefined,
): Promise<BranchRun> {
  const base = `/api/rounds/${roundId}/branches/${code}`;
  const secretary = cast.secretaries.get(code)!;
  const run: BranchRun = { code, window, upload: [], commands: [], done: false };

  // Evidence (content-addressed: sending it again stores nothing new).
  const pdf = Buffer.from(`%PDF-1.4\n% fault-injection evidence of ${code}\n%%EOF\n`);
  let sha256 = '';
  const deadline = Date.now() + COMMAND_BUDGET_MS;
  while (!sha256) {
    const a = await secretary.call<{ sha256: string }>('POST', `${base}/evidence?filename=records.pdf`, {
      kind: 'upload',
      raw: { data: pdf, type: 'application/pdf' },
    });
    run.upload.push(exchanges.find((e) => e.requestId === a.requestId)!);
    if (a.status === 200 || a.status === 201) sha256 = a.body.sha256;
    else if ((a.status !== 0 && a.status < 500) || Date.now() > deadline) {
      run.stoppedAt = 'evidence';
      return run;
    } else await sleep(1000);
  }

  const approve = { decision: 'approve', stars: sheets.stars.map((star) => ({ star, approved: true })) };
  const chain: [SignOff, User, string, unknown][] = [
    [
      'self-check',
      secretary,
      'self-check',
      {
        scores: sheets.scores,
        targetStars: sheets.stars,
        evidence: sheets.requirements.map((requirement) => ({
          requirement,
          sha256,
          filename: 'records.pdf',
        })),
      },
    ],
    ['township review', cast.township, 'review', approve],
    ['county review', cast.county, 'review', approve],
    ['observation 1', cast.observer1, 'observation', { scores: sheets.scores }],
    ['observation 2', cast.observer2, 'observation', { scores: sheets.scores }],
    ['close observation', cast.observer1, 'observation/close', {}],
    ['award', cast.coordinator, 'award', {}],
  ];
  for (const [label, user, path, body] of chain) {
    before(label);
    const rec = await runCommand(user, code, label, `${base}/${path}`, body);
    run.commands.push(rec);
    if (rec.outcome !== 'acknowledged' || rec.pending || rec.refusal) {
      run.stoppedAt = label;
      return run;
    }
  }
  run.done = true;
  return run;
}
