// First-load budgets, in gzip bytes: the phone UI (web/static without instelling/) within 30 KB,
// the institution pages (web/static/instelling/, which students never load) within 28 KB (25 KB
// before the sign-in with the school's provider, oidc.js, and case work).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'static');

function measure(dir, skip = () => false) {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath ?? e.path, e.name);
    const rel = path.relative(root, file);
    if (skip(rel)) continue;
    const body = readFileSync(file);
    const z = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += z;
    rows.push(`${rel}: ${body.length} B raw, ${z} B gzip`);
  }
  return { raw, gz, rows };
}

for (const [name, dir, limit, skip] of [
  ['the phone UI', root, 30 * 1024, (rel) => rel.startsWith('instelling' + path.sep)],
  ['the institution pages', path.join(root, 'instelling'), 28 * 1024, () => false],
]) {
  test(`${name} is at most ${limit / 1024} KB gzip`, () => {
    const { raw, gz, rows } = measure(dir, skip);
    console.log(rows.join('\n') + `\n${name}: ${raw} B raw, ${gz} B gzip (limit ${limit} B)`);
    assert.ok(gz > 0, `${name} has files`);
    assert.ok(gz <= limit, `${name}: gzip total ${gz} B exceeds ${limit} B`);
  });
}
