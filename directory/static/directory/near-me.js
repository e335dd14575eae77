// "Near me" in the convention directory: asks the browser for the visitor's position (only when
// they press the button), fills the form's hidden fields and sends it. Nothing is stored.
(function () {
  "use strict";
  var button = document.getElementById("near-me");
  if (!button || !navigator.geolocation) {
    if (button) { button.hidden = true; }
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var status = document.getElementById("near-me-status");
    status.textContent = button.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      var form = button.form;
      form.elements.lat.value = position.coords.latitude.toFixed(3);
      form.elements.lon.value = position.coords.longitude.toFixed(3);
      form.submit();
    }, function () {
      status.textContent = button.dataset.failed;
    }, { maximumAge: 600000, timeout: 15000 });
  });
}());
