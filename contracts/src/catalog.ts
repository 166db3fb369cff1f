import { z } from 'zod';
import { BranchType } from './directory';

const Code = z
  .string()
  .regex(/^[A-Z][A-Z0-9.-]{0,23}$/, '代码应为大写字母开头的字母、数字、点或连字符（至多24位）');

/** What a branch must upload to back a task (佐证材料). */
export const EvidenceRequirement = z.object({
  code: Code,
  title: z.string().trim().min(1).max(200),
  /** Accepted kinds of file; empty means any kind the platform accepts. */
  kinds: z.array(z.enum(['image', 'pdf', 'document', 'spreadsheet', 'video'])).default([]),
  /** A claimed star is refused at self-check while a required item is missing. */
  required: z.boolean().default(true),
});
export type EvidenceRequirement = z.infer<typeof EvidenceRequirement>;

/** A condition that, when a reviewer or observer finds it holds, vetoes the task's star (一票否决). */
export const VetoCondition = z.object({
  code: Code,
  description: z.string().trim().min(1).max(300),
});
export type VetoCondition = z.infer<typeof VetoCondition>;

export const CatalogTask = z.object({
  code: Code,
  title: z.string().trim().min(1).max(200),
  points: z.number().int().positive().max(100),
  evidence: z.array(EvidenceRequirement).default([]),
  vetoes: z.array(VetoCondition).default([]),
});
export type CatalogTask = z.infer<typeof CatalogTask>;

export const CatalogStar = z.object({
  code: z.string().regex(/^[a-z][a-z_]{0,39}$/, '星级代码应为小写字母和下划线'),
  name: z.string().trim().min(1).max(50),
  /** Points (sum over the star's task scores) needed to earn the star. */
  threshold: z.number().int().nonnegative(),
  /** The capstone star (支部过硬星) is earned only together with every other star. */
  capstone: z.boolean().default(false),
  tasks: z.array(CatalogTask).min(1),
});
export type CatalogStar = z.infer<typeof CatalogStar>;

/**
 * A versioned star catalog; a round pins one (id + version) and carries it into every branch workflow,
 * so later edits never change a running round.
 */
export const Catalog = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/),
    // The column is a PostgreSQL integer: a larger version would fail there, not here.
    version: z.number().int().positive().max(2_147_483_647, '版本号过大'),
    branchType: BranchType,
    title: z.string().trim().min(1).max(100),
    /** Shipped defaults are examples built from reported themes, to be replaced by the official wording. */
    example: z.boolean(),
    stars: z.array(CatalogStar).min(1).max(10),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, string>();
    const unique = (code: string, path: (string | number)[]) => {
      const first = seen.get(code);
      if (first) ctx.addIssue({ code: 'custom', path, message: `代码 ${code} 与 ${first} 重复` });
      else seen.set(code, path.join('.'));
    };
    c.stars.forEach((star, si) => {
      unique(star.code, ['stars', si, 'code']);
      const total = star.tasks.reduce((sum, t) => sum + t.points, 0);
      if (star.threshold > total) {
        ctx.addIssue({
          code: 'custom',
          path: ['stars', si, 'threshold'],
          message: `达标分${star.threshold}超过该星各项任务总分${total}`,
        });
      }
      star.tasks.forEach((task, ti) => {
        unique(task.code, ['stars', si, 'tasks', ti, 'code']);
        task.evidence.forEach((e, ei) => unique(e.code, ['stars', si, 'tasks', ti, 'evidence', ei, 'code']));
        task.vetoes.forEach((v, vi) => unique(v.code, ['stars', si, 'tasks', ti, 'vetoes', vi, 'code']));
      });
    });
    if (c.stars.filter((s) => s.capstone).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['stars'], message: '至多一个星级可设为统领星（capstone）' });
    }
  });
export type Catalog = z.infer<typeof Catalog>;

export function catalogTasks(catalog: Catalog): CatalogTask[] {
  return catalog.stars.flatMap((s) => s.tasks);
}

/** The star each task belongs to, by task code. */
export function starOfTask(catalog: Catalog): Map<string, string> {
  return new Map(catalog.stars.flatMap((s) => s.tasks.map((t) => [t.code, s.code] as const)));
}
