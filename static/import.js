// Upload page: sends the file with XMLHttpRequest, shows how much is
// uploaded, then how much of the file the server has imported (it answers
// with lines {"percent": N} as it reads the file, and last {"status": S,
// "html": page}), and finally the page with the result in place of this
// one. Without JavaScript the form posts as usual and the result page
// comes when the import is done.
(function () {
  "use strict";
  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    if (doc.title) { document.title = doc.title; }
    document.body.replaceWith(document.importNode(doc.body, true));
    bind();
  }
  function bind() {
    var form = document.getElementById("import-form");
    if (!form) { return; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var box = document.getElementById("import-progress");
      var bar = box.querySelector("progress");
      var label = box.querySelector("span");
      var percent = function (p) { return label.dataset.percent.replace("%d", p).replace("%%", "%"); };
      var xhr = new XMLHttpRequest();
      var seen = 0, last = null;
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", form.elements._csrf.value);
      xhr.setRequestHeader("X-Import-Progress", "ndjson");
      box.hidden = false;
      label.textContent = label.dataset.uploading;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
          label.textContent = label.dataset.uploading + " " + bar.value + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 0;
        label.textContent = label.dataset.working;
      });
      var streamed = function () {
        return (xhr.getResponseHeader("Content-Type") || "").indexOf("application/x-ndjson") === 0;
      };
      var read = function () {
        if (!streamed()) { return; }
        var text = xhr.responseText, nl;
        while ((nl = text.indexOf("\n", seen)) >= 0) {
          var line = text.slice(seen, nl), msg = null;
          seen = nl + 1;
          try { msg = JSON.parse(line); } catch (e) { continue; }
          if (msg.html !== undefined) {
            last = msg;
          } else if (typeof msg.percent === "number") {
            bar.value = msg.percent;
            label.textContent = percent(msg.percent);
          }
        }
      };
      xhr.addEventListener("progress", read);
      xhr.addEventListener("load", function () {
        read();
        if (last) {
          show(last.html);
        } else if (!streamed() && xhr.responseText) {
          show(xhr.responseText); // refused before the import began: the error page
        } else {
          // The stream broke off: do not send the file again, some rows may be in.
          bar.hidden = true;
          label.textContent = label.dataset.lost;
        }
      });
      xhr.addEventListener("error", function () { form.submit(); });
      form.querySelector("button[type=submit]").disabled = true;
      xhr.send(new FormData(form));
    });
  }
  bind();
})();
