// Destructive actions ask for confirmation (forms marked .js-confirm with a data-confirm text).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("js-confirm") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
