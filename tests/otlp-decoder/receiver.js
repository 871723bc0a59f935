#!/usr/bin/env node
// A stand-in OpenTelemetry collector for pipetrace's exporter and end-to-end
// tests, built only on third-party code: it receives OTLP over HTTP
// (protobuf and JSON, optionally gzip) and gRPC (@grpc/grpc-js), decodes it
// with the protobuf definitions of @opentelemetry/otlp-transformer (through
// decode.js), and appends what it saw to a JSON-lines file:
//   {"type":"request","via":"http/protobuf"|"http/json"|"grpc","request":N,"status":200,"spans":3,
//    "contentEncoding":"gzip","headers":{...},"errors":[...]}
//   {"type":"span","via":...,"request":N, ...one span as decode.js prints it}
// Span lines are written only for requests it accepted, before it replies.
//
//   node receiver.js --out FILE [--host 127.0.0.1] [--http-port 0] [--grpc-port 0]
//                    [--fail-first N] [--fail-status 503] [--retry-after VALUE]
//                    [--reject-spans N]
//
// Once both servers listen it prints {"http":PORT,"grpc":PORT} on one line
// of standard output. --fail-first answers the first N export requests (any
// transport) with --fail-status (gRPC: UNAVAILABLE) and the Retry-After
// value; --reject-spans reports that many spans rejected in a partial success.
// SIGTERM or SIGINT stops it.
'use strict';

const fs = require('fs');
const http = require('http');
const zlib = require('zlib');
const grpc = require('@grpc/grpc-js');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');
const { decodeProto, decodeJson } = require('./decode');

const ExportTraceServiceResponse = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
const TRACES_PATH = '/v1/traces';
const EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function parseArguments(argv) {
  const options = {
    out: '', host: '127.0.0.1', httpPort: 0, grpcPort: 0,
    failFirst: 0, failStatus: 503, retryAfter: '', rejectSpans: 0,
  };
  const names = {
    '--out': ['out', String], '--host': ['host', String], '--http-port': ['httpPort', Number],
    '--grpc-port': ['grpcPort', Number], '--fail-first': ['failFirst', Number],
    '--fail-status': ['failStatus', Number], '--retry-after': ['retryAfter', String],
    '--reject-spans': ['rejectSpans', Number],
  };
  for (let i = 0; i < argv.length; i += 2) {
    const entry = names[argv[i]];
    if (!entry || i + 1 >= argv.length) usage(`unknown or incomplete option ${argv[i]}`);
    options[entry[0]] = entry[1](argv[i + 1]);
  }
  if (!options.out) usage('--out FILE is required');
  return options;
}

function usage(problem) {
  process.stderr.write(`receiver.js: ${problem}\n` +
    'usage: node receiver.js --out FILE [--host H] [--http-port N] [--grpc-port N] [--fail-first N] ' +
    '[--fail-status S] [--retry-after V] [--reject-spans N]\n');
  process.exit(2);
}

const options = parseArguments(process.argv.slice(2));
let requestCount = 0;

// Synchronous appends: a test that saw the reply finds the lines on disk.
function record(lines) {
  fs.appendFileSync(options.out, lines.map((line) => JSON.stringify(line) + '\n').join(''));
}

// Decides how to answer export request number `n` and records it.
function accept(via, n, decoded, details) {
  const failing = n <= options.failFirst;
  const errors = decoded.errors || [];
  const status = failing ? options.failStatus : errors.length > 0 ? 400 : 200;
  const lines = [Object.assign({ type: 'request', via, request: n, status, spans: decoded.spans.length }, details,
    { errors })];
  if (status === 200) {
    for (const span of decoded.spans) lines.push(Object.assign({ type: 'span', via, request: n }, span));
  }
  record(lines);
  return { status, failing, errors };
}

function partialSuccess() {
  if (options.rejectSpans <= 0) return {};
  return { partialSuccess: { rejectedSpans: options.rejectSpans, errorMessage: 'receiver told to reject spans' } };
}

function handleHttp(req, res) {
  if (req.method !== 'POST' || req.url.split('?')[0] !== TRACES_PATH) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end(`only POST ${TRACES_PATH} is served\n`);
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    const encoding = (req.headers['content-encoding'] || '').toLowerCase();
    const type = (req.headers['content-type'] || '').toLowerCase();
    const json = type.startsWith('application/json');
    const n = ++requestCount;
    let decoded;
    try {
      if (encoding === 'gzip') body = zlib.gunzipSync(body);
      else if (encoding !== '' && encoding !== 'identity') throw new Error(`unsupported Content-Encoding ${encoding}`);
      if (!json && !type.startsWith('application/x-protobuf')) throw new Error(`unsupported Content-Type ${type}`);
      decoded = json ? decodeJson(body.toString('utf8')) : decodeProto(body);
    } catch (e) {
      decoded = { spans: [], errors: [e.message] };
    }
    const via = json ? 'http/json' : 'http/protobuf';
    const verdict = accept(via, n, decoded, { contentType: type, contentEncoding: encoding, headers: req.headers });
    const headers = { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' };
    if (verdict.status !== 200) {
      if (verdict.failing && options.retryAfter) headers['Retry-After'] = options.retryAfter;
      headers['Content-Type'] = 'application/json';
      const message = verdict.failing ? 'receiver told to fail' : verdict.errors.join('; ');
      res.writeHead(verdict.status, headers);
      res.end(JSON.stringify({ code: verdict.failing ? 14 : 3, message }));
      return;
    }
    const reply = partialSuccess();
    res.writeHead(200, headers);
    res.end(json ? JSON.stringify(reply) : Buffer.from(ExportTraceServiceResponse.encode(
      ExportTraceServiceResponse.fromObject(reply)).finish()));
  });
}

// The service definition written out by hand (no .proto loading): requests
// stay raw bytes so that decode.js decodes them exactly as for HTTP.
const traceService = {
  Export: {
    path: EXPORT_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: (bytes) => bytes,
    requestDeserialize: (bytes) => bytes,
    responseSerialize: (reply) => Buffer.from(ExportTraceServiceResponse.encode(
      ExportTraceServiceResponse.fromObject(reply)).finish()),
    responseDeserialize: (bytes) => ExportTraceServiceResponse.decode(bytes),
  },
};

function handleGrpc(call, callback) {
  const n = ++requestCount;
  const verdict = accept('grpc', n, decodeProto(call.request), { headers: call.metadata.getMap() });
  if (verdict.failing) {
    callback({ code: grpc.status.UNAVAILABLE, details: 'receiver told to fail' });
  } else if (verdict.status !== 200) {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: verdict.errors.join('; ') });
  } else {
    callback(null, partialSuccess());
  }
}

function main() {
  fs.writeFileSync(options.out, '');
  const httpServer = http.createServer(handleHttp);
  const grpcServer = new grpc.Server();
  grpcServer.addService(traceService, { Export: handleGrpc });
  httpServer.listen(options.httpPort, options.host, () => {
    const address = options.host.includes(':') ? `[${options.host}]` : options.host;
    grpcServer.bindAsync(`${address}:${options.grpcPort}`, grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) {
        process.stderr.write(`receiver.js: cannot listen for gRPC: ${error.message}\n`);
        process.exit(1);
      }
      process.stdout.write(JSON.stringify({ http: httpServer.address().port, grpc: port }) + '\n');
    });
  });
  const stop = () => {
    httpServer.close();
    grpcServer.forceShutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
