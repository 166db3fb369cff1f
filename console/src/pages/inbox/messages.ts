import { register } from '../../i18n';

register({
  'inbox.title': { zh: '通知', en: 'Inbox' },
  'inbox.all': { zh: '全部', en: 'All' },
  'inbox.unread': { zh: '未读（{n}）', en: 'Unread ({n})' },
  'inbox.archive': { zh: '已归档', en: 'Archive' },
  'inbox.markRead': { zh: '标为已读', en: 'Mark read' },
  'inbox.doArchive': { zh: '归档', en: 'Archive' },
  'inbox.openBranch': { zh: '查看支部', en: 'Open the branch' },
  'inbox.openTask': { zh: '去办理', en: 'Open my tasks' },
  'inbox.selected': { zh: '选中的通知', en: 'Selected notices' },
});
