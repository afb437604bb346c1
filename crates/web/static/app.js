// Small conveniences on top of plain HTML forms; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A list's filter drop-downs apply as soon as they change.
  for (const select of document.querySelectorAll("form.filters select")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});

// A person's unit list follows the chosen site, without a round trip through "Save".
document.addEventListener("DOMContentLoaded", () => {
  const site = document.querySelector("form.record select#f-site_id");
  const unit = document.querySelector("form.record select#f-unit_id");
  if (!site || !unit) return;
  site.addEventListener("change", async () => {
    unit.replaceChildren(new Option(site.value ? "— no unit —" : "— choose a site first —", ""));
    if (!site.value) return;
    const reply = await fetch(`/api/v1/units?site_id=${encodeURIComponent(site.value)}&limit=500`, { credentials: "same-origin" });
    if (!reply.ok) return;
    const page = await reply.json();
    for (const u of page.items) unit.add(new Option(u.name, String(u.id)));
  });
});

// Intake: the unit list follows the chosen site, and tickets and known issues that look
// like what is being typed appear below the form, so that a duplicate need not be filed.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.intake");
  if (!form) return;
  const site = form.querySelector("#f-site_id");
  const unit = form.querySelector("#f-unit_id");
  site?.addEventListener("change", async () => {
    unit.replaceChildren(new Option(site.value ? "— no unit —" : "— choose a site first —", ""));
    if (!site.value) return;
    const reply = await fetch(`/api/v1/units?site_id=${encodeURIComponent(site.value)}&limit=500`, { credentials: "same-origin" });
    if (!reply.ok) return;
    for (const u of (await reply.json()).items) unit.add(new Option(u.name, String(u.id)));
  });
  const panel = form.querySelector("#similar");
  const inputs = [form.querySelector("#f-summary"), form.querySelector("#f-what_happened")];
  let timer;
  const look = async () => {
    const text = inputs.map((i) => i?.value ?? "").join(" ").trim();
    if (text.length < 4) { panel.hidden = true; return; }
    const reply = await fetch(`/api/v1/tickets/similar?q=${encodeURIComponent(text)}`, { credentials: "same-origin" });
    if (!reply.ok) return;
    const found = await reply.json();
    panel.replaceChildren();
    if (!found.length) { panel.hidden = true; return; }
    const h = document.createElement("h2");
    h.textContent = "Is it one of these?";
    const list = document.createElement("ul");
    for (const s of found) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      if (s.kind === "known_issue") {
        a.href = `/known-issues/${s.id}`;
        a.textContent = `Known issue: ${s.title}`;
        li.append(a);
        if (s.workaround) li.append(` — workaround: ${s.workaround}`);
      } else {
        a.href = `/tickets/${s.id}`;
        a.textContent = `Ticket ${s.number}: ${s.title}`;
        const join = document.createElement("form");
        join.method = "post";
        join.action = `/tickets/${s.id}/join`;
        join.className = "inline";
        const csrf = form.querySelector("input[name=csrf_token]").cloneNode();
        const button = document.createElement("button");
        button.type = "submit";
        button.textContent = "Me too: follow this ticket";
        join.append(csrf, button);
        li.append(a, " ", join);
      }
      list.append(li);
    }
    panel.append(h, list);
    panel.hidden = false;
  };
  for (const input of inputs) input?.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(look, 300); });
  // A double click sends the form once.
  form.addEventListener("submit", () => { form.querySelector("button[type=submit]").disabled = true; });
});

// The live board: figures and the ticker arrive by server-sent events.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector("#board[data-stream]");
  if (!board || !window.EventSource) return;
  const ticker = document.querySelector("#ticker");
  const state = document.querySelector("#live-state");
  const events = new EventSource(board.dataset.stream);
  events.addEventListener("summary", (e) => { board.innerHTML = e.data; });
  events.addEventListener("ticket", (e) => {
    ticker.insertAdjacentHTML("afterbegin", e.data);
    while (ticker.children.length > 20) ticker.lastElementChild.remove();
  });
  events.addEventListener("open", () => { state.textContent = "Live: figures update by themselves."; });
  events.addEventListener("error", () => { state.textContent = "Reconnecting to the live feed…"; });
});

document.addEventListener("click", (e) => {
  if (e.target.matches("[data-print]")) window.print();
});

// Import progress: the figures follow the running import without a reload, and the page
// reloads once when it ends, to show the outcome. Without scripts it reloads itself.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("section.import-status[data-running]");
  if (!section) return;
  const bar = section.querySelector("progress");
  const percent = section.querySelector("[data-field=percent]");
  const keys = { "Rows read": "rows_done", "New people": "imported", "Updated": "updated",
    "Unchanged": "unchanged", "Marked inactive": "deactivated", "Rejected rows": "rejected" };
  const poll = async () => {
    const reply = await fetch(`/api/v1/imports/${section.dataset.import}`, { credentials: "same-origin" });
    if (!reply.ok) { setTimeout(poll, 3000); return; }
    const job = await reply.json();
    if (job.status !== "queued" && job.status !== "running") { location.reload(); return; }
    if (job.percent !== null) { bar.value = job.percent; bar.textContent = `${job.percent}%`; percent.textContent = job.percent; }
    for (const dd of section.querySelectorAll("dd[data-count]")) {
      const key = keys[dd.dataset.count];
      if (key) dd.textContent = job.counts[key].toLocaleString("en-US");
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
});

// A person field: the person's id stays the form's value; a search box beside it (hidden
// without this file) suggests people by name, email or employee id from GET
// /api/v1/people?q= and fills the id in; the chosen person's name shows beside the id.
document.addEventListener("DOMContentLoaded", () => {
  for (const find of document.querySelectorAll("input[data-person-for]")) {
    const target = document.getElementById(find.dataset.personFor);
    const shown = document.getElementById(find.dataset.personShown);
    const list = document.getElementById(find.getAttribute("list"));
    find.hidden = false;
    const show = async () => {
      shown.textContent = "";
      if (!/^\d+$/.test(target.value)) return;
      const reply = await fetch(`/api/v1/people/${target.value}`, { credentials: "same-origin" });
      if (reply.ok) {
        const p = await reply.json();
        shown.textContent = `${p.name} (${p.email})`;
      } else if (reply.status === 404) {
        shown.textContent = "no such person";
      }
    };
    let timer;
    find.addEventListener("input", () => {
      const chosen = /#(\d+)$/.exec(find.value);
      if (chosen) {
        target.value = chosen[1];
        find.value = "";
        show();
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = find.value.trim();
        if (q.length < 2) return;
        const reply = await fetch(`/api/v1/people?q=${encodeURIComponent(q)}&limit=10`, { credentials: "same-origin" });
        if (!reply.ok) return;
        const people = (await reply.json()).items;
        list.replaceChildren(...people.map((p) => new Option(`${p.name}, ${p.email} #${p.id}`)));
      }, 200);
    });
    target.addEventListener("change", show);
    show();
  }
});
