"""What the operator tools that write data files share: the files' text format, key order kept on update, a
diff to show, and validation with the build's own loader before anything is written.

Used by scripts/import_csv.py, scripts/import_register.py and scripts/export_profiles.py.
"""

from __future__ import annotations

import difflib
import json
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plugins.directory.model import DataError, DataFilesError, load_directory  # noqa: E402

SHARED = ("taxonomy.json", "places.json")  # the code lists a professional's file refers to
SHARED_FOLDERS = ("schema", "establishments")


def file_text(record: Mapping[str, Any]) -> str:
    """A data file's text as every file of content/directory is written."""
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def like(old: Any, new: Any) -> Any:
    """``new``, with the keys of its objects in ``old``'s order where ``old`` has them (new keys last), so that a
    written file changes only where the values do."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = [k for k in old if k in new] + [k for k in new if k not in old]
        return {k: like(old.get(k), new[k]) for k in keys}
    if isinstance(old, list) and isinstance(new, list):
        return [like(old[i] if i < len(old) else None, item) for i, item in enumerate(new)]
    return new


def validate(directory: Path, texts: Mapping[Path, str]) -> list[DataError]:
    """The build's loader on the professionals' files ``texts`` (path in ``directory`` -> new text), with the code
    lists, schemas and establishments of ``directory``; every error, naming the real files.

    A professional's file refers only to those, so the other professionals' files are not copied: checking a few
    files of a directory of 100,000 takes as long as checking them alone."""
    with tempfile.TemporaryDirectory() as temporary:
        copy = Path(temporary) / directory.name
        copy.mkdir()
        for name in SHARED:
            shutil.copy(directory / name, copy / name)
        for name in SHARED_FOLDERS:
            if (directory / name).is_dir():
                shutil.copytree(directory / name, copy / name)
        for path, text in texts.items():
            target = copy / path.relative_to(directory)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        try:
            load_directory(copy, report_root=copy)
        except DataFilesError as err:
            return [DataError(str(directory / e.file), e.line, e.field, e.message) for e in err.errors]
    return []


def diff(path: Path, text: str, label: str) -> str:
    """A unified diff from the file at ``path`` (none yet: empty) to ``text``."""
    before = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
    source = str(path) if path.exists() else "/dev/null"
    return "".join(difflib.unified_diff(before, text.splitlines(keepends=True), source, f"{path} ({label})"))
