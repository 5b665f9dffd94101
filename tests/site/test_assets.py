"""The theme's files as the site serves them (plugins/assets/): minified, named by their content hash, each module
importing the hashed names of its modules, and each page loading only the scripts it uses, all preloaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plugins.assets.minifier import MinifyError, minify_texts
from plugins.assets.pipeline import AssetError, build_assets, module_closure
from tests.site.conftest import Page
from tests.site.sitebuild import ROOT

STATIC = ROOT / "theme" / "static"
HASHED = re.compile(r"^/theme/(?:css|js|images)/[\w-]+\.[0-9a-f]{10}\.\w+$")


def served(page: Page) -> list[str]:
    """Every theme file a page links (stylesheets, icon, scripts and preloads)."""
    links = [e.attrs["href"] for e in page.find("link") if e.attrs.get("href", "").startswith("/theme/")]
    return links + [e.attrs["src"] for e in page.find("script") if "src" in e.attrs]


def test_every_linked_theme_file_is_hashed_and_exists(pages: dict[str, Page], site: Path) -> None:
    for page in pages.values():
        for url in served(page):
            assert HASHED.match(url), f"{page.url}: {url}"
            assert (site / url.lstrip("/")).is_file(), f"{page.url}: {url}"
    names = {p.name for p in (site / "theme" / "js").iterdir()}
    assert not {"booking.js", "booking-core.js", "api-core.js"} & names  # no unhashed copy left to go stale


def test_files_are_minified(site: Path) -> None:
    for folder, suffix in (("css", ".css"), ("js", ".js")):
        for source in (STATIC / folder).glob(f"*{suffix}"):
            [built] = (site / "theme" / folder).glob(f"{source.stem}.*{suffix}")
            size, original = built.stat().st_size, source.stat().st_size
            text = built.read_text(encoding="utf-8")
            assert size < (0.9 if suffix == ".css" else 0.75) * original, f"{built.name}: {size} bytes from {original}"
            assert "/*" not in text and not re.search(r"^\s*//", text, re.MULTILINE)  # no comments


def test_modules_import_each_other_by_hashed_name(site: Path) -> None:
    for module in (site / "theme" / "js").glob("*.js"):
        for specifier in re.findall(r'\bfrom\s*"([^"]+)"', module.read_text(encoding="utf-8")):
            assert re.fullmatch(r"\./[\w-]+\.[0-9a-f]{10}\.js", specifier), f"{module.name}: {specifier}"
            assert (module.parent / specifier).is_file(), f"{module.name}: {specifier}"


def test_lists_and_search_load_no_booking_widget_code(pages: dict[str, Page]) -> None:
    """The first free time on a list needs the API and a date format, not the widget (booking-core.js)."""
    for url in ("/fr/search/", "/en/specialties/cardiology/", "/fr/establishments/hopital-de-la-principaute/"):
        names = {u.rsplit("/", 1)[1].split(".")[0] for u in served(pages[url]) if u.endswith(".js")}
        assert "first-available" in names and "patient-core" in names, url
        assert not names & {"booking-core", "booking"}, url
    professional = pages["/fr/professionals/pr-000001/"]
    names = [u.rsplit("/", 1)[1].split(".")[0] for u in served(professional) if u.endswith(".js")]
    # imports first, all preloaded; then the language switcher's script, on every page
    assert names == ["api-core", "patient-core", "booking-core", "booking", "language"]


def fake_minify(files: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {name: text.strip() for name, (_, text) in files.items()}


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_module_hash_covers_the_modules_it_imports(tmp_path: Path) -> None:
    files = {"js/a.js": 'import { b } from "./b.js";\nb();', "js/b.js": "export function b() {}", "css/x.css": "x"}
    first = build_assets(write(tmp_path / "one", files), minify=fake_minify)
    files["js/b.js"] = "export function b() { return 1; }"
    second = build_assets(write(tmp_path / "two", files), minify=fake_minify)
    assert first["js/b.js"].path != second["js/b.js"].path
    assert first["js/a.js"].path != second["js/a.js"].path  # a.js's text did not change, the name it imports did
    assert first["css/x.css"].path == second["css/x.css"].path
    b_name = second["js/b.js"].path.rsplit("/", 1)[1]
    assert second["js/a.js"].data.decode().startswith(f'import {{ b }} from "./{b_name}";')
    assert module_closure(second, "js/a.js") == ["js/b.js"]


def test_an_import_of_a_missing_module_or_a_circle_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match=r"theme/static/js/a\.js: imports '\./gone\.js'"):
        build_assets(write(tmp_path / "missing", {"js/a.js": 'import "./gone.js";'}), minify=fake_minify)
    circle = {"js/a.js": 'import "./b.js";', "js/b.js": 'import "./a.js";'}
    with pytest.raises(AssetError, match="circle"):
        build_assets(write(tmp_path / "circle", circle), minify=fake_minify)


def test_the_minifier_names_the_file_it_cannot_read() -> None:
    good = minify_texts({"js/ok.js": ("text/javascript", "export const answer = 40 + 2;\n")})
    assert good == {"js/ok.js": "export const answer=42;"} or "export const answer" in good["js/ok.js"]
    with pytest.raises(MinifyError, match=r"js/broken\.js"):
        minify_texts({"js/broken.js": ("text/javascript", "export function (")})
