#!/usr/bin/env bash
# Build the site exactly as CI does (mkdocs build --strict) and serve it on 127.0.0.1.
#   bash scripts/serve.sh            # http://127.0.0.1:8000/
#   PORT=8001 bash scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
port="${PORT:-8000}"
"$UV" run --frozen --no-sync mkdocs build --strict --site-dir "$PWD/site"
echo "==> serving site/ on http://127.0.0.1:$port/ (Ctrl-C to stop)"
exec "$UV" run --frozen --no-sync python -m http.server "$port" --bind 127.0.0.1 --directory site
