#!/usr/bin/env node
// Smoke test after a deploy (run by hand): a request from outside that carries a forged
// x-ms-client-principal must not be trusted. App Service Authentication strips the header
// from every incoming request and sets it only for a signed-in session, so the app sees an
// anonymous caller and answers 401. If the forged administrator got through, the app would
// answer as for an administrator (here 404 for a go-live that does not exist, or 200).
//
//   node infra/scripts/smoke-auth.mjs "$(azd env get-value SERVICE_API_URI)"
//
// Exit 0: stripped (401). Exit 1: the forged principal was trusted, or the answer was unexpected.
const base = (process.argv[2] ?? process.env.SERVICE_API_URI ?? '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node infra/scripts/smoke-auth.mjs <SERVICE_API_URI>');
  process.exit(2);
}
const forged = Buffer.from(
  JSON.stringify({
    auth_typ: 'aad',
    name_typ: 'name',
    role_typ: 'roles',
    claims: [
      { typ: 'name', val: 'Forged Admin' },
      { typ: 'preferred_username', val: 'forged.admin@example.invalid' },
      { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: '00000000-0000-0000-0000-00000000f0f0' },
      { typ: 'roles', val: 'admin' },
    ],
  }),
).toString('base64');
const url = `${base}/api/golives/smoke-forged-principal`;
const headers = {
  'x-ms-client-principal': forged,
  'x-ms-client-principal-name': 'forged.admin@example.invalid',
  'x-ms-client-principal-id': '00000000-0000-0000-0000-00000000f0f0',
  'x-ms-client-principal-idp': 'aad',
  accept: 'application/json',
};
const res = await fetch(url, { headers, redirect: 'manual' });
if (res.status === 401) {
  console.log(`ok: ${url} answered 401 to a forged x-ms-client-principal (the platform stripped it)`);
  process.exit(0);
}
console.error(
  `FAIL: ${url} answered ${res.status} to a forged x-ms-client-principal; expected 401. Is App Service Authentication on (authSettingsV2 platform.enabled)?`,
);
process.exit(1);
