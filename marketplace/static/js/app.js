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
