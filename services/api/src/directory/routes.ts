import { Router, type Request } from 'express';
import {
  AreaOnboarded,
  OnboardAreaRequest,
  CountyBranches,
  CountyBranchPath,
  CountyPath,
  CountyTownshipPath,
  CountyTownships,
  DirectoryChanges,
  PlaceRenamed,
  related,
  RenamePlaceRequest,
} from '@fivestar/contracts';
import { jetstreamClient } from '@fivestar/platform';
import { actorOf } from '../identity/authenticate';
import type { ApiDeps } from '../gateway/deps';
import { forbidden, notFound } from '../gateway/problem';
import { route } from '../gateway/routing';
import { onboardArea } from './onboard';
import { renamePlaceAnnounced } from './rename';
import { countyBranches, countyExists, countyTownships, directoryChanges } from './store';

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

  /**
   * The directory's history (区划调整): the old names, when and by whom they changed, so past rounds,
   * bulletins and the audit, which name places by code, can be read with the names of their time.
   */
  route(
    r,
    {
      method: 'get',
      path: '/counties/:countyCode/directory-changes',
      operationId: 'listDirectoryChanges',
      summary: '本县目录的调整记录（改名：原名、新名、调整人与时间）',
      tags: ['admin'],
      access: 'user',
      scope: { in: 'path', name: 'countyCode', level: 'county' },
      params: CountyPath,
      responses: { 200: DirectoryChanges, 404: '县级代码不在目录中' },
    },
    async ({ params: { countyCode } }, req, res) => {
      await checkCounty(req, countyCode);
      const body: DirectoryChanges = { countyCode, items: await directoryChanges(deps.db, countyCode) };
      res.json(body);
    },
  );

  /** A rename, answered with the change it made (none when the name was already that). */
  async function rename(
    req: Request,
    place: { countyCode: string; level: 'township' | 'branch'; code: string },
    name: string,
  ): Promise<PlaceRenamed> {
    const done = await renamePlaceAnnounced(
      { db: deps.db, js: jetstreamClient(deps.nc) },
      actorOf(req),
      place,
      name,
    );
    req.log.info(
      { ...place, name, changeId: done.change?.id ?? null },
      done.change ? 'place renamed' : 'place name unchanged',
    );
    return done;
  }

  const admin = { access: ['admin'], tags: ['admin'] } as const;
  const scope = { in: 'path', name: 'countyCode', level: 'county' } as const;

  route(
    r,
    {
      ...admin,
      method: 'patch',
      path: '/counties/:countyCode/townships/:townshipCode',
      operationId: 'renameTownship',
      summary: '乡镇改名（保留原名记录，通知各服务）',
      scope,
      params: CountyTownshipPath,
      body: RenamePlaceRequest,
      responses: { 200: PlaceRenamed, 404: '乡镇不在本县目录中' },
    },
    async ({ params: { countyCode, townshipCode }, body }, req, res) => {
      res.json(await rename(req, { countyCode, level: 'township', code: townshipCode }, body.name));
    },
  );

  route(
    r,
    {
      ...admin,
      method: 'patch',
      path: '/counties/:countyCode/branches/:branchCode',
      operationId: 'renameBranch',
      summary: '支部改名（村、社区改名；保留原名记录，通知各服务）',
      scope,
      params: CountyBranchPath,
      body: RenamePlaceRequest,
      responses: { 200: PlaceRenamed, 404: '支部不在本县目录中' },
    },
    async ({ params: { countyCode, branchCode }, body }, req, res) => {
      res.json(await rename(req, { countyCode, level: 'branch', code: branchCode }, body.name));
    },
  );

  /**
   * An administrator of the province or a city onboards (开通) a city or county below it with its first
   * administrator, who then imports the rest of its directory (directory/onboard.ts).
   */
  route(
    r,
    {
      ...admin,
      method: 'post',
      path: '/admin/areas',
      operationId: 'onboardArea',
      summary: '开通下级的市或县（录入目录并创建其系统管理员）',
      scope: { in: 'body', name: 'code', level: 'city' },
      body: OnboardAreaRequest,
      responses: { 201: AreaOnboarded, 404: '上级不在目录中', 409: '用户名已存在' },
    },
    async ({ body }, req, res) => {
      const done = await onboardArea(deps, actorOf(req), body);
      req.log.info({ code: done.code, created: done.created, admin: done.admin.id }, 'area onboarded');
      res.status(201).json(done);
    },
  );

  return r;
}
