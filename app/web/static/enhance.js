// Small conveniences the pages work without: a copy button for the board's handle and a
// "select all" box for the review queue. Both controls ship hidden and show only when this runs.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-target]").forEach((button) => {
    const target = document.getElementById(button.dataset.copyTarget);
    if (!target || !navigator.clipboard) return;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(target.textContent.trim());
        button.textContent = button.dataset.copied;
      } catch (error) {
        button.textContent = button.dataset.failed;
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  });
  document.querySelectorAll("input[data-select-all]").forEach((box) => {
    const picks = box.form.querySelectorAll("input.pick");
    box.closest("[hidden]")?.removeAttribute("hidden");
    box.addEventListener("change", () => picks.forEach((pick) => { pick.checked = box.checked; }));
    picks.forEach((pick) => pick.addEventListener("change", () => {
      box.checked = Array.from(picks).every((each) => each.checked);
    }));
  });
})();
