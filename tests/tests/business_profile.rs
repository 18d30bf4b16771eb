//! The freelancer's business profile (`/business-profile`): created and replaced whole,
//! versioned like invoices (ETag, If-Match → 412), normalised (IBAN, BIC, country),
//! refused field by field with nothing stored, and each freelancer's own. Bad tokens,
//! hostile text and the spec's keywords reach it through hostile.rs, text_input.rs and
//! agreement.rs, which take their operations from the spec.

use std::sync::OnceLock;

use fin_e2e::contract::spec;
use fin_e2e::{App, AppOptions, User};
use serde_json::{json, Value};

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    App::shared(&APP, || AppOptions::new("business_profile", [9, 9, 9]))
}

const PATH: &str = "/business-profile";

fn example() -> Value {
    spec()
        .request_example(PATH, "PUT")
        .expect("the spec's example")
}

fn put(user: &User, body: &Value, if_match: Option<&str>) -> fin_e2e::Reply {
    let mut call = user.call("PUT", PATH);
    if let Some(tag) = if_match {
        call = call.header("if-match", tag);
    }
    call.json(body).send()
}

#[test]
fn a_profile_is_created_read_and_replaced_by_version() {
    let app = app();
    let user = User::sign_up(app, "profile");
    user.get(PATH).problem(404);

    let created = put(&user, &example(), None);
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.header("location"), Some(PATH));
    let profile = created.json();
    assert_eq!(profile["legal_name"], "Ada Lovelace");
    assert_eq!(profile["iban"], "GB82WEST12345698765432", "electronic form");
    assert_eq!(profile["address"]["country"], "GB");
    assert_eq!(profile["version"], 1);

    let read = user.get(PATH);
    assert_eq!(read.status, 200);
    assert_eq!(read.header("etag"), Some("\"1\""));
    assert_eq!(read.json(), profile);

    // Replaced whole: what is left out is cleared; case and blanks are normalised.
    let mut changed = example();
    changed["trading_name"] = json!("  ");
    changed["bic"] = json!("nwbkgb2l");
    changed["address"]["country"] = json!(" gb ");
    changed
        .as_object_mut()
        .expect("object")
        .remove("payment_terms");
    let replaced = put(&user, &changed, Some("\"1\""));
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.header("etag"), Some("\"2\""));
    let replaced = replaced.json();
    assert_eq!(replaced["trading_name"], Value::Null);
    assert_eq!(replaced["payment_terms"], Value::Null);
    assert_eq!(replaced["bic"], "NWBKGB2L");

    // A stale version is refused with the current one, and changes nothing.
    let mut late = example();
    late["legal_name"] = json!("Someone Else");
    let stale = put(&user, &late, Some("\"1\""));
    let problem = stale.problem(412);
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("business profile") && !detail.contains("invoice"),
        "the profile's own words: {detail}"
    );
    assert_eq!(stale.header("etag"), Some("\"2\""));
    // An empty If-Match names no version: refused like a stale one, nothing changed.
    put(&user, &late, Some("")).problem(412);
    assert_eq!(user.get(PATH).json(), replaced);

    // Without If-Match the last write wins.
    let again = put(&user, &late, None);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.header("etag"), Some("\"3\""));
    assert_eq!(user.get(PATH).json()["legal_name"], "Someone Else");
}

#[test]
fn each_freelancer_has_their_own() {
    let app = app();
    let ada = User::sign_up(app, "profile-ada");
    let bob = User::sign_up(app, "profile-bob");
    assert_eq!(put(&ada, &example(), None).status, 201);
    bob.get(PATH).problem(404);
    let mut theirs = example();
    theirs["legal_name"] = json!("Bob");
    assert_eq!(
        put(&bob, &theirs, None).status,
        201,
        "a profile of Bob's own"
    );
    assert_eq!(ada.get(PATH).json()["legal_name"], "Ada Lovelace");
    assert_eq!(bob.get(PATH).json()["legal_name"], "Bob");
}

#[test]
fn bad_input_is_refused_by_field_and_nothing_is_stored() {
    let app = app();
    let user = User::sign_up(app, "profile-bad");
    let required = put(&user, &json!({}), None);
    assert_eq!(
        required.problem(422)["errors"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(required.fields(), ["legal_name", "address"]);

    let mut bad = example();
    bad["iban"] = json!("GB00 WEST 1234 5698 7654 32");
    bad["bic"] = json!("NWBK");
    bad["email"] = json!("not-an-address");
    bad["address"]["country"] = json!("XX");
    let refused = put(&user, &bad, None);
    refused.problem(422);
    let mut fields = refused.fields();
    fields.sort();
    assert_eq!(fields, ["address.country", "bic", "email", "iban"]);

    let malformed = user
        .call("PUT", PATH)
        .raw("application/json", b"{\"legal_name\": ".to_vec())
        .send();
    malformed.problem(400);
    let text = user
        .call("PUT", PATH)
        .raw("text/plain", b"legal_name=Ada".to_vec())
        .send();
    text.problem(415);
    let mut huge = example();
    huge["payment_terms"] = json!("x".repeat(20_000));
    put(&user, &huge, None).problem(413);
    let typed = put(&user, &json!({"legal_name": 42, "address": "here"}), None);
    typed.problem(422);

    // If-Match names a version of a profile that does not exist: 412, nothing created.
    put(&user, &example(), Some("\"1\"")).problem(412);
    user.get(PATH).problem(404);
}

#[test]
fn sending_freezes_the_seller_and_the_buyer_on_the_invoice() {
    let app = app();
    let user = User::sign_up(app, "profile-send");
    assert_eq!(put(&user, &example(), None).status, 201);
    let client = fin_e2e::id(&user.created(
        "/clients",
        &json!({"name": "Σοφία Ltd", "company": "Sophia Holdings", "tax_id": "GR123456789",
                "default_currency": "EUR",
                "address": {"line1": "Ermou 1", "city": "Athens", "country": "gr"}}),
    ));
    let draft = fin_e2e::id(&user.draft(&client, 10_000));
    let shown = user.get(&format!("/invoices/{draft}")).json();
    assert_eq!(
        (&shown["seller"], &shown["buyer"]),
        (&Value::Null, &Value::Null)
    );

    let sent = user.act(&draft, "send");
    assert_eq!(sent["seller"]["legal_name"], "Ada Lovelace");
    assert_eq!(sent["seller"]["iban"], "GB82WEST12345698765432");
    assert!(
        sent["seller"].get("version").is_none(),
        "{}",
        sent["seller"]
    );
    assert_eq!(sent["buyer"]["name"], "Σοφία Ltd");
    assert_eq!(sent["buyer"]["tax_id"], "GR123456789");
    assert_eq!(sent["buyer"]["address"]["country"], "GR");

    // Later changes to the profile and the client leave the issued invoice as it was.
    let mut renamed = example();
    renamed["legal_name"] = json!("Ada King, Countess of Lovelace");
    assert_eq!(put(&user, &renamed, None).status, 200);
    let changed = user.patch(
        &format!("/clients/{client}"),
        &json!({"name": "Sophia Ltd"}),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    let issued = user.get(&format!("/invoices/{draft}")).json();
    assert_eq!(issued["seller"], sent["seller"]);
    assert_eq!(issued["buyer"], sent["buyer"]);

    // The next one sent names them as they are now.
    let next = fin_e2e::id(&user.draft(&client, 5_000));
    let next = user.act(&next, "send");
    assert_eq!(
        next["seller"]["legal_name"],
        "Ada King, Countess of Lovelace"
    );
    assert_eq!(next["buyer"]["name"], "Sophia Ltd");

    // Without a profile an invoice is still sent, naming no seller.
    let plain = User::sign_up(app, "profile-none");
    let sent = plain.sent_invoice("EUR", 1_000);
    assert_eq!(sent["seller"], Value::Null);
    assert_eq!(sent["buyer"]["name"], "Acme");
}

/// The pictures `user` has stored (other tests run beside this one).
fn logos(user: &User) -> i64 {
    app()
        .db()
        .query_one(
            "SELECT count(*) FROM business_logos WHERE owner_id::text = $1",
            &[&user.user_id()],
        )
        .expect("count")
        .get(0)
}

fn put_logo(user: &User, content_type: &str, bytes: Vec<u8>) -> fin_e2e::Reply {
    user.call("PUT", "/business-profile/logo")
        .raw(content_type, bytes)
        .send()
}

#[test]
fn a_logo_that_decodes_is_kept_shown_and_printed_and_sent_invoices_keep_theirs() {
    use fin_e2e::images::{pdf_image_sizes, png};
    let user = User::sign_up(app(), "logo");
    let first = png(300, 100, 1);
    put_logo(&user, "image/png", first.clone()).problem(404);
    assert_eq!(put(&user, &example(), None).status, 201);

    let put_reply = put_logo(&user, "image/png", first.clone());
    assert_eq!(put_reply.status, 200, "{}", put_reply.body);
    let profile = put_reply.json();
    assert_eq!(profile["version"], 2, "the logo is a change of the profile");
    assert_eq!(profile["logo"]["width"], 300);
    assert_eq!(profile["logo"]["content_type"], "image/png");
    let sha = profile["logo"]["sha256"]
        .as_str()
        .expect("sha256")
        .to_owned();
    assert_eq!(user.get(PATH).json()["logo"], profile["logo"]);
    assert_eq!(user.get("/business-profile/logo").bytes, first);
    let by_digest = user.get(&format!("/business-profile/logos/{sha}"));
    assert_eq!(by_digest.bytes, first);
    assert!(by_digest
        .header("cache-control")
        .is_some_and(|c| c.contains("immutable")));
    // Replacing the profile's fields keeps the logo.
    let replaced = put(&user, &example(), None).json();
    assert_eq!(replaced["logo"], profile["logo"]);

    // Another freelancer cannot read it by its digest.
    let other = User::sign_up(app(), "logo-other");
    other
        .get(&format!("/business-profile/logos/{sha}"))
        .problem(404);
    other.get("/business-profile/logo").problem(404);

    // Printed on the documents; a sent invoice keeps the logo it was sent with.
    let client = user.client("EUR");
    let sent = fin_e2e::id(&user.draft(&client, 10_000));
    user.act(&sent, "send");
    let draft = fin_e2e::id(&user.draft(&client, 20_000));
    let pdf = |id: &str| user.get(&format!("/invoices/{id}/pdf")).bytes;
    assert_eq!(pdf_image_sizes(&pdf(&draft), "draft-1"), [(300, 100)]);
    assert_eq!(put_logo(&user, "image/png", png(120, 120, 2)).status, 200);
    assert_eq!(pdf_image_sizes(&pdf(&draft), "draft-2"), [(120, 120)]);
    assert_eq!(pdf_image_sizes(&pdf(&sent), "sent"), [(300, 100)], "frozen");
    assert_eq!(
        user.get(&format!("/business-profile/logos/{sha}")).bytes,
        first,
        "the sent invoice's logo is kept"
    );
    assert_eq!(user.delete("/business-profile/logo").status, 204);
    assert_eq!(
        user.delete("/business-profile/logo").status,
        204,
        "twice is harmless"
    );
    assert!(pdf_image_sizes(&pdf(&draft), "draft-3").is_empty());
    assert_eq!(pdf_image_sizes(&pdf(&sent), "sent-2"), [(300, 100)]);
    assert_eq!(user.get(PATH).json()["logo"], Value::Null);
    user.get("/business-profile/logo").problem(404);
}

#[test]
fn what_is_not_a_logo_is_refused_and_nothing_is_stored() {
    use fin_e2e::images::png;
    let user = User::sign_up(app(), "logo-refused");
    assert_eq!(put(&user, &example(), None).status, 201);
    let before = logos(&user);
    let good = png(64, 64, 3);
    put_logo(&user, "text/plain", good.clone()).problem(415);
    put_logo(&user, "image/gif", good.clone()).problem(415);
    let refused = [
        ("image/jpeg", good.clone(), "a PNG sent as a JPEG"),
        ("image/png", good[..good.len() / 2].to_vec(), "cut short"),
        (
            "image/png",
            b"\x89PNG\r\n\x1a\nnot a picture".to_vec(),
            "only its signature",
        ),
        ("image/png", png(2001, 2, 4), "too wide"),
        ("image/png", Vec::new(), "empty"),
    ];
    for (content_type, bytes, what) in refused {
        let reply = put_logo(&user, content_type, bytes);
        assert_eq!(reply.problem(422)["errors"][0]["field"], "logo", "{what}");
    }
    put_logo(&user, "image/png", vec![0; 300 * 1024]).problem(413);
    user.http
        .request("PUT", "/business-profile/logo")
        .raw("image/png", good.clone())
        .send()
        .problem(401);
    user.http
        .request("PUT", "/business-profile/logo")
        .bearer(&user.expired_token())
        .raw("image/png", good)
        .send()
        .problem(401);
    assert_eq!(logos(&user), before, "a refused logo stored something");
    assert_eq!(
        user.get(PATH).json()["version"],
        1,
        "nor changed the profile"
    );
    user.get("/business-profile/logos/zz").problem(404);
}
