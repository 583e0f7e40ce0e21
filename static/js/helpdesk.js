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

// <div data-refresh-url="..." data-refresh-seconds="3">: its content is the server-rendered panel at that URL,
// fetched again every few seconds; a failed poll keeps the last content and the next one tries again.
document.querySelectorAll("[data-refresh-url]").forEach((panel) => {
  const refresh = async () => {
    try {
      const response = await fetch(panel.dataset.refreshUrl, {headers: {"Accept": "text/html"}});
      if (response.ok) { panel.innerHTML = await response.text(); }
    } catch (error) { /* keep the last content */ }
  };
  refresh();
  setInterval(refresh, 1000 * Number(panel.dataset.refreshSeconds || 3));
});
