// Live workspace: one EventSource per signed-in page (the server's /live/events stream). A call event carries the
// call's line of the call bar; a case event names the case, and the page fetches what it shows of it. Both are
// HTML rendered (and escaped) by the server. Only what changed changes: a call's line, new timeline entries, a
// count; focus stays where it is, and the status region announces only the changes.
(() => {
  const body = document.body;
  if (!body.dataset.liveEvents || !window.EventSource) { return; }
  const announcer = document.getElementById("live-announcer");
  const callBar = document.getElementById("call-bar");
  const callList = callBar && callBar.querySelector("ul");
  const livePanel = document.querySelector("[data-live-panel]");
  const timeline = document.querySelector("[data-live-case]");
  const counts = document.querySelectorAll("[data-queue-count]");

  const announce = (messages) => {
    if (!announcer || !messages.length) { return; }
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = messages.join(". "); }, 50);
  };

  const fetchText = async (url) => {
    const response = await fetch(url, {headers: {"Accept": "text/html"}, credentials: "same-origin"});
    if (!response.ok) { throw new Error(`${url}: ${response.status}`); }
    return response.text();
  };

  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const parse = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;  // a partial rendered (and escaped) by the server
    template.content.querySelectorAll('input[name="csrf_token"]').forEach((input) => { input.value = csrfToken; });
    return [...template.content.children];
  };

  // One fetch at a time per target; an event arriving meanwhile asks for one more fetch after it.
  const serialised = (work) => {
    let running = null;
    let again = false;
    const run = async () => {
      if (running) { again = true; return running; }
      running = (async () => {
        do {
          again = false;
          try { await work(); } catch (error) { /* the next event or reconnection tries again */ }
        } while (again);
        running = null;
      })();
      return running;
    };
    run.busy = () => running !== null;
    return run;
  };

  // Lines identified by data-call-id: an unchanged line (same data-version) stays the same element, a changed
  // one is replaced where it is, gone ones removed, new ones inserted in the server's order.
  const reconcile = (container, html) => {
    const current = new Map([...container.children].filter((el) => el.dataset.callId)
      .map((el) => [el.dataset.callId, el]));
    const changed = [];
    const wanted = parse(html).map((node) => {
      const id = node.dataset.callId;
      const existing = id && current.get(id);
      if (existing && existing.dataset.version === node.dataset.version) { return existing; }
      if (id && node.dataset.announce) { changed.push(node.dataset.announce); }
      if (existing) { existing.replaceWith(node); }
      return node;
    });
    [...container.children].forEach((node) => { if (!wanted.includes(node)) { node.remove(); } });
    wanted.forEach((node, index) => {
      const at = container.children[index];
      if (at !== node) { container.insertBefore(node, at || null); }
    });
    return changed;
  };

  const CALL_BAR_LINES = 5;
  const expiries = new WeakMap();  // an ended call's line leaves the bar a while after the call ended
  const noteExpiry = (line) => {
    if (line.dataset.expiresIn !== undefined) {
      expiries.set(line, Date.now() + 1000 * Number(line.dataset.expiresIn));
    }
  };
  const showCallBar = () => { callBar.hidden = callList.children.length === 0; };
  window.setInterval(() => {
    if (!callList) { return; }
    [...callList.children].forEach((line) => { if (expiries.get(line) < Date.now()) { line.remove(); } });
    showCallBar();
  }, 5000);

  // A call event's line: replaces the call's line if it changed, or goes on top of the bar.
  const showCallLine = (html) => {
    if (!callList) { return; }
    const [line] = parse(html);
    if (!line || !line.dataset.callId) { return; }
    const existing = callList.querySelector(`[data-call-id="${CSS.escape(line.dataset.callId)}"]`);
    if (existing && existing.dataset.version === line.dataset.version) { return; }
    if (existing) { existing.replaceWith(line); } else { callList.prepend(line); }
    noteExpiry(line);
    while (callList.children.length > CALL_BAR_LINES) { callList.lastElementChild.remove(); }
    showCallBar();
    announce([line.dataset.announce]);
  };

  let callBarLoaded = false;
  const refreshCallBar = serialised(async () => {
    if (!callList) { return; }
    const changed = reconcile(callList, await fetchText(body.dataset.liveCalls));
    [...callList.children].forEach(noteExpiry);
    showCallBar();
    if (callBarLoaded) { announce(changed); }  // what the page shows on opening is no news
    callBarLoaded = true;
  });

  const refreshLivePanel = serialised(async () => {
    if (!livePanel) { return; }
    reconcile(livePanel, await fetchText(livePanel.dataset.livePanel));  // the call bar announces the changes
  });

  const refreshTimeline = serialised(async () => {
    if (!timeline) { return; }
    const shown = [...timeline.querySelectorAll("[data-event-id]")].map((el) => Number(el.dataset.eventId));
    const after = shown.length ? Math.max(...shown) : 0;
    const entries = parse(await fetchText(`${timeline.dataset.liveUrl}?after=${after}`))
      .filter((el) => !timeline.querySelector(`[data-event-id="${CSS.escape(el.dataset.eventId)}"]`));
    entries.forEach((el) => timeline.append(el));
    announce(entries.map((el) => el.textContent.replace(/\s+/g, " ").trim().slice(0, 200)));
  });

  const refreshCounts = serialised(async () => {
    if (!counts.length) { return; }
    const response = await fetch(body.dataset.liveCounts, {headers: {"Accept": "application/json"}});
    if (!response.ok) { return; }
    const values = await response.json();
    counts.forEach((badge) => {
      const value = values[badge.dataset.queueCount];
      if (value === undefined) { return; }
      const text = value > 1000 ? "1000+" : String(value);
      if (badge.textContent !== text) { badge.textContent = text; }
    });
  });

  // Many changes in a moment make one request, and the pages open on a queue spread theirs over a few seconds
  // rather than all asking the server at once.
  let countsTimer = null;
  const refreshCountsSoon = () => {
    if (countsTimer === null) {
      countsTimer = window.setTimeout(() => { countsTimer = null; refreshCounts(); }, 500 + 2500 * Math.random());
    }
  };

  const refreshAll = () => {
    refreshCallBar();
    refreshLivePanel();
    refreshTimeline();
    refreshCountsSoon();
  };

  const source = new EventSource(body.dataset.liveEvents);
  source.addEventListener("open", () => { body.dataset.live = "connected"; refreshAll(); });  // also reconnections
  source.addEventListener("error", () => { body.dataset.live = "reconnecting"; });
  source.addEventListener("refresh", refreshAll);
  source.addEventListener("call", (event) => {
    const data = JSON.parse(event.data);
    if (data.html) { showCallLine(data.html); } else { refreshCallBar(); }
    // A fetch of the whole bar under way may answer what was before this event: fetch once more after it.
    if (data.html && refreshCallBar.busy()) { refreshCallBar(); }
    refreshLivePanel();
  });
  source.addEventListener("case", (event) => {
    const data = JSON.parse(event.data);
    if (timeline && String(data.case) === timeline.dataset.liveCase) { refreshTimeline(); }
    if (data.queues) { refreshCountsSoon(); }
  });
  window.addEventListener("pagehide", () => source.close());
})();
