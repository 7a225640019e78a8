//! Each subcommand: parse the flags into the core's input types, call the core, print.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use paydesk_core::error::ErrorCode;
use paydesk_core::export::ExportRange;
use paydesk_core::keys;
use paydesk_core::local_tls::LocalTls;
use paydesk_core::order::{Completeness, DiscountInput, LineInput, OrderInput, TaxInput};
use paydesk_core::paths::Paths;
use paydesk_core::settings::Settings;
use paydesk_core::store::{Fault, OrderQuery, Store};
use paydesk_core::view::{OrderPageView, OrderView};
use serde::Serialize;

use crate::args::{Cli, Command, ExportCommand, ListOrders, NewOrder, OrderCommand};
use crate::customers;
use crate::payments::{self as pay, Operation};

pub(crate) struct CliError {
    pub code: &'static str,
    pub message: String,
    /// A fault of the disk or another process whose message does not name the database yet.
    pub fault: Option<(Fault, String)>,
}

impl CliError {
    pub fn new(code: &'static str, message: String) -> CliError {
        CliError { code, message, fault: None }
    }

    /// The message, naming the database for a fault that did not.
    pub fn message_at(&self, database: &Path) -> String {
        match &self.fault {
            Some((fault, detail)) => fault.explain(database, detail),
            None => self.message.clone(),
        }
    }
}

impl<E: ErrorCode + std::fmt::Display> From<E> for CliError {
    fn from(error: E) -> Self {
        CliError { code: error.code(), message: error.to_string(), fault: error.unnamed_fault() }
    }
}

fn usage(message: String) -> CliError {
    CliError::new("usage", message)
}


pub(crate) fn dispatch(cli: &Cli, paths: &Paths, out: &mut dyn Write) -> Result<(), CliError> {
    let command = cli.command.as_ref().expect("dispatch is only called with a subcommand");
    match command {
        Command::Order(OrderCommand::New(args)) => {
            // Parse every flag before the database is touched: bad input changes nothing.
            let input = order_input(args)?;
            let mut store = Store::open_in(&paths.data_dir)?;
            let mut input = with_default_currency(input, &store)?;
            let mode = keys::current_mode(&store)?;
            if let Some(reference) = &args.customer {
                input.customer_id = Some(store.find_customer(mode, reference)?.id.to_string());
            }
            let spec = input.validate(Completeness::RequireLines)?;
            let order = store.create_order(mode, &spec, "created from the command line")?;
            let view = OrderView::read(&store, &order.id, mode)?;
            print(out, cli.json, &view, || order_text(&view))
        }
        Command::Order(OrderCommand::Show { reference }) => {
            let store = Store::open_in(&paths.data_dir)?;
            let order = store.find_order(reference)?;
            let view = OrderView::read(&store, &order.id, keys::current_mode(&store)?)?;
            print(out, cli.json, &view, || order_text(&view))
        }
        Command::Order(OrderCommand::List(args)) => {
            let store = Store::open_in(&paths.data_dir)?;
            let page = OrderPageView::from(&store.list_orders(keys::current_mode(&store)?, &list_query(args))?);
            print(out, cli.json, &page, || page_text(&page))
        }
        Command::Export(ExportCommand::Csv { out: file, from, to }) => {
            let store = Store::open_in(&paths.data_dir)?;
            let mode = keys::current_mode(&store)?;
            let range = ExportRange { from: *from, to: *to };
            match file {
                Some(path) => {
                    let written = write_new_file(path, |writer| store.export_csv(mode, range, writer).map_err(CliError::from))?;
                    let summary = serde_json::json!({ "exported": written, "file": path });
                    print(out, cli.json, &summary, || format!("exported {written} orders to {}", path.display()))
                }
                None => store.export_csv(mode, range, out).map(|_| ()).map_err(CliError::from),
            }
        }
        Command::Customer(command) => customers::run(command, paths, cli.json, out),
        Command::Simulator { port, tls_dir } => run_simulator(*port, tls_dir.as_deref(), cli.json, out),
        Command::Keys(command) => pay::keys(command, paths, cli.json, out),
        Command::Charge { order, payment_method: Some(payment_method), .. } => pay::on_order(order, Operation::Charge { payment_method }, paths, cli.json, out),
        Command::Charge { order, saved_card: Some(payment_method), off_session, .. } => {
            pay::on_order(order, Operation::ChargeSaved { payment_method, off_session: *off_session }, paths, cli.json, out)
        }
        Command::Charge { .. } => Err(usage("give --payment-method PM or --saved-card PM".into())),
        Command::Capture { order, amount } => pay::on_order(order, Operation::Capture { amount: amount.as_deref() }, paths, cli.json, out),
        Command::Refund { order, amount, reason } => {
            pay::on_order(order, Operation::Refund { amount: amount.as_deref(), reason: *reason }, paths, cli.json, out)
        }
        Command::Void { order, reason } => pay::on_order(order, Operation::Void { reason: *reason }, paths, cli.json, out),
        Command::Reconcile => pay::reconcile(paths, cli.json, out),
        Command::Backup { destination } => {
            let store = Store::open_in(&paths.data_dir)?;
            store.backup_to(destination)?;
            let summary = serde_json::json!({ "backup": destination });
            print(out, cli.json, &summary, || format!("backed up {} to {}", store.path().display(), destination.display()))
        }
        Command::Restore { backup } => {
            let restored = paydesk_core::store::restore(&paths.data_dir, backup)?;
            print(out, cli.json, &restored, || {
                let aside = restored.set_aside.as_ref().map(|p| format!("; the database it replaced is kept as {}", p.display())).unwrap_or_default();
                format!("restored {} ({} orders) into {}{aside}", backup.display(), restored.orders, restored.database.display())
            })
        }
    }
}

/// Serves until Ctrl-C (or SIGTERM). The URL is printed, and flushed, as soon as the
/// simulator listens, so a script can read it and start.
fn run_simulator(port: u16, tls_dir: Option<&Path>, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::new("runtime", e.to_string()))?;
    let tls = tls_dir
        .map(LocalTls::load_or_create_in)
        .transpose()
        .map_err(|e| CliError::new("simulator_tls", e.to_string()))?;
    let config = stripe_sim::SimConfig { port, tls: tls.map(|tls| tls.identity().clone()), ..stripe_sim::SimConfig::default() };
    let mut printed = Ok(());
    let served = runtime.block_on(stripe_sim::serve(
        config,
        |sim| {
            let (url, tls_url) = (sim.base_url(), sim.tls_base_url());
            // One line, even in JSON: a script reads it to learn the URL while we keep serving.
            let announcement = if json {
                serde_json::json!({ "url": url, "tls_url": tls_url }).to_string()
            } else {
                let also = tls_url.map(|u| format!(" and {u}")).unwrap_or_default();
                format!("Stripe simulator listening on {url}{also} (Ctrl-C to stop)")
            };
            printed = writeln!(out, "{announcement}")
                .and_then(|()| out.flush())
                .map_err(|e| CliError::new("output", e.to_string()));
            tracing::info!(url, tls_url, "simulator listening");
        },
        shutdown_signal(),
    ));
    served.map_err(|e| CliError::new("simulator", format!("cannot start the simulator on port {port}: {e}")))?;
    printed
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub(crate) fn print<T: Serialize>(out: &mut dyn Write, json: bool, value: &T, text: impl FnOnce() -> String) -> Result<(), CliError> {
    let rendered = if json {
        serde_json::to_string_pretty(value).map_err(|e| usage(e.to_string()))?
    } else {
        text()
    };
    writeln!(out, "{rendered}").map_err(|e| CliError::new("output", e.to_string()))
}

/// Writes to a file that must not exist yet; on failure the partial file is removed.
fn write_new_file<T>(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::new("export_write", format!("cannot create {}: {e}", path.display())))?;
    let mut writer = BufWriter::new(file);
    let result = write(&mut writer).and_then(|value| {
        writer.flush().map_err(|e| CliError::new("export_write", e.to_string()))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

fn order_input(args: &NewOrder) -> Result<OrderInput, CliError> {
    let lines = args.lines.iter().map(|line| parse_line(line)).collect::<Result<Vec<_>, _>>()?;
    let discount = args.discount.as_deref().map(|text| match text.trim().strip_suffix('%') {
        Some(percent) => DiscountInput::Percent { percent: percent.to_owned() },
        None => DiscountInput::Amount { amount: text.to_owned() },
    });
    let taxes = args
        .taxes
        .iter()
        .map(|tax| {
            let (name, rate) = tax.rsplit_once('=').unwrap_or(("Tax", tax));
            TaxInput { name: name.trim().to_owned(), rate: rate.trim().to_owned(), inclusive: args.tax_inclusive }
        })
        .collect();
    Ok(OrderInput {
        currency: args.currency.clone().unwrap_or_default(),
        lines,
        discount,
        taxes,
        tip: args.tip.clone(),
        note: args.note.clone(),
        customer_email: args.email.clone(),
        customer_id: None,
    })
}

fn with_default_currency(mut input: OrderInput, store: &Store) -> Result<OrderInput, CliError> {
    if input.currency.trim().is_empty() {
        input.currency = Settings::load(store)?.default_currency;
    }
    Ok(input)
}

/// "Flat white x2 @ 3.50" → description, quantity, price. The price follows the last `@`;
/// a trailing "xN" (or "×N") on the description is the quantity.
fn parse_line(text: &str) -> Result<LineInput, CliError> {
    let malformed = || usage(format!("--line \"{text}\": expected \"DESCRIPTION [xQTY] @ PRICE\", e.g. \"Flat white x2 @ 3.50\""));
    let (left, price) = text.rsplit_once('@').ok_or_else(malformed)?;
    let left = left.trim();
    let (description, quantity) = match left.rsplit_once(' ') {
        Some((head, tail)) if is_quantity(tail) => {
            let digits = &tail[tail.char_indices().nth(1).map_or(tail.len(), |(i, _)| i)..];
            let quantity = digits
                .parse::<i64>()
                .map_err(|_| usage(format!("--line \"{text}\": quantity \"{digits}\" is too large")))?;
            (head.trim(), quantity)
        }
        _ => (left, 1),
    };
    if description.is_empty() || price.trim().is_empty() {
        return Err(malformed());
    }
    Ok(LineInput { description: description.to_owned(), quantity, unit_price: price.trim().to_owned() })
}

fn is_quantity(token: &str) -> bool {
    let mut chars = token.chars();
    matches!(chars.next(), Some('x' | 'X' | '×')) && {
        let rest = chars.as_str();
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
    }
}

fn list_query(args: &ListOrders) -> OrderQuery {
    OrderQuery {
        status: args.status,
        from: args.from,
        to: args.to,
        text: args.search.clone(),
        before_number: args.before,
        limit: Some(args.limit),
    }
}

fn order_text(order: &OrderView) -> String {
    let summary = &order.summary;
    let quote = &order.quote;
    let mut text = format!(
        "Order #{}  {}  {}  ({} mode)\n{}\n\n",
        summary.number, summary.status, summary.created_at, order.mode, summary.id
    );
    for line in &quote.lines {
        text += &format!("  {:>4} × {:<40} {:>14}\n", line.quantity, line.description, line.total.display);
    }
    let mut row = |label: &str, amount: &paydesk_core::view::MoneyView, always: bool| {
        if always || amount.minor != 0 {
            text += &format!("  {label:<47} {:>14}\n", amount.display);
        }
    };
    row("Subtotal", &quote.subtotal, true);
    row("Discount", &quote.discount, false);
    row("Tax", &quote.tax_exclusive, false);
    row("Tip", &quote.tip, false);
    row("Rounding", &quote.rounding, false);
    row("Total", &quote.total, true);
    for tax in quote.taxes.iter().filter(|tax| tax.inclusive) {
        text += &format!("  (includes {} {} {})\n", tax.name, tax.rate, tax.amount.display);
    }
    text.trim_end().to_owned()
}

fn page_text(page: &OrderPageView) -> String {
    if page.orders.is_empty() {
        return "no orders".to_owned();
    }
    let mut text = String::new();
    for order in &page.orders {
        text += &format!(
            "#{:<7} {:<19} {:<10} {:>14}  {}\n",
            order.number,
            order.status.to_string(),
            order.business_date,
            order.total.display,
            order.description
        );
    }
    if let Some(next) = page.next_before_number {
        text += &format!("(more: --before {next})\n");
    }
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_people_write_them() {
        let line = |t: &str| parse_line(t).map(|l| (l.description, l.quantity, l.unit_price)).map_err(|e| e.message);
        assert_eq!(line("Flat white x2 @ 3.50"), Ok(("Flat white".into(), 2, "3.50".into())));
        assert_eq!(line("Croissant @ 2.25"), Ok(("Croissant".into(), 1, "2.25".into())));
        assert_eq!(line("Box of 6 ×3@1,234.50"), Ok(("Box of 6".into(), 3, "1,234.50".into())));
        assert_eq!(line("Mail @ home x2 @ 1"), Ok(("Mail @ home".into(), 2, "1".into())));
        assert_eq!(line("xbox @ 300"), Ok(("xbox".into(), 1, "300".into())));
        assert!(line("no price").unwrap_err().contains("expected \"DESCRIPTION [xQTY] @ PRICE\""));
        assert!(line(" @ 3").is_err());
        assert!(line("Tea @ ").is_err());
        assert!(line("Tea x99999999999999999999 @ 1").unwrap_err().contains("too large"));
    }
}
