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
