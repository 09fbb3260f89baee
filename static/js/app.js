// Expand or collapse a unit's children in the tree; children are fetched on first open.
document.addEventListener("click", function (event) {
  const toggle = event.target.closest("[data-tree-toggle]");
  if (!toggle) return;
  const item = toggle.closest("li");
  const list = item.querySelector(":scope > ul");
  if (!list) return;
  const open = !list.hidden;
  list.hidden = open;
  toggle.querySelector("i").className = open ? "bi bi-plus-square" : "bi bi-dash-square";
  toggle.setAttribute("aria-expanded", String(!open));
  if (!open && !list.dataset.loaded) {
    list.dataset.loaded = "1";
    htmx.ajax("GET", list.dataset.url, { target: list, swap: "innerHTML" });
  }
});
