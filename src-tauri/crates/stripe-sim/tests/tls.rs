//! The simulator over https, for a window whose page is https: the stand-in, its frames and
//! the 3-D Secure page are all reached over https, answered with CORS for https loopback
//! pages, and the API stays on plain http for the core.

mod common;

use serde_json::Value;
use stripe_sim::{SimConfig, Simulator, TlsIdentity};

fn identity() -> TlsIdentity {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap().self_signed(&key).unwrap();
    TlsIdentity { cert_pem: cert.pem(), key_pem: key.serialize_pem() }
}

fn trusting(identity: &TlsIdentity) -> reqwest::Client {
    let root = reqwest::Certificate::from_pem(identity.cert_pem.as_bytes()).unwrap();
    reqwest::Client::builder().tls_built_in_root_certs(false).add_root_certificate(root).build().unwrap()
}

#[tokio::test]
async fn the_stand_in_and_its_frames_over_https() {
    let identity = identity();
    let sim = Simulator::start(SimConfig { tls: Some(identity.clone()), ..SimConfig::default() }).await.unwrap();
    let https = sim.tls_base_url().expect("an https listener").to_owned();
    assert!(https.starts_with("https://127.0.0.1:") && sim.base_url().starts_with("http://127.0.0.1:"));
    let client = trusting(&identity);
    for page in ["/v3/", "/v3/elements-inner-payment.html", "/v3/3ds-challenge.html"] {
        let r = client.get(format!("{https}{page}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{page}");
        if page.ends_with(".html") {
            let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
            assert!(csp.contains("https://127.0.0.1:*"), "an https page may frame it: {csp}");
        }
    }
    // From an https page of the window: CORS answers for it.
    let page = "https://127.0.0.1:41999";
    let pre = client
        .request(reqwest::Method::OPTIONS, format!("{https}/v1/payment_intents/pi_x"))
        .header("Origin", page)
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.headers()["access-control-allow-origin"], page);

    // A 3-D Secure card's challenge page is named by its https address, the stand-in's own
    // origin, or an https page could not show it.
    let form = [("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_threeDSecure2Required"), ("confirm", "true")];
    let created: Value = client.post(format!("{}/v1/payment_intents", sim.base_url())).bearer_auth(common::SECRET).form(&form).send().await.unwrap().json().await.unwrap();
    let challenge = created["next_action"]["use_stripe_sdk"]["stripe_js"].as_str().unwrap_or_default();
    assert!(challenge.starts_with(&format!("{https}/v3/3ds-challenge.html")), "{created}");
}

#[tokio::test]
async fn only_a_client_that_trusts_the_certificate_gets_an_answer() {
    let sim = Simulator::start(SimConfig { tls: Some(identity()), ..SimConfig::default() }).await.unwrap();
    let refused = reqwest::Client::new().get(format!("{}/v3/", sim.tls_base_url().unwrap())).send().await;
    assert!(refused.is_err(), "a stock client must refuse a self-signed certificate");
    let bad = stripe_sim::tls_acceptor(&TlsIdentity { cert_pem: "nonsense".into(), key_pem: "nonsense".into() });
    assert!(bad.is_err());
}

#[tokio::test]
async fn a_live_publishable_key_only_when_a_test_asks_for_it() {
    let refusal = |sim: &Simulator, key: &'static str| {
        let url = format!("{}/v1/payment_intents/pi_missing", sim.base_url());
        async move {
            let body: Value = reqwest::Client::new().get(url).bearer_auth(key).send().await.unwrap().json().await.unwrap();
            body["error"]["message"].as_str().unwrap_or_default().to_owned()
        }
    };
    let strict = Simulator::start(SimConfig::default()).await.unwrap();
    assert!(refusal(&strict, "pk_live_made_up_for_tests").await.contains("only accepts test mode keys"));
    let lenient = Simulator::start(SimConfig { accept_live_publishable: true, ..SimConfig::default() }).await.unwrap();
    let answer = refusal(&lenient, "pk_live_made_up_for_tests").await;
    assert!(!answer.contains("only accepts test mode keys"), "{answer}");
    assert!(refusal(&lenient, "sk_live_made_up_for_tests").await.contains("only accepts test mode keys"), "live secret keys stay refused");
}
