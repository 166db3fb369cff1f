import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { BranchPath, EvidencePath, EvidenceUploadQuery, within } from '@fivestar/contracts';
import { actorOf } from '../identity/authenticate';
import { readRawBody } from '../gateway/body';
import type { ApiDeps } from '../gateway/deps';
import { branchOfPath, visibleBranch } from '../directory/branch-of-path';
import {
  ACCEPTED_TYPES,
  ACCEPTED_TYPES_TEXT,
  declaredTypeAgrees,
  evidenceDownload,
  EVIDENCE_MAX_BYTES,
  listEvidence,
  recordEvidence,
  sniffEvidenceType,
} from './';
import { badRequest, forbidden, notFound, unsupportedType } from '../gateway/problem';
import { route } from '../gateway/routing';
import { findRound } from '../rounds/store';

/** Declared types we could never accept are refused before the body is read. */
const DECLARABLE = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'image/jpg',
  'image/pjpeg',
  'application/x-pdf',
  ...ACCEPTED_TYPES.map((t) => t.contentType),
]);

/**
 * Evidence files (佐证材料) of a branch in a round: the branch's secretary uploads (raw body), anyone
 * whose jurisdiction holds the branch lists and downloads. See docs/evidence.md.
 */
export function evidenceRoutes(deps: ApiDeps): Router {
  const r = Router();
  const base = '/rounds/:roundId/branches/:code/evidence';
  const tags = ['evidence'];
  const inBranch = { in: 'path', name: 'code', level: 'branch' } as const;
  const UNKNOWN = '轮次或支部不存在，或轮次不包含该支部';

  async function roundHolds(roundId: string, countyCode: string) {
    const round = await findRound(deps.db, roundId);
    if (!round) throw notFound(`轮次 ${roundId} 不存在`);
    if (round.county_code !== countyCode) throw notFound(`轮次 ${roundId} 不包含该支部`);
  }

  route(
    r,
    {
      method: 'post',
      path: base,
      operationId: 'uploadEvidence',
      summary: '上传佐证材料（请求体为文件本身）',
      tags,
      access: ['village_secretary'],
      scope: inBranch,
      params: BranchPath,
      query: EvidenceUploadQuery,
      rawBody: [...DECLARABLE],
      responses: {
        201: '已保存：{sha256, size, kind, contentType, filename}',
        200: '同一文件已上传过',
        404: UNKNOWN,
        413: '文件过大',
        415: '文件类型不被接受，或与声明的类型不符',
      },
    },
    async ({ params, query: { filename } }, req, res) => {
      const t = await branchOfPath(deps.db, params, actorOf(req));
      // Like the branch's other commands: its own secretary only (checked before the body is read).
      // The role is the route's (access); the branch must be the secretary's own.
      if (!within(t.actor.jurisdiction, t.branch.code)) {
        throw forbidden('只有本支部的书记可以上传佐证材料');
      }
      await roundHolds(t.roundId, t.branch.countyCode);
      const declared = req.get('content-type');
      const media = declared?.split(';')[0]!.trim().toLowerCase();
      if (media && !DECLARABLE.has(media)) {
        const message = `不支持的文件类型 ${media}：仅接受${ACCEPTED_TYPES_TEXT}`;
        throw unsupportedType(message, [{ field: 'header.content-type', message }]);
      }
      const bytes = await readRawBody(req, res, EVIDENCE_MAX_BYTES);
      if (bytes.length === 0) {
        throw badRequest('文件为空', [{ field: 'body', message: '请求体应为文件内容，不能为空' }]);
      }
      const type = sniffEvidenceType(bytes);
      if (!type) {
        const message = `文件内容不是可接受的类型：仅接受${ACCEPTED_TYPES_TEXT}`;
        throw unsupportedType(message, [{ field: 'body', message }]);
      }
      if (!declaredTypeAgrees(declared, type)) {
        const message = `声明的类型 ${media} 与文件内容（${type.label}）不符`;
        throw unsupportedType(message, [{ field: 'header.content-type', message }]);
      }
      const sha256 = await deps.evidence.put(bytes);
      const { created } = await recordEvidence(deps.db, {
        roundId: t.roundId,
        branchCode: t.branch.code,
        sha256,
        filename,
        size: bytes.length,
        kind: type.kind,
        contentType: type.contentType,
        uploadedBy: t.actor.userId,
      });
      req.log.info(
        { roundId: t.roundId, branch: t.branch.code, sha256, size: bytes.length, created },
        'evidence',
      );
      res
        .status(created ? 201 : 200)
        .json({ sha256, size: bytes.length, kind: type.kind, contentType: type.contentType, filename });
    },
  );

  route(
    r,
    {
      method: 'get',
      path: base,
      operationId: 'listEvidence',
      summary: '支部在本轮上传的佐证材料',
      tags,
      access: 'user',
      scope: inBranch,
      params: BranchPath,
      responses: { 200: '佐证材料列表 {items}', 404: UNKNOWN },
    },
    async ({ params }, req, res) => {
      const t = await visibleBranch(deps.db, params, actorOf(req));
      await roundHolds(t.roundId, t.branch.countyCode);
      res.json({ items: await listEvidence(deps.db, t.roundId, t.branch.code) });
    },
  );

  /** A file by its hash, for anyone whose jurisdiction holds a branch that uploaded it. */
  route(
    r,
    {
      method: 'get',
      path: '/evidence/:sha256',
      operationId: 'downloadEvidence',
      summary: '下载佐证材料',
      tags,
      access: 'user',
      // The file is named by its hash: the handler checks the uploading branches' jurisdiction.
      scope: null,
      params: EvidencePath,
      responses: {
        200: { description: '文件本身', download: ACCEPTED_TYPES.map((t) => t.contentType) },
        404: '没有该佐证材料',
      },
    },
    async ({ params: { sha256 } }, req, res) => {
      const found = await evidenceDownload(deps.db, sha256, actorOf(req).jurisdiction);
      if (!found.known) throw notFound('没有该佐证材料');
      if (!found.visible) throw forbidden('该佐证材料不在您的管辖范围内');
      const stream = await deps.evidence.get(sha256);
      if (!stream) {
        req.log.error({ sha256 }, 'evidence metadata without a stored file');
        throw notFound('该佐证材料的文件已丢失');
      }
      res
        .attachment(found.visible.filename)
        .type(found.visible.contentType)
        .set({
          'content-length': String(found.visible.size),
          etag: `"${sha256}"`,
          'cache-control': 'private, max-age=31536000, immutable',
        });
      try {
        await pipeline(stream, res);
      } catch (err) {
        // Headers are out: nothing to answer; pipeline() has closed the response.
        req.log.warn({ err, sha256 }, 'evidence download interrupted');
      }
    },
  );

  return r;
}
