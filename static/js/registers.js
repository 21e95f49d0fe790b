// Registers on a small screen: the list comes first, the filters start closed behind their « Filtrer »
// button (unless one of them is in error). Without this script they stay open, as on a large screen.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(max-width: 991.98px)").matches) return;
  for (const details of document.querySelectorAll("details.qp-filters:not([data-keep-open])")) {
    details.open = false;
  }
});
