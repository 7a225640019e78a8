//! The command line's grammar.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use paydesk_core::order::OrderStatus;

#[derive(Debug, Parser)]
#[command(
    name = "paydesk",
    version,
    about = "Paydesk: a point of sale for card payments through Stripe.",
    long_about = "Paydesk: a point of sale for card payments through Stripe.\n\nWith no subcommand, opens the cashier's window."
)]
pub struct Cli {
    /// Where the database lives [env: PAYDESK_DATA_DIR; default: the OS data directory]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Print results, and errors as {"error": {code, message}}, as JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, show and list orders
    #[command(subcommand)]
    Order(OrderCommand),
    /// Add, find, change and remove the shop's customers
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Export the order history
    #[command(subcommand)]
    Export(ExportCommand),
    /// Copy the live database to a new file (safe while the app is running)
    Backup {
        /// The backup file to create; it must not exist yet
        destination: PathBuf,
    },
    /// Replace the database with a backup, keeping the replaced one aside (refused while
    /// Paydesk is running on it)
    Restore {
        /// A backup made by `paydesk backup`
        backup: PathBuf,
    },
    /// Set, show or remove the shop's Stripe keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Pay an order on the server: with a test PaymentMethod (pm_card_visa, …; test mode
    /// only), or with a card saved on the order's customer (by phone, MOTO; or --off-session)
    Charge {
        /// Order number (1042 or #1042) or id
        order: String,
        /// A Stripe test PaymentMethod id
        #[arg(long, value_name = "PM", required_unless_present = "saved_card", conflicts_with = "saved_card")]
        payment_method: Option<String>,
        /// A card saved on the order's customer (see `paydesk customer cards`)
        #[arg(long, value_name = "PM")]
        saved_card: Option<String>,
        /// With --saved-card: a payment the customer authorized earlier, not a phone order
        #[arg(long, requires = "saved_card")]
        off_session: bool,
    },
    /// Capture an authorized order, in full or a smaller amount (the rest is released)
    Capture {
        order: String,
        /// Amount to capture [default: all that was authorized]
        #[arg(long)]
        amount: Option<String>,
    },
    /// Refund a paid order, in full or in part
    Refund {
        order: String,
        /// Amount to refund [default: all that is left]
        #[arg(long)]
        amount: Option<String>,
        #[arg(long, value_enum)]
        reason: Option<RefundReasonArg>,
    },
    /// Void an order: drop a draft, cancel an open payment, release an authorization
    Void {
        order: String,
        #[arg(long, value_enum, default_value_t = VoidReasonArg::RequestedByCustomer)]
        reason: VoidReasonArg,
    },
    /// Bring every unfinished payment up to date from Stripe, and apply Stripe's events
    Reconcile,
    /// Run the Stripe test-mode simulator on 127.0.0.1 until interrupted (for demos and
    /// for testing other integrations; it accepts only test-mode keys)
    Simulator {
        /// Port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 12111)]
        port: u16,
        /// Also serve over https on a free port, with the certificate in this directory
        /// (cert.pem, key.pem; made there when missing), for pages that are themselves https
        #[arg(long)]
        tls_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Create an order from lines given as flags
    New(NewOrder),
    /// Show one order, by number (1042 or #1042) or id
    Show {
        reference: String,
    },
    /// List orders, newest first
    List(ListOrders),
}

#[derive(Debug, Args)]
pub struct NewOrder {
    /// ISO 4217 currency code [default: the shop's default currency, else USD]
    #[arg(long)]
    pub currency: Option<String>,

    /// An order line: "DESCRIPTION [xQTY] @ PRICE", e.g. "Flat white x2 @ 3.50" (repeatable)
    #[arg(long = "line", value_name = "LINE", required = true)]
    pub lines: Vec<String>,

    /// Order discount: a percentage ("10%") or an amount ("5.00")
    #[arg(long)]
    pub discount: Option<String>,

    /// A tax rate: "RATE%" or "NAME=RATE%", e.g. "Sales tax=8.875%" (repeatable)
    #[arg(long = "tax", value_name = "TAX")]
    pub taxes: Vec<String>,

    /// The tax rates are included in the prices (VAT-style) instead of added to them
    #[arg(long)]
    pub tax_inclusive: bool,

    /// Tip amount
    #[arg(long)]
    pub tip: Option<String>,

    /// A note kept with the order
    #[arg(long)]
    pub note: Option<String>,

    /// The customer's email, for the receipt [default: the customer's]
    #[arg(long)]
    pub email: Option<String>,

    /// The customer the order is for, by number (12 or C12) or id
    #[arg(long)]
    pub customer: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Add a customer to the directory
    New(CustomerArgs),
    /// List the directory by name, or the customers whose name, email or phone contains SEARCH
    List {
        #[arg(long)]
        search: Option<String>,
        /// How many customers (1-200)
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=200))]
        limit: u32,
    },
    /// Show one customer, by number (12 or C12) or id
    Show { reference: String },
    /// Replace a customer's details (every field: one left out is cleared)
    Edit {
        reference: String,
        #[command(flatten)]
        details: CustomerArgs,
    },
    /// Take a customer out of the directory (their orders keep their name)
    Remove { reference: String },
    /// The customer's saved cards as Stripe lists them (brand, last four, expiry, checks)
    Cards { reference: String },
    /// Detach one of the customer's saved cards at Stripe
    RemoveCard {
        reference: String,
        /// The saved card's PaymentMethod id (pm_…)
        payment_method: String,
    },
}

#[derive(Debug, Args)]
pub struct CustomerArgs {
    /// The customer's name
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// A note kept with the customer
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListOrders {
    /// Only orders in this status (draft, awaiting_payment, paid, refunded, voided, …)
    #[arg(long, value_parser = parse_status)]
    pub status: Option<OrderStatus>,
    /// First business day, YYYY-MM-DD
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last business day, YYYY-MM-DD
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// An order number, a PaymentIntent id, or words from the items
    #[arg(long)]
    pub search: Option<String>,
    /// How many orders (1-200)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=200))]
    pub limit: u32,
    /// Only orders numbered below this (for the next page)
    #[arg(long, value_name = "NUMBER")]
    pub before: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Orders as CSV, oldest first
    Csv {
        /// File to write [default: standard output]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// First business day, YYYY-MM-DD
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Last business day, YYYY-MM-DD
        #[arg(long, value_parser = parse_date)]
        to: Option<NaiveDate>,
    },
}

fn parse_status(text: &str) -> Result<OrderStatus, String> {
    text.parse().map_err(|error: paydesk_core::order::UnknownStatus| error.to_string())
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("\"{text}\" is not a date: use YYYY-MM-DD"))
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Verify the keys with Stripe and keep the secret in the OS keyring. The secret key is
    /// read from standard input, never from the command line.
    Set {
        /// The publishable key (pk_test_… or pk_live_…)
        #[arg(long, value_name = "PK")]
        publishable_key: String,
    },
    /// Show the mode and the secret's last four characters
    Status,
    /// Remove the keys (the app goes back to demo mode)
    Remove,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RefundReasonArg {
    RequestedByCustomer,
    Duplicate,
    Fraudulent,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum VoidReasonArg {
    RequestedByCustomer,
    Duplicate,
    Fraudulent,
    Abandoned,
}
