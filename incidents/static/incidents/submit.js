// Progressive enhancement for /submit/: add and remove source and outcome rows.
// Without JavaScript the form still works with the rows the server rendered.
(function () {
  document.querySelectorAll("[data-rows]").forEach(function (group) {
    var prefix = group.getAttribute("data-rows");
    var template = group.querySelector("template");
    var list = group.querySelector("[data-row-list]");
    var add = group.querySelector("[data-add-row]");
    function renumber() {
      list.querySelectorAll("[data-row]").forEach(function (row, i) {
        row.querySelectorAll("[name],[id],[for]").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            var v = el.getAttribute(attr);
            if (v) el.setAttribute(attr, v.replace(new RegExp(prefix + "-\\d+-"), prefix + "-" + i + "-"));
          });
        });
        var n = row.querySelector("[data-row-number]");
        if (n) n.textContent = String(i + 1);
      });
    }
    function wire(row) {
      var remove = row.querySelector("[data-remove-row]");
      if (remove) {
        remove.hidden = false;
        remove.addEventListener("click", function () { row.remove(); renumber(); });
      }
    }
    list.querySelectorAll("[data-row]").forEach(wire);
    if (add && template) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var row = template.content.firstElementChild.cloneNode(true);
        list.appendChild(row);
        wire(row);
        renumber();
        var first = row.querySelector("input,select,textarea");
        if (first) first.focus();
      });
    }
  });
})();
// A report is sent once: the button is disabled after the first click (the server also refuses a
// second post of the same form).
(function () {
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    });
  });
})();
// After a form that was not sent, focus moves to the summary of its errors, whose entries link to the fields.
(function () {
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();
})();
