import { useEffect, useState } from 'react';
import type { EvidenceFile } from '@fivestar/contracts';
import { apiResponse } from '../../api';
import { saveBlob } from '../../download';
import { t } from '../../i18n';
import type { EvidenceItem } from './model';

/** Downloads carry the bearer token, so files are fetched and handed to the browser as blob: URLs. */
async function blobUrl(sha256: string): Promise<string> {
  return URL.createObjectURL(await (await apiResponse(`/evidence/${sha256}`)).blob());
}

/** A file as cited (sha256 and name), with what its upload recorded when that is known. */
type Shown = EvidenceFile & Partial<Pick<EvidenceItem, 'kind' | 'size'>>;

function Preview({ item }: { item: Shown }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let url: string | undefined;
    void blobUrl(item.sha256).then(
      (u) => setSrc((url = u)),
      () => undefined,
    );
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [item.sha256]);
  return src ? (
    <img src={src} alt={item.filename} title={item.filename} data-testid="evidence-preview" />
  ) : null;
}

async function download(item: Shown) {
  const res = await apiResponse(`/evidence/${item.sha256}`);
  saveBlob(await res.blob(), item.filename);
}

/** Thumbnails of the images, then every file with its download link. */
export function EvidenceFiles({ items }: { items: Shown[] }) {
  // The same bytes may answer several requirements: one preview per file.
  const images = [...new Map(items.filter((i) => i.kind === 'image').map((i) => [i.sha256, i])).values()];
  return (
    <>
      <div className="thumbs">
        {images.map((i) => (
          <Preview key={i.sha256} item={i} />
        ))}
      </div>
      <ul>
        {items.map((i) => (
          <li key={`${i.sha256}/${i.filename}`} data-testid="evidence-item">
            <span className="ellipsis" title={i.filename}>
              {i.filename}
            </span>{' '}
            {i.size !== undefined && <span className="muted">{Math.ceil(i.size / 1024)} KB</span>}{' '}
            <button
              type="button"
              className="link"
              onClick={() => void download(i)}
              data-testid="evidence-download"
            >
              {t('branch.download')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

export function EvidenceList({ items }: { items: EvidenceItem[] }) {
  return (
    <section className="panel" data-testid="evidence-list">
      <h2>{t('branch.evidence')}</h2>
      {items.length === 0 && <p className="muted">{t('app.none')}</p>}
      <EvidenceFiles items={items} />
    </section>
  );
}
