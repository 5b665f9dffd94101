"""Make the site's raster icons from its one drawing, theme/static/images/favicon.svg, with Debian's Chromium.

Browsers take the SVG, but some places ask for fixed files: ``/favicon.ico`` (asked for by every browser and feed
reader whatever the page says), ``/apple-touch-icon.png`` (iOS home screens, 180 px, square: iOS rounds the
corners itself and turns transparency black), and the web app manifests' 192 and 512 px icons. The files are
committed; run this again after changing the drawing:

    .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

import argparse
import base64
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "theme" / "static" / "images"
ICO_SIZES = (16, 32, 48)
PNG_ICONS = {"icon-192.png": 192, "icon-512.png": 512}
TOUCH_ICON = ("apple-touch-icon.png", 180)
SQUARE_BACKGROUND = "#0b5f66"  # the drawing's own background colour, under its rounded corners


def ico(pngs: list[tuple[int, bytes]]) -> bytes:
    """An ICO file holding PNG images (read by every browser since 2007), smallest first."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, data = b"", b""
    for size, png in pngs:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


def render(svg: bytes, sizes: list[int], background: str | None = None) -> dict[int, bytes]:
    """The drawing as PNG at each size (transparent around it unless ``background``)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size in sizes:
                page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
                fill = background or "transparent"
                page.set_content(
                    f'<body style="margin:0;background:{fill}"><img src="{source}" width="{size}" height="{size}" '
                    'style="display:block" alt=""></body>'
                )
                page.locator("img").evaluate("img => img.decode()")
                out[size] = page.screenshot(omit_background=background is None, type="png")
                page.close()
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=IMAGES)
    args = parser.parse_args(argv)
    svg = (args.images / "favicon.svg").read_bytes()
    transparent = render(svg, [*ICO_SIZES, *PNG_ICONS.values()])
    (args.images / "favicon.ico").write_bytes(ico([(size, transparent[size]) for size in ICO_SIZES]))
    for name, size in PNG_ICONS.items():
        (args.images / name).write_bytes(transparent[size])
    name, size = TOUCH_ICON
    (args.images / name).write_bytes(render(svg, [size], SQUARE_BACKGROUND)[size])
    print(f"wrote favicon.ico, {', '.join(PNG_ICONS)} and {name} in {args.images}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    main()
