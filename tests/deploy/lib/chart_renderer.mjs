// A tiny renderer for the forms deploy/helm/pipetrace's templates use (no
// helm binary exists on the test machines): `{{ .Values.a.b }}`,
// `.Release.*`, `.Chart.*`, string literals, `include "name" .`,
// `define`/`if`/`else`/`end`, comments, the whitespace-trimming `{{-`/`-}}`,
// and the functions toYaml, nindent, indent, quote and default (with
// pipelines, where the piped value is the last argument, as in Helm). Any
// other form is an error, so the templates stay that simple.
import fs from "node:fs";
import path from "node:path";

import { YAML } from "./manifests.mjs";

// Splits a template into text and actions, applying the trim markers.
function tokenize(text, name) {
  const tokens = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf("{{", at);
    if (open < 0) {
      tokens.push({ text: text.slice(at) });
      break;
    }
    const close = text.indexOf("}}", open);
    if (close < 0) throw new Error(`${name}: unclosed {{`);
    tokens.push({ text: text.slice(at, open) });
    let inner = text.slice(open + 2, close);
    const trimLeft = inner.startsWith("-");
    const trimRight = inner.endsWith("-");
    if (trimLeft) inner = inner.slice(1);
    if (trimRight) inner = inner.slice(0, -1);
    tokens.push({ action: inner.trim(), trimLeft, trimRight });
    at = close + 2;
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.action === undefined) continue;
    if (t.trimLeft && i > 0) tokens[i - 1].text = tokens[i - 1].text.replace(/\s+$/, "");
    if (t.trimRight && i + 1 < tokens.length) tokens[i + 1].text = tokens[i + 1].text.replace(/^\s+/, "");
  }
  return tokens;
}

// Builds a tree of text, expressions, if/else blocks and defines.
function parse(tokens, name) {
  const root = { children: [] };
  const stack = [root];
  const top = () => stack[stack.length - 1];
  for (const token of tokens) {
    if (token.text !== undefined) {
      if (token.text) top().children.push({ text: token.text });
      continue;
    }
    const action = token.action;
    if (action.startsWith("/*")) continue;
    let m;
    if ((m = action.match(/^define\s+"([^"]+)"$/))) {
      const node = { define: m[1], children: [] };
      top().children.push(node);
      stack.push(node);
    } else if ((m = action.match(/^if\s+(.+)$/))) {
      const node = { if: m[1], children: [], otherwise: null };
      top().children.push(node);
      stack.push(node);
    } else if (action === "else") {
      const node = top();
      if (node.if === undefined || node.otherwise) throw new Error(`${name}: else outside an if`);
      node.otherwise = { children: [] };
      stack.push(node.otherwise);
      node.otherwise.isElse = true;
    } else if (action === "end") {
      if (stack.length < 2) throw new Error(`${name}: end without a block`);
      if (top().isElse) stack.pop();
      stack.pop();
    } else {
      top().children.push({ expression: action });
    }
  }
  if (stack.length !== 1) throw new Error(`${name}: unclosed block`);
  return root;
}

function truthy(value) {
  if (value === null || value === undefined || value === false || value === "" || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

// Splits on blanks and pipes outside double quotes.
function words(text) {
  return text.match(/"(?:[^"\\]|\\.)*"|\||[^\s|]+/g) ?? [];
}

export class ChartRenderer {
  constructor(chartDir, values, release = { Name: "pipetrace", Namespace: "default", Service: "Helm" }) {
    this.chartDir = chartDir;
    this.chart = YAML.parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8"));
    this.context = {
      Values: values,
      Release: release,
      Chart: { Name: this.chart.name, Version: this.chart.version, AppVersion: this.chart.appVersion },
    };
    this.defines = new Map();
  }

  term(word) {
    if (word === ".") return this.context;
    if (word.startsWith('"')) return JSON.parse(word);
    if (/^-?\d+$/.test(word)) return Number(word);
    if (word.startsWith(".")) {
      let value = this.context;
      for (const part of word.slice(1).split(".")) value = value?.[part];
      return value;
    }
    throw new Error(`unsupported term ${word}`);
  }

  call(fn, args) {
    switch (fn) {
      case "include": {
        const body = this.defines.get(args[0]);
        if (!body) throw new Error(`no template named ${args[0]}`);
        return this.renderNodes(body.children);
      }
      case "toYaml":
        return YAML.stringify(args[0]).replace(/\n$/, "");
      case "nindent":
        return "\n" + this.call("indent", args);
      case "indent":
        return String(args[1]).split("\n").map((l) => " ".repeat(args[0]) + l).join("\n");
      case "quote":
        return JSON.stringify(String(args[0] ?? ""));
      case "default":
        return truthy(args[1]) ? args[1] : args[0];
      default:
        throw new Error(`unsupported function ${fn}`);
    }
  }

  evaluate(expression) {
    const commands = [[]];
    for (const w of words(expression)) {
      if (w === "|") commands.push([]);
      else commands[commands.length - 1].push(w);
    }
    let value;
    commands.forEach((command, i) => {
      const [head, ...rest] = command;
      const isFunction = /^[a-zA-Z]+$/.test(head);
      const args = rest.map((w) => this.term(w));
      if (i > 0) args.push(value);
      if (isFunction) value = this.call(head, args);
      else if (command.length === 1 && i === 0) value = this.term(head);
      else throw new Error(`unsupported expression ${expression}`);
    });
    return value;
  }

  renderNodes(nodes) {
    let out = "";
    for (const node of nodes) {
      if (node.text !== undefined) out += node.text;
      else if (node.define !== undefined) this.defines.set(node.define, node);
      else if (node.if !== undefined) {
        if (truthy(this.evaluate(node.if))) out += this.renderNodes(node.children);
        else if (node.otherwise) out += this.renderNodes(node.otherwise.children);
      } else {
        const value = this.evaluate(node.expression);
        out += value === undefined || value === null ? "" : String(value);
      }
    }
    return out;
  }

  // Every template's output, helpers (_*.tpl) read first for their defines.
  render() {
    const dir = path.join(this.chartDir, "templates");
    const files = fs.readdirSync(dir).sort();
    for (const file of files.filter((f) => f.startsWith("_"))) {
      this.renderNodes(parse(tokenize(fs.readFileSync(path.join(dir, file), "utf8"), file), file).children);
    }
    const outputs = {};
    for (const file of files.filter((f) => !f.startsWith("_") && f.endsWith(".yaml"))) {
      try {
        outputs[file] = this.renderNodes(parse(tokenize(fs.readFileSync(path.join(dir, file), "utf8"), file), file).children);
      } catch (error) {
        throw new Error(`${file}: ${error.message}`);
      }
    }
    return outputs;
  }
}
