import { useEffect, useState } from "preact/hooks";
import { api, authorised, type Schemas } from "../api/client";
import { ApiError, ifMatch, unwrap } from "../api/problem";
import { useResource, useSubmit } from "../ui/hooks";
import { ErrorBanner, Form, Input, Loading } from "../ui/kit";
import { DeliverySettings } from "../ui/DeliverySettings";
import { StripeConnection } from "../ui/StripeConnection";
import { AddressFields, addressBody, addressForm, emptyAddress, type AddressForm } from "../ui/AddressFields";

type Profile = Schemas["BusinessProfile"];
const blank = { legal_name: "", trading_name: "", tax_id: "", registration_id: "", peppol_id: "", contact_name: "", phone: "", email: "", iban: "", bic: "", payment_terms: "" };
type Fields = typeof blank & { address: AddressForm };

function toForm(p: Profile): Fields {
  return {
    legal_name: p.legal_name,
    trading_name: p.trading_name ?? "",
    tax_id: p.tax_id ?? "",
    registration_id: p.registration_id ?? "",
    peppol_id: p.peppol_id ?? "",
    contact_name: p.contact_name ?? "",
    phone: p.phone ?? "",
    email: p.email ?? "",
    iban: p.iban ?? "",
    bic: p.bic ?? "",
    payment_terms: p.payment_terms ?? "",
    address: addressForm(p.address),
  };
}

/** A 404 is "no profile yet", which the form then creates. */
async function loadProfile(): Promise<Profile | null> {
  try {
    return await unwrap(api.GET("/business-profile"));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export default function Settings() {
  const account = useResource(() => unwrap(api.GET("/auth/profile")), []);
  const profile = useResource(loadProfile, []);
  const [current, setCurrent] = useState<Profile | null>(null);
  const [form, setForm] = useState<Fields>({ ...blank, address: emptyAddress });
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (profile.data) {
      setCurrent(profile.data);
      setForm(toForm(profile.data));
    }
  }, [profile.data]);
  const n = (s: string) => (s.trim() ? s : null);
  const save = useSubmit(async () => {
    setSaved(false);
    const address = addressBody(form.address) ?? { country: "" as Schemas["CountryCode"] };
    const body = { legal_name: form.legal_name, trading_name: n(form.trading_name), tax_id: n(form.tax_id), registration_id: n(form.registration_id), peppol_id: n(form.peppol_id), contact_name: n(form.contact_name), phone: n(form.phone), email: n(form.email), iban: n(form.iban), bic: n(form.bic), payment_terms: n(form.payment_terms), address };
    const next = await unwrap(api.PUT("/business-profile", { params: { header: current ? ifMatch(current.version) : {} }, body }));
    setCurrent(next);
    setSaved(true);
  });
  const logo = useSubmit(async (file: File) => {
    // The body is the picture itself; openapi-fetch would JSON-encode it.
    const reply = await authorised(
      new Request("/business-profile/logo", { method: "PUT", headers: { "Content-Type": file.type || "application/octet-stream" }, body: file }),
    );
    if (!reply.ok) throw new ApiError(await reply.json(), reply.headers.get("Retry-After"));
    setCurrent(await reply.json());
  });
  const set = (k: keyof typeof blank) => (v: string) => setForm({ ...form, [k]: v });
  if (profile.loading && !profile.data) return <Loading />;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {account.data && (
        <p class="muted">
          Signed in as {account.data.name} ({account.data.email}).
        </p>
      )}
      <h2>Business profile</h2>
      <p class="muted">Printed as the seller on every invoice; an invoice keeps the profile it was sent with.</p>
      <ErrorBanner error={profile.error ?? save.error} />
      {saved && (
        <p class="banner ok" role="status">
          Saved.
        </p>
      )}
      <Form onSubmit={() => void save.run()}>
        <div class="cols">
          <Input label="Legal name" name="legal_name" required value={form.legal_name} onInput={set("legal_name")} errors={save.fields} />
          <Input label="Trading name" name="trading_name" value={form.trading_name} onInput={set("trading_name")} errors={save.fields} />
          <Input label="VAT / tax id" name="tax_id" value={form.tax_id} onInput={set("tax_id")} errors={save.fields} />
          <Input label="Registration number" name="registration_id" value={form.registration_id} onInput={set("registration_id")} errors={save.fields} hint="Company register number (a Danish CVR, a Dutch KvK number)" />
          <Input label="Peppol participant id" name="peppol_id" value={form.peppol_id} onInput={set("peppol_id")} errors={save.fields} hint="Where you receive e-invoices, such as 0184:DK12345678" />
          <Input label="Contact person" name="contact_name" value={form.contact_name} onInput={set("contact_name")} errors={save.fields} />
          <Input label="Phone" name="phone" type="tel" value={form.phone} onInput={set("phone")} errors={save.fields} />
          <Input label="Billing email" name="email" type="email" value={form.email} onInput={set("email")} errors={save.fields} />
          <Input label="IBAN" name="iban" value={form.iban} onInput={set("iban")} errors={save.fields} />
          <Input label="BIC" name="bic" value={form.bic} onInput={set("bic")} errors={save.fields} />
        </div>
        <AddressFields value={form.address} onChange={(address) => setForm({ ...form, address })} errors={save.fields} />
        <Input label="Payment terms" name="payment_terms" value={form.payment_terms} onInput={set("payment_terms")} errors={save.fields} />
        <button type="submit" disabled={save.busy}>
          Save profile
        </button>
      </Form>
      {current && (
        <section class="card" aria-labelledby="logo-title">
          <h2 id="logo-title">Logo</h2>
          <ErrorBanner error={logo.error} />
          <p class="muted">{current.logo ? "A logo is printed on your documents." : "No logo yet."} PNG or JPEG, at most 256 KiB.</p>
          <label>
            Upload a logo
            <input
              type="file"
              accept="image/png,image/jpeg"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file) void logo.run(file);
              }}
            />
          </label>
        </section>
      )}
      <StripeConnection />
      <DeliverySettings />
    </section>
  );
}
