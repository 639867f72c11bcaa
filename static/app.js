// Small progressive enhancements that htmx cannot do. The site works without this file.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copy);
  if (!target) return;
  try {
    await navigator.clipboard.writeText(target.value || target.textContent);
    button.textContent = "Copied";
  } catch {
    target.select?.();
    button.textContent = "Press Ctrl+C to copy";
  }
});
