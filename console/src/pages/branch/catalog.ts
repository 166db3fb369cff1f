import { useEffect, useState } from 'react';
import type { BranchType, Catalog } from '@fivestar/contracts';
import { api } from '../../api';

/** The catalog the round locked for this kind of branch (GET /rounds/:id names the versions). */
export function useRoundCatalog(roundId: string, branchType: BranchType): Catalog | undefined {
  const [catalog, setCatalog] = useState<Catalog>();
  useEffect(() => {
    let live = true;
    void (async () => {
      const round = await api<{ catalogs: { id: string; version: number }[] }>(`/rounds/${roundId}`);
      for (const ref of round.catalogs) {
        const c = await api<Catalog>(`/catalogs/${ref.id}/${ref.version}`);
        if (c.branchType === branchType) return live && setCatalog(c);
      }
    })();
    return () => {
      live = false;
    };
  }, [roundId, branchType]);
  return catalog;
}
