#!/usr/bin/env node
// Local Cosmos DB API server for BookMe: @vercel/cosmosdb-server with two fixes that
// make it behave like the real service for the Python SDK.
//  1. Transactional batch is atomic: a failed operation rolls back the ones before it.
//  2. The batch partition key comes from the request header, as the Python SDK sends it
//     (the Node SDK repeats it in every operation, which is all the package reads).
//  3. Reading a missing document answers 404 instead of failing with a 500.
// It also keeps connections alive, so the SDK does not pay a TLS handshake per request, and
// counts the requests it serves (GET /_bookme/requests), which benchmarks read to report
// Cosmos requests per API call.
"use strict";
const path = require("path");
const lib = path.dirname(require.resolve("@vercel/cosmosdb-server/package.json")) + "/lib";
const batchModule = require(`${lib}/handler/batch-documents`);
const operations = require(`${lib}/handler/_document-operations`);
const readJson = require(`${lib}/json`).default;

const OPERATIONS = {
  Create: operations.createOperation,
  Upsert: operations.upsertOperation,
  Read: operations.readOperation,
  Delete: operations.deleteOperation,
  Replace: operations.replaceOperation,
};

batchModule.default = async (account, req, res, { dbId, collId }) => {
  const body = await readJson(req);
  const collection = account.database(dbId).collection(collId);
  if (!collection.read()) {
    res.statusCode = 404;
    return {};
  }
  if (!Array.isArray(body)) {
    res.statusCode = 400;
    return { message: "Invalid request body" };
  }
  const headerKey = req.headers["x-ms-documentdb-partitionkey"];
  const items = collection.documents;
  const saved = { data: new Map(items._data), index: new Map(items._index), rid: items._ridCount };
  const results = [];
  let failedAt = -1;
  for (let i = 0; i < body.length; i += 1) {
    const input = { ...body[i] };
    if (input.partitionKey === undefined && headerKey) input.partitionKey = headerKey;
    const run = OPERATIONS[input.operationType];
    if (!run) {
      res.statusCode = 400;
      return { message: `Operation type '${input.operationType}' is not supported in Batch.` };
    }
    const result = run(collection, input);
    results.push(result);
    if (result.statusCode >= 400) {
      failedAt = i;
      break;
    }
  }
  if (failedAt >= 0) {
    items._data = saved.data;
    items._index = saved.index;
    items._ridCount = saved.rid;
    return body.map((_, i) =>
      i === failedAt
        ? { statusCode: results[i].statusCode, requestCharge: 0 }
        : { statusCode: 424, requestCharge: 0 });
  }
  return results.map(r => ({
    statusCode: r.statusCode,
    requestCharge: 1,
    eTag: r.body ? r.body._etag : undefined,
    resourceBody: r.body,
  }));
};

const readModule = require(`${lib}/handler/read-document`);
const { parsePartitionKey, default: headerPartitionKey } = require(`${lib}/utils/get-partition-from-header`);
const readDocument = readModule.default;
readModule.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  if (collection.read()) {
    const key = headerPartitionKey(req);
    const partition = key === undefined ? params.docId : parsePartitionKey(key, params.docId);
    if (!collection.document(params.docId, partition).read()) {
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
  }
  return readDocument(account, req, res, params);
};

const { createHttpsServer } = require(`${lib}/index`);
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const host = arg("--host", "127.0.0.1");
const port = parseInt(arg("--port", "8081"), 10);
let served = 0;
const server = createHttpsServer({ keepAlive: true });
const handle = server.listeners("request")[0];
server.removeAllListeners("request");
server.on("request", (req, res) => {
  if (req.url === "/_bookme/requests") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ requests: served }));
    return;
  }
  if (req.url.includes("/docs")) served += 1; // document operations: reads, queries, writes, batches
  if (process.env.BOOKME_COSMOS_TRACE) {
    const plan = req.headers["x-ms-cosmos-is-query-plan-request"] ? " (query plan)" : "";
    console.log(`${req.method} ${req.url}${plan} pk=${req.headers["x-ms-documentdb-partitionkey"] || "-"}`);
  }
  handle(req, res);
});
server.listen(port, host, () => {
  console.log(`cosmosdb-server listening on https://${host}:${server.address().port}`);
});
