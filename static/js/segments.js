// The live SMS segment counter of the survey texts, counted as Twilio counts them (the same rule as
// helpdesk/telephony/segments.py, which the server applies on save). Markup:
// <form data-segment-form data-program-name=".." data-sample-case=".." data-warn="3" data-max="6"
//       data-counter-template="{units} characters · {encoding} · {segments} SMS segment(s)"
//       data-warn-text=".." data-max-text="..">
//   <input name="scale" type="radio" value="5|10">
//   <textarea data-segments placeholder="the standard text" data-default-5=".." data-default-10=".."></textarea>
//   <div id="(the textarea's id)-count"></div>
// Choosing a scale shows that scale's standard texts.
"use strict";

const GSM7_BASIC = new Set(Array.from(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿" +
  "abcdefghijklmnopqrstuvwxyzäöñüà"));
const GSM7_EXTENSION = new Set(Array.from("^{}\\[~]|€\f"));

function countSegments(text) {
  const chars = Array.from(text);
  const gsm = chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
  const units = gsm ? chars.reduce((n, c) => n + (GSM7_EXTENSION.has(c) ? 2 : 1), 0) : text.length;  // UTF-16
  const [single, split] = gsm ? [160, 153] : [70, 67];
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / split);
  return {encoding: gsm ? "GSM-7" : "UCS-2", units, segments};
}

document.querySelectorAll("form[data-segment-form]").forEach((form) => {
  const fill = (text) => text.replaceAll("{program}", form.dataset.programName)
    .replaceAll("{case}", form.dataset.sampleCase);
  form.querySelectorAll("textarea[data-segments]").forEach((box) => {
    const counter = document.getElementById(box.id + "-count");
    const update = () => {
      const count = countSegments(fill(box.value || box.placeholder));
      counter.textContent = form.dataset.counterTemplate.replace("{units}", count.units)
        .replace("{encoding}", count.encoding).replace("{segments}", count.segments);
      counter.dataset.segments = count.segments;
      const over = count.segments > Number(form.dataset.max) ? "max" : count.segments > Number(form.dataset.warn) ? "warn" : "";
      if (over) { counter.textContent += " · " + form.dataset[over + "Text"]; }
      counter.classList.toggle("text-danger", over === "max");
      counter.classList.toggle("text-warning-emphasis", over === "warn");
    };
    box.addEventListener("input", update);
    form.querySelectorAll("input[name=scale]").forEach((radio) => radio.addEventListener("change", () => {
      box.placeholder = box.dataset["default-" + radio.value] || box.placeholder;
      update();
    }));
    update();
  });
});
