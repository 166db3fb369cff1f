import express, { type Request, type Response } from 'express';
import { badRequest, Problem, tooLarge, unsupportedType } from './problem';

const MB = 1024 * 1024;
export const formatMb = (bytes: number) => `${Number((bytes / MB).toFixed(1))} MB`;

/**
 * Reads the request body as bytes, up to `limit` bytes; called inside a route, after authentication and
 * authorisation, so nobody's upload is read before we know they may make it. No body reads as an empty
 * buffer. Too large is a 413 naming `body`; a broken or unsupported transfer a 400 or 415.
 */
export function readRawBody(req: Request, res: Response, limit: number): Promise<Buffer> {
  const parser = express.raw({ type: () => true, limit });
  return new Promise((resolve, reject) => {
    parser(req, res, (err?: unknown) => {
      if (!err) return resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      const e = err as { status?: number; type?: string };
      if (e.type === 'entity.too.large' || e.status === 413) {
        const message = `文件超过${formatMb(limit)}的上限`;
        return reject(tooLarge(message, [{ field: 'body', message }]));
      }
      if (e.status === 415) {
        const message = '不支持的内容编码（Content-Encoding）';
        return reject(unsupportedType(message, [{ field: 'header.content-encoding', message }]));
      }
      if (e.status === 400)
        return reject(badRequest('请求体读取失败', [{ field: 'body', message: '上传中断或长度不符' }]));
      reject(err instanceof Problem ? err : new Problem(500, '服务器内部错误'));
    });
  });
}
