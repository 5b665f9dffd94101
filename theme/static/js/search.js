// Directory search on the search page, with Pagefind's JavaScript API (no Pagefind UI: it injects inline styles,
// which the Content-Security-Policy forbids). The form is a plain GET form: ?q=...&language=Italien&specialty=...
// so that a search can be linked and the home page's form lands here. Filters of one group are combined with
// "any"; groups with "all".
//
// The patients' words (search-terms.js): a query that names a profession, a specialty, a body part or a complaint
// ("GP", "kiné", "mal de dos") shows first what its vocabulary entry leads to, in the entry's order (an article,
// then the professionals of each specialty...), each narrowed by the rest of the query ("pédiatre italien"), then
// everything else Pagefind finds. A term a typo away is understood too ("genraliste"); any other word the site
// does not know is corrected against the site's words (names, places, articles' titles), and the corrected query's
// results come first. The status says what was searched for.
import { Vocabulary, Words } from "./search-terms.js";

const root = document.querySelector("[data-search]");
const form = root.querySelector("[data-search-form]");
const filtersPanel = root.querySelector("[data-search-filters]");
const filtersCount = root.querySelector("[data-filters-count]");
const status = root.querySelector("[data-search-status]");
const list = root.querySelector("[data-search-results]");
const more = root.querySelector("[data-search-more]");
const labels = Object.fromEntries(
  [...root.querySelector("template[data-labels]").content.querySelectorAll("[data-key]")].map((el) => [
    el.dataset.key,
    el.textContent,
  ]),
);
const plurals = new Intl.PluralRules(document.documentElement.lang);
const PAGE = 10;
// Matches in the keywords (the vocabulary's names of what a professional is, practitioner.html) count like a
// heading: a lay name ("pédiatre") brings its professionals before the articles that mention it.
const RANKING = { metaWeights: { keywords: 10 } };
const WIDE = window.matchMedia("(min-width: 64em)");
let pagefind = null;
let vocabulary = null;
let words = null; // loaded on the first search the vocabulary does not understand
let results = [];
let shown = 0;
let generation = 0;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

// "1 résultat", "2 résultats": the form of the count's plural category (the page has one per category).
function counted(key, values) {
  const form = labels[`${key}-${plurals.select(values.count)}`] ?? labels[`${key}-other`];
  return format(form, values);
}

function readForm() {
  const data = new FormData(form);
  const query = (data.get("q") || "").trim();
  const filters = {};
  for (const [key, value] of data.entries()) {
    if (key === "q") continue;
    (filters[key] ??= { any: [] }).any.push(value);
  }
  return { query, filters };
}

function checkboxes() {
  return [...form.elements].filter((element) => element.type === "checkbox");
}

function fillForm(params) {
  form.elements.q.value = params.get("q") || "";
  for (const box of checkboxes()) box.checked = params.getAll(box.name).includes(box.value);
  showFiltersCount();
}

function showFiltersCount() {
  const active = checkboxes().filter((box) => box.checked).length;
  filtersCount.textContent = active ? `(${active})` : "";
}

function plain(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content.textContent;
}

function render(data) {
  const item = document.createElement("li");
  const id = data.meta.id || "";
  if (id.startsWith("pr-")) item.dataset.practitioner = id;
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const facts = [data.filters.profession, data.filters.specialty, data.filters.place, data.filters.type]
    .flat()
    .filter(Boolean);
  if (facts.length) {
    const meta = document.createElement("p");
    meta.className = "results__meta";
    meta.textContent = facts.join(" · ");
    item.append(meta);
  }
  const excerpt = document.createElement("p");
  excerpt.textContent = plain(data.excerpt);
  item.append(excerpt);
  if (item.dataset.practitioner && data.filters.online_booking) {
    const slot = document.createElement("p");
    slot.className = "first-available";
    item.append(slot);
  }
  return item;
}

async function showMore() {
  const mine = generation;
  const batch = await Promise.all(results.slice(shown, shown + PAGE).map((r) => r.data()));
  if (mine !== generation) return;
  list.append(...batch.map(render));
  shown += batch.length;
  more.hidden = shown >= results.length;
}

// -- finding ----------------------------------------------------------------------------------------------------

async function pagefindSearch(query, filters) {
  return (await pagefind.search(query || null, { filters })).results;
}

function narrowed(filters, name, value) {
  return Object.keys(filters).length ? { all: [filters, { [name]: value }] } : { [name]: value };
}

// Results in order, each page once.
function merged(groups) {
  const seen = new Set();
  return groups.flat().filter((result) => !seen.has(result.id) && seen.add(result.id));
}

// What the query names first (its vocabulary entries' targets, narrowed by the rest of the query), then whatever
// else Pagefind finds for the query as typed. `understood`: the query as the vocabulary read it, when that took
// correcting a typo ("genraliste" -> "généraliste").
async function find(query, filters) {
  const everything = await pagefindSearch(query, filters);
  const understood = vocabulary && query ? vocabulary.understand(query) : { entries: [] };
  if (!understood.entries.length) return { results: everything, named: false, understood: null };
  const keys = new Set();
  const targets = understood.entries
    .flatMap((entry) => entry.targets)
    .filter(([name, value]) => !keys.has(`${name}:${value}`) && keys.add(`${name}:${value}`));
  const named = (rest) =>
    Promise.all(
      targets.map(([name, value]) => pagefindSearch(name === "article" ? null : rest, narrowed(filters, name, value))),
    );
  let groups = await named(understood.rest);
  const professionals = groups.filter((group, i) => targets[i][0] !== "article");
  if (understood.rest && professionals.every((group) => !group.length)) {
    // the other words name something else (a person, a street): what the whole query finds comes first, and
    // only when it finds nothing, what the terms lead to
    if (everything.length) return { results: everything, named: true, understood: null };
    groups = await named(null);
  }
  return { results: merged([...groups, everything]), named: true, understood: understood.corrected };
}

async function corrections(query) {
  if (!words) {
    const response = await fetch(root.dataset.words);
    if (!response.ok) throw new Error(`words: ${response.status}`);
    words = new Words(await response.json());
  }
  return words.corrected(query, vocabulary?.stopwords);
}

async function run() {
  const { query, filters } = readForm();
  const mine = ++generation;
  list.replaceChildren();
  more.hidden = true;
  if (!query && Object.keys(filters).length === 0) {
    status.textContent = "";
    return;
  }
  status.textContent = labels.loading;
  try {
    let found = await find(query, filters);
    let understood = found.understood;
    let nothing = false; // the query as typed found nothing
    if (query && !found.named) {
      // a word the site does not know, close to one it does ("Casagrin"): Pagefind's own tolerance may have found
      // something else, so the corrected query's results come first
      const corrected = await corrections(query);
      const seconds = await Promise.all(corrected.map((other) => find(other, filters)));
      const first = seconds.findIndex((second) => second.results.length);
      if (first >= 0) {
        nothing = !found.results.length;
        understood = seconds[first].understood ?? corrected[first];
        found = { results: merged([...seconds.map((second) => second.results), found.results]) };
      }
    }
    if (mine !== generation) return;
    results = found.results;
    shown = 0;
    await showMore();
    if (mine !== generation) return;
    const count = results.length;
    const values = { count, query, corrected: understood };
    // announced once the first results are on the page
    if (!count) status.textContent = labels.none;
    else if (understood) status.textContent = counted(nothing ? "corrected" : "understood", values);
    else status.textContent = query ? counted("results", values) : counted("results-filters", values);
  } catch (error) {
    status.textContent = labels.unavailable;
    console.warn(error);
  }
}

function update() {
  const params = new URLSearchParams(new FormData(form));
  if (!params.get("q")) params.delete("q");
  history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
  showFiltersCount();
  run();
}

let timer = null;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  update();
});
// the filters' boxes belong to the form (form="...") but sit beside it: their changes are heard on the whole area
root.addEventListener("change", update);
form.elements.q.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(update, 300);
});
more.addEventListener("click", showMore);
root.querySelector("[data-filters-done]").addEventListener("click", () => {
  filtersPanel.open = false;
  status.focus();
});
// wide screens show the filters beside the results from the start (they push nothing there)
if (WIDE.matches) filtersPanel.open = true;

async function loadVocabulary() {
  try {
    const response = await fetch(root.dataset.vocabulary);
    if (response.ok) vocabulary = new Vocabulary(await response.json());
  } catch (error) {
    console.warn(error); // search works without it, on the words as typed
  }
}

try {
  const loading = loadVocabulary();
  pagefind = await import(root.dataset.pagefind);
  await pagefind.options({ excerptLength: 24, ranking: RANKING });
  await pagefind.init();
  await loading;
  fillForm(new URLSearchParams(location.search));
  await run();
} catch (error) {
  status.textContent = labels.unavailable;
  console.warn(error);
}
