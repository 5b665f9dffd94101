// The language switcher remembers the choice: the site's root ("/") then leads to that language's home (the
// CloudFront Function infra/templates/index.js, local/language.py). One first-party cookie holding the language's
// code and nothing else, for a year (the privacy notice says so).
const YEAR = 365 * 24 * 3600;

for (const link of document.querySelectorAll(".site-header__languages a[hreflang]")) {
  link.addEventListener("click", () => {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `lang=${link.hreflang}; Path=/; Max-Age=${YEAR}; SameSite=Lax${secure}`;
  });
}
