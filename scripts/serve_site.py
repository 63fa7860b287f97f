"""Serve the built site on loopback the way a static host does: text gzip-compressed.

    python scripts/serve_site.py [--port 8000] [SITE_DIR]

``scripts/serve.sh`` (``make serve``) uses it. The site itself needs nothing of it: it works
from any plain static file server (``python -m http.server --directory site``), only slower on a
phone, because Material's stylesheet and the pages then travel uncompressed (Lighthouse mobile:
88–95 uncompressed, 94–99 compressed on the heaviest pages; issue 15).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from lighthouse import serve  # the same handler Lighthouse measures with (--gzip)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", default="site", help="the built site (default: site)")
    parser.add_argument("--port", type=int, default=8000, help="loopback port (default: 8000)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"error: {site}/index.html not found: build the site first", file=sys.stderr)
        return 2
    try:
        server, port = serve(site, compress=True, port=args.port)
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"==> serving {site}/ on http://127.0.0.1:{port}/ (gzip; Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
