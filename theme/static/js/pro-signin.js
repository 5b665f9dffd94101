// Sign-in of the professional area, one step at a time, each posted to /api/v1/pro/auth/... (docs/security.md):
// password -> (first sign-in) new password -> (no app yet) authenticator enrolment -> TOTP code -> tokens.
// The tokens go to this tab's sessionStorage; then the agenda (or the page that sent the person here) opens.

import { Page, Session, show } from "./pro-core.js";

const root = document.querySelector("[data-pro]");
const page = new Page(root);
const session = new Session(root);
const steps = [...root.querySelectorAll("[data-step]")];
const conversation = { session: "", username: "", email: "" };
const CODE = /^\d{6}$/;

function goTo(name) {
  for (const step of steps) show(step, step.dataset.step === name);
  const current = steps.find((step) => step.dataset.step === name);
  const heading = current.querySelector("h2[tabindex]");
  const input = current.querySelector("input:not([type=hidden])");
  if (name !== "password" && heading) heading.focus();
  else if (input) input.focus();
}

// Where to go once signed in: the page that sent the person here, if it is one of this area's, else the agenda.
function destination() {
  const match = /[#&]next=([^&]+)/.exec(location.hash);
  const next = match ? decodeURIComponent(match[1]) : "";
  const area = new URL(root.dataset.signin, location.origin).pathname;
  return next.startsWith(area) && !next.includes("//") ? next : root.dataset.agenda;
}

function invalid(input, text) {
  input.setAttribute("aria-invalid", "true");
  input.focus();
  page.warn(text);
}

async function post(path, body) {
  page.say(page.msg.loading);
  const answer = await session.fetch("POST", `/pro/auth/${path}`, body);
  page.say("");
  return answer;
}

// An answer that is not a next step: the message for it, with the field to correct when there is one.
function refused(answer, form) {
  const error = answer.error || {};
  if (error.field === "session") {
    goTo("password");
    page.warn(page.msg["expired-attempt"]);
    return;
  }
  const known = {
    too_many_requests: page.msg["too-many"],
    unauthorized: error.field === "code" ? page.msg["wrong-code"] : page.msg["wrong-password"],
  };
  if (error.field === "new_password") {
    invalid(form.elements.new_password, page.msg["weak-password"]);
    return;
  }
  page.warn(page.problem(error, known));
  const input = form.querySelector(`[name="${error.field === "code" ? "code" : "password"}"]`);
  if (input && (error.code === "unauthorized" || error.code === "invalid_input")) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

async function next(answer, form) {
  if (answer.error) {
    refused(answer, form);
    return;
  }
  const step = answer.data;
  if (step.step === "signed_in") {
    session.save(step);
    page.say(page.msg["signed-in"]);
    location.assign(destination());
    return;
  }
  conversation.session = step.session;
  conversation.username = step.username;
  if (step.step === "totp_setup") {
    const enrolment = await post("totp-setup", { session: step.session, email: conversation.email });
    if (enrolment.error) {
      refused(enrolment, form);
      return;
    }
    conversation.session = enrolment.data.session;
    root.querySelector("[data-secret]").textContent = grouped(enrolment.data.secret);
    root.querySelector("[data-otpauth]").href = enrolment.data.otpauth_uri;
    showQr(enrolment.data.qr_svg);
  }
  goTo(step.step);
}

// The key in groups of four characters, easier to read out and to type ("ABCD EFGH IJKL ...").
function grouped(secret) {
  return (secret.match(/.{1,4}/g) || []).join(" ");
}

// The QR code the API drew (an SVG document, no script, no style attribute: the CSP stays as it is), parsed as SVG
// rather than written as HTML.
function showQr(svg) {
  const box = root.querySelector("[data-qr]");
  const parsed = new DOMParser().parseFromString(svg || "", "image/svg+xml").documentElement;
  if (parsed.localName !== "svg") return;
  parsed.setAttribute("aria-hidden", "true");
  parsed.setAttribute("focusable", "false");
  box.replaceChildren(document.importNode(parsed, true));
}

function code(form) {
  const input = form.elements.code;
  const value = input.value.replace(/\s/g, "");
  if (!CODE.test(value)) {
    invalid(input, page.msg["code-format"]);
    return null;
  }
  return value;
}

function on(selector, handler) {
  const form = root.querySelector(selector);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    page.clear();
    await handler(form);
  });
}

on("form[data-step=password]", async (form) => {
  const email = form.elements.email;
  const password = form.elements.password;
  if (!email.value.trim()) return invalid(email, page.msg["email-missing"]);
  if (!password.value) return invalid(password, page.msg["password-missing"]);
  conversation.email = email.value.trim();
  const answer = await post("start", { email: conversation.email, password: password.value });
  password.value = "";
  return next(answer, form);
});

on("form[data-step=new_password]", async (form) => {
  const first = form.elements.new_password;
  const again = form.elements.again;
  if (!first.value) return invalid(first, page.msg["weak-password"]);
  if (first.value !== again.value) return invalid(again, page.msg["passwords-differ"]);
  const body = { session: conversation.session, username: conversation.username, new_password: first.value };
  const answer = await post("new-password", body);
  if (!answer.error) {
    first.value = "";
    again.value = "";
  }
  return next(answer, form);
});

on("form[data-totp-setup]", async (form) => {
  const value = code(form);
  if (!value) return undefined;
  const body = { session: conversation.session, username: conversation.username, code: value };
  return next(await post("totp-setup/verify", body), form);
});

on("form[data-step=totp]", async (form) => {
  const value = code(form);
  if (!value) return undefined;
  const body = { session: conversation.session, username: conversation.username, code: value };
  return next(await post("totp", body), form);
});

if (location.hash.includes("signed-out")) page.say(page.msg["signed-out"]);
else if (location.hash.includes("next=")) page.say(page.msg["session-ended"]);
goTo("password");
