// Small conveniences on top of plain HTML forms; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A list's filter drop-downs apply as soon as they change.
  for (const select of document.querySelectorAll("form.filters select")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});
