// Show the sector and local-authority fields only for the kinds that need them.
document.addEventListener("DOMContentLoaded", function () {
  var kind = document.getElementById("kind");
  if (!kind) { return; }
  var dependent = { sector: "sector_referent", authority_type: "local_authority" };
  function update() {
    Object.keys(dependent).forEach(function (field) {
      var wrapper = document.getElementById(field + "-group");
      if (wrapper) { wrapper.hidden = kind.value !== dependent[field]; }
    });
  }
  kind.addEventListener("change", update);
  update();
});

// Ask before a destructive action: a form with data-confirm is sent only once the user agrees.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});

// Proposals list: "select all on this page" ticks every proposal's box; unticking one unticks it.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.form || !box.form.hasAttribute("data-bulk-proposals")) { return; }
  if (box.name === "all_on_page") {
    box.form.querySelectorAll('input[name="ids"]').forEach(function (one) { one.checked = box.checked; });
  } else if (box.name === "ids" && !box.checked) {
    box.form.querySelector('input[name="all_on_page"]').checked = false;
  }
});
