//! The payment subcommands of the real binary, with the real OS keyring (a private
//! gnome-keyring) and a Stripe simulator on loopback (this is a test build, so
//! `PAYDESK_STRIPE_API_BASE` may point configured keys at it).

mod common;

use std::path::Path;
use std::process::Command;

use common::{everything_written, paydesk, simulator, KeyringSession, Run};
use paydesk_core::payments::CaptureMode;
use serde_json::Value;

const SECRET: &str = "sk_test_paydesk_cli_made_up_secret_9876";
const PUBLISHABLE: &str = "pk_test_paydesk_cli_made_up_publishable";

struct Till<'a> {
    data: &'a Path,
    session: &'a KeyringSession,
    api: String,
}

impl Till<'_> {
    fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        paydesk(self.data, args, stdin, &[("PAYDESK_STRIPE_API_BASE", &self.api)], Some(self.session))
    }

    fn new_order(&self, price: &str) -> i64 {
        let line = format!("Beans @ {price}");
        let run = self.run(&["order", "new", "--json", "--line", &line]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        run.json()["number"].as_i64().unwrap()
    }

    fn set_keys(&self) -> Run {
        self.run_with_stdin(&["keys", "set", "--json", "--publishable-key", PUBLISHABLE], Some(&format!("{SECRET}\n")))
    }
}


#[test]
fn keys_live_in_the_keyring_only_and_orders_are_charged_refunded_and_voided() {
    let session = KeyringSession::start();
    let dir = tempfile::tempdir().unwrap();
    let (_sim, api) = simulator(&dir.path().join("sim"));
    let data = dir.path().join("till");
    let till = Till { data: &data, session: &session, api };

    let none = till.run(&["keys", "status", "--json"]);
    assert_eq!(none.json()["keys"], Value::Null);
    let training = till.new_order("12.00");
    let refused = till.run(&["charge", &training.to_string(), "--payment-method", "pm_card_visa", "--json"]);
    assert_eq!(refused.json()["error"]["code"], "keys_not_configured");

    let set = till.set_keys();
    assert_eq!(set.status, 0, "{}", set.stderr);
    let status = set.json();
    assert_eq!(status["mode"], "test");
    assert_eq!(status["secretLast4"], "9876");
    assert_eq!(status["publishableKey"], PUBLISHABLE);
    assert!(status["accountId"].as_str().unwrap().starts_with("acct_"));
    assert!(session.paydesk_secrets().contains(SECRET), "the secret is in the OS keyring");

    // The order rung up before the keys is a demo (training) sale: not the test mode's to charge or list.
    let refused = till.run(&["charge", &training.to_string(), "--payment-method", "pm_card_visa", "--json"]);
    assert_eq!(refused.status, 1);
    assert_eq!(refused.json()["error"]["code"], "order_other_mode");
    assert!(till.run(&["order", "list", "--json"]).json()["orders"].as_array().unwrap().is_empty());
    assert_eq!(till.run(&["order", "show", &training.to_string(), "--json"]).json()["mode"], "demo");
    let order = till.new_order("12.00");
    let paid = till.run(&["charge", &format!("#{order}"), "--payment-method", "pm_card_visa", "--json"]);
    assert_eq!(paid.status, 0, "{}", paid.stderr);
    let paid = paid.json();
    assert_eq!((paid["status"].as_str(), paid["cardBrand"].as_str(), paid["cardLast4"].as_str()), (Some("paid"), Some("visa"), Some("4242")));

    let declined_order = till.new_order("20.00");
    let declined = till.run(&["charge", &declined_order.to_string(), "--payment-method", "pm_card_chargeDeclinedInsufficientFunds", "--json"]);
    assert_eq!(declined.status, 1);
    assert_eq!(declined.json()["error"]["code"], "card_declined");
    assert!(declined.json()["error"]["message"].as_str().unwrap().contains("insufficient funds"));
    let shown = till.run(&["order", "show", &declined_order.to_string(), "--json"]);
    assert_eq!(shown.json()["status"], "awaiting_payment");

    let partial = till.run(&["refund", &order.to_string(), "--amount", "2.50", "--reason", "requested-by-customer", "--json"]);
    assert_eq!(partial.status, 0, "{}", partial.stderr);
    assert_eq!(partial.json()["status"], "partially_refunded");
    let too_much = till.run(&["refund", &order.to_string(), "--amount", "10.00", "--json"]);
    assert_eq!(too_much.json()["error"]["code"], "refund_amount");
    let rest = till.run(&["refund", &order.to_string(), "--json"]);
    assert_eq!(rest.json()["status"], "refunded");

    let voided = till.run(&["void", &declined_order.to_string(), "--json"]);
    assert_eq!(voided.json()["status"], "voided");
    let reconciled = till.run(&["reconcile", "--json"]);
    assert_eq!(reconciled.status, 0, "{}", reconciled.stderr);
    assert_eq!(reconciled.json()["errors"], serde_json::json!([]));

    // Never in SQLite, the logs, or anything printed.
    assert!(!everything_written(&data).contains(SECRET));
    assert!(!everything_written(&data).contains("_secret_"));
    for run in [&set, &declined, &reconciled] {
        assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
    }
    let human = till.run(&["keys", "status"]);
    assert_eq!(human.stdout.trim(), format!("test mode, secret key ending 9876, account {}", status["accountId"].as_str().unwrap()));

    let removed = till.run(&["keys", "remove", "--json"]);
    assert_eq!(removed.status, 0, "{}", removed.stderr);
    assert!(!session.paydesk_secrets().contains(SECRET));
    assert_eq!(till.run(&["keys", "status", "--json"]).json()["keys"], Value::Null);
}

#[test]
fn bad_keys_are_refused_and_nothing_is_stored() {
    let session = KeyringSession::start();
    let dir = tempfile::tempdir().unwrap();
    let (_sim, api) = simulator(&dir.path().join("sim"));
    let data = dir.path().join("till");
    let till = Till { data: &data, session: &session, api };
    let cases: &[(&str, &str, &str)] = &[
        ("sk_test_paydesk_cli_made_up_secret_9876", "pk_live_paydesk_cli_made_up_publishable", "key_mode_mismatch"),
        ("pk_test_paydesk_cli_made_up_publishable", PUBLISHABLE, "key_format"),
        ("not-a-key", PUBLISHABLE, "key_format"),
        // Live keys cannot be pointed at anything but Stripe.
        ("sk_live_paydesk_cli_made_up_secret_1234", "pk_live_paydesk_cli_made_up_publishable", "stripe_endpoint"),
    ];
    for (secret, publishable, code) in cases {
        let run = till.run_with_stdin(&["keys", "set", "--json", "--publishable-key", publishable], Some(secret));
        assert_eq!(run.status, 1, "{secret}");
        assert_eq!(run.json()["error"]["code"], *code, "{secret}: {}", run.stdout);
        assert!(!run.stdout.contains(secret) || *code == "key_format" && !secret.starts_with("sk_"), "{secret}: {}", run.stdout);
    }
    let empty = till.run_with_stdin(&["keys", "set", "--json", "--publishable-key", PUBLISHABLE], Some(""));
    assert_eq!(empty.json()["error"]["code"], "usage");
    assert!(!session.paydesk_secrets().contains("sk_"));
    assert_eq!(till.run(&["keys", "status", "--json"]).json()["keys"], Value::Null);
}

#[test]
fn without_a_keyring_the_key_is_refused_clearly_and_stored_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, api) = simulator(&dir.path().join("sim"));
    let data = dir.path().join("till");
    let run = paydesk(
        &data,
        &["keys", "set", "--json", "--publishable-key", PUBLISHABLE],
        Some(SECRET),
        &[("PAYDESK_STRIPE_API_BASE", &api), ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/paydesk-test-bus")],
        None,
    );
    assert_eq!(run.status, 1, "{}", run.stdout);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "keyring_unavailable", "{error}");
    assert!(error["message"].as_str().unwrap().contains("no OS keyring is available"), "{error}");
    assert!(!everything_written(&data).contains(SECRET));
    let status = paydesk(&data, &["keys", "status", "--json"], None, &[], None);
    assert_eq!(status.json()["keys"], Value::Null);
}

/// The till is killed (SIGKILL) after the charge request left with its saved idempotency
/// key and before the answer was stored; Stripe carries the request out anyway. The next
/// `paydesk reconcile` finds the one intent and marks the order paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_killed_mid_charge_ends_with_one_charge_after_restart() {
    let session = KeyringSession::start();
    let dir = tempfile::tempdir().unwrap();
    let sim = stripe_sim::Simulator::start(stripe_sim::SimConfig::default()).await.unwrap();
    let data = dir.path().join("till");
    let till = Till { data: &data, session: &session, api: sim.base_url().to_owned() };
    let set = tokio::task::block_in_place(|| till.set_keys());
    assert_eq!(set.status, 0, "{}", set.stderr);
    let order = tokio::task::block_in_place(|| till.new_order("33.00"));

    let mut held = sim.faults().pause_next_request();
    let mut command = Command::new(env!("CARGO_BIN_EXE_paydesk"));
    command
        .args(["--data-dir", data.to_str().unwrap(), "charge", &order.to_string(), "--payment-method", "pm_card_visa"])
        .env("PAYDESK_STRIPE_API_BASE", sim.base_url())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    session.env(&mut command);
    let mut charging = common::KillOnDrop(command.spawn().unwrap());
    held.arrived().await;
    charging.0.kill().unwrap();
    charging.0.wait().unwrap();
    held.release();

    let shown = tokio::task::block_in_place(|| till.run(&["order", "show", &order.to_string(), "--json"]));
    assert_eq!(shown.json()["status"], "awaiting_payment", "the killed till never stored the answer");
    let reconciled = tokio::task::block_in_place(|| till.run(&["reconcile", "--json"]));
    assert_eq!(reconciled.status, 0, "{}", reconciled.stderr);
    assert_eq!(reconciled.json()["attemptsResent"], 1);
    let shown = tokio::task::block_in_place(|| till.run(&["order", "show", &order.to_string(), "--json"]));
    assert_eq!(shown.json()["status"], "paid");

    let intents: Value = reqwest::Client::new()
        .get(format!("{}/v1/payment_intents?limit=100", sim.base_url()))
        .bearer_auth(SECRET)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let succeeded: Vec<&Value> = intents["data"].as_array().unwrap().iter().filter(|pi| pi["status"] == "succeeded").collect();
    assert_eq!(succeeded.len(), 1, "{intents}");
    assert_eq!(succeeded[0]["amount"], 3300);
}

/// Issue 12's command line: a customer's saved cards listed from Stripe, one charged on a
/// phone order without typing it, a declined one refused in plain words with the order still
/// payable, and one removed (detached at Stripe).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_saved_cards_are_listed_charged_and_removed() {
    let session = KeyringSession::start();
    let dir = tempfile::tempdir().unwrap();
    let sim = stripe_sim::Simulator::start(stripe_sim::SimConfig::default()).await.unwrap();
    let data = dir.path().join("till");
    let till = Till { data: &data, session: &session, api: sim.base_url().to_owned() };
    let run = |args: &[&str]| tokio::task::block_in_place(|| till.run(args));
    assert_eq!(tokio::task::block_in_place(|| till.set_keys()).status, 0);
    let ana = run(&["customer", "new", "--json", "--name", "Ana Díaz", "--email", "ana@example.com"]);
    assert_eq!(ana.status, 0, "{}", ana.stderr);

    // Listing makes her Stripe Customer; the cards are saved on it (as the Dashboard would).
    let none = run(&["customer", "cards", "C1", "--json"]);
    assert_eq!(none.status, 0, "{}", none.stderr);
    assert_eq!(none.json()["cards"], serde_json::json!([]));
    let cus = run(&["customer", "show", "C1", "--json"]).json()["stripeCustomerId"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let mut saved = Vec::new();
    for card in ["pm_card_visa", "pm_card_chargeCustomerFail"] {
        let attached: Value = http
            .post(format!("{}/v1/payment_methods/{card}/attach", sim.base_url()))
            .bearer_auth(SECRET)
            .form(&[("customer", cus.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        saved.push(attached["id"].as_str().unwrap().to_owned());
    }
    let listed = run(&["customer", "cards", "C1", "--json"]);
    let cards = listed.json()["cards"].as_array().unwrap().clone();
    assert_eq!(cards.len(), 2, "{}", listed.stdout);
    assert_eq!(cards[1]["last4"], "4242");
    assert_eq!(run(&["customer", "cards", "C1"]).stdout.matches("••••").count(), 2);

    let order = run(&["order", "new", "--json", "--customer", "C1", "--line", "Beans @ 21.00"]).json()["number"].as_i64().unwrap().to_string();
    let declined = run(&["charge", &order, "--saved-card", &saved[1], "--json"]);
    assert_eq!(declined.status, 1);
    assert_eq!(declined.json()["error"]["code"], "saved_card_declined");
    assert!(declined.json()["error"]["message"].as_str().unwrap().contains("card form"), "{}", declined.stdout);
    assert_eq!(run(&["order", "show", &order, "--json"]).json()["status"], "awaiting_payment");
    let paid = run(&["charge", &order, "--saved-card", &saved[0], "--json"]);
    assert_eq!(paid.status, 0, "{}", paid.stderr);
    assert_eq!((paid.json()["status"].as_str(), paid.json()["cardLast4"].as_str()), (Some("paid"), Some("4242")));

    // Asked wrongly: refused before anything is sent.
    for args in [vec!["charge", &order, "--saved-card", &saved[0], "--payment-method", "pm_card_visa"], vec!["charge", &order, "--off-session"], vec!["charge", &order]] {
        assert_eq!(run(&args).status, 2, "{args:?}");
    }
    let removed = run(&["customer", "remove-card", "C1", &saved[1], "--json"]);
    assert_eq!(removed.status, 0, "{}", removed.stderr);
    assert_eq!(removed.json()["cards"].as_array().unwrap().len(), 1);
    let unknown = run(&["customer", "remove-card", "C1", "pm_not_hers", "--json"]);
    assert_eq!(unknown.json()["error"]["code"], "not_a_saved_card");
}

/// Issue 9's kill test: the real binary is SIGKILLed at random points of charge, refund and
/// void (the simulator answers some requests late, so kills land before the request, while
/// Stripe carries it out, and between Stripe's answer and the stored one), then `paydesk
/// reconcile` runs. At the end: at most one charge per order, no refund made twice, nothing
/// unanswered, every order still there, `PRAGMA integrity_check` clean.
/// `PAYDESK_KILL_RUNS` (default 200) and `PAYDESK_KILL_SEED` set the size and the seed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_kills_make_no_duplicate_and_leave_nothing_stuck() {
    use rand::{Rng, SeedableRng};
    let runs: usize = std::env::var("PAYDESK_KILL_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let seed: u64 = std::env::var("PAYDESK_KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(rand::random);
    eprintln!("kills: {runs} runs, seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let session = KeyringSession::start();
    let dir = tempfile::tempdir().unwrap();
    let sim = stripe_sim::Simulator::start(stripe_sim::SimConfig::default()).await.unwrap();
    let data = dir.path().join("till");
    let till = Till { data: &data, session: &session, api: sim.base_url().to_owned() };
    assert_eq!(tokio::task::block_in_place(|| till.set_keys()).status, 0);
    sim.faults().set_chaos(Some(stripe_sim::Chaos {
        seed,
        lost: 0.0,
        rate_limited: 0.0,
        server_error: 0.0,
        slow: 0.5,
        slow_by: std::time::Duration::from_millis(60),
    }));

    let mut orders: Vec<i64> = Vec::new();
    let mut refunds_asked: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let mut killed = 0;
    for run in 0..runs {
        let pick = if orders.is_empty() { 0 } else { rng.random_range(0..10) };
        let args: Vec<String> = match pick {
            0..=4 => {
                // Some shops authorize now and capture later: a kill then lands in a capture too.
                let capture = if rng.random_bool(0.4) { CaptureMode::Manual } else { CaptureMode::Automatic };
                set_capture(&data, capture);
                let order = tokio::task::block_in_place(|| till.new_order(&format!("{}.00", rng.random_range(5..90))));
                orders.push(order);
                vec!["charge".into(), order.to_string(), "--payment-method".into(), "pm_card_visa".into()]
            }
            5..=6 => {
                let order = orders[rng.random_range(0..orders.len())];
                *refunds_asked.entry(order).or_default() += 1;
                vec!["refund".into(), order.to_string(), "--amount".into(), "1.00".into()]
            }
            7..=8 => {
                let order = orders[rng.random_range(0..orders.len())];
                match rng.random_bool(0.5) {
                    true => vec!["capture".into(), order.to_string(), "--amount".into(), "3.00".into()],
                    false => vec!["capture".into(), order.to_string()],
                }
            }
            _ => {
                let order = orders[rng.random_range(0..orders.len())];
                vec!["void".into(), order.to_string()]
            }
        };
        let mut command = Command::new(env!("CARGO_BIN_EXE_paydesk"));
        command
            .arg("--data-dir")
            .arg(&data)
            .args(&args)
            .env("PAYDESK_STRIPE_API_BASE", sim.base_url())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        session.env(&mut command);
        let mut child = common::KillOnDrop(command.spawn().unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(rng.random_range(0..700))).await;
        if child.0.try_wait().unwrap().is_none() {
            child.0.kill().unwrap();
            killed += 1;
        }
        child.0.wait().unwrap();
        if run % 10 == 9 || rng.random_bool(0.1) {
            let reconciled = tokio::task::block_in_place(|| till.run(&["reconcile", "--json"]));
            assert_eq!(reconciled.status, 0, "{}", reconciled.stderr);
        }
    }
    sim.faults().set_chaos(None);
    let reconciled = tokio::task::block_in_place(|| till.run(&["reconcile", "--json"]));
    assert_eq!(reconciled.json()["errors"], serde_json::json!([]), "{}", reconciled.stdout);

    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        async move { http.get(path).bearer_auth(SECRET).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let store = paydesk_core::store::Store::open_in(&data).unwrap();
    store.integrity_check().unwrap();
    // The till has test keys: every order is the test mode's.
    let test = paydesk_core::mode::AppMode::Test;
    assert!(store.unresolved_payment_attempts(test).unwrap().is_empty(), "attempts left unanswered");
    assert!(store.unsettled_refunds(test).unwrap().iter().all(|r| r.status != "creating"), "refunds left unanswered");
    let (mut duplicates, mut double_refunds, mut mismatches, mut captured) = (0, 0, 0, 0);
    for number in &orders {
        let order = store.order_by_number(*number).expect("no order is lost");
        assert_eq!(order.mode, test);
        // The order says what its intent at Stripe says: authorized while it can be captured,
        // and exactly the amount Stripe captured once it was.
        let payment = store.order_payment(&order.id).unwrap();
        if let Some(intent) = &payment.payment_intent_id {
            let pi = get(format!("{}/v1/payment_intents/{intent}", sim.base_url())).await;
            let agrees = match pi["status"].as_str() {
                Some("requires_capture") => order.status == paydesk_core::order::OrderStatus::Authorized,
                Some("succeeded") => pi["amount_received"].as_i64() == Some(payment.amount_captured),
                _ => true,
            };
            if !agrees {
                eprintln!("order #{number} is {:?} with {} captured; its intent: {pi}", order.status, payment.amount_captured);
            }
            mismatches += usize::from(!agrees);
            captured += usize::from(pi["capture_method"] == "manual" && pi["status"] == "succeeded");
        }
        let intents = get(format!("{}/v1/payment_intents?limit=100", sim.base_url())).await;
        let live = intents["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|pi| pi["metadata"]["order_id"] == order.id.as_str() && matches!(pi["status"].as_str(), Some("succeeded" | "requires_capture")))
            .count();
        duplicates += usize::from(live > 1);
        if let Some(intent) = store.order_payment(&order.id).unwrap().payment_intent_id {
            let refunds = get(format!("{}/v1/refunds?payment_intent={intent}&limit=100", sim.base_url())).await;
            let made = refunds["data"].as_array().unwrap().len();
            double_refunds += usize::from(made > refunds_asked.get(number).copied().unwrap_or(0));
        }
    }
    println!("{}", serde_json::json!({"kills": {"runs": runs, "killed": killed, "orders": orders.len(), "seed": seed,
        "manual_captures_done": captured, "duplicate_charges": duplicates, "double_refunds": double_refunds, "mismatches": mismatches}}));
    assert_eq!((duplicates, double_refunds, mismatches), (0, 0, 0), "seed {seed}");
}

/// The till's capture setting, as Settings would save it.
fn set_capture(data: &Path, capture: CaptureMode) {
    let mut store = paydesk_core::store::Store::open_in(data).unwrap();
    let mut settings = paydesk_core::settings::Settings::load(&store).unwrap();
    settings.capture = capture;
    settings.save(&mut store).unwrap();
}

/// Typed at a terminal, the secret key is never shown: not echoed as it is typed, not in
/// the terminal's scrollback afterwards. The key still reaches the keyring.
#[test]
fn keys_set_at_a_terminal_never_shows_the_secret() {
    let session = KeyringSession::start();
    let dir = tempfile::tempdir().unwrap();
    let (_sim, api) = simulator(&dir.path().join("sim"));
    let data = dir.path().join("till");
    let (status, shown) = common::paydesk_at_terminal(
        &data,
        &["keys", "set", "--json", "--publishable-key", PUBLISHABLE],
        "secret key",
        &format!("{SECRET}\n"),
        &[("PAYDESK_STRIPE_API_BASE", &api)],
        Some(&session),
    );
    assert_eq!(status, 0, "{shown}");
    assert!(shown.contains("Stripe secret key (typing is hidden)"), "the terminal shows a prompt: {shown}");
    assert!(shown.contains("\"secretLast4\": \"9876\""), "{shown}");
    assert!(!shown.contains(SECRET), "the terminal showed the secret: {shown}");
    assert!(session.paydesk_secrets().contains(SECRET), "the secret is in the OS keyring");
}
