#!/usr/bin/env node
// Independent check of pipetrace's OTLP output. Decodes what our exporters
// write with the protobuf definitions that ship in
// @opentelemetry/otlp-transformer (its generated protobufjs root), and prints
// every span as normalized JSON for the C++ tests to compare with what they
// encoded. Nothing here shares code with pipetrace.
//
//   node decode.js --proto FILE   an ExportTraceServiceRequest in protobuf
//   node decode.js --json FILE    OTLP/JSON, one TracesData per line
//
// FILE may be "-" for standard input. JSON input is also checked against the
// OTLP/JSON rules our encoder promises (lowercase hex IDs, 64-bit integers as
// strings, integer enums, no unknown fields); every breach is listed in
// "errors" and makes the exit code 1.
'use strict';

const fs = require('fs');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');

const otlp = root.opentelemetry.proto;
const ExportTraceServiceRequest = otlp.collector.trace.v1.ExportTraceServiceRequest;
const TracesData = otlp.trace.v1.TracesData;

// toObject options that keep every value exact: 64-bit integers as decimal
// strings, enums as numbers, bytes as base64, non-finite doubles as strings.
const EXACT = { longs: String, enums: Number, bytes: String, json: true, oneofs: true, arrays: true };

function usage() {
  process.stderr.write('usage: node decode.js --proto FILE | --json FILE   (FILE may be -)\n');
  process.exit(2);
}

function readInput(file) {
  return fs.readFileSync(file === '-' ? 0 : file);
}

function hexOfBase64(text) {
  return Buffer.from(text || '', 'base64').toString('hex');
}

function normalizeValue(any) {
  if (!any || !any.value) return { type: 'empty', value: null };
  switch (any.value) {
    case 'stringValue': return { type: 'string', value: any.stringValue };
    case 'boolValue': return { type: 'bool', value: any.boolValue };
    case 'intValue': return { type: 'int', value: String(any.intValue) };
    case 'doubleValue': return { type: 'double', value: any.doubleValue };
    case 'bytesValue': return { type: 'bytes', value: hexOfBase64(any.bytesValue) };
    case 'arrayValue':
      return { type: 'array', value: ((any.arrayValue && any.arrayValue.values) || []).map(normalizeValue) };
    case 'kvlistValue':
      return { type: 'kvlist', value: normalizeAttributes((any.kvlistValue && any.kvlistValue.values) || []) };
    default: return { type: 'unknown:' + any.value, value: null };
  }
}

function normalizeAttributes(list) {
  return (list || []).map((kv) => Object.assign({ key: kv.key || '' }, normalizeValue(kv.value)));
}

// One flat record per span, with its resource and scope, from a decoded
// TracesData/ExportTraceServiceRequest rendered by toObject(EXACT).
function normalizeRequest(object) {
  const spans = [];
  for (const rs of object.resourceSpans || []) {
    const resource = normalizeAttributes((rs.resource && rs.resource.attributes) || []);
    for (const ss of rs.scopeSpans || []) {
      const scope = { name: (ss.scope && ss.scope.name) || '', version: (ss.scope && ss.scope.version) || '' };
      for (const s of ss.spans || []) {
        spans.push({
          resource,
          scope,
          traceId: hexOfBase64(s.traceId),
          spanId: hexOfBase64(s.spanId),
          parentSpanId: hexOfBase64(s.parentSpanId),
          traceState: s.traceState || '',
          flags: s.flags || 0,
          name: s.name || '',
          kind: s.kind || 0,
          startTimeUnixNano: String(s.startTimeUnixNano || '0'),
          endTimeUnixNano: String(s.endTimeUnixNano || '0'),
          attributes: normalizeAttributes(s.attributes),
          events: (s.events || []).map((e) => ({
            timeUnixNano: String(e.timeUnixNano || '0'),
            name: e.name || '',
            attributes: normalizeAttributes(e.attributes),
          })),
          links: (s.links || []).map((l) => ({
            traceId: hexOfBase64(l.traceId),
            spanId: hexOfBase64(l.spanId),
            traceState: l.traceState || '',
            attributes: normalizeAttributes(l.attributes),
          })),
          status: { code: (s.status && s.status.code) || 0, message: (s.status && s.status.message) || '' },
        });
      }
    }
  }
  return spans;
}

// --- OTLP/JSON checks -------------------------------------------------------

const ID_FIELDS = { traceId: 32, spanId: 16, parentSpanId: 16 };
const STRING_INTEGER_FIELDS = new Set(['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano', 'intValue']);
const INTEGER_ENUM_FIELDS = new Set(['kind', 'code']);

// Checks the spelling rules and turns hex IDs into bytes, which protobufjs's
// fromObject expects (it would read a string as base64).
function prepareJson(value, path, errors) {
  if (Array.isArray(value)) return value.map((v, i) => prepareJson(v, `${path}[${i}]`, errors));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    const where = `${path}.${key}`;
    if (key in ID_FIELDS) {
      if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v)) {
        errors.push(`${where}: ID ${JSON.stringify(v)} is not lowercase hex`);
      } else if (v !== '' && v.length !== ID_FIELDS[key]) {
        errors.push(`${where}: ID ${JSON.stringify(v)} should have ${ID_FIELDS[key]} hex digits`);
      }
      out[key] = Buffer.from(typeof v === 'string' ? v : '', 'hex');
      continue;
    }
    if (STRING_INTEGER_FIELDS.has(key) && !(typeof v === 'string' && /^-?[0-9]+$/.test(v))) {
      errors.push(`${where}: 64-bit integer ${JSON.stringify(v)} should be a decimal string`);
    }
    if (INTEGER_ENUM_FIELDS.has(key) && !Number.isInteger(v)) {
      errors.push(`${where}: enum ${JSON.stringify(v)} should be an integer`);
    }
    out[key] = prepareJson(v, where, errors);
  }
  return out;
}

// Every field we wrote must be one the protobuf definitions know: fromObject
// silently drops the others, so look for keys that did not survive.
function findUnknownFields(input, decoded, path, errors) {
  if (Array.isArray(input)) {
    input.forEach((v, i) => findUnknownFields(v, decoded && decoded[i], `${path}[${i}]`, errors));
    return;
  }
  if (input === null || typeof input !== 'object' || Buffer.isBuffer(input)) return;
  for (const key of Object.keys(input)) {
    if (!decoded || !(key in decoded)) {
      errors.push(`${path}.${key}: not a field of the OTLP protobuf definitions`);
      continue;
    }
    findUnknownFields(input[key], decoded[key], `${path}.${key}`, errors);
  }
}

function decodeJsonDocument(parsed, where, spans, errors) {
  const prepared = prepareJson(parsed, where, errors);
  const message = TracesData.fromObject(prepared);
  const verifyError = TracesData.verify(message);
  if (verifyError) errors.push(`${where}: ${verifyError}`);
  findUnknownFields(prepared, TracesData.toObject(message, { bytes: Buffer, arrays: false }), where, errors);
  // Through the wire format and back, as a receiver would see it.
  const wire = TracesData.decode(TracesData.encode(message).finish());
  spans.push(...normalizeRequest(TracesData.toObject(wire, EXACT)));
}

// One TracesData per line; a file that is a single (pretty-printed) JSON
// document is read as one.
function decodeJson(text) {
  const spans = [];
  const errors = [];
  let whole;
  try {
    whole = JSON.parse(text);
  } catch (e) {
    whole = undefined;
  }
  if (whole !== undefined) {
    decodeJsonDocument(whole, 'document', spans, errors);
    return { spans, errors };
  }
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `line ${index + 1}`;
    let parsed;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      errors.push(`${where}: not JSON: ${e.message}`);
      return;
    }
    decodeJsonDocument(parsed, where, spans, errors);
  });
  return { spans, errors };
}

function decodeProto(bytes) {
  try {
    const request = ExportTraceServiceRequest.decode(bytes);
    return { spans: normalizeRequest(ExportTraceServiceRequest.toObject(request, EXACT)), errors: [] };
  } catch (e) {
    return { spans: [], errors: [`protobuf: ${e.message}`] };
  }
}

function main() {
  const [mode, file] = process.argv.slice(2);
  if (!file || (mode !== '--proto' && mode !== '--json')) usage();
  const input = readInput(file);
  const result = mode === '--proto' ? decodeProto(input) : decodeJson(input.toString('utf8'));
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(result.errors.length === 0 ? 0 : 1);
}

// receiver.js reuses the decoding; run as a program, this file decodes a file.
module.exports = { decodeProto, decodeJson, normalizeRequest };

if (require.main === module) main();
