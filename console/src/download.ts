import { apiResponse } from './api';

/** Fetches a file with the session's token and hands it to the browser (a download, or a new tab). */
export async function openFile(
  path: string,
  query: Record<string, string>,
  mode: 'download' | 'tab',
): Promise<void> {
  const res = await apiResponse(path, { query });
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const blob = await res.blob();
  if (mode === 'download') return saveBlob(blob, name ? decodeURIComponent(name) : path.split('/').pop()!);
  const url = URL.createObjectURL(blob);
  window.open(url, '_blank', 'noopener');
  // The new tab has its own copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Hands bytes to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  // The download has its own copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
