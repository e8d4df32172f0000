#!/usr/bin/env bash
# Builds the web apps and assembles what `omniline serve` serves into $1 (default build/web):
# the operator workspace (web/operator, TypeScript + React + Vite) at /, the website chat widget
# (web/widget, plain TypeScript) at /widget.js with its sample page at /demo, and the API
# description. npm packages are installed from each package-lock.json when missing or stale
# (also those of tests/telegram, the Bot API emulator of the integration tests).
set -euo pipefail
out="${1:-build/web}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# npm ci when node_modules does not match package-lock.json.
npm_install() {
  cd "$1"
  local stamp=node_modules/.omniline-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "build-web: installing npm packages in ${1#"$root"/}"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
}
# Then `npm run build`.
build_app() {
  npm_install "$1"
  npm run build --silent
}

(build_app "$root/web/operator")
rm -rf "$out/assets"
cp -R "$root/web/operator/dist/." "$out/"

(build_app "$root/web/widget")
cp "$root/web/widget/dist/widget.js" "$out/widget.js"
mkdir -p "$out/demo"
cp "$root/web/widget/dist/demo/index.html" "$out/demo/index.html"

cp "$root/docs/openapi.yaml" "$out/openapi.yaml"

# The Telegram Bot API emulator the integration tests run (tests/telegram).
(npm_install "$root/tests/telegram")
echo "build-web: in $out: workspace JavaScript $(cat "$out"/assets/*.js | gzip -9 | wc -c) bytes gzipped," \
  "widget.js $(gzip -9 < "$out/widget.js" | wc -c) bytes gzipped"
