import { z } from 'zod';

/** A SHA-256 digest as 64 lowercase hex digits: evidence files are stored by it, the audit chain links by it. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const sha256Hex = (message = '应为64位小写十六进制的sha256') => z.string().regex(SHA256_HEX, message);
