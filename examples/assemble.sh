#!/usr/bin/env bash
# Rebuilds examples/<scenario>/recording.jsonl and dump.json from the real
# objects in testdata/fixtures (see examples/README.md for what is changed).
# Needs node and the npm package `yaml`, installed once into a cache folder
# outside the tree so that the repository carries no node_modules.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
yaml_version="2.9.1"
cache="${PIPETRACE_EXAMPLES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pipetrace-examples}"

if ! command -v node >/dev/null 2>&1; then
  echo "assemble: node is required (scripts/install-deps installs it)" >&2
  exit 1
fi

if [ ! -f "$cache/node_modules/yaml/package.json" ] ||
   ! grep -q "\"version\": \"$yaml_version\"" "$cache/node_modules/yaml/package.json"; then
  echo "assemble: installing yaml@$yaml_version into $cache"
  mkdir -p "$cache"
  npm install --silent --no-audit --no-fund --prefix "$cache" "yaml@$yaml_version" >/dev/null
fi

PIPETRACE_YAML_MODULES="$cache" exec node "$here/assemble.mjs" "$@"
