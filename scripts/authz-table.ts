/**
 * `npx tsx scripts/authz-table.ts`: writes the roles × actions table of the OpenAPI document
 * (docs/openapi.json, `npm run openapi`) into docs/security.md, between its markers; the rest of the file
 * is left as it is. The authorisation matrix test (test/authz-matrix.test.ts) fails while the table there
 * differs from the served document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { accessTable, operationsOf, replaceAccessTable, type OpenApiDocument } from '../test/authz-doc';

const root = path.resolve(__dirname, '..');
const doc = JSON.parse(readFileSync(path.join(root, 'docs/openapi.json'), 'utf8')) as OpenApiDocument;
const file = path.join(root, 'docs/security.md');
writeFileSync(file, replaceAccessTable(readFileSync(file, 'utf8'), accessTable(operationsOf(doc))));
process.stdout.write(`wrote the roles × actions table into ${path.relative(process.cwd(), file)}\n`);
