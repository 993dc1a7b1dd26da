// Upload page: sends the file with XMLHttpRequest so the page can show how
// much is uploaded, then that the rows are being imported, and finally the
// server's answer in place of the page.
(function () {
  "use strict";
  function bind() {
    var form = document.getElementById("import-form");
    if (!form) { return; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var box = document.getElementById("import-progress");
      var bar = box.querySelector("progress");
      var label = box.querySelector("span");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.responseType = "document";
      xhr.setRequestHeader("X-CSRF-Token", form.elements._csrf.value);
      box.hidden = false;
      label.textContent = label.dataset.uploading;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // indeterminate while the server imports
        label.textContent = label.dataset.working;
      });
      xhr.addEventListener("load", function () {
        if (xhr.response && xhr.response.body) {
          document.body.replaceWith(document.importNode(xhr.response.body, true));
          bind();
        } else {
          form.submit();
        }
      });
      xhr.addEventListener("error", function () { form.submit(); });
      form.querySelector("button[type=submit]").disabled = true;
      xhr.send(new FormData(form));
    });
  }
  bind();
})();
