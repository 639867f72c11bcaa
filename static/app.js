// Small progressive enhancements that htmx cannot do. The site works without this file.

// Controls that need this file (class "js-only": "Copy link", "Show only rows where the
// options differ") are hidden until it runs.
document.documentElement.classList.add("js");

// "Propose a change" links are for editors: shown when the sign-in left its hint cookie.
// (Pages are cached and the same for every reader; the server decides every request alone.)
if (document.cookie.split("; ").includes("editor=1")) {
  document.documentElement.classList.add("editor");
}

// "Copy" buttons: copy the value of the field they name (a link, an embed code).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copy);
  if (!target) return;
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  try {
    await navigator.clipboard.writeText(target.value || target.textContent);
    button.textContent = "Copied";
  } catch {
    target.select?.();
    button.textContent = "Press Ctrl+C to copy";
  }
  setTimeout(() => { button.textContent = label; }, 2500);
});

// On a wide screen the filter and weight panels stay open: open them where CSS
// (::details-content) cannot. On a phone they stay folded under their summaries.
if (window.matchMedia("(min-width: 761px)").matches) {
  for (const id of ["filters-panel", "weights-panel"]) {
    const panel = document.getElementById(id);
    if (panel) panel.open = true;
  }
}

// A search field sends its request while the reader types; leaving the field then fires
// "change" with the very same query. Sent again, it would replace the controls under the focus
// (the "Show N results" link) for nothing: a GET equal to the last one the same form sent is
// dropped. Going back or forward in history, or a failed request, forgets the last one.
const lastSent = new WeakMap();
document.addEventListener("htmx:configRequest", (event) => {
  const { elt, verb, path, parameters } = event.detail;
  if (verb !== "get") return;
  const pairs = [];
  for (const [name, value] of parameters) {
    if (typeof value === "string") pairs.push([name, value]);
  }
  const query = path + "?" + new URLSearchParams(pairs).toString();
  if (lastSent.get(elt) === query) {
    event.preventDefault();
    return;
  }
  lastSent.set(elt, query);
});
const forget = (event) => lastSent.delete(event.detail?.elt ?? event.target);
document.addEventListener("htmx:responseError", forget);
document.addEventListener("htmx:sendError", forget);
for (const name of ["htmx:historyRestore", "popstate"]) {
  window.addEventListener(name, () => {
    for (const form of document.querySelectorAll("form")) lastSent.delete(form);
  });
}
