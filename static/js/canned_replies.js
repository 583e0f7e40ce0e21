// The canned-reply picker of the case page (templates/conversations/_canned_picker.html):
// <select data-insert-into="ID"> whose options hold their text in data-text (plain text), and a
// <button data-canned-insert="(the select's id)">. Enter on the select, or the button, puts the chosen text into the
// textarea ID at its cursor (replacing a selection) and returns the focus there, so the agent edits and sends.
// The picker's accesskey (Alt+Shift+K, static/js/helpdesk.js) focuses it; the text shows below as it is chosen.
(() => {
  const picker = document.querySelector("select[data-insert-into]");
  const box = picker && document.getElementById(picker.dataset.insertInto);
  if (!box) { return; }
  const preview = document.getElementById(picker.id + "-preview");

  const show = () => {
    const option = picker.selectedOptions[0];
    preview.textContent = option ? option.dataset.text : "";
    preview.lang = option ? option.dataset.lang : "";
  };
  const insert = () => {
    const option = picker.selectedOptions[0];
    if (!option || box.disabled) { return; }
    box.setRangeText(option.dataset.text, box.selectionStart, box.selectionEnd, "end");
    box.focus();
    box.dispatchEvent(new Event("input", {bubbles: true}));  // the segment counter
  };

  picker.addEventListener("change", show);
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      insert();
    }
  });
  document.querySelector(`[data-canned-insert="${picker.id}"]`).addEventListener("click", insert);
  show();
})();
