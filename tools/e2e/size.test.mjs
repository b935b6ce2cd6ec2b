// First-load budgets, in gzip bytes: the phone UI (web/static without instelling/) within 30 KB;
// each staff page (which students never load) with the files its HTML loads: the staff pages
// (instelling/index.html) within 40 KB, grown from 25 KB with the sign-in with the school's
// provider (oidc.js), case work, the admin's contacts and who has access, and incident
// registration; the sector page (instelling/sector.html) within 16 KB.
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

// loadedBy is a page and the local scripts and styles its HTML names.
function loadedBy(page) {
  const html = readFileSync(path.join(root, page), 'utf8');
  const files = new Set([page]);
  for (const m of html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)) files.add(m[1]);
  return (rel) => !files.has(rel.split(path.sep).join('/'));
}

for (const [name, dir, limit, skip] of [
  ['the phone UI', root, 30 * 1024, (rel) => rel.startsWith('instelling' + path.sep)],
  ['the staff pages', path.join(root, 'instelling'), 40 * 1024, loadedBy('instelling/index.html')],
  ['the sector page', path.join(root, 'instelling'), 16 * 1024, loadedBy('instelling/sector.html')],
]) {
  test(`${name} is at most ${limit / 1024} KB gzip`, () => {
    const { raw, gz, rows } = measure(dir, skip);
    console.log(rows.join('\n') + `\n${name}: ${raw} B raw, ${gz} B gzip (limit ${limit} B)`);
    assert.ok(gz > 0, `${name} has files`);
    assert.ok(gz <= limit, `${name}: gzip total ${gz} B exceeds ${limit} B`);
  });
}
