// The camera scanner of the desks (the door's check-in desk, the merch desk): the browser's
// BarcodeDetector where there is one, else jsQR (vendored from npm in
// midsummer/static/midsummer/vendor/). A decoded code fills the form's [data-scan-field] and
// sends the [data-scan-form]; what a double scan means is the form's business (the door's
// one-time nonce, the merch desk's lookup).
(function () {
  "use strict";
  var form = document.querySelector("[data-scan-form]");
  var start = document.querySelector("[data-camera-start]");
  var box = document.querySelector("[data-camera]");
  var field = form && form.querySelector("[data-scan-field]");
  if (!field || !start || !box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var video = box.querySelector("[data-video]");
  var status = box.querySelector("[data-camera-status]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var detector = null;
  if ("BarcodeDetector" in window) {
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
  }
  var done = false;

  function found(code) {
    if (done || !code) { return; }
    done = true;
    field.value = code;
    var stream = video.srcObject;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    form.submit();
  }

  function withJsQR() {
    if (!window.jsQR || video.readyState < 2) { return Promise.resolve(null); }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var result = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    return Promise.resolve(result ? result.data : null);
  }

  function withDetector() {
    return detector.detect(video).then(function (codes) {
      return codes.length ? codes[0].rawValue : null;
    }).catch(function () { detector = null; return null; });
  }

  function tick() {
    if (done) { return; }
    (detector ? withDetector() : withJsQR()).then(function (code) {
      if (code) { found(code); } else { window.requestAnimationFrame(tick); }
    });
  }

  start.hidden = false;
  start.addEventListener("click", function () {
    box.hidden = false;
    start.hidden = true;
    status.textContent = "";
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        return video.play();
      })
      .then(tick)
      .catch(function (error) {
        status.textContent = String(error && error.message ? error.message : error);
        start.hidden = false;
      });
  });
  if (field) { field.focus(); }
})();
