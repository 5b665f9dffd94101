// Lists of professionals (specialty, profession, place, establishment pages and search results): each card's empty
// <p class="first-available"> gets the professional's first free time, from one batched
// GET /api/v1/next-available?ids=... per page (the API takes at most 50 ids a call). Search results arrive later
// (search.js adds them), so new cards are watched for and asked about in their own batch.
import { format } from "./api-core.js";
import { Api, messages, wallTime } from "./patient-core.js";

const MAX_IDS = 50;
const msg = messages(document);
const api = new Api(msg.api);
const lang = document.documentElement.lang;
const asked = new WeakSet();

async function ask(cards) {
  for (let i = 0; i < cards.length; i += MAX_IDS) {
    const batch = cards.slice(i, i + MAX_IDS);
    const ids = [...new Set(batch.map((card) => card.dataset.practitioner))];
    const answer = await api.get(`/next-available?ids=${ids.map(encodeURIComponent).join(",")}`);
    if (answer.error) return; // the cards stay as they are: the profile pages give the phone number
    const slots = new Map(answer.data.results.map((r) => [r.practitioner, r.slot]));
    for (const card of batch) {
      const slot = slots.get(card.dataset.practitioner);
      if (slot) card.querySelector(".first-available").textContent = format(msg.first, { when: wallTime(slot.start, lang, msg) });
    }
  }
}

function pending() {
  const cards = [...document.querySelectorAll("[data-practitioner]")].filter(
    (card) => !asked.has(card) && card.querySelector(":scope > .first-available"),
  );
  for (const card of cards) asked.add(card);
  return cards;
}

let timer = null;
new MutationObserver(() => {
  clearTimeout(timer);
  timer = setTimeout(() => ask(pending()), 50);
}).observe(document.querySelector("main") || document.body, { childList: true, subtree: true });

ask(pending());
