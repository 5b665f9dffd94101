// What the patient's pages (booking-core.js) and the professional area (pro-core.js) share: the one way to call the
// site's API, with one answer shape whatever happens, and the two helpers every page uses to write its texts.
// Plain JavaScript, no dependency: the Content-Security-Policy is `default-src 'self'`.

// One answer: {status, data, error}. `status` 0 means the API could not be reached; `error` is the API's error
// object ({code, message, field}) or, for a network failure or a 5xx without a body, {code: "unavailable"}.
// No cookie, no cache and no referrer: the token goes in the Authorization header only, never in a URL, and so does
// an e-mail proof (`proof`, the Email-Proof header; docs/security.md says why a header and not a cookie). The patient
// space alone sends its session cookie (`session: true`, same origin only) with the session's CSRF token (`csrf`).
export async function request(url, method, { body, token, key, proof, session, csrf } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers["Idempotency-Key"] = key;
  if (proof) headers["Email-Proof"] = proof;
  if (csrf) headers["X-CSRF-Token"] = csrf;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: session ? "same-origin" : "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
  } catch {
    return { status: 0, data: null, error: { code: "unavailable" } };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok) return { status: response.status, data, error: null };
  return { status: response.status, data, error: data?.error || { code: "unavailable" } };
}

// A translated text with its values put in: "%(name)s" marks where (an unknown name is left empty).
export function format(template, values) {
  return (template || "").replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

export function show(element, visible = true) {
  if (element) element.hidden = !visible;
}

// A date as every page and e-mail writes it, from an Intl formatter: French "1er" for the first day of a month
// ("mardi 1er décembre"), English as British usage has it, without a comma ("Tuesday 1 December 2026": Intl's
// en-GB puts one after the weekday when the year is there, and none without it).
export function dateText(formatter, date, lang) {
  const parts = formatter.formatToParts(date);
  return parts
    .map((part, i) => {
      if (lang === "fr" && part.type === "day" && Number(part.value) === 1) return "1er";
      if (lang === "en" && part.type === "literal" && parts[i - 1]?.type === "weekday") return " ";
      return part.value;
    })
    .join("");
}
