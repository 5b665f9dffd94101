"""Search relevance: the share of right results among the first five, for the queries of
tests/e2e/search_relevance.json, on a built site (its search page, Pagefind index and vocabulary) in Chromium.

    .venv/bin/python bench/search_relevance.py --site output
    .venv/bin/python bench/search_relevance.py --site /tmp/before/output --content /tmp/before/content

The site is served the way the local portal serves it (its security headers included); ``--content`` is the
content folder the site was built from (the relevance set is judged against its data files). Prints the figure,
per language and per kind of query, and every query below a full score, as JSON; results go to
bench/out/search_relevance.json too.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from local.portal import PortalApp  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.relevance import Site, load_set, run, summary  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--site", type=Path, default=ROOT / "output", help="a built site with its search index")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="the content it was built from")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "search_relevance.json")
    args = parser.parse_args()
    server = make_server("127.0.0.1", 0, PortalApp(args.site, pool=None), threaded=True)  # type: ignore[arg-type]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    began = time.perf_counter()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            outcomes = run(page, base, load_set(), Site(args.content))
            browser.close()
    finally:
        server.shutdown()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "site": str(args.site),
        "seconds": round(time.perf_counter() - began, 1),
        **summary(outcomes),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
