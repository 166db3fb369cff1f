import { z } from 'zod';
import { Catalog } from '@fivestar/contracts';

/** One problem found in an imported catalog: where (a JSON path or an Excel cell) and what, in Chinese. */
export interface CatalogError {
  /** `stars[2].tasks[4].points` for JSON; `任务!D7` (sheet!cell), `任务!1:1` (a row) or `任务` for Excel. */
  path: string;
  message: string;
}

/** Either a catalog that passed every check, or every problem found and no catalog. */
export type CatalogParseResult = { ok: true; catalog: Catalog } | { ok: false; errors: CatalogError[] };

export type JsonPath = readonly PropertyKey[];

/** `['stars', 2, 'tasks', 4, 'points']` → `stars[2].tasks[4].points`; the root is `''`. */
export function formatPath(path: JsonPath): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** The catalog's own dotted paths in messages (`stars.1.tasks.0.code`), matched to be rewritten. */
const DOTTED_PATH = /\bstars(?:\.(?:\d+|[A-Za-z]+))+/g;

/** Rewrites the dotted paths the Catalog schema puts in its messages, e.g. to `stars[1].tasks[0].code`. */
export function rewritePaths(message: string, render: (path: JsonPath) => string = formatPath): string {
  return message.replace(DOTTED_PATH, (dotted) =>
    render(dotted.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))),
  );
}

type Entity = 'catalog' | 'star' | 'task' | 'evidence' | 'veto';

const ENTITY_LABEL: Record<Entity, string> = {
  catalog: '目录',
  star: '星级',
  task: '任务',
  evidence: '佐证材料',
  veto: '否决条件',
};

const CODE_RULE = '应为大写字母开头的字母、数字、点或连字符（至多24位）';
const BOOLEAN_RULE = '必须是 true 或 false';

/** Label and rule of each field, by the entity it belongs to; the messages name the rule, not zod's terms. */
const FIELDS: Record<Entity, Record<string, { label: string; rule: string }>> = {
  catalog: {
    id: { label: '目录标识', rule: '应为1到40位小写字母、数字或连字符' },
    version: { label: '版本号', rule: '必须是正整数' },
    branchType: {
      label: '支部类型',
      rule: '必须是 rural（农村）、urban（城市社区）、organ（机关）、enterprise（企业）之一',
    },
    title: { label: '目录名称', rule: '不能为空，至多100字' },
    example: { label: '示例标记', rule: BOOLEAN_RULE },
    stars: { label: '星级', rule: '必须是1到10个星级组成的数组' },
  },
  star: {
    code: { label: '星级代码', rule: '应为小写字母开头的小写字母和下划线（至多40位）' },
    name: { label: '星级名称', rule: '不能为空，至多50字' },
    threshold: { label: '达标分', rule: '必须是不小于0的整数' },
    capstone: { label: '统领星', rule: BOOLEAN_RULE },
    tasks: { label: '任务', rule: '必须是至少包含1项任务的数组' },
  },
  task: {
    code: { label: '任务代码', rule: CODE_RULE },
    title: { label: '任务名称', rule: '不能为空，至多200字' },
    points: { label: '分值', rule: '必须是1到100之间的整数' },
    evidence: { label: '佐证材料', rule: '必须是数组' },
    vetoes: { label: '否决条件', rule: '必须是数组' },
  },
  evidence: {
    code: { label: '佐证材料代码', rule: CODE_RULE },
    title: { label: '佐证材料名称', rule: '不能为空，至多200字' },
    kinds: { label: '材料类型', rule: '必须是 image、pdf、document、spreadsheet、video 中的一个或多个' },
    required: { label: '必需标记', rule: BOOLEAN_RULE },
  },
  veto: {
    code: { label: '否决条件代码', rule: CODE_RULE },
    description: { label: '否决条件描述', rule: '不能为空，至多300字' },
  },
};

/** The fields each entity may carry; anything else in an imported file is refused, not silently dropped. */
export const KNOWN_FIELDS: Record<Entity, string[]> = {
  catalog: Object.keys(FIELDS.catalog),
  star: Object.keys(FIELDS.star),
  task: Object.keys(FIELDS.task),
  evidence: Object.keys(FIELDS.evidence),
  veto: Object.keys(FIELDS.veto),
};

const CONTAINER: Record<string, Entity> = {
  stars: 'star',
  tasks: 'task',
  evidence: 'evidence',
  vetoes: 'veto',
};

/**
 * Where a path points: the entity that holds it and the field (if any). `['stars', 1, 'tasks', 0, 'points']`
 * → task / points; `['stars', 1]` → star (the element itself); `[..., 'kinds', 0]` → evidence / kinds.
 */
export function locate(path: JsonPath): { entity: Entity; field?: string } {
  let entity: Entity = 'catalog';
  let field: string | undefined;
  for (const p of path) {
    if (typeof p === 'number') {
      const inner = field ? CONTAINER[field] : undefined;
      if (inner) {
        entity = inner;
        field = undefined;
      }
    } else {
      if (field && !CONTAINER[field]) break; // inside a scalar array such as kinds: keep the field
      field = String(p);
    }
  }
  return { entity, field };
}

export function fieldLabel(path: JsonPath): string {
  const { entity, field } = locate(path);
  if (!field) return ENTITY_LABEL[entity];
  return FIELDS[entity][field]?.label ?? field;
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * A Chinese message for one schema issue: the Catalog schema's own custom messages as they are (with its
 * dotted paths rewritten by `render`), otherwise the field's label and rule (`分值必须是1到100之间的整数`).
 */
export function messageFor(
  issue: z.core.$ZodIssue,
  data: unknown,
  render: (path: JsonPath) => string = formatPath,
  opts: { missing?: (label: string, field: string) => string } = {},
): string {
  if (issue.code === 'custom') return rewritePaths(issue.message, render);
  const { entity, field } = locate(issue.path);
  if (!field) {
    // The element itself is of the wrong kind (e.g. a star that is a string).
    return issue.code === 'invalid_type' ? `${ENTITY_LABEL[entity]}必须是对象` : issue.message;
  }
  const spec = FIELDS[entity][field];
  if (!spec) return issue.message;
  if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined) {
    return opts.missing ? opts.missing(spec.label, field) : `缺少${spec.label}（字段 ${field}）`;
  }
  return `${spec.label}${spec.rule}`;
}

/** Parses with the Catalog schema; zod's fallback messages in Chinese, the raw input kept for messages. */
export function checkCatalog(data: unknown) {
  return Catalog.safeParse(data, { error: z.locales.zhCN().localeError });
}

/** Fields of `data` (a would-be catalog) that the schema does not know, with their paths. */
export function unknownFields(data: unknown): JsonPath[] {
  const found: JsonPath[] = [];
  const walk = (v: unknown, entity: Entity, path: PropertyKey[]) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [key, child] of Object.entries(v)) {
      if (!KNOWN_FIELDS[entity].includes(key)) {
        found.push([...path, key]);
        continue;
      }
      const inner = CONTAINER[key];
      if (inner && Array.isArray(child)) child.forEach((c, i) => walk(c, inner, [...path, key, i]));
    }
  };
  walk(data, 'catalog', []);
  return found;
}

export function unknownFieldMessage(path: JsonPath): string {
  const { entity } = locate(path.slice(0, -1));
  const key = String(path[path.length - 1]);
  return `未知字段“${key}”（${ENTITY_LABEL[entity]}可用字段：${KNOWN_FIELDS[entity].join('、')}）`;
}
