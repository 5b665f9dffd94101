// Directory search on the search page, with Pagefind's JavaScript API (no Pagefind UI: it injects inline styles,
// which the Content-Security-Policy forbids). The form is a plain GET form: ?q=...&language=Italien&place=...
// so that a search can be linked and the home page's form lands here. Filters of one group are combined with
// "any"; groups with "all".
const root = document.querySelector("[data-search]");
const form = root.querySelector("[data-search-form]");
const status = root.querySelector("[data-search-status]");
const list = root.querySelector("[data-search-results]");
const more = root.querySelector("[data-search-more]");
const labels = Object.fromEntries(
  [...root.querySelector("template[data-labels]").content.querySelectorAll("[data-key]")].map((el) => [
    el.dataset.key,
    el.textContent,
  ]),
);
const PAGE = 10;
let pagefind = null;
let results = [];
let shown = 0;
let generation = 0;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
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

function fillForm(params) {
  form.elements.q.value = params.get("q") || "";
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    box.checked = params.getAll(box.name).includes(box.value);
  }
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
    const search = await pagefind.search(query || null, { filters });
    if (mine !== generation) return;
    results = search.results;
    shown = 0;
    await showMore();
    if (mine !== generation) return;
    const count = results.length;
    // announced once the first results are on the page
    status.textContent = count
      ? format(query ? labels.results : labels["results-filters"], { count, query })
      : labels.none;
  } catch (error) {
    status.textContent = labels.unavailable;
    console.warn(error);
  }
}

function update() {
  const params = new URLSearchParams(new FormData(form));
  if (!params.get("q")) params.delete("q");
  history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
  run();
}

let timer = null;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  update();
});
form.addEventListener("change", update);
form.elements.q.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(update, 300);
});
more.addEventListener("click", showMore);

try {
  pagefind = await import(root.dataset.pagefind);
  await pagefind.options({ excerptLength: 24 });
  await pagefind.init();
  fillForm(new URLSearchParams(location.search));
  await run();
} catch (error) {
  status.textContent = labels.unavailable;
  console.warn(error);
}
