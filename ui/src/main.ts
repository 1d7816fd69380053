// Entry point: picks the view from the URL (`#form=<id>` for a form window, else home).
import { renderForm } from "./form";
import { renderHome } from "./home";

async function main(): Promise<void> {
  const app = document.getElementById("app")!;
  const params = new URLSearchParams(location.hash.slice(1));
  const form = params.get("form");
  app.replaceChildren();
  try {
    if (form) await renderForm(app, form);
    else await renderHome(app);
  } finally {
    app.dataset.ready = "true";
  }
}

main().catch((e) => {
  const app = document.getElementById("app")!;
  app.textContent = `FormDesk could not start this window: ${e?.message ?? e}`;
});
