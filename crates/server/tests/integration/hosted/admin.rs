//! Domains, UI customization and managed-login branding through the SDK, and their effect on the pages.

use super::*;

#[tokio::test]
async fn domains_ui_customization_and_branding_through_the_sdk() {
    let f = fx_with(server().await, false, None).await;
    let c = &f.c;
    let dom = c.describe_user_pool().user_pool_id(&f.pool).send().await.unwrap().user_pool.unwrap().domain.unwrap();
    let d = c.describe_user_pool_domain().domain(&dom).send().await.unwrap().domain_description.unwrap();
    assert_eq!(d.user_pool_id.as_deref(), Some(f.pool.as_str()));
    assert_eq!(d.status, Some(DomainStatusType::Active));
    let e = c.create_user_pool_domain().user_pool_id(&f.pool).domain(&dom).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    // A logo and CSS with Cognito's classes; the page shows both.
    let png = base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
        .unwrap();
    c.set_ui_customization()
        .user_pool_id(&f.pool)
        .client_id(&f.client)
        .css(".submitButton-customizable { background-color: rgb(1, 2, 3); }")
        .image_file(aws_smithy_types::Blob::new(png.clone()))
        .send()
        .await
        .unwrap();
    let got = c
        .get_ui_customization()
        .user_pool_id(&f.pool)
        .client_id(&f.client)
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    let url = got.image_url.unwrap();
    let mut b = Browser::new(&f.s.endpoint);
    let login = b.open(&f.authorize_url("")).await;
    assert!(login.body.contains("rgb(1, 2, 3)"));
    let logo = f.s.http().get(&url).send().await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), png.as_slice());
    // Managed login branding colours.
    let settings = aws_smithy_types::Document::Object(
        [("components".to_string(), serde_doc(serde_json::json!({"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "aa0000ff", "textColor": "ffffffff"}}}})))]
            .into_iter()
            .collect(),
    );
    let br = c
        .create_managed_login_branding()
        .user_pool_id(&f.pool)
        .client_id(&f.client)
        .settings(settings)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    let by_client =
        c.describe_managed_login_branding_by_client().user_pool_id(&f.pool).client_id(&f.client).send().await.unwrap();
    assert_eq!(by_client.managed_login_branding.unwrap().managed_login_branding_id, br.managed_login_branding_id);
    let login = b.open(&f.authorize_url("")).await;
    assert!(login.body.contains("--primary:#aa0000ff"), "branding colour on the page");
    assert!(login.body.contains(r#"<div class="page">"#), "no layout asked: Cognate's own");
    // The layout, the colour scheme and the bars of the settings document.
    let settings = serde_doc(serde_json::json!({
        "categories": {
            "form": {"location": {"horizontal": "END", "vertical": "CENTER"}},
            "global": {"colorSchemeMode": "DARK", "spacingDensity": "SPACIOUS",
                       "pageHeader": {"enabled": true}, "pageFooter": {"enabled": true}}
        },
        "components": {
            "form": {"borderRadius": 20.0, "darkMode": {"backgroundColor": "101010ff"}},
            "primaryButton": {"lightMode": {"defaults": {"backgroundColor": "aa0000ff"}}}
        }
    }));
    c.update_managed_login_branding()
        .user_pool_id(&f.pool)
        .managed_login_branding_id(br.managed_login_branding_id.clone().unwrap())
        .settings(settings)
        .send()
        .await
        .unwrap();
    let login = b.open(&f.authorize_url("")).await;
    for want in [
        r#"<div class="page form-h-end form-v-center density-spacious">"#,
        r#"<header class="page-bar">Hosted App</header>"#,
        r#"<footer class="page-bar">Hosted App</footer>"#,
        ":root{color-scheme:dark;",
        "--form:#101010ff}",
        "--radius-form:20px}",
    ] {
        assert!(login.body.contains(want), "{want} in {}", login.body);
    }
    c.delete_managed_login_branding()
        .user_pool_id(&f.pool)
        .managed_login_branding_id(br.managed_login_branding_id.unwrap())
        .send()
        .await
        .unwrap();
    c.delete_user_pool_domain().user_pool_id(&f.pool).domain(&dom).send().await.unwrap();
    let p = b.get(&f.authorize_url("")).await;
    assert_eq!((p.status, p.location.is_none()), (400, true), "no domain, no OAuth");
}

fn serde_doc(v: Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document, Number};
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(b),
        Value::Number(n) => Document::Number(Number::Float(n.as_f64().unwrap())),
        Value::String(s) => Document::String(s),
        Value::Array(a) => Document::Array(a.into_iter().map(serde_doc).collect()),
        Value::Object(o) => Document::Object(o.into_iter().map(|(k, v)| (k, serde_doc(v))).collect()),
    }
}
