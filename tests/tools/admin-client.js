// Drives the sp-contract mock's WireMock admin API with WireMock's own npm client
// (wiremock-rest-client), over the mock's mutual TLS, the way a vendor's test suite would.
// Run by tests/it/admin.rs:
//
//   node admin-client.js BASE_URL CA_PEM CLIENT_PEM CLIENT_KEY_PEM
//
// Prints one JSON object with what each call returned; exits non-zero if a call failed.
'use strict';

const fs = require('fs');
const https = require('https');

const [baseUrl, caFile, certFile, keyFile] = process.argv.slice(2);
if (!keyFile) {
  console.error('usage: node admin-client.js BASE_URL CA_PEM CLIENT_PEM CLIENT_KEY_PEM');
  process.exit(2);
}

// The client has no TLS options of its own: its fetch uses Node's global https agent.
https.globalAgent = new https.Agent({
  ca: fs.readFileSync(caFile),
  cert: fs.readFileSync(certFile),
  key: fs.readFileSync(keyFile),
  keepAlive: false,
});

const { WireMockRestClient } = require('wiremock-rest-client');
const fetch = require('cross-fetch');

async function post(path, body) {
  const res = await fetch(baseUrl + path, { method: 'POST', body });
  return { status: res.status, body: await res.text() };
}

async function main() {
  const wm = new WireMockRestClient(baseUrl, { logLevel: 'silent' });
  const out = {};
  const created = await wm.mappings.createMapping({
    name: 'node-greeting',
    priority: 1,
    request: { method: 'POST', urlPath: '/node/greeting', bodyPatterns: [{ contains: 'hello' }] },
    response: { status: 200, body: 'hi from the stub', headers: { 'Content-Type': 'text/plain' } },
  });
  out.created = created;
  out.matched = await post('/node/greeting', 'hello there');
  out.unmatched = await post('/node/greeting', 'goodbye');
  out.allMappings = await wm.mappings.getAllMappings();
  out.oneMapping = await wm.mappings.getMapping(created.id);
  out.requests = await wm.requests.getAllRequests();
  out.unmatchedRequests = await wm.requests.getUnmatchedRequests();
  out.nearMisses = await wm.requests.getUnmatchedNearMisses();
  await wm.mappings.deleteMapping(created.id);
  out.afterDelete = await wm.mappings.getAllMappings();
  await wm.global.resetAll();
  out.afterReset = { mappings: await wm.mappings.getAllMappings(), requests: await wm.requests.getAllRequests() };
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(`admin-client.js: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
