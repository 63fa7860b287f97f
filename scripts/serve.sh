#!/usr/bin/env bash
# Build the site exactly as CI does (mkdocs build --strict) and serve it on 127.0.0.1.
#   bash scripts/serve.sh            # http://127.0.0.1:8000/
#   PORT=8001 bash scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
port="${PORT:-8000}"
"$UV" run --frozen --no-sync mkdocs build --strict --site-dir "$PWD/site"
# text is sent gzip-compressed, as a static host does (plain `python -m http.server` works too)
exec "$UV" run --frozen --no-sync python scripts/serve_site.py --port "$port" site
