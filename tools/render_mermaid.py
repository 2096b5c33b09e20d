#!/usr/bin/env python3
"""Render a Mermaid file in headless Chromium and say whether Mermaid drew it.

A developer's check that `vpclint show --format mermaid` gives a chart a browser really draws
(GitHub renders the same Mermaid in Markdown). It installs nothing: give it a node_modules
folder that holds the `mermaid` npm package, for instance

    mkdir -p /tmp/mermaid-check && (cd /tmp/mermaid-check && npm install mermaid)
    vpclint show template.yaml --format mermaid > /tmp/network.mmd
    python tools/render_mermaid.py /tmp/network.mmd --node-modules /tmp/mermaid-check/node_modules

The Mermaid block of `vpclint diff --format markdown` is checked the same way
(tests/test_diff.py runs this script when VPCLINT_MERMAID_MODULES names such a node_modules).

It writes an HTML page beside the screenshot that loads mermaid's UMD bundle from that folder,
renders the chart with `mermaid.render` (securityLevel "strict", as on GitHub), and records the
outcome in the page. Chromium (`/usr/bin/chromium`, Debian's `chromium` package) is run twice
in a fresh profile: once with --dump-dom to read the outcome, once with --screenshot.

Exit status: 0 when an SVG was drawn without a syntax error, 1 when Mermaid failed, 2 when the
bundle or the browser is missing or the browser could not run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE = Path("mermaid") / "dist" / "mermaid.min.js"
STATUS = re.compile(r'<div id="status"[^>]*>(.*?)</div>', re.S)

PAGE = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: sans-serif; margin: 16px; background: white; }}
  #status {{ font-size: 12px; color: #555; margin-bottom: 8px; }}
</style>
<script src="{bundle}"></script>
</head>
<body>
<div id="status">pending</div>
<div id="diagram"></div>
<script>
const source = {source};
const status = document.getElementById("status");
if (typeof mermaid === "undefined") {{
  status.textContent = "error: the mermaid bundle did not load";
}} else {{
  mermaid.initialize({{ startOnLoad: false, securityLevel: "strict" }});
  mermaid
    .parse(source)
    .then(() => mermaid.render("chart", source))
    .then(({{ svg }}) => {{
      document.getElementById("diagram").innerHTML = svg;
      status.textContent = "rendered";
    }})
    .catch((error) => {{
      status.textContent = "error: " + ((error && (error.message || error.str)) || error);
    }});
}}
</script>
</body>
</html>
"""


def page(source: str, bundle: Path, title: str) -> str:
    """The HTML page that renders `source`; the chart text is a JSON string in the script."""
    literal = json.dumps(source).replace("</", "<\\/")  # cannot close the <script> early
    return PAGE.format(title=title, bundle=bundle.resolve().as_uri(), source=literal)


def chromium_command(
    browser: str, profile: Path, url: str, extra: list[str], size: str
) -> list[str]:
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--allow-file-access-from-files",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
        f"--window-size={size}",
        *extra,
        url,
    ]


def run_browser(browser: str, url: str, extra: list[str], size: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="render-mermaid-profile-") as profile:
        return subprocess.run(
            chromium_command(browser, Path(profile), url, extra, size),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chart", type=Path, help="a .mmd file")
    parser.add_argument(
        "--node-modules",
        type=Path,
        default=Path("node_modules"),
        help="a node_modules folder holding the mermaid package [default: ./node_modules]",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        help="where to write the PNG [default: the chart's path with .png]",
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the browser to run")
    parser.add_argument("--window-size", default="1600,1200", help="width,height in pixels")
    args = parser.parse_args(argv)

    bundle = args.node_modules / BUNDLE
    if not bundle.is_file():
        print(f"error: no mermaid bundle at {bundle} (npm install mermaid)", file=sys.stderr)
        return 2
    browser = shutil.which(args.chromium) or args.chromium
    if not Path(browser).is_file():
        print(f"error: no browser at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 2
    source = args.chart.read_text(encoding="utf-8")
    screenshot = (args.screenshot or args.chart.with_suffix(".png")).resolve()
    html = screenshot.with_suffix(".html")
    html.write_text(page(source, bundle, args.chart.name), encoding="utf-8")
    url = html.as_uri()

    dumped = run_browser(browser, url, ["--dump-dom"], args.window_size)
    if dumped.returncode != 0 or not dumped.stdout:
        print(f"error: the browser failed: {dumped.stderr.strip()[-2000:]}", file=sys.stderr)
        return 2
    dom = dumped.stdout
    found = STATUS.search(dom)
    status = found.group(1).strip() if found else "no status in the page"
    drew = "<svg" in dom and status.startswith("rendered")
    syntax_error = "Syntax error" in dom or status.startswith("error")

    shot = run_browser(browser, url, [f"--screenshot={screenshot}"], args.window_size)
    if shot.returncode != 0 or not screenshot.is_file():
        print(f"warning: no screenshot: {shot.stderr.strip()[-2000:]}", file=sys.stderr)

    package = args.node_modules / "mermaid" / "package.json"
    version = json.loads(package.read_text(encoding="utf-8")).get("version", "?")
    print(f"mermaid:    {version} ({bundle})")
    print(f"page:       {html}")
    print(f"screenshot: {screenshot}")
    print(f"outcome:    {status}")
    if drew and not syntax_error:
        print(f"ok: mermaid drew an SVG for {args.chart}")
        return 0
    print(f"FAILED: mermaid did not draw {args.chart}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
