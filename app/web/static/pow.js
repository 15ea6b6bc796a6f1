// Proof of work for posting (ALTCHA v1): find n with SHA-256(salt + n) == challenge, then
// put the signed solution in the form. Self-hosted; no third party is contacted.
(function () {
  "use strict";
  async function sha256hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  async function solve(box) {
    const { algorithm, challenge, salt, signature, maxNumber } = box.dataset;
    const status = box.querySelector(".pow-status");
    const max = parseInt(maxNumber, 10);
    for (let n = 0; n <= max; n += 1) {
      if ((await sha256hex(salt + n)) === challenge) {
        const payload = { algorithm, challenge, number: n, salt, signature };
        box.querySelector("input[name=altcha]").value = btoa(JSON.stringify(payload));
        status.textContent = status.dataset.done;
        box.closest("form").querySelector("button[type=submit]").disabled = false;
        return;
      }
    }
    status.textContent = status.dataset.failed;
  }
  document.querySelectorAll(".pow").forEach((box) => {
    box.closest("form").querySelector("button[type=submit]").disabled = true;
    solve(box);
  });
})();
