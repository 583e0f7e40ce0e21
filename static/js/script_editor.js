// The script editor without reloads (templates/scripts/edit.html). Without this file the page works as a plain
// form: steps are ordered by their "Order" numbers, removed with a checkbox, added by filling the blank step,
// options typed one per line, and the Preview button posts the whole form. With it:
// - steps are added (a copy of <template id="step-template"> with a fresh index), removed and moved up or down
//   in the page; the hidden "Order" fields are renumbered in page order, which the server sorts by;
// - each options box becomes rows of value and label (add, remove, move), written back into the textarea;
// - "Insert" in the merge-field list puts {{ namespace.field }} at the cursor of the last text field used;
// - the preview (problems, rendered steps, the merge fields' example values) is fetched from
//   data-preview-url as a server-rendered fragment 400 ms after the last change.
// Saving still posts the form and the server checks everything again.
"use strict";

const DEBOUNCE_MS = 400;

function editorOf(form) {
  const steps = form.querySelector("[data-steps]");
  const stepTemplate = document.getElementById("step-template");
  const optionEditorTemplate = document.getElementById("option-editor-template");
  const optionRowTemplate = document.getElementById("option-row-template");
  const status = form.querySelector("[data-preview-status]");
  let lastTextField = null;
  let timer = null;
  let sequence = 0;
  let optionIds = 0;

  // Preview: the newest answer wins; an older one arriving late is ignored.
  async function refresh() {
    const mine = ++sequence;
    let response;
    try {
      response = await fetch(form.dataset.previewUrl, {method: "POST", body: new FormData(form),
                                                       headers: {"Accept": "text/html"}});
    } catch (error) {
      response = null;
    }
    if (mine !== sequence) { return; }
    if (!response || !(response.ok || response.status === 422)) {
      status.textContent = form.dataset.previewFailed;
      return;
    }
    const fragment = document.createElement("div");
    fragment.innerHTML = await response.text();  // rendered and escaped by the server
    if (mine !== sequence) { return; }
    status.textContent = "";
    form.querySelector("[data-live-checked]").replaceWith(fragment.querySelector("[data-live-checked]"));
    form.querySelector("[data-merge-case]").replaceChildren(...fragment.querySelector("[data-merge-case]").childNodes);
    fragment.querySelectorAll("[data-merge-example]").forEach((fresh) => {
      const shown = form.querySelector(`[data-merge-example="${CSS.escape(fresh.dataset.mergeExample)}"]`);
      if (shown) { shown.replaceChildren(...fresh.childNodes); }
    });
    form.dispatchEvent(new CustomEvent("script-preview-updated"));
  }

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  // Steps
  function renumber() {
    steps.querySelectorAll(":scope > [data-step]").forEach((fieldset, n) => {
      const label = form.dataset.stepLabel.replace("{n}", n + 1);
      fieldset.setAttribute("aria-label", label);
      fieldset.querySelector("[data-step-tools]").setAttribute("aria-label", label);
      fieldset.querySelector("[data-step-position] input").value = n + 1;
    });
  }

  function nextIndex() {
    const used = Array.from(form.querySelectorAll("[name^='steps-']"),
                            (field) => Number(/^steps-(\d+)-/.exec(field.name)?.[1] ?? -1));
    return Math.max(-1, ...used) + 1;
  }

  function enhanceStep(fieldset) {
    fieldset.querySelector("[data-step-tools]").hidden = false;
    fieldset.querySelector("[data-step-position]").hidden = true;
    fieldset.querySelector("[data-step-remove-box]").hidden = true;
    const id = fieldset.querySelector("input[name$='-id']:not([name*='-branches-'])");
    const legend = fieldset.querySelector("[data-step-legend]");
    id.addEventListener("input", () => { legend.textContent = id.value.trim() || form.dataset.newStep; });
    fieldset.querySelector("[data-step-remove]").addEventListener("click", () => {
      const neighbour = fieldset.nextElementSibling || fieldset.previousElementSibling;
      fieldset.remove();
      renumber();
      changed();
      (neighbour?.querySelector("[data-step-remove]") || form.querySelector("[data-step-add]")).focus();
    });
    fieldset.querySelectorAll("[data-step-move]").forEach((button) => button.addEventListener("click", () => {
      const up = button.dataset.stepMove === "-1";
      const other = up ? fieldset.previousElementSibling : fieldset.nextElementSibling;
      if (!other) { return; }
      other.insertAdjacentElement(up ? "beforebegin" : "afterend", fieldset);
      renumber();
      changed();
      button.focus();
    }));
    fieldset.querySelectorAll("[data-options-box]").forEach(enhanceOptions);
  }

  function addStep() {
    const index = nextIndex();
    const copy = stepTemplate.content.firstElementChild.cloneNode(true);
    copy.querySelectorAll("[id], [for], [name], [aria-describedby]").forEach((element) => {
      for (const attribute of ["id", "for", "name", "aria-describedby"]) {
        const value = element.getAttribute(attribute);
        if (value) { element.setAttribute(attribute, value.replaceAll("__N__", index)); }
      }
    });
    steps.append(copy);
    enhanceStep(copy);
    renumber();
    changed();
    copy.querySelector("input[name$='-id']").focus();
  }

  // Options: rows written back into the step's textarea as "value = Label" lines, the format it always had.
  function enhanceOptions(box) {
    const textarea = box.querySelector("textarea");
    const editor = optionEditorTemplate.content.firstElementChild.cloneNode(true);
    const rows = editor.querySelector("[data-option-rows]");
    const write = () => {
      textarea.value = Array.from(rows.children, (row) => {
        const value = row.querySelector("[data-option-value]").value.trim();
        const label = row.querySelector("[data-option-label]").value.trim();
        return value || label ? `${value} = ${label || value}` : "";
      }).filter(Boolean).join("\n");
      changed();
    };
    const addRow = (value, label) => {
      const row = optionRowTemplate.content.firstElementChild.cloneNode(true);
      const id = `option-${++optionIds}`;
      row.querySelectorAll("label[data-for]").forEach((labelElement) => {
        labelElement.htmlFor = `${id}-${labelElement.dataset.for}`;
      });
      row.querySelector("[data-option-value]").id = `${id}-value`;
      row.querySelector("[data-option-label]").id = `${id}-label`;
      row.querySelector("[data-option-value]").value = value;
      row.querySelector("[data-option-label]").value = label;
      row.querySelectorAll("input").forEach((input) => input.addEventListener("input", write));
      row.querySelector("[data-option-remove]").addEventListener("click", () => {
        const neighbour = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        write();
        (neighbour?.querySelector("[data-option-remove]") || editor.querySelector("[data-option-add]")).focus();
      });
      row.querySelectorAll("[data-option-move]").forEach((button) => button.addEventListener("click", () => {
        const up = button.dataset.optionMove === "-1";
        const other = up ? row.previousElementSibling : row.nextElementSibling;
        if (!other) { return; }
        other.insertAdjacentElement(up ? "beforebegin" : "afterend", row);
        write();
        button.focus();
      }));
      rows.append(row);
      return row;
    };
    textarea.value.split("\n").filter((line) => line.trim()).forEach((line) => {
      const at = line.indexOf("=");
      const [value, label] = at < 0 ? [line, ""] : [line.slice(0, at), line.slice(at + 1)];
      addRow(value.trim(), label.trim());
    });
    editor.querySelector("[data-option-add]").addEventListener("click", () => {
      addRow("", "").querySelector("[data-option-value]").focus();
    });
    Array.from(box.children).forEach((child) => { child.hidden = true; });  // the textarea, its label and errors
    const errors = box.querySelector(".invalid-feedback");
    box.append(editor);
    if (errors) { editor.append(errors.cloneNode(true)); errors.remove(); }
  }

  // Merge fields: inserted at the cursor (or over the selection) of the last text field used in a step.
  form.addEventListener("focusin", (event) => {
    const field = event.target;
    if (field.closest("[data-step]") && (field.tagName === "TEXTAREA" || field.type === "text")) {
      lastTextField = field;
    }
  });
  form.querySelectorAll("[data-merge-insert]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const field = lastTextField && lastTextField.isConnected ? lastTextField : steps.querySelector("textarea");
      if (!field) { return; }
      const start = field.selectionStart ?? field.value.length;
      const end = field.selectionEnd ?? start;
      field.setRangeText(button.dataset.mergeInsert, start, end, "end");
      field.focus();
      field.dispatchEvent(new Event("input", {bubbles: true}));
    });
  });

  steps.querySelectorAll(":scope > [data-step]").forEach(enhanceStep);
  const add = form.querySelector("[data-step-add]");
  add.hidden = false;
  add.addEventListener("click", addStep);
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  renumber();
  if ("previewOnLoad" in form.dataset) { refresh(); }  // after a refused save, keep the save's own problems
}

document.querySelectorAll("form[data-script-editor]").forEach(editorOf);
