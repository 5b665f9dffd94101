"""From theme/static/ to the files the site serves: CSS, JavaScript and SVG minified, each module's imports pointing
at the hashed names of the modules it imports, and every file named by a hash of its final content
(``js/booking.js`` -> ``theme/js/booking.1f2e3d4c5b.js``), so that it can be cached for a year: a change makes a new
name, and the pages that use it link the new name.

Module imports are rewritten rather than mapped with an import map: browsers take an import map only inline
(``<script type="importmap">``, no ``src``), which the Content-Security-Policy (``default-src 'self'``) forbids
without a hash or nonce for each page; and a module's hash must cover the names it imports, or a changed
``api-core.js`` would be fetched by pages under an old ``booking-core.js`` that still imports the old one.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from plugins.assets.minifier import minify_texts

MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
# import ... from "./x.js", export ... from "./x.js", import "./x.js", import("./x.js") (in minified text too)
IMPORT = re.compile(r"""(\b(?:from|import)\s*\(?\s*)(["'])(\.{1,2}/[^"'\s]+)\2""")
HASH_LENGTH = 10  # hex digits: ample to tell a few hundred versions of a file apart


class AssetError(Exception):
    """A theme file that cannot be served as it is; the message names the file."""


@dataclass(frozen=True)
class Asset:
    name: str  # under theme/static/: "js/booking.js"
    path: str  # under the site root: "theme/js/booking.1f2e3d4c5b.js"
    data: bytes
    imports: tuple[str, ...] = ()  # the modules it imports directly (names)


def hashed(name: str, data: bytes) -> str:
    """``css/site.css`` -> ``css/site.<first 10 hex digits of its SHA-256>.css``."""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def module_imports(name: str, text: str, known: set[str]) -> list[str]:
    """The names of the modules ``name`` imports (relative specifiers only), each checked to exist."""
    found = []
    for _, _, specifier in IMPORT.findall(text):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), specifier))
        if target not in known:
            raise AssetError(f"theme/static/{name}: imports {specifier!r}, which is not in theme/static/")
        found.append(target)
    return found


def in_import_order(imports: dict[str, list[str]]) -> list[str]:
    """Module names, each after every module it imports."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = " -> ".join([*chain[chain.index(name) :], name])
            raise AssetError(f"theme/static/{name}: modules import each other in a circle ({cycle})")
        state[name] = "visiting"
        for target in imports[name]:
            visit(target, [*chain, name])
        state[name] = "done"
        order.append(name)

    for name in sorted(imports):
        visit(name, [])
    return order


def build_assets(
    static: Path,
    prefix: str = "theme",
    minify: Callable[[dict[str, tuple[str, str]]], dict[str, str]] = minify_texts,
) -> dict[str, Asset]:
    """Every file of ``static`` as served under ``prefix``/, by its name under ``static``."""
    sources = {p.relative_to(static).as_posix(): p.read_bytes() for p in sorted(static.rglob("*")) if p.is_file()}
    texts = {}
    for name, data in sources.items():
        media_type = MEDIA_TYPES.get(posixpath.splitext(name)[1])
        if media_type:
            try:
                texts[name] = (media_type, data.decode("utf-8"))
            except UnicodeDecodeError as err:
                raise AssetError(f"theme/static/{name}: not UTF-8 ({err})") from None
    minified = minify(texts)
    modules = {name: minified[name] for name in texts if name.endswith(".js")}
    imports = {name: module_imports(name, text, set(modules)) for name, text in modules.items()}
    assets: dict[str, Asset] = {}
    for name in in_import_order(imports):

        def to_hashed(match: re.Match[str], name: str = name) -> str:
            lead, quote, specifier = match.groups()
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), specifier))
            relative = posixpath.relpath(assets[target].path, posixpath.dirname(f"{prefix}/{name}"))
            return f"{lead}{quote}{relative if relative.startswith('../') else './' + relative}{quote}"

        data = IMPORT.sub(to_hashed, modules[name]).encode("utf-8")
        assets[name] = Asset(name, f"{prefix}/{hashed(name, data)}", data, tuple(imports[name]))
    for name, source in sources.items():
        if name not in assets:
            data = minified[name].encode("utf-8") if name in minified else source
            assets[name] = Asset(name, f"{prefix}/{hashed(name, data)}", data)
    return dict(sorted(assets.items()))


def module_closure(assets: dict[str, Asset], name: str) -> list[str]:
    """Every module ``name`` imports, directly or not, in import order (what a page preloads with it)."""
    seen: list[str] = []

    def visit(module: str) -> None:
        for target in assets[module].imports:
            if target not in seen:
                visit(target)
                seen.append(target)

    visit(name)
    return seen
