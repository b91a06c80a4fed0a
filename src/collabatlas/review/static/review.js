// Keyboard shortcuts: an element with data-key="x" is clicked (or focused, for inputs) on key x.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const element = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
  if (!element) return;
  event.preventDefault();
  if (element instanceof HTMLInputElement) element.focus();
  else element.click();
});

// Registry search: suggestions for the institution field; picking one fills the country.
const institution = document.getElementById("institution");
const country = document.getElementById("country");
const options = document.getElementById("registry-options");
if (institution && options) {
  const found = new Map();
  let timer = 0;
  institution.addEventListener("input", () => {
    const known = found.get(institution.value);
    if (known && country && !country.value) country.value = known;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const response = await fetch(`/registry?q=${encodeURIComponent(institution.value)}`);
      if (!response.ok) return;
      options.replaceChildren();
      for (const item of await response.json()) {
        found.set(item.name, item.country);
        const option = document.createElement("option");
        option.value = item.name;
        option.label = `${item.name} (${item.country})`;
        options.append(option);
      }
    }, 150);
  });
}
