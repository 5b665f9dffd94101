// The patients' words on the search page: the language's vocabulary (content/search/vocabulary.<lang>.json, copied
// for the page by plugins/directory/search_terms.py as <lang>/search/vocabulary.json) finds the terms of a query
// ("mal au dos", "eye doctor", "kiné") and what they lead to; corrected() puts a typo right against the words of
// <lang>/search/words.json. Pure functions and one class: search.js asks Pagefind.

const LIGATURES = { œ: "oe", æ: "ae", ß: "ss" };

// What a term or a query is compared as: lower case, no accents, words separated by one space (the same as
// plugins/directory/vocabulary.py's normalise()).
export function normalise(text) {
  return text
    .toLowerCase()
    .replace(/[œæß]/g, (c) => LIGATURES[c])
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

// How many changes a word of a query may have and still be taken for a term's word, by its length: none up to
// five letters (names are short, and "dents" is not "Dentz"), one from six, two from nine.
function tolerance(word) {
  return word.length >= 9 ? 2 : word.length >= 6 ? 1 : 0;
}

// The words of a text as written, one for each word normalise() keeps.
function writtenWords(text) {
  return text.split(/[^\p{L}\p{N}\p{M}]+/u).filter((word) => normalise(word));
}

export class Vocabulary {
  constructor(data) {
    this.stopwords = new Set(data.stopwords.map(normalise));
    this.terms = [];
    for (const entry of data.entries) {
      for (const written of entry.terms) this.terms.push({ words: normalise(written).split(" "), written, entry });
    }
    this.terms.sort((a, b) => b.words.length - a.words.length); // the longest first: "mal de dos" before "dos"
  }

  // The entries the query names, in the order it names them, and what is left of it without its stop words:
  // "pédiatre qui parle italien" -> {entries: [paediatrics], rest: "italien", corrected: null}. When no term is
  // found as typed, terms a typo away are ("genraliste"), and `corrected` is the query as understood
  // ("généraliste").
  understand(query) {
    const exact = this.#match(query, false);
    if (exact.entries.length) return exact;
    const typo = this.#match(query, true);
    return typo.entries.length ? typo : exact;
  }

  #match(query, typos) {
    const words = normalise(query).split(" ").filter(Boolean);
    const written = writtenWords(query);
    const typed = written.length === words.length ? written : words;
    const used = words.map(() => false);
    const found = [];
    const replaced = new Map(); // position -> [how many words, the term as written]
    for (const term of this.terms) {
      for (let i = 0; i + term.words.length <= words.length; i++) {
        if (used.slice(i, i + term.words.length).some(Boolean)) continue;
        const changes = term.words.map((word, k) => this.#changes(words[i + k], word, typos));
        if (changes.some((n) => n < 0)) continue;
        for (let k = i; k < i + term.words.length; k++) used[k] = true;
        found.push({ at: i, entry: term.entry });
        if (changes.some((n) => n > 0)) replaced.set(i, [term.words.length, term.written]);
      }
    }
    const shown = [];
    for (let i = 0; i < typed.length; i++) {
      const [length, term] = replaced.get(i) ?? [1, typed[i]];
      shown.push(term);
      i += length - 1;
    }
    found.sort((a, b) => a.at - b.at);
    const entries = [...new Set(found.map((f) => f.entry))];
    const rest = words.filter((word, i) => !used[i] && !this.stopwords.has(word)).join(" ");
    return { entries, rest, corrected: typos && entries.length ? shown.join(" ") : null };
  }

  // 0: the same word (or its plural in -s, -x); 1 or 2: so many changes, within the word's tolerance; -1: not it.
  #changes(word, termWord, typos) {
    if (word === termWord || word === `${termWord}s` || word === `${termWord}x`) return 0;
    if (!typos) return -1;
    const limit = tolerance(termWord);
    if (!limit) return -1;
    const d = distance(word, termWord, limit);
    return d <= limit ? d : -1;
  }
}

// Optimal string alignment distance (a swap of two letters counts one), stopping once it exceeds `limit`.
export function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2] + 1);
      }
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

// The dictionary of corrections: words.json's words (as written, with their accents) by their normalised form.
export class Words {
  constructor(list) {
    this.written = new Map();
    for (const word of list) {
      const key = normalise(word);
      if (key && !this.written.has(key)) this.written.set(key, word);
    }
    this.keys = [...this.written.keys()];
  }

  // The closest words to `word`: at most one change for words of up to five letters, two above; those of the
  // best score (fewest changes, then the same first letter), at most `most` of them.
  closest(word, most = 3) {
    const limit = word.length <= 5 ? 1 : 2;
    let best = [];
    let bestScore = Infinity;
    for (const key of this.keys) {
      const d = distance(word, key, limit);
      if (d > limit) continue;
      const score = d * 2 + (key[0] === word[0] ? 0 : 1);
      if (score < bestScore) {
        best = [key];
        bestScore = score;
      } else if (score === bestScore && best.length < most) best.push(key);
    }
    return best;
  }

  // The query with each unknown word of four letters or more replaced by a close known one: one query for each
  // of the closest words (at most `most`: "Caserreli" is a typo of "Caserelli" or of "Caselrelli"); none when no
  // word needs it. Words known as they are, or as the plural of a known word, stay.
  corrected(query, stopwords = new Set(), most = 3) {
    let queries = [[]];
    let changed = false;
    for (const word of normalise(query).split(" ").filter(Boolean)) {
      const known = this.written.has(word) || this.written.has(word.replace(/[sx]$/, ""));
      const keep = word.length < 4 || known || stopwords.has(word) || /^\d+$/.test(word);
      const choices = keep ? [] : this.closest(word, most).map((key) => this.written.get(key));
      if (choices.length) changed = true;
      const options = choices.length ? choices : [word];
      queries = queries.flatMap((words) => options.map((option) => [...words, option])).slice(0, most);
    }
    return changed ? queries.map((words) => words.join(" ")) : [];
  }
}
