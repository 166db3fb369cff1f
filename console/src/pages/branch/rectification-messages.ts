import { register } from '../../i18n';

/** The rectification form's own keys (the shared `finding.*` ones live in the dictionary). */
register({
  'rectification.remove': { zh: '移除', en: 'Remove' },
});
