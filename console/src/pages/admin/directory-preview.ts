import { DirectoryFileUser, DirectoryImportRequest } from '@fivestar/contracts';

export interface RowError {
  /** 0: the file itself (county, townships, branches); n: the n-th user row, from 1. */
  row: number;
  field: string;
  message: string;
}

/**
 * The dry run of a directory file, in the browser: the same schemas the API checks it with, so the
 * errors per row are shown before anything is sent.
 */
export function previewDirectory(text: string): { body?: DirectoryImportRequest; errors: RowError[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [{ row: 0, field: '', message: (e as Error).message }] };
  }
  const file = DirectoryImportRequest.safeParse(json);
  if (!file.success)
    return {
      errors: file.error.issues.map((i) => ({ row: 0, field: i.path.join('.'), message: i.message })),
    };
  const errors = file.data.users.flatMap((user, index) => {
    const row = DirectoryFileUser.safeParse(user);
    return row.success
      ? []
      : row.error.issues.map((i) => ({ row: index + 1, field: i.path.join('.'), message: i.message }));
  });
  return { body: file.data, errors };
}
