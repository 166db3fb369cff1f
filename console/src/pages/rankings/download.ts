import { apiResponse } from '../../api';

/** Fetches a file with the session's token and hands it to the browser (a download, or a new tab). */
export async function openFile(
  path: string,
  query: Record<string, string>,
  mode: 'download' | 'tab',
): Promise<void> {
  const res = await apiResponse(path, { query });
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await res.blob());
  if (mode === 'tab') window.open(url, '_blank', 'noopener');
  else {
    const a = document.createElement('a');
    a.href = url;
    a.download = name ? decodeURIComponent(name) : path.split('/').pop()!;
    a.click();
  }
  // The new tab or the download has its own copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
