// Lists of professionals (specialty, profession, place, establishment pages and search results): each card's empty
// <p class="first-available"> gets the professional's first free time, from one batched
// GET /api/v1/next-available?ids=... per page (the API takes at most 50 ids a call). Search results arrive later
// (search.js adds them), so new cards are watched for and asked about in their own batch. Each line links the
// professional's booking area. firstTimes() gives the answers to the lists' sort (list-tools.js): each card is asked
// about once.
import { format } from "./api-core.js";
import { Api, messages, wallTime } from "./patient-core.js";

const MAX_IDS = 50;
const msg = messages(document);
const api = new Api(msg.api);
const lang = document.documentElement.lang;
// card -> promise of its first free time ({start} as the API wrote it), null when it has none, undefined when the API
// could not say
const answers = new WeakMap();

async function ask(batch) {
  const ids = [...new Set(batch.map((card) => card.dataset.practitioner))];
  const answer = await api.get(`/next-available?ids=${ids.map(encodeURIComponent).join(",")}`);
  if (answer.error) throw new Error("next-available"); // the cards stay as they are: the profile pages give the phone number
  const slots = new Map(answer.data.results.map((r) => [r.practitioner, r.slot]));
  for (const card of batch) {
    const slot = slots.get(card.dataset.practitioner);
    if (slot) showFirst(card, format(msg.first, { when: wallTime(slot.start, lang, msg) }));
  }
  return slots;
}

function askAbout(cards) {
  const fresh = cards.filter((card) => !answers.has(card) && card.querySelector(":scope > .first-available"));
  for (let i = 0; i < fresh.length; i += MAX_IDS) {
    const batch = fresh.slice(i, i + MAX_IDS);
    const asked = ask(batch).catch(() => null);
    for (const card of batch) {
      answers.set(card, asked.then((slots) => (slots ? (slots.get(card.dataset.practitioner) ?? null) : undefined)));
    }
  }
}

// The first free time of each of `cards`: null for those without online booking or without a free time, undefined
// where the API could not be reached.
export function firstTimes(cards) {
  askAbout(cards);
  return Promise.all(cards.map((card) => answers.get(card) ?? null));
}

// The line is a link to the professional's booking area (the card's first link is their page): the time a patient
// sees is one tap from booking it.
function showFirst(card, text) {
  const line = card.querySelector(".first-available");
  const page = card.querySelector("a[href]")?.getAttribute("href");
  if (!page) {
    line.textContent = text;
    return;
  }
  const link = document.createElement("a");
  link.href = `${page.split("#")[0]}#booking`;
  link.textContent = text;
  line.replaceChildren(link);
}

function pending() {
  return [...document.querySelectorAll("[data-practitioner]")];
}

let timer = null;
new MutationObserver(() => {
  clearTimeout(timer);
  timer = setTimeout(() => askAbout(pending()), 50);
}).observe(document.querySelector("main") || document.body, { childList: true, subtree: true });

askAbout(pending());
