// The batch grid works without this script; with it, rows can be added and
// removed in place instead of through the paste box.
(function () {
  var grid = document.querySelector("table.grid tbody");
  var add = document.querySelector("button.add-row");
  if (!grid || !add) return;
  function renumber() {
    Array.prototype.forEach.call(grid.rows, function (tr, i) { tr.cells[0].textContent = String(i + 1); });
  }
  function wire(tr) {
    var rm = tr.querySelector("button.remove");
    rm.hidden = false;
    rm.addEventListener("click", function () {
      if (grid.rows.length > 1) { tr.remove(); } else { tr.querySelectorAll("input").forEach(function (i) { i.value = ""; }); }
      renumber();
    });
  }
  Array.prototype.forEach.call(grid.rows, wire);
  add.hidden = false;
  add.addEventListener("click", function () {
    var tr = grid.rows[grid.rows.length - 1].cloneNode(true);
    tr.className = "";
    tr.querySelectorAll("input").forEach(function (i) { i.value = ""; });
    tr.cells[3].textContent = "";
    tr.querySelectorAll(".muted").forEach(function (s) { s.remove(); });
    grid.appendChild(tr);
    wire(tr);
    renumber();
    tr.querySelector("input[name=who]").focus();
  });
})();
