// Sorting and filtering a list of professionals (the lists by specialty, profession and place, an establishment's
// professionals) in the page; the form is the list-tools component. The plain list works without it: the form is
// hidden when scripting is off (site.css) and the pages are paginated links. On first use the list's other pages
// are fetched (the same static pages) and their cards join this one's, so the whole list is sorted and filtered;
// the pagination then goes. Sorting by the first free time uses the answers of the lists' own next-available calls
// (first-available.js); cards without a free time follow, in name order.
import { firstTimes } from "./first-available.js";

const form = document.querySelector("[data-list-tools]");
const list = document.querySelector("[data-list-cards]");
const status = document.querySelector("[data-list-status]");
const labels = Object.fromEntries(
  [...form.querySelector("template[data-list-labels]").content.querySelectorAll("[data-key]")].map((el) => [
    el.dataset.key,
    el.textContent,
  ]),
);
const plurals = new Intl.PluralRules(document.documentElement.lang);
let loading = null; // the other pages' cards joining this page's, fetched once whatever changes while they load
let generation = 0;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

function counted(key, values) {
  return format(labels[`${key}-${plurals.select(values.count)}`] ?? labels[`${key}-other`], values);
}

// The cards of the list's other pages, in page order around this page's own; null for a page that did not load.
async function everyCard() {
  const urls = form.dataset.pages.split(" ").filter(Boolean);
  const here = Number(form.dataset.page);
  const own = [...list.children];
  const pages = await Promise.all(
    urls.map(async (url, i) => {
      if (i + 1 === here) return own;
      try {
        const response = await fetch(url);
        if (!response.ok) return null;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        return [...page.querySelectorAll("[data-list-cards] > [data-practitioner]")].map((card) =>
          document.importNode(card, true),
        );
      } catch {
        return null;
      }
    }),
  );
  if (pages.includes(null)) return { all: own, complete: false };
  const all = pages.flat();
  list.append(...all.filter((card) => !own.includes(card)));
  for (const nav of document.querySelectorAll("[data-list-pagination], [data-list-page-number]")) nav.hidden = true;
  return { all, complete: true };
}

function wanted(card, choice) {
  const specialties = (card.dataset.specialties || "").split(" ");
  const [kind, code] = choice.specialty ? choice.specialty.split(":") : [];
  return (
    (!kind || (kind === "specialty" ? specialties.includes(code) : card.dataset.profession === code)) &&
    (!choice.language || card.dataset.languages.split(" ").includes(choice.language)) &&
    (!choice.new_patients || card.hasAttribute("data-new-patients")) &&
    (!choice.online || card.hasAttribute("data-online"))
  );
}

async function apply() {
  const mine = ++generation;
  const choice = Object.fromEntries(new FormData(form));
  if (!loading) {
    status.textContent = labels.loading;
    loading = everyCard();
  }
  const found = await loading;
  const cards = found.all; // every card of the list, in name order
  if (!found.complete) form.dataset.partial = "";
  let order = cards;
  let timesMissing = false;
  if (choice.sort === "soonest") {
    status.textContent = labels.sorting;
    const times = await firstTimes(cards);
    timesMissing = times.includes(undefined);
    const at = new Map(cards.map((card, i) => [card, times[i] ? Date.parse(times[i].start) : Infinity]));
    order = [...cards].sort((a, b) => at.get(a) - at.get(b)); // stable: name order among equals
  }
  if (mine !== generation) return;
  list.append(...order);
  let shown = 0;
  for (const card of order) {
    card.hidden = !wanted(card, choice);
    if (!card.hidden) shown += 1;
  }
  const parts = [shown ? counted("shown", { shown, count: cards.length }) : labels.none];
  if (form.dataset.partial !== undefined) parts.push(labels.partial);
  if (timesMissing) parts.push(labels["no-times"]);
  status.textContent = parts.join(" ");
}

form.addEventListener("submit", (event) => event.preventDefault());
form.addEventListener("change", apply);
