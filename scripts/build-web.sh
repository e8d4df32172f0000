#!/usr/bin/env bash
# Builds the operator web app (web/operator, TypeScript + React + Vite) and assembles what
# `omniline serve` serves into $1 (default build/web): the bundle and the API description.
# npm packages are installed from package-lock.json when they are missing or out of date.
set -euo pipefail
out="${1:-build/web}"
root="$(cd "$(dirname "$0")/.." && pwd)"
app="$root/web/operator"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

cd "$app"
stamp=node_modules/.omniline-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "build-web: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npm run build --silent
rm -rf "$out/assets"
cp -R dist/. "$out/"
cp "$root/docs/openapi.yaml" "$out/openapi.yaml"
echo "build-web: bundle in $out ($(cat "$out"/assets/*.js | gzip -9 | wc -c) bytes of JavaScript gzipped)"
