"""``make serve`` sends text gzip-compressed, as a static host does (issue 15: Material's
stylesheet uncompressed held the first paint on a phone), and the bytes are the built file's."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_serve_site_sends_gzip_and_the_same_bytes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "stylesheets").mkdir(parents=True)
    page = "<!doctype html><title>x</title>" + "her2guide " * 200
    (site / "index.html").write_text(page, encoding="utf-8")
    (site / "stylesheets" / "a.css").write_text("body{margin:0}" * 50, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve_site.py"), "--port", "0", str(site)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        port = re.search(r"127\.0\.0\.1:(\d+)/", line)
        assert port, line
        req = urllib.request.Request(
            f"http://127.0.0.1:{port.group(1)}/", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(resp.read()).decode() == page
        plain = f"http://127.0.0.1:{port.group(1)}/stylesheets/a.css"
        with urllib.request.urlopen(plain, timeout=10) as resp:  # no Accept-Encoding: as is
            assert resp.headers["Content-Encoding"] is None
            assert resp.read().decode() == "body{margin:0}" * 50
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_serve_site_refuses_a_directory_without_a_site(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "serve_site.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "index.html not found" in out.stderr
