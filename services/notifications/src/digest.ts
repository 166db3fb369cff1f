import { NOTICE_KIND_LABELS, NOTICE_KINDS, type NoticeKind } from '@fivestar/contracts';

/** A notice as a digest counts it. */
export interface DigestItem {
  kind: NoticeKind;
  title: string;
}

/** Titles listed per kind; beyond that the line ends in "等 N 条". */
const TITLES_PER_KIND = 5;

/** The instants a day in Asia/Shanghai (UTC+8, no daylight saving) spans: [from, to). */
export function dayBounds(day: string): { from: string; to: string } {
  const from = Date.parse(`${day}T00:00:00+08:00`);
  return { from: new Date(from).toISOString(), to: new Date(from + 86_400_000).toISOString() };
}

/**
 * The digest of one user's notices of one day (in the order given): a headline counting them per kind,
 * e.g. "【五星支部】11月27日待办摘要：逾期 2 条、督办 1 条。", then a line of titles per kind.
 */
export function digestMessage(day: string, items: DigestItem[]): { title: string; body: string } {
  const [, month, date] = day.split('-').map(Number);
  const title = `【五星支部】${month}月${date}日待办摘要`;
  const byKind = NOTICE_KINDS.map((kind) => ({
    label: NOTICE_KIND_LABELS[kind],
    titles: items.filter((i) => i.kind === kind).map((i) => i.title),
  })).filter((k) => k.titles.length > 0);
  const headline = `${title}：${byKind.map((k) => `${k.label} ${k.titles.length} 条`).join('、')}。`;
  const lines = byKind.map((k) => {
    const shown = k.titles.slice(0, TITLES_PER_KIND).join('；');
    return `${k.label}：${shown}${k.titles.length > TITLES_PER_KIND ? ` 等 ${k.titles.length} 条` : ''}`;
  });
  return { title, body: [headline, ...lines].join('\n') };
}
