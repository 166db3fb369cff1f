import { Router, type Request } from 'express';
import { CountyBranches, CountyPath, CountyTownships, related } from '@fivestar/contracts';
import { actorOf } from '../identity/authenticate';
import type { ApiDeps } from '../gateway/deps';
import { forbidden, notFound } from '../gateway/problem';
import { route } from '../gateway/routing';
import { countyBranches, countyExists, countyTownships } from './store';

/** Reads of the directory the console needs beside the rounds (the directory itself is imported by admins). */
export function directoryRoutes(deps: ApiDeps): Router {
  const r = Router();

  /** The county's own users, at any level below it (a township, a branch), read it; no one else. */
  async function checkCounty(req: Request, countyCode: string): Promise<void> {
    const { jurisdiction } = actorOf(req);
    if (!related(jurisdiction, countyCode)) throw forbidden('只能查看本县的目录');
    if (!(await countyExists(deps.db, countyCode))) throw notFound(`县级代码 ${countyCode} 不在目录中`);
  }

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
      await checkCounty(req, countyCode);
      const body: CountyTownships = { countyCode, items: await countyTownships(deps.db, countyCode) };
      res.json(body);
    },
  );

  /**
   * The county's branches (a county has hundreds, a thousand at most): the console names codes with them
   * and picks a user's branch by its name.
   */
  route(
    r,
    {
      method: 'get',
      path: '/counties/:countyCode/branches',
      operationId: 'listCountyBranches',
      summary: '本县各支部（按名称选择支部、显示代码对应的名称）',
      tags: ['rounds'],
      access: 'user',
      scope: { in: 'path', name: 'countyCode', level: 'county' },
      params: CountyPath,
      responses: { 200: CountyBranches, 404: '县级代码不在目录中' },
    },
    async ({ params: { countyCode } }, req, res) => {
      await checkCounty(req, countyCode);
      const body: CountyBranches = { countyCode, items: await countyBranches(deps.db, countyCode) };
      res.json(body);
    },
  );

  return r;
}
