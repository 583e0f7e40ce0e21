// <textarea data-sms-counter="ID" data-max-message="1600">: the element ID shows, as the agent types, how many
// characters and SMS segments the reply takes, and into how many texts it is split (the same count as
// helpdesk/telephony/segments.py). Its data-one / data-many hold the translated sentences.
(() => {
  const GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  const GSM_EXTENDED = "^{}\\[~]|€\f";

  const segments = (text) => {
    const chars = Array.from(text);
    const gsm = chars.every((c) => GSM_BASIC.includes(c) || GSM_EXTENDED.includes(c));
    const units = gsm ? chars.length + chars.filter((c) => GSM_EXTENDED.includes(c)).length : text.length;
    const [single, split] = gsm ? [160, 153] : [70, 67];
    return units <= single ? 1 : Math.ceil(units / split);
  };

  // Cut like split_reply: after a line or a word in the second half of a full message, else at the limit.
  const split = (text, max) => {
    const parts = [];
    while (Array.from(text).length > max) {
      const window = Array.from(text).slice(0, max).join("");
      const at = Math.max(window.lastIndexOf("\n"), window.lastIndexOf(" "));
      const cut = at > window.length / 2 ? at + 1 : window.length;
      parts.push(text.slice(0, cut).trimEnd());
      text = text.slice(cut).trimStart();
    }
    return text ? [...parts, text] : parts;
  };

  document.querySelectorAll("textarea[data-sms-counter]").forEach((box) => {
    const out = document.getElementById(box.dataset.smsCounter);
    const max = Number(box.dataset.maxMessage || 1600);
    const show = () => {
      const text = box.value.trim();
      if (!text) { out.textContent = ""; return; }
      const parts = split(text, max);
      const total = parts.reduce((sum, part) => sum + segments(part), 0);
      const sentence = parts.length > 1 ? out.dataset.many : out.dataset.one;
      out.textContent = sentence.replace("{chars}", Array.from(text).length).replace("{segments}", total)
        .replace("{messages}", parts.length);
    };
    box.addEventListener("input", show);
    show();
  });
})();
