// Small page behaviours, no build step: copy buttons, select-all boxes, the BloomNet preset.
(function () {
  "use strict";

  function copyText(text, button) {
    function done() {
      var old = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = old; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      var target = document.querySelector(button.getAttribute("data-copy"));
      if (target) {
        copyText(target.value !== undefined && target.tagName === "INPUT" ? target.value : target.textContent.trim(), button);
      }
      return;
    }
    var preset = event.target.closest("[data-preset-methods]");
    if (preset) {
      var form = preset.closest("form");
      var typeField = form.querySelector("[name=token_type]");
      var names = JSON.parse(preset.getAttribute("data-preset-methods"))[typeField ? typeField.value : ""] || [];
      form.querySelectorAll("input[name=methods]").forEach(function (box) {
        box.checked = names.indexOf(box.value) !== -1;
      });
      return;
    }
  });

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll(all.getAttribute("data-select-all")).forEach(function (box) {
        box.checked = all.checked;
      });
    }
  });
})();
