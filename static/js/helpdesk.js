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
