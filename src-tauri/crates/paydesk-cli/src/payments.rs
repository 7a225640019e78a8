//! The payment subcommands: keys, charge, capture, refund, void, reconcile. Each opens the
//! store, takes the secret key from the OS keyring, and calls the payments core.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::{Arc, Mutex};

use paydesk_core::cards::{SavedCard, SavedCardUse};
use paydesk_core::customer::CustomerId;
use paydesk_core::keys::{self, KeyStatus};
use paydesk_core::money::{Money, Sign};
use paydesk_core::paths::Paths;
use paydesk_core::payments::{Outcome, Payments, Settlement};
use paydesk_core::secrets::Keyring;
use paydesk_core::store::{OrderId, Store};
use paydesk_stripe::{CancellationReason, RefundReason, RetryPolicy};

use crate::args::{KeysCommand, RefundReasonArg, VoidReasonArg};
use crate::commands::{print, CliError};

fn keyring_for(paths: &Paths) -> Keyring {
    Keyring::for_data_dir(&paths.data_dir)
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new("runtime", e.to_string()))
}

pub(crate) fn keys(command: &KeysCommand, paths: &Paths, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let keyring = keyring_for(paths);
    match command {
        KeysCommand::Set { publishable_key } => {
            let secret = read_secret()?;
            let store = Mutex::new(Store::open_in(&paths.data_dir)?);
            let endpoint = keys::configured_endpoint()?;
            let status = runtime()?.block_on(keys::set_keys(&store, &keyring, &secret, publishable_key, endpoint))?;
            print(out, json, &status, || status_text(&status))
        }
        KeysCommand::Status => {
            let store = Store::open_in(&paths.data_dir)?;
            let status = keys::key_status(&store)?;
            let text = || status.as_ref().map_or_else(|| "no Stripe keys set: demo mode".to_owned(), status_text);
            print(out, json, &serde_json::json!({ "keys": status }), text)
        }
        KeysCommand::Remove => {
            let mut store = Store::open_in(&paths.data_dir)?;
            keys::remove_keys(&mut store, &keyring)?;
            print(out, json, &serde_json::json!({ "keys": null }), || "Stripe keys removed".to_owned())
        }
    }
}

fn status_text(status: &KeyStatus) -> String {
    let account = status.account_id.as_deref().map(|id| format!(", account {id}")).unwrap_or_default();
    format!("{} mode, secret key ending {}{account}", status.mode, status.secret_last4)
}

/// The secret key comes on standard input, so it never appears in the shell history or the
/// process list: its first line from a file or a pipe, or typed at a terminal with the echo
/// off, so it is never on the screen or in the terminal's scrollback either.
/// Reads a line at the terminal with its echo off from before the prompt is shown: a key
/// pasted (or typed by a password manager) the instant the prompt appears is never echoed.
/// (rpassword shows the prompt first and turns the echo off after.)
#[cfg(unix)]
fn prompt_hidden(prompt: &str) -> std::io::Result<String> {
    use std::io::{BufRead, BufReader, Write};
    use std::os::fd::AsRawFd;
    let tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    let fd = tty.as_raw_fd();
    // SAFETY: termios is plain data, filled in by tcgetattr on a descriptor we own.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let mut hidden = saved;
    hidden.c_lflag &= !libc::ECHO;
    hidden.c_lflag |= libc::ECHONL;
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &hidden) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let read = (|| {
        let mut out = &tty;
        out.write_all(prompt.as_bytes())?;
        out.flush()?;
        let mut line = String::new();
        BufReader::new(&tty).read_line(&mut line)?;
        Ok(line)
    })();
    // SAFETY: restores the settings read above on the same descriptor.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    read
}

#[cfg(not(unix))]
fn prompt_hidden(prompt: &str) -> std::io::Result<String> {
    rpassword::prompt_password(prompt)
}

fn read_secret() -> Result<String, CliError> {
    let unreadable = |e: std::io::Error| CliError::new("usage", format!("cannot read the secret key from standard input: {e}"));
    let secret = if std::io::stdin().is_terminal() {
        prompt_hidden("Stripe secret key (typing is hidden): ").map_err(unreadable)?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(unreadable)?;
        line
    };
    let secret = secret.trim().to_owned();
    if secret.is_empty() {
        return Err(CliError::new("usage", "give the secret key on standard input, e.g. `paydesk keys set --publishable-key pk_test_… < secret.txt`".into()));
    }
    Ok(secret)
}

/// A payment operation on one order, against the configured keys.
pub(crate) enum Operation<'a> {
    Charge { payment_method: &'a str },
    ChargeSaved { payment_method: &'a str, off_session: bool },
    Capture { amount: Option<&'a str> },
    Refund { amount: Option<&'a str>, reason: Option<RefundReasonArg> },
    Void { reason: VoidReasonArg },
}

pub(crate) fn on_order(order: &str, operation: Operation<'_>, paths: &Paths, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let store = Store::open_in(&paths.data_dir)?;
    let target = store.find_order(order)?;
    let currency = target.quote.total.currency();
    let amount = |text: Option<&str>| {
        text.map(|t| Money::parse(t, currency, Sign::NonNegative).map_err(|e| CliError::new("invalid_amount", format!("--amount: {e}"))))
            .transpose()
    };
    let payments = payments(store, paths, RetryPolicy::Interactive)?;
    let id: OrderId = target.id;
    let runtime = runtime()?;
    let settlement = match operation {
        Operation::Charge { payment_method } => runtime.block_on(payments.charge_with_test_payment_method(&id, payment_method))?,
        Operation::ChargeSaved { payment_method, off_session } => {
            let use_ = if off_session { SavedCardUse::OffSession } else { SavedCardUse::Moto };
            runtime.block_on(payments.charge_saved_card(&id, payment_method, use_))?
        }
        Operation::Capture { amount: text } => runtime.block_on(payments.capture(&id, amount(text)?))?,
        Operation::Refund { amount: text, reason } => runtime.block_on(payments.refund(&id, amount(text)?, reason.map(refund_reason)))?,
        Operation::Void { reason } => runtime.block_on(payments.void(&id, cancellation_reason(reason)))?,
    };
    if settlement.outcome == Outcome::Declined {
        let message = settlement.message.clone().unwrap_or_else(|| "The card was declined.".into());
        return Err(CliError::new("card_declined", format!("order #{}: {message}", settlement.order_number)));
    }
    print(out, json, &settlement, || settlement_text(&settlement))
}

pub(crate) fn reconcile(paths: &Paths, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let store = Store::open_in(&paths.data_dir)?;
    let payments = payments(store, paths, RetryPolicy::Background)?;
    let report = runtime()?.block_on(payments.reconcile())?;
    print(out, json, &report, || {
        let mut text = format!(
            "checked {} orders ({} unanswered requests re-sent), {} refunds, {} Stripe events; {} orders changed",
            report.orders_checked, report.attempts_resent, report.refunds_checked, report.events_applied, report.orders_changed
        );
        for error in &report.errors {
            text += &format!("\n  not yet: {error}");
        }
        text
    })
}

/// A customer's saved cards from Stripe; with `detach`, that card detached first.
pub(crate) fn saved_cards(customer: &CustomerId, detach: Option<&str>, store: Store, paths: &Paths, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let payments = payments(store, paths, RetryPolicy::Interactive)?;
    let runtime = runtime()?;
    let cards = match detach {
        Some(payment_method) => runtime.block_on(payments.detach_saved_card(customer, payment_method))?,
        None => runtime.block_on(payments.saved_cards(customer))?,
    };
    print(out, json, &serde_json::json!({ "cards": cards }), || cards_text(&cards))
}

fn cards_text(cards: &[SavedCard]) -> String {
    if cards.is_empty() {
        return "no saved cards".into();
    }
    cards
        .iter()
        .map(|c| {
            let warning = c.warning.as_ref().map(|w| format!("\n    {w}")).unwrap_or_default();
            format!("{:<10} •••• {}  {:02}/{}  {}{warning}", c.brand, c.last4, c.exp_month, c.exp_year, c.payment_method_id)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn payments(store: Store, paths: &Paths, policy: RetryPolicy) -> Result<Payments, CliError> {
    let status = keys::key_status(&store)?.ok_or(keys::KeysError::NotConfigured)?;
    let (client, publishable) = keys::configured_client(&status, &keyring_for(paths), keys::configured_endpoint()?)?;
    Ok(Payments::new(Arc::new(Mutex::new(store)), client, publishable, status.mode.into()).with_policy(policy))
}

fn settlement_text(settlement: &Settlement) -> String {
    let card = match (&settlement.card_brand, &settlement.card_last4) {
        (Some(brand), Some(last4)) => format!(" ({brand} •••• {last4})"),
        _ => String::new(),
    };
    let note = settlement.message.as_ref().map(|message| format!("\n{message}")).unwrap_or_default();
    format!("order #{}: {}{card}{note}", settlement.order_number, settlement.status)
}

fn refund_reason(reason: RefundReasonArg) -> RefundReason {
    match reason {
        RefundReasonArg::RequestedByCustomer => RefundReason::RequestedByCustomer,
        RefundReasonArg::Duplicate => RefundReason::Duplicate,
        RefundReasonArg::Fraudulent => RefundReason::Fraudulent,
    }
}

fn cancellation_reason(reason: VoidReasonArg) -> CancellationReason {
    match reason {
        VoidReasonArg::RequestedByCustomer => CancellationReason::RequestedByCustomer,
        VoidReasonArg::Duplicate => CancellationReason::Duplicate,
        VoidReasonArg::Fraudulent => CancellationReason::Fraudulent,
        VoidReasonArg::Abandoned => CancellationReason::Abandoned,
    }
}
