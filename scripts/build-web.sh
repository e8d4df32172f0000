#!/usr/bin/env bash
# Assembles the static files `omniline serve` serves into $1 (default build/web): for now the
# sign-in page in web/operator/public and the API description. The React workspace (its own
# issue) will be built here with Vite.
set -euo pipefail
out="${1:-build/web}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
cp -R "$root/web/operator/public/." "$out/"
cp "$root/docs/openapi.yaml" "$out/openapi.yaml"
