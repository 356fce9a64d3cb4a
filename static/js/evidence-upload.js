// Evidence upload progress. The form works as a plain multipart post without this script; with it,
// the same post is sent by XMLHttpRequest so a progress bar can show. The server's answer is
// followed as the browser would: a redirect (success) loads the new page; a page with errors
// replaces the main content, and the error summary takes focus.
(function () {
  "use strict";

  function bind(form) {
    if (!form || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    var box = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-progress-bar");
    var text = document.getElementById("upload-progress-text");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit], input[type=submit]");
      if (button) button.disabled = true;
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        bar.textContent = percent + "%";
        text.textContent = percent < 100 ? percent + "% uploaded" : "Checking your file";
      });
      xhr.addEventListener("load", function () {
        var target = xhr.responseURL || window.location.href;
        if (target.split("#")[0] !== window.location.href.split("#")[0]) {
          window.location.assign(target);
          return;
        }
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.getElementById("main-content");
        if (!main) {
          form.submit();
          return;
        }
        document.title = doc.title;
        document.getElementById("main-content").replaceWith(main);
        var summary = main.querySelector(".govuk-error-summary");
        if (summary) {
          summary.setAttribute("tabindex", "-1");
          summary.focus();
        }
        bind(main.querySelector("form[data-evidence-upload]"));
      });
      xhr.addEventListener("error", function () {
        text.textContent = "The upload failed. Check your connection and try again.";
        if (button) button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  }

  bind(document.querySelector("form[data-evidence-upload]"));
})();
