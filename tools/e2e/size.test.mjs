// The whole phone UI (every file in web/static) must stay within 30 KB gzip on first load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'static');
const LIMIT = 30 * 1024;

test('web/static is at most 30 KB gzip in total', () => {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath ?? e.path, e.name);
    const body = readFileSync(file);
    const z = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += z;
    rows.push(`${path.relative(dir, file)}: ${body.length} B raw, ${z} B gzip`);
  }
  console.log(rows.join('\n') + `\ntotal: ${raw} B raw, ${gz} B gzip (limit ${LIMIT} B)`);
  assert.ok(gz > 0, 'web/static has files');
  assert.ok(gz <= LIMIT, `gzip total ${gz} B exceeds ${LIMIT} B`);
});
