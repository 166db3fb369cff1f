import { Router } from 'express';
import { sql } from 'kysely';
import { CountyPath, CountyTownships, within } from '@fivestar/contracts';
import { actorOf } from '../auth';
import type { ApiDeps } from '../deps';
import { forbidden, notFound } from '../problem';
import { route } from '../routing';

/** Reads of the directory the console needs beside the rounds (the directory itself is imported by admins). */
export function directoryRoutes(deps: ApiDeps): Router {
  const r = Router();

  /**
   * The county's townships with their branch counts, from the directory a round launches from (not from a
   * read model that may lag it): the start-round form picks townships from it, and every user of the
   * county reads their names (task filters, a round's scope). Another county's are 403.
   */
  route(
    r,
    {
      method: 'get',
      path: '/counties/:countyCode/townships',
      operationId: 'listCountyTownships',
      summary: '本县各乡镇及其支部数（发起轮次、筛选待办时选择乡镇）',
      tags: ['rounds'],
      access: 'user',
      scope: { in: 'path', name: 'countyCode', level: 'county' },
      params: CountyPath,
      responses: { 200: CountyTownships, 404: '县级代码不在目录中' },
    },
    async ({ params: { countyCode } }, req, res) => {
      const { jurisdiction } = actorOf(req);
      // The county's own users, at any level below it (a township, a branch), and no one else's.
      if (!within(jurisdiction, countyCode) && !within(countyCode, jurisdiction))
        throw forbidden('只能查看本县的乡镇');
      const county = await deps.db
        .selectFrom('counties')
        .select('code')
        .where('code', '=', countyCode)
        .executeTakeFirst();
      if (!county) throw notFound(`县级代码 ${countyCode} 不在目录中`);
      const rows = await deps.db
        .selectFrom('townships as t')
        .leftJoin('branches as b', 'b.township_code', 't.code')
        .select(['t.code', 't.name', sql<number>`count(b.code)::int`.as('branches')])
        .where('t.county_code', '=', countyCode)
        .groupBy(['t.code', 't.name'])
        .orderBy('t.code')
        .execute();
      const body: CountyTownships = { countyCode, items: rows };
      res.json(body);
    },
  );

  return r;
}
