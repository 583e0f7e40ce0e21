// The script of every page (the Content-Security-Policy allows no inline script): behaviour is declared in the
// markup with data- attributes, and the server escapes everything it renders. A page that needs more loads
// its own file in its template's scripts block (surveys/settings.html: segments.js).

// "/" jumps to the search box, as in most helpdesks; Escape leaves it.
document.addEventListener("keydown", (event) => {
  const box = document.getElementById("global-search");
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (box && event.key === "/" && !typing) { event.preventDefault(); box.focus(); box.select(); }
  if (box && event.key === "Escape" && document.activeElement === box) { box.blur(); }
});

// <select data-autosubmit>: choosing an option submits its form.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

// "?" opens the list of keyboard shortcuts (templates/shortcuts.html); "?" again or Escape closes it.
document.addEventListener("keydown", (event) => {
  const help = document.getElementById("shortcuts");
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (!help || event.key !== "?" || typing) { return; }
  event.preventDefault();
  if (help.open) { help.close(); } else { help.showModal(); }
});

// <form data-confirm="Question?">: submitted only once the question is answered OK (an irreversible change).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
});

// After a save the server sends the page back to the form used (/cases/7#note-form) with its confirmation in a
// live region: focus returns to that form's first field, so the agent carries on where they were.
window.addEventListener("load", () => {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const form = target && (target.matches("form") ? target : target.querySelector("form"));
  const field = form && form.querySelector("textarea, select, input:not([type=hidden]), button");
  if (field) { field.focus(); }
});

// "j" on a queue: focus its first case, so Enter opens it. Ctrl+Enter (⌘+Enter) in a form: send that form.
document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (event.key === "j" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const first = document.querySelector("table.stack-sm tbody a");
    if (first) { event.preventDefault(); first.focus(); }
  }
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});

// Alt+Shift+<key> does what the element with that accesskey does, in every browser (Chromium's own access keys
// are Alt+<key> on Linux and Windows, Firefox's Alt+Shift+<key>): the shortcuts the help overlay lists.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) { return; }
  const key = {Comma: ",", Period: "."}[event.code] || (event.code.startsWith("Key") ? event.code.slice(3).toLowerCase() : "");
  const target = key && document.querySelector(`[accesskey="${key}"]`);
  if (!target) { return; }
  event.preventDefault();
  if (target.matches("a, button")) { target.click(); } else { target.focus(); }
});
