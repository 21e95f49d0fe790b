// Insert a model answer into the answer text as soon as one is picked (without JS, the "Insérer"
// button reloads the page with ?modele=<id> and the server pre-fills the text).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_modele");
  if (!select) return;
  const target = document.getElementById(select.dataset.target);
  select.addEventListener("change", () => {
    const option = select.options[select.selectedIndex];
    if (!option || !option.dataset.body || !target) return;
    if (target.value.trim() && !window.confirm("Remplacer le texte déjà saisi par ce modèle ?")) return;
    target.value = option.dataset.body;
    target.focus();
  });
});
