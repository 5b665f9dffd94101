"""The minifier (tdewolff-minify, docs/dependencies.md), run in a process of its own.

Its Go runtime starts threads and installs signal handlers when the library is loaded; the site build forks to
render pages in parallel, and a Go runtime does not survive a fork. So the build hands the files to this command
and reads the results back:

    python -m plugins.assets.minifier < {"css/site.css": ["text/css", "..."], ...}  > {"css/site.css": "...", ...}

A file that does not parse comes back as ``{"error": {name: message}}`` (and exit status 1), all of them at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


class MinifyError(Exception):
    """Files the minifier could not read; the message names each file and the minifier's reason."""


def minify_texts(files: dict[str, tuple[str, str]]) -> dict[str, str]:
    """``{name: (media type, text)}`` minified, in a child process. Raises ``MinifyError``."""
    result = subprocess.run(
        [sys.executable, "-m", __name__],
        input=json.dumps(files),
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        answer: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise MinifyError(f"the minifier stopped (exit status {result.returncode}): {result.stderr.strip()}") from None
    if "error" in answer:
        raise MinifyError("\n".join(f"  {name}: {message}" for name, message in sorted(answer["error"].items())))
    return dict(answer["files"])


def main() -> int:
    import minify  # tdewolff-minify: loaded in this process only

    files: dict[str, list[str]] = json.load(sys.stdin)
    done, errors = {}, {}
    for name, (media_type, text) in files.items():
        try:
            done[name] = minify.string(media_type, text)
        except Exception as err:  # the binding raises a plain Exception with the parser's line and column
            errors[name] = str(err)
    json.dump({"error": errors} if errors else {"files": done}, sys.stdout)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
