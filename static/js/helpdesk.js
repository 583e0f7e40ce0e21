// The app's only script (the Content-Security-Policy allows no inline script): behaviour is declared in the
// markup with data- attributes, and the server escapes everything it renders.

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
