// Picking a passage by selecting text in a document's preview (knowledge editor).
// The last selection made inside a preview is remembered, because pressing the button can
// clear it; the chosen example's passage field gets the text and autosaves as if typed.
(function () {
  "use strict";

  function areaOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest(".doc-pick-area") : null;
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var area = areaOf(selection.anchorNode);
    var preview = area && area.querySelector(".markdown-preview");
    if (!preview || !preview.contains(selection.focusNode)) return;
    area.dataset.selected = selection.toString().replace(/\s+/g, " ").trim();
    var status = area.querySelector(".pick-status");
    if (status) status.textContent = area.dataset.selected.split(" ").length + " words selected.";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-passage]");
    if (!button) return;
    event.preventDefault();
    var area = button.closest(".doc-pick-area");
    var status = area.querySelector(".pick-status");
    var text = area.dataset.selected || "";
    if (!text) {
      status.textContent = "Select some text in the document above first.";
      return;
    }
    var seed = area.querySelector("select[data-pick-seed]").value;
    var field = document.getElementById("f-seed-" + seed + "-context");
    if (!field) return;
    field.value = text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    status.textContent = "Example " + seed + "'s passage is now the selected text.";
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
