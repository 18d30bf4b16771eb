// Taking everything away: the account's export (a ZIP of JSON, CSV, the invoices' PDFs
// and e-invoices), on the Security page above the deletion it should come before.
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { useSubmit } from "./hooks";
import { ErrorBanner } from "./kit";
import { saveFile } from "./save";

export function ExportAccount() {
  const download = useSubmit(async () => {
    const archive = await unwrap(api.GET("/account/export", { parseAs: "blob" }));
    const day = new Date().toISOString().slice(0, 10);
    saveFile(archive as Blob, `fin-freelancer-export-${day}.zip`);
  });
  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Download everything</h2>
      <p>
        One ZIP file with your profile, clients, invoices and payments as JSON and CSV, every issued invoice's PDF
        and e-invoice, and what was e-mailed — to keep for the tax office or to take elsewhere.
      </p>
      <ErrorBanner error={download.error} />
      <button type="button" class="secondary" onClick={() => void download.run()} disabled={download.busy} aria-busy={download.busy}>
        {download.busy ? "Preparing the download…" : "Download my data"}
      </button>
    </section>
  );
}
