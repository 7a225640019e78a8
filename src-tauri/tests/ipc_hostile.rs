//! Hostile input through every window command, over Tauri's real IPC layer: wrong JSON
//! types for every field, missing and unknown fields, amounts past i64 and past Stripe's
//! maximum, "NaN" and its kin, megabyte strings, control, bidi and zero-width characters,
//! SQL, malformed ids and the ids of orders in the wrong state or mode, malformed keys.
//!
//! Each is refused with `{code, message}` and nothing else: the specific code that input
//! deserves, a short message that repeats no secret and no invisible character, no panic
//! anywhere in the process, and not one row of the database changed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use common::ipc::{app, coffee_order, confirm_in_simulator, invoke, window};
use paydesk_core::mode::AppMode;
use paydesk_core::order::{Completeness, OrderInput};
use paydesk_core::paths::Paths;
use paydesk_core::store::{Store, DATABASE_FILE};
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, WebviewWindow};

/// Carried by every secret key in the corpus, so a message that repeats one is caught.
const MARK: &str = "HostileMark";
/// Codes that say only "something failed": a refusal must say what.
const GENERIC_CODES: [&str; 6] = ["ipc", "unknown", "internal", "database", "invalid_args", "invalid_argument"];
const MAX_MESSAGE_CHARS: usize = 500;
const MB: usize = 1 << 20;

// ---------------------------------------------------------------------------------------
// The till the corpus is thrown at: one order in every state that matters.

struct Orders {
    draft: String,
    paid: String,
    refunded: String,
    voided: String,
    authorized: String,
    captured: String,
    /// Authorized for $10.07, $5.00 of it captured.
    part_captured: String,
    test_mode: String,
    live_mode: String,
    /// A well-formed id that no order has.
    nobody: String,
    /// Ana (C1), with no Stripe Customer and no saved card yet.
    ana: String,
    /// A draft order for Ana.
    for_ana: String,
}

struct Till {
    _dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
    /// The test's own connection, to read every row without going through the app.
    db: rusqlite::Connection,
    orders: Orders,
}

impl Till {
    fn open() -> Till {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = Paths::resolve(Some(dir.path())).unwrap().data_dir;
        // Orders of other modes, rung up while other keys were set.
        let (test_mode, live_mode) = {
            let mut store = Store::open_in(&data_dir).unwrap();
            let input: OrderInput = serde_json::from_value(coffee_order()).unwrap();
            let spec = input.validate(Completeness::RequireLines).unwrap();
            let mut taken_in = |mode| store.create_order(mode, &spec, "rung up in another mode").unwrap().id.to_string();
            (taken_in(AppMode::Test), taken_in(AppMode::Live))
        };
        let app = app(dir.path());
        let main = window(&app, "main");
        let stripe_js = ok(&main, "app_info", json!({}))["stripeJsUrl"].as_str().unwrap().to_owned();
        let sale = |main: &WebviewWindow<MockRuntime>| ok(main, "order_create", json!({ "input": coffee_order() }))["id"].as_str().unwrap().to_owned();
        let pay = |main: &WebviewWindow<MockRuntime>, id: &str, status: &str| {
            let checkout = ok(main, "payment_start", json!({ "orderId": id }));
            confirm_in_simulator(&stripe_js, &checkout, "pm_card_visa");
            assert_eq!(ok(main, "payment_settle", json!({ "orderId": id }))["status"], status);
        };

        let paid = sale(&main);
        pay(&main, &paid, "paid");
        let refunded = sale(&main);
        pay(&main, &refunded, "paid");
        assert_eq!(ok(&main, "payment_refund", json!({ "orderId": refunded }))["status"], "refunded");
        let voided = sale(&main);
        assert_eq!(ok(&main, "payment_void", json!({ "orderId": voided }))["status"], "voided");

        let mut settings = ok(&main, "settings_get", json!({}));
        settings["capture"] = json!("manual");
        ok(&main, "settings_save", json!({ "settings": settings }));
        let authorized = sale(&main);
        pay(&main, &authorized, "authorized");
        let captured = sale(&main);
        pay(&main, &captured, "authorized");
        assert_eq!(ok(&main, "payment_capture", json!({ "orderId": captured }))["status"], "paid");
        let part_captured = sale(&main);
        pay(&main, &part_captured, "authorized");
        assert_eq!(ok(&main, "payment_capture", json!({ "orderId": part_captured, "amount": "5.00" }))["status"], "paid");
        let draft = sale(&main);
        let ana = ok(&main, "customer_create", json!({ "input": { "name": "Ana Díaz", "email": "ana@example.com" } }))["id"].as_str().unwrap().to_owned();
        let mut order = coffee_order();
        order["customerId"] = json!(ana);
        let for_ana = ok(&main, "order_create", json!({ "input": order }))["id"].as_str().unwrap().to_owned();

        let db = rusqlite::Connection::open_with_flags(data_dir.join(DATABASE_FILE), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let nobody = "01890000-0000-7000-8000-000000000000".to_owned();
        let orders = Orders { draft, paid, refunded, voided, authorized, captured, part_captured, test_mode, live_mode, nobody, ana, for_ana };
        Till { _dir: dir, _app: app, main, db, orders }
    }

    /// Every row of every table, with the schema and `user_version`: what "unchanged"
    /// means. The file's bytes would not do: WAL moves pages between the log and the
    /// database without changing a row. Rows are sorted because some tables have no rowid.
    fn dump(&self) -> String {
        let version: i64 = self.db.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        let mut out = format!("user_version {version}\n");
        let schema: Vec<(String, String, Option<String>)> = self
            .db
            .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (kind, name, sql) in schema {
            out.push_str(&format!("{kind} {name}: {sql:?}\n"));
            if kind != "table" {
                continue;
            }
            let mut statement = self.db.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
            let columns = statement.column_count();
            let mut rows: Vec<String> = statement
                .query_map([], |row| (0..columns).map(|i| row.get::<_, rusqlite::types::Value>(i)).collect::<Result<Vec<_>, _>>())
                .unwrap()
                .map(|row| format!("  {name} {:?}\n", row.unwrap()))
                .collect();
            rows.sort();
            out.extend(rows);
        }
        out
    }
}

fn ok(main: &WebviewWindow<MockRuntime>, command: &str, args: Value) -> Value {
    invoke(main, command, args).unwrap_or_else(|error| panic!("{command}: {error}"))
}

// ---------------------------------------------------------------------------------------
// The corpus: refusals, each with the code it must get, and a few calls that must succeed
// and change nothing (hostile text that is only ever searched for or logged).

struct Case {
    label: String,
    command: &'static str,
    args: Value,
    expect: Expect,
}

enum Expect {
    Refused(&'static str),
    Accepted,
    /// Accepted, with the reply these arguments get.
    SameAs(Value),
}

#[derive(Default)]
struct Corpus(Vec<Case>);

impl Corpus {
    fn refuse(&mut self, command: &'static str, code: &'static str, label: impl std::fmt::Display, args: Value) {
        self.push(command, label, args, Expect::Refused(code));
    }

    fn harmless(&mut self, command: &'static str, label: impl std::fmt::Display, args: Value) {
        self.push(command, label, args, Expect::Accepted);
    }

    fn push(&mut self, command: &'static str, label: impl std::fmt::Display, args: Value, expect: Expect) {
        self.0.push(Case { label: format!("{command} {label}"), command, args, expect });
    }
}

/// What a field holds, for generating values of every other JSON type.
#[derive(Clone, Copy)]
enum Shape {
    Text,
    /// A string, or null for none.
    MaybeText,
    Int,
    MaybeInt,
    Bool,
    List,
    Object,
    MaybeObject,
}

impl Shape {
    fn fits(self, value: &Value) -> bool {
        match self {
            Shape::Text => value.is_string(),
            Shape::MaybeText => value.is_string() || value.is_null(),
            Shape::Int => value.is_i64(),
            Shape::MaybeInt => value.is_i64() || value.is_null(),
            Shape::Bool => value.is_boolean(),
            Shape::List => value.is_array(),
            Shape::Object => value.is_object(),
            Shape::MaybeObject => value.is_object() || value.is_null(),
        }
    }

    fn wrong_values(self) -> Vec<Value> {
        [json!(null), json!(true), json!(7), json!(2.5), json!("7"), json!([]), json!({})]
            .into_iter()
            .filter(|value| !self.fits(value))
            .collect()
    }
}

/// A field of a JSON argument, by JSON pointer.
struct Field {
    at: &'static str,
    shape: Shape,
    required: bool,
}

const fn field(at: &'static str, shape: Shape, required: bool) -> Field {
    Field { at, shape, required }
}

/// Fields no argument has; the second is how a page's script would try to pollute a prototype.
fn unknown_fields() -> [(&'static str, Value); 2] {
    [("total", json!(1)), ("__proto__", json!({"admin": true}))]
}

/// Every field given a value of every other type, every required field left out, and an
/// unknown field slipped into every object: each refused as `code`.
fn shapes(corpus: &mut Corpus, command: &'static str, code: &'static str, template: Value, fields: &[Field], wrap: impl Fn(Value) -> Value) {
    for (extra, value) in unknown_fields() {
        corpus.refuse(command, code, format!("with /{extra}"), wrap(with(&template, &format!("/{extra}"), value)));
    }
    for field in fields {
        for wrong in field.shape.wrong_values() {
            corpus.refuse(command, code, format!("{} = {wrong}", field.at), wrap(with(&template, field.at, wrong)));
        }
        if field.required {
            corpus.refuse(command, code, format!("without {}", field.at), wrap(without(&template, field.at)));
        }
        if matches!(field.shape, Shape::Object | Shape::MaybeObject) {
            for (extra, value) in unknown_fields() {
                let at = format!("{}/{extra}", field.at);
                corpus.refuse(command, code, format!("with {at}"), wrap(with(&template, &at, value)));
            }
        }
    }
}

/// `template` with the value at `at` replaced (or added, as the last step of the path).
fn with(template: &Value, at: &str, value: Value) -> Value {
    let mut copy = template.clone();
    let (parent, key) = at.rsplit_once('/').unwrap();
    let slot = if parent.is_empty() { &mut copy } else { copy.pointer_mut(parent).unwrap_or_else(|| panic!("{parent} in {template}")) };
    match slot {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("{at}: {other} holds no fields"),
    }
    copy
}

fn without(template: &Value, at: &str) -> Value {
    let mut copy = template.clone();
    let (parent, key) = at.rsplit_once('/').unwrap();
    let slot = if parent.is_empty() { &mut copy } else { copy.pointer_mut(parent).unwrap() };
    slot.as_object_mut().unwrap().remove(key).unwrap_or_else(|| panic!("{at} is not in {template}"));
    copy
}

fn big(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes / unit.len())
}

/// Text no field should take: control characters, invisible ones that hide or reorder the
/// text around them, a megabyte.
fn hostile_text() -> Vec<(&'static str, String)> {
    vec![
        ("NUL", "Tea\u{0}".into()),
        ("a bell", "Tea\u{7}".into()),
        ("an escape sequence", "\u{1b}[2JTea".into()),
        ("a right-to-left override", "\u{202E}aeT".into()),
        ("a bidi isolate", "\u{2067}Tea\u{2069}".into()),
        ("only zero-width characters", "\u{200B}\u{200D}\u{FEFF}".into()),
        ("a megabyte", big("x", MB)),
    ]
}

/// The amounts a cashier could type that are not amounts, or not allowed ones.
fn bad_amounts() -> Vec<(&'static str, String)> {
    [
        ("negative", "-1"),
        ("negative cents", "-0.01"),
        ("too many decimals", "1.999"),
        ("a fraction of a cent", "0.001"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("an exponent", "1e3"),
        ("hex", "0x10"),
        ("binary", "0b101"),
        ("empty", ""),
        ("blank", "   "),
        ("two points", "1.2.3"),
        ("a bad grouping", "1,00"),
        ("Arabic-Indic digits", "١٢"),
        ("fullwidth digits", "１２"),
        ("a currency sign", "$12"),
        ("a currency code", "12 USD"),
        ("two signs", "--5"),
        ("past i64 in cents", "92233720368547758.08"),
        ("past i64 grouped", "9,223,372,036,854,775,807"),
        ("forty digits", "9999999999999999999999999999999999999999"),
        ("NUL", "12\u{0}"),
        ("a right-to-left override", "1\u{202E}2"),
        ("a zero-width space", "\u{200B}12"),
        ("SQL", "'; DROP TABLE orders;--"),
    ]
    .into_iter()
    .map(|(label, text)| (label, text.to_owned()))
    .chain([("a megabyte of digits", big("1", MB)), ("a megabyte of letters", big("x", MB))])
    .collect()
}

/// An order with every optional part filled in, so each part can be spoiled.
fn full_order() -> Value {
    let mut order = coffee_order();
    order["discount"] = json!({"kind": "percent", "percent": "10"});
    order["tip"] = json!("1.00");
    order["note"] = json!("no sugar");
    order["customerEmail"] = json!("ana@example.com");
    order
}

const ORDER_FIELDS: &[Field] = &[
    field("/currency", Shape::Text, true),
    field("/lines", Shape::List, false),
    field("/lines/0", Shape::Object, false),
    field("/lines/0/description", Shape::Text, true),
    field("/lines/0/quantity", Shape::Int, true),
    field("/lines/0/unitPrice", Shape::Text, true),
    field("/discount", Shape::MaybeObject, false),
    field("/discount/kind", Shape::Text, true),
    field("/discount/percent", Shape::Text, true),
    field("/taxes", Shape::List, false),
    field("/taxes/0", Shape::Object, false),
    field("/taxes/0/name", Shape::Text, true),
    field("/taxes/0/rate", Shape::Text, true),
    field("/taxes/0/inclusive", Shape::Bool, false),
    field("/tip", Shape::MaybeText, false),
    field("/note", Shape::MaybeText, false),
    field("/customerEmail", Shape::MaybeText, false),
];

/// Orders that are refused whatever is done with them: the code, and the order.
fn bad_orders() -> Vec<(String, &'static str, Value)> {
    let order = full_order();
    let mut cases: Vec<(String, &'static str, Value)> = Vec::new();
    let mut add = |label: String, code, value| cases.push((label, code, value));
    for (quantity, label) in [(json!(0), "zero"), (json!(-1), "negative"), (json!(i64::MIN), "i64::MIN"), (json!(10_000), "10,000"), (json!(i64::MAX), "i64::MAX"), (json!(u64::MAX), "u64::MAX"), (json!(1e3), "1e3 as a float"), (json!(2.0), "2.0")] {
        add(format!("quantity {label}"), "invalid_order", with(&order, "/lines/0/quantity", quantity));
    }
    for (label, text) in bad_amounts() {
        add(format!("unit price {label}"), "invalid_order", with(&order, "/lines/0/unitPrice", json!(text)));
        // An empty tip is no tip.
        if !text.trim().is_empty() {
            add(format!("tip {label}"), "invalid_order", with(&order, "/tip", json!(text)));
        }
    }
    add("ten megabytes of digits as the unit price".into(), "invalid_order", with(&order, "/lines/0/unitPrice", json!(big("9", 10 * MB))));
    add("JPY with decimals".into(), "invalid_order", with(&with(&order, "/currency", json!("JPY")), "/lines/0/unitPrice", json!("100.5")));
    add("KWD with four decimals".into(), "invalid_order", with(&with(&order, "/currency", json!("KWD")), "/lines/0/unitPrice", json!("1.2345")));
    // Prices each fine, totals over Stripe's maximum or past what i64 can hold.
    add("a line over Stripe's maximum".into(), "pricing", with(&order, "/lines/0/unitPrice", json!("1,000,000.00")));
    add("two lines over the maximum".into(), "pricing", with(&order, "/lines/0/unitPrice", json!("999999.99")));
    add("9,999 of an item priced at i64::MAX cents".into(), "pricing", with(&with(&order, "/lines/0/quantity", json!(9_999)), "/lines/0/unitPrice", json!("92233720368547758.07")));
    add("a tip over the maximum".into(), "pricing", with(&order, "/tip", json!("999999.99")));
    add("a discount over the subtotal".into(), "pricing", with(&order, "/discount", json!({"kind": "amount", "amount": "100.00"})));
    for currency in ["", "   ", "US", "USDD", "XXX", "XTS", "XAU", "BTC", "ABC", "ISK", "usd\u{0}", "U\u{200B}SD", "\u{202E}DSU", "'; DROP TABLE orders;--"] {
        add(format!("currency {currency:?}"), "invalid_order", with(&order, "/currency", json!(currency)));
    }
    add("a megabyte as the currency".into(), "invalid_order", with(&order, "/currency", json!(big("A", MB))));
    for (label, text) in hostile_text().into_iter().chain([("a newline", "Tea\nCake".into()), ("201 characters", big("x", 201)), ("blank", "   ".into())]) {
        add(format!("description with {label}"), "invalid_order", with(&order, "/lines/0/description", json!(text)));
        add(format!("tax name with {label}"), "invalid_order", with(&order, "/taxes/0/name", json!(text)));
    }
    add("ten megabytes of description".into(), "invalid_order", with(&order, "/lines/0/description", json!(big("x", 10 * MB))));
    for (label, text) in hostile_text().into_iter().chain([("1,001 characters", big("n", 1001))]) {
        add(format!("note with {label}"), "invalid_order", with(&order, "/note", json!(text)));
    }
    for email in ["not-an-email", "a@b", "@b.com", "a@.com", "a@b.com.", "a@b..com", "a b@c.com", "a@b.com\u{0}", "a\u{202E}@b.com", "a\u{200B}@b.com", "'; DROP TABLE orders;--@x.com"] {
        add(format!("email {email:?}"), "invalid_order", with(&order, "/customerEmail", json!(email)));
    }
    add("a megabyte of email".into(), "invalid_order", with(&order, "/customerEmail", json!(format!("{}@example.com", big("a", MB)))));
    for percent in ["101", "-5", "NaN", "10.12345", "1e2", "Infinity", ""] {
        add(format!("discount of {percent:?} percent"), "invalid_order", with(&order, "/discount/percent", json!(percent)));
    }
    add("a negative discount amount".into(), "invalid_order", with(&order, "/discount", json!({"kind": "amount", "amount": "-1"})));
    add("a discount of an unknown kind".into(), "invalid_order", with(&order, "/discount/kind", json!("bogus")));
    add("an amount discount with a percent".into(), "invalid_order", with(&order, "/discount", json!({"kind": "amount", "percent": "5"})));
    for rate in ["NaN", "-1", "101", "8.87501", "1e1", "0x10"] {
        add(format!("tax rate {rate:?}"), "invalid_order", with(&order, "/taxes/0/rate", json!(rate)));
    }
    let tax = |name: &str, rate: &str, inclusive: bool| json!({"name": name, "rate": rate, "inclusive": inclusive});
    add("six tax rates".into(), "invalid_order", with(&order, "/taxes", json!(vec![tax("T", "1", false); 6])));
    add("inclusive and exclusive taxes".into(), "invalid_order", with(&order, "/taxes", json!([tax("A", "5", true), tax("B", "5", false)])));
    add("taxes over 100%".into(), "invalid_order", with(&order, "/taxes", json!([tax("A", "60", false), tax("B", "50", false)])));
    add("501 lines".into(), "invalid_order", with(&order, "/lines", json!(vec![order["lines"][0].clone(); 501])));
    cases
}

fn order_cases(corpus: &mut Corpus, orders: &Orders) {
    let draft = orders.draft.clone();
    let edit = move |input: Value| json!({ "id": draft, "input": input });
    shapes(corpus, "order_quote", "invalid_order", full_order(), ORDER_FIELDS, |input| json!({ "input": input }));
    shapes(corpus, "order_create", "invalid_order", full_order(), ORDER_FIELDS, |input| json!({ "input": input }));
    shapes(corpus, "order_edit", "invalid_order", full_order(), ORDER_FIELDS, &edit);
    for (label, code, input) in bad_orders() {
        corpus.refuse("order_quote", code, &label, json!({ "input": input }));
        corpus.refuse("order_create", code, &label, json!({ "input": input }));
        corpus.refuse("order_edit", code, &label, edit(input));
    }
    corpus.refuse("order_create", "invalid_order", "without lines", json!({ "input": with(&full_order(), "/lines", json!([])) }));
    for command in ["order_quote", "order_create"] {
        for (label, input) in [("null", json!(null)), ("a string", json!("an order")), ("a number", json!(1007)), ("a list", json!([full_order()])), ("its fields in a list", json!(["USD"]))] {
            corpus.refuse(command, "invalid_order", format!("input as {label}"), json!({ "input": input }));
        }
        corpus.refuse(command, "invalid_order", "without input", json!({}));
        corpus.refuse(command, "invalid_order", "with the arguments as a list", json!([full_order()]));
    }
    // SQL is only text to an order: a quote takes it as a description, and stores nothing.
    corpus.harmless("order_quote", "with SQL as the description", json!({ "input": with(&full_order(), "/lines/0/description", json!("'; DROP TABLE orders;--")) }));
}

/// Ids that name no order: malformed, of another type, or well-formed and unknown.
fn bad_ids(orders: &Orders) -> Vec<(String, Value)> {
    let draft = &orders.draft;
    let texts = [
        ("empty", String::new()),
        ("blank", "   ".into()),
        ("words", "not-an-id".into()),
        ("an order number", "1001".into()),
        ("an order number with #", "#1001".into()),
        ("SQL", "'; DROP TABLE orders;--".into()),
        ("SQL after an id", format!("{draft}' OR '1'='1")),
        ("a non-hex digit", "00000000-0000-0000-0000-00000000000g".into()),
        ("an id and more", format!("{draft}x")),
        ("an id with NUL", format!("{draft}\u{0}")),
        ("an id behind a right-to-left override", format!("\u{202E}{draft}")),
        ("an id with a zero-width space", format!("{}\u{200B}{}", &draft[..8], &draft[8..])),
        ("a PaymentIntent id", "pi_3MtwBwLkdIwHu7ix28a3tqPa".into()),
        ("a megabyte", big("f", MB)),
        ("no order's id", orders.nobody.clone()),
    ];
    texts
        .into_iter()
        .map(|(label, text)| (label.to_owned(), json!(text)))
        .chain([json!(null), json!(1001), json!(true), json!([draft]), json!({"id": draft})].into_iter().map(|value| (format!("{value} as the id"), value)))
        .collect()
}

/// Each command that acts on an order, with valid other arguments.
fn order_commands() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("order_get", "id", json!({})),
        ("order_edit", "id", json!({ "input": coffee_order() })),
        ("payment_start", "orderId", json!({})),
        ("payment_settle", "orderId", json!({})),
        ("payment_finalize", "orderId", json!({ "confirmationToken": "ctoken_made_up", "moto": false })),
        ("payment_capture", "orderId", json!({})),
        ("payment_refund", "orderId", json!({})),
        ("payment_void", "orderId", json!({})),
    ]
}

/// Arguments the window has no business sending; a command ignores them or refuses anyway.
fn with_extras(args: &Value) -> Value {
    let mut args = args.clone();
    let map = args.as_object_mut().unwrap();
    map.insert("total".into(), json!(1));
    map.insert("mode".into(), json!("live"));
    map.insert("status".into(), json!("paid"));
    args
}

fn id_cases(corpus: &mut Corpus, orders: &Orders) {
    for (command, key, rest) in order_commands() {
        for (label, id) in bad_ids(orders) {
            let args = with(&rest, &format!("/{key}"), id);
            corpus.refuse(command, "order_not_found", format!("with {label}, and extra arguments"), with_extras(&args));
            corpus.refuse(command, "order_not_found", format!("with {label}"), args);
        }
        corpus.refuse(command, "order_not_found", "without an id", rest.clone());
        for other in [&orders.test_mode, &orders.live_mode] {
            let args = with(&rest, &format!("/{key}"), json!(other));
            if command == "order_get" {
                // An order of another mode can be looked at; its view allows nothing.
                corpus.harmless(command, "of another mode", args);
            } else {
                corpus.refuse(command, "order_other_mode", "of another mode, with extra arguments", with_extras(&args));
                corpus.refuse(command, "order_other_mode", "of another mode", args);
            }
        }
    }
}

/// What each order's state forbids: paying twice, capturing twice or a paid order,
/// refunding a voided order or more than was captured, voiding a paid order.
fn transition_cases(corpus: &mut Corpus, orders: &Orders) {
    let o = orders;
    let id = |id: &str| json!({ "orderId": id });
    let ctoken = |id: &str| json!({ "orderId": id, "confirmationToken": "ctoken_made_up", "moto": false });
    for (label, order) in [("a paid", &o.paid), ("a voided", &o.voided), ("an authorized", &o.authorized), ("a refunded", &o.refunded), ("a captured", &o.captured)] {
        corpus.refuse("order_edit", "order_not_editable", format!("{label} order"), json!({ "id": order, "input": coffee_order() }));
        corpus.refuse("payment_start", "order_not_payable", format!("{label} order"), id(order));
        corpus.refuse("payment_finalize", "order_not_payable", format!("{label} order"), ctoken(order));
    }
    for (label, order) in [("a draft", &o.draft), ("a voided", &o.voided)] {
        corpus.refuse("payment_settle", "no_payment", format!("{label} order"), id(order));
    }
    for (label, order) in [("a paid", &o.paid), ("a captured (twice)", &o.captured), ("a draft", &o.draft), ("a voided", &o.voided), ("a refunded", &o.refunded)] {
        corpus.refuse("payment_capture", "order_not_capturable", format!("{label} order"), id(order));
        corpus.refuse("payment_capture", "order_not_capturable", format!("{label} order, an amount"), json!({ "orderId": order, "amount": "1.00" }));
    }
    for (label, order) in [("a voided", &o.voided), ("a draft", &o.draft), ("an authorized", &o.authorized), ("a refunded", &o.refunded)] {
        corpus.refuse("payment_refund", "order_not_refundable", format!("{label} order"), id(order));
        corpus.refuse("payment_refund", "order_not_refundable", format!("{label} order, an amount"), json!({ "orderId": order, "amount": "1.00" }));
    }
    for (label, order) in [("a paid", &o.paid), ("a captured", &o.captured), ("a refunded", &o.refunded), ("a voided", &o.voided)] {
        corpus.refuse("payment_void", "order_not_voidable", format!("{label} order"), id(order));
    }
    for amount in ["0", "0.00", "10.08", "999999999", "9,999,999.99"] {
        corpus.refuse("payment_capture", "capture_amount", format!("{amount} of $10.07 authorized"), json!({ "orderId": o.authorized, "amount": amount }));
    }
    for (label, order, amount) in [
        ("more than was paid", &o.paid, "10.08"),
        ("more than was captured", &o.part_captured, "5.01"),
        ("nothing", &o.paid, "0"),
        ("zero cents", &o.paid, "0.00"),
        ("a billion", &o.paid, "999,999,999.99"),
    ] {
        corpus.refuse("payment_refund", "refund_amount", label, json!({ "orderId": order, "amount": amount }));
    }
}

fn amount_cases(corpus: &mut Corpus, orders: &Orders) {
    let mut amounts: Vec<(String, Value)> = bad_amounts().into_iter().map(|(label, text)| (label.to_owned(), json!(text))).collect();
    amounts.push(("ten megabytes".into(), json!(big("9", 10 * MB))));
    amounts.extend([json!(5), json!(5.5), json!(true), json!([]), json!({"minor": 500})].into_iter().map(|value| (format!("{value} as the amount"), value)));
    for (label, amount) in amounts {
        corpus.refuse("payment_capture", "invalid_amount", &label, json!({ "orderId": orders.authorized, "amount": amount.clone() }));
        corpus.refuse("payment_refund", "invalid_amount", &label, json!({ "orderId": orders.paid, "amount": amount }));
    }
    let reasons = ["bogus", "Duplicate", "requested_by_customer ", "", "'; DROP TABLE orders;--", "fraudulent\u{0}", "\u{202E}duplicate"];
    let reasons = reasons.into_iter().map(|text| (format!("{text:?}"), json!(text)));
    let reasons = reasons.chain([("a megabyte".to_owned(), json!(big("x", MB))), ("a secret key".to_owned(), json!(format!("sk_live_{MARK}0123456789")))]);
    let reasons = reasons.chain([json!(1), json!(true), json!(["duplicate"]), json!({})].into_iter().map(|value| (format!("{value}"), value)));
    for (label, reason) in reasons {
        corpus.refuse("payment_refund", "invalid_reason", format!("reason {label}"), json!({ "orderId": orders.paid, "amount": "1.00", "reason": reason }));
    }
}

fn finalize_cases(corpus: &mut Corpus, orders: &Orders) {
    let finalize = |token: Value, moto: Value| json!({ "orderId": orders.draft, "confirmationToken": token, "moto": moto });
    let tokens = [
        ("empty", String::new()),
        ("only the prefix", "ctoken_".into()),
        ("a client secret", format!("pi_3Mtw_secret_{MARK}")),
        ("a secret key", format!("sk_live_{MARK}0123456789")),
        ("a PaymentMethod", "pm_card_visa".into()),
        ("a card token", "tok_visa".into()),
        ("SQL", "ctoken_1'; DROP TABLE orders;--".into()),
        ("NUL", "ctoken_1\u{0}".into()),
        ("a right-to-left override", "ctoken_\u{202E}1".into()),
        ("a megabyte", format!("ctoken_{}", big("a", MB))),
    ];
    for (label, token) in tokens {
        corpus.refuse("payment_finalize", "invalid_confirmation_token", format!("token {label}"), finalize(json!(token), json!(false)));
    }
    for value in [json!(null), json!(7), json!(true), json!(["ctoken_1"]), json!({"id": "ctoken_1"})] {
        corpus.refuse("payment_finalize", "invalid_confirmation_token", format!("token {value}"), finalize(value, json!(false)));
    }
    corpus.refuse("payment_finalize", "invalid_confirmation_token", "without a token", without(&finalize(json!("ctoken_1"), json!(false)), "/confirmationToken"));
    for value in [json!("true"), json!(1), json!(null), json!("yes"), json!([]), json!({})] {
        corpus.refuse("payment_finalize", "invalid_moto", format!("moto {value}"), finalize(json!("ctoken_made_up"), value));
    }
    corpus.refuse("payment_finalize", "invalid_moto", "without moto", without(&finalize(json!("ctoken_made_up"), json!(false)), "/moto"));
}

fn query_cases(corpus: &mut Corpus) {
    let query = json!({"status": "paid", "from": "2024-01-01", "to": "2030-12-31", "text": "Flat", "beforeNumber": 2000, "limit": 10});
    let fields = [
        field("/status", Shape::MaybeText, false),
        field("/from", Shape::MaybeText, false),
        field("/to", Shape::MaybeText, false),
        field("/text", Shape::MaybeText, false),
        field("/beforeNumber", Shape::MaybeInt, false),
        field("/limit", Shape::MaybeInt, false),
    ];
    let list = |query: Value| json!({ "query": query });
    shapes(corpus, "order_list", "invalid_query", query.clone(), &fields, list);
    for (extra, value) in [("mode", json!("live")), ("orderBy", json!("1; DROP TABLE orders")), ("__proto__", json!({}))] {
        corpus.refuse("order_list", "invalid_query", format!("with {extra}"), list(with(&query, &format!("/{extra}"), value)));
    }
    for status in ["bogus", "PAID", "paid ", "", "'; DROP TABLE orders;--", "paid\u{0}"] {
        corpus.refuse("order_list", "invalid_query", format!("status {status:?}"), list(json!({ "status": status })));
    }
    for date in ["2024-02-30", "2024-13-01", "yesterday", "", "2024-01-01T00:00:00", "2024-01-01'; DROP TABLE orders;--", "2024-01-01\u{202E}"] {
        corpus.refuse("order_list", "invalid_query", format!("from {date:?}"), list(json!({ "from": date })));
        corpus.refuse("order_list", "invalid_query", format!("to {date:?}"), list(json!({ "to": date })));
    }
    for (label, value) in [("a negative limit", json!({"limit": -1})), ("a limit past u32", json!({"limit": 4_294_967_296_u64})), ("a fractional limit", json!({"limit": 1.5})), ("a number past i64", json!({"beforeNumber": 1e30}))] {
        corpus.refuse("order_list", "invalid_query", label, list(value));
    }
    for (label, text) in [("201 characters", big("x", 201)), ("a megabyte", big("%", MB)), ("ten megabytes", big("x", 10 * MB))] {
        corpus.refuse("order_list", "invalid_query", format!("text of {label}"), list(json!({ "text": text })));
    }
    for value in [json!(null), json!("paid"), json!([]), json!(7)] {
        corpus.refuse("order_list", "invalid_query", format!("query {value}"), list(value));
    }
    corpus.refuse("order_list", "invalid_query", "without a query", json!({}));
    // Searched for, never run: the text is a parameter of the query, not part of it.
    for text in ["'; DROP TABLE orders;--", "%", "_", "\\", "#abc", "#99999999999999999999", "pi_' OR 1=1 --", "Tea\u{0}", "\u{202E}", "1e3", "NaN"] {
        corpus.harmless("order_list", format!("text {text:?}"), list(json!({ "text": text })));
    }
    corpus.harmless("order_list", "limit 0", list(json!({"limit": 0})));
}

fn settings_cases(corpus: &mut Corpus) {
    let shop = json!({
        "businessName": "Corner Coffee",
        "businessAddress": "1 Main St",
        "defaultCurrency": "EUR",
        "taxes": [{"name": "VAT", "rate": "20", "inclusive": true}],
        "quickItems": [{"description": "Espresso", "unitPrice": "2.20"}],
        "capture": "manual",
        "paymentMethods": "card",
        "statementDescriptorSuffix": "CORNER",
        "confirmation": "server"
    });
    let fields = [
        field("/businessName", Shape::Text, true),
        field("/businessAddress", Shape::Text, true),
        field("/defaultCurrency", Shape::Text, true),
        field("/taxes", Shape::List, true),
        field("/taxes/0", Shape::Object, false),
        field("/taxes/0/name", Shape::Text, true),
        field("/taxes/0/rate", Shape::Text, true),
        field("/taxes/0/inclusive", Shape::Bool, false),
        field("/quickItems", Shape::List, true),
        field("/quickItems/0", Shape::Object, false),
        field("/quickItems/0/description", Shape::Text, true),
        field("/quickItems/0/unitPrice", Shape::Text, true),
        field("/capture", Shape::Text, true),
        field("/paymentMethods", Shape::Text, true),
        field("/statementDescriptorSuffix", Shape::MaybeText, false),
        field("/confirmation", Shape::Text, true),
    ];
    let save = |settings: Value| json!({ "settings": settings });
    shapes(corpus, "settings_save", "invalid_settings", shop.clone(), &fields, save);
    corpus.refuse("settings_save", "invalid_settings", "with stripeKeys", save(with(&shop, "/stripeKeys", json!({"mode": "live"}))));
    let mut spoilt: Vec<(String, &str, Value)> = Vec::new();
    for (label, text) in hostile_text().into_iter().chain([("101 characters", big("x", 101)), ("a newline", "Corner\nCoffee".into())]) {
        spoilt.push((format!("business name with {label}"), "/businessName", json!(text)));
    }
    for (label, text) in [("501 characters", big("x", 501)), ("NUL", "1 Main St\u{0}".into()), ("a right-to-left override", "1 Main St\u{202E}".into()), ("a megabyte", big("x", MB))] {
        spoilt.push((format!("address with {label}"), "/businessAddress", json!(text)));
    }
    for currency in ["", "XXX", "BTC", "ISK", "E\u{200B}UR", "'; DROP TABLE orders;--"] {
        spoilt.push((format!("currency {currency:?}"), "/defaultCurrency", json!(currency)));
    }
    spoilt.push(("a megabyte as the currency".into(), "/defaultCurrency", json!(big("E", MB))));
    for (at, value) in [("/capture", "bogus"), ("/capture", "MANUAL"), ("/paymentMethods", "bogus"), ("/confirmation", "bogus"), ("/confirmation", "")] {
        spoilt.push((format!("{at} {value:?}"), at, json!(value)));
    }
    for suffix in ["<script>", "23 characters is too long", "CORNER\u{0}", "CAFÉ", "'; DROP TABLE--"] {
        spoilt.push((format!("suffix {suffix:?}"), "/statementDescriptorSuffix", json!(suffix)));
    }
    spoilt.push(("a megabyte of suffix".into(), "/statementDescriptorSuffix", json!(big("X", MB))));
    for (label, price) in bad_amounts().into_iter().filter(|(label, _)| !label.contains("empty")) {
        spoilt.push((format!("quick item price {label}"), "/quickItems/0/unitPrice", json!(price)));
    }
    for (label, text) in hostile_text() {
        spoilt.push((format!("quick item with {label}"), "/quickItems/0/description", json!(text)));
    }
    spoilt.push(("13 quick items".into(), "/quickItems", json!(vec![shop["quickItems"][0].clone(); 13])));
    for rate in ["101", "NaN", "-1"] {
        spoilt.push((format!("tax rate {rate:?}"), "/taxes/0/rate", json!(rate)));
    }
    spoilt.push(("six tax rates".into(), "/taxes", json!(vec![shop["taxes"][0].clone(); 6])));
    for (label, at, value) in spoilt {
        corpus.refuse("settings_save", "invalid_settings", label, save(with(&shop, at, value)));
    }
    for value in [json!(null), json!("settings"), json!([]), json!({})] {
        corpus.refuse("settings_save", "invalid_settings", format!("settings {value}"), save(value));
    }
    corpus.refuse("settings_save", "invalid_settings", "without settings", json!({}));
}

fn key_cases(corpus: &mut Corpus) {
    let secret = format!("sk_test_{MARK}0123456789");
    let publishable = "pk_test_HostilePublishable0123".to_owned();
    let set = |secret: Value, publishable: Value| json!({ "secretKey": secret, "publishableKey": publishable });
    let secrets = [
        ("empty", String::new()),
        ("blank", "   ".into()),
        ("a publishable key", "pk_test_HostilePublishable0123".into()),
        ("cut off", "sk_test_abc".into()),
        ("with a space", format!("sk_test_{MARK} 0123456789")),
        ("with NUL", format!("sk_test_{MARK}\u{0}0123456789")),
        ("with a right-to-left override", format!("sk_test_\u{202E}{MARK}0123456789")),
        ("with a zero-width space", format!("sk_test_{MARK}\u{200B}0123456789")),
        ("with SQL", "sk_test_'; DROP TABLE orders;--".into()),
        ("a webhook secret", format!("whsec_{MARK}0123456789")),
        ("in capitals", format!("SK_TEST_{MARK}0123456789")),
        ("of an unknown kind", format!("sk_prod_{MARK}0123456789")),
        ("a megabyte long", format!("sk_test_{MARK}{}", big("a", MB))),
        ("ten megabytes long", format!("sk_test_{MARK}{}", big("a", 10 * MB))),
    ];
    for (label, bad) in secrets {
        corpus.refuse("keys_set", "key_format", format!("secret {label}"), set(json!(bad), json!(publishable)));
    }
    let publishables = [
        ("empty", String::new()),
        ("a secret key", secret.clone()),
        ("cut off", "pk_test_abc".into()),
        ("with a zero-width space", "pk_test_\u{200B}Publishable0123".into()),
        ("with SQL", "pk_test_'; DROP TABLE orders;--".into()),
        ("a megabyte long", format!("pk_test_{}", big("a", MB))),
    ];
    for (label, bad) in publishables {
        corpus.refuse("keys_set", "key_format", format!("publishable key {label}"), set(json!(secret), json!(bad)));
    }
    for wrong in Shape::Text.wrong_values() {
        corpus.refuse("keys_set", "key_format", format!("secret {wrong}"), set(wrong.clone(), json!(publishable)));
        corpus.refuse("keys_set", "key_format", format!("publishable key {wrong}"), set(json!(secret), wrong));
    }
    corpus.refuse("keys_set", "key_format", "without a secret", json!({ "publishableKey": publishable }));
    corpus.refuse("keys_set", "key_format", "without a publishable key", json!({ "secretKey": secret }));
    // Keys of different modes: refused before Stripe or the keyring is asked anything.
    for (secret, publishable) in [
        (format!("sk_test_{MARK}0123456789"), "pk_live_HostilePublishable0123"),
        (format!("sk_live_{MARK}0123456789"), "pk_test_HostilePublishable0123"),
        (format!("rk_live_{MARK}0123456789"), "pk_test_HostilePublishable0123"),
        (format!("rk_test_{MARK}0123456789"), "pk_live_HostilePublishable0123"),
    ] {
        corpus.refuse("keys_set", "key_mode_mismatch", format!("{}… with {}…", &secret[..8], &publishable[..8]), set(json!(secret), json!(publishable)));
    }
    corpus.refuse("keys_remove", "keys_not_configured", "with no keys set", json!({}));
    corpus.refuse("keys_remove", "keys_not_configured", "with a key in the arguments", json!({ "secretKey": secret }));
}

fn report_cases(corpus: &mut Corpus) {
    let dates = ["yesterday", "2024-02-30", "2024-13-01", "2024-00-10", "0000-00-00", "2024/01/01", "01-01-2024", "2024-01-01T00:00", "2024-01-01'; DROP TABLE orders;--", "2024-01-01\u{0}", "2024-01-01\u{202E}", "２０２４-01-01", "NaN"];
    let dates = dates.into_iter().map(|date| (format!("{date:?}"), json!(date)));
    let dates = dates.chain([("a megabyte".to_owned(), json!(big("2", MB)))]);
    let dates = dates.chain([json!(20240101), json!(true), json!(["2024-01-01"]), json!({"date": "2024-01-01"})].into_iter().map(|value| (format!("{value}"), value)));
    for (label, date) in dates {
        // The export refuses before it opens the save dialog.
        corpus.refuse("report_daily", "invalid_date", format!("date {label}"), json!({ "date": date.clone() }));
        corpus.refuse("report_export_csv", "invalid_date", format!("date {label}"), json!({ "date": date }));
    }
    corpus.harmless("report_daily", "of today, with extra arguments", json!({ "date": null, "mode": "live" }));
}

fn app_cases(corpus: &mut Corpus) {
    let problem = json!({"kind": "blocked-load", "detail": "frame-src https://evil.example"});
    let fields = [field("/kind", Shape::Text, true), field("/detail", Shape::Text, true)];
    shapes(corpus, "app_log_problem", "invalid_problem", problem.clone(), &fields, |problem| json!({ "problem": problem }));
    corpus.refuse("app_log_problem", "invalid_problem", "with an unknown field", json!({ "problem": with(&problem, "/stack", json!("at x.js:1")) }));
    for value in [json!(null), json!("a problem"), json!([])] {
        corpus.refuse("app_log_problem", "invalid_problem", format!("problem {value}"), json!({ "problem": value }));
    }
    corpus.refuse("app_log_problem", "invalid_problem", "without a problem", json!({}));
    // The log takes any text, cut short and cleaned; nothing reaches the database.
    let secret = format!("https://evil.example/?client_secret=pi_1_secret_{MARK}&key=sk_live_{MARK}0123456789");
    for (label, detail) in hostile_text().into_iter().chain([("ten megabytes", big("x", 10 * MB)), ("secrets", secret)]) {
        corpus.harmless("app_log_problem", format!("detail with {label}"), json!({ "problem": with(&problem, "/detail", json!(detail)) }));
    }
    // No arguments to spoil: whatever is sent is ignored, and nothing changes.
    for command in ["app_info", "keys_status", "keys_storage", "settings_get"] {
        let extras = json!({ "mode": "live", "secretKey": format!("sk_live_{MARK}0123456789"), "__proto__": {} });
        corpus.push(command, "with extra arguments", extras, Expect::SameAs(json!({})));
    }
}

fn corpus(orders: &Orders) -> Corpus {
    let mut corpus = Corpus::default();
    order_cases(&mut corpus, orders);
    id_cases(&mut corpus, orders);
    transition_cases(&mut corpus, orders);
    amount_cases(&mut corpus, orders);
    finalize_cases(&mut corpus, orders);
    query_cases(&mut corpus);
    settings_cases(&mut corpus);
    key_cases(&mut corpus);
    report_cases(&mut corpus);
    app_cases(&mut corpus);
    customer_cases(&mut corpus, orders);
    saved_card_cases(&mut corpus, orders);
    corpus
}

/// Customer references that name nobody: each refused as customer_not_found.
fn bad_customer_refs(orders: &Orders) -> Vec<(String, Value)> {
    let texts = ["C0", "C99999999999999999999", "c-1", "", "Ana", "'; DROP TABLE customers;--", "C1\u{0}", "\u{202E}1C"];
    let texts = texts.into_iter().map(|text| (format!("{text:?}"), json!(text)));
    let others = [json!(7), json!(null), json!(["C1"]), json!({"id": "C1"}), json!(orders.draft), json!(big("C", MB))];
    texts.chain(others.into_iter().map(|value| (format!("{:.40}", value.to_string()), value))).collect()
}

fn customer_cases(corpus: &mut Corpus, orders: &Orders) {
    let input = json!({"name": "Bo Li", "email": "bo@example.com", "phone": "+44 20 7946 0000", "note": "Calls on Fridays"});
    let fields = [field("/name", Shape::Text, true), field("/email", Shape::MaybeText, false), field("/phone", Shape::MaybeText, false), field("/note", Shape::MaybeText, false)];
    shapes(corpus, "customer_create", "invalid_customer", input.clone(), &fields, |input| json!({ "input": input }));
    shapes(corpus, "customer_edit", "invalid_customer", input.clone(), &fields, |input| json!({ "id": orders.ana, "input": input }));
    for (label, text) in hostile_text() {
        for at in ["/name", "/email", "/phone"] {
            corpus.refuse("customer_create", "invalid_customer", format!("{at} with {label}"), json!({ "input": with(&input, at, json!(text.clone())) }));
        }
        corpus.refuse("customer_edit", "invalid_customer", format!("name with {label}"), json!({ "id": orders.ana, "input": with(&input, "/name", json!(text)) }));
    }
    for (label, value) in [("stripeCustomerId", json!("cus_123")), ("mode", json!("live")), ("number", json!(1))] {
        corpus.refuse("customer_create", "invalid_customer", format!("with {label}"), json!({ "input": with(&input, &format!("/{label}"), value) }));
    }
    for value in [json!(null), json!("Bo Li"), json!([])] {
        corpus.refuse("customer_create", "invalid_customer", format!("input {value}"), json!({ "input": value }));
    }
    corpus.refuse("customer_create", "invalid_customer", "without input", json!({}));
    for (label, id) in bad_customer_refs(orders) {
        for command in ["customer_get", "customer_remove", "customer_cards"] {
            corpus.refuse(command, "customer_not_found", format!("id {label}"), json!({ "id": id.clone() }));
        }
        corpus.refuse("customer_edit", "customer_not_found", format!("id {label}"), json!({ "id": id.clone(), "input": input }));
        corpus.refuse("customer_remove_card", "customer_not_found", format!("id {label}"), json!({ "id": id, "paymentMethodId": "pm_1" }));
    }
    for (label, search) in hostile_text().into_iter().filter(|(label, _)| *label != "only zero-width characters") {
        corpus.refuse("customer_list", "invalid_query", format!("search with {label}"), json!({ "search": search }));
    }
    for value in [json!(7), json!([]), json!({}), json!(true)] {
        corpus.refuse("customer_list", "invalid_query", format!("search {value}"), json!({ "search": value }));
    }
    for value in [json!(-1), json!(1.5), json!("10"), json!(4_294_967_296_u64), json!([])] {
        corpus.refuse("customer_list", "invalid_query", format!("limit {value}"), json!({ "limit": value }));
    }
    // Searched for, never run.
    for search in ["'; DROP TABLE customers;--", "%", "_", "\\", "C1", "@"] {
        corpus.harmless("customer_list", format!("search {search:?}"), json!({ "search": search, "limit": 0 }));
    }
}

fn saved_card_cases(corpus: &mut Corpus, orders: &Orders) {
    let bad_methods = [json!(""), json!("pm_"), json!("card_4242"), json!("tok_visa"), json!(format!("pi_1_secret_{MARK}")), json!("pm_1'; DROP TABLE orders;--"), json!("pm_1\u{0}"), json!(big("pm_", MB)), json!(7), json!(null), json!(["pm_1"])];
    for method in &bad_methods {
        let label = format!("{:.40}", method.to_string());
        corpus.refuse("payment_charge_saved", "invalid_payment_method", format!("method {label}"), json!({ "orderId": orders.for_ana, "paymentMethodId": method, "cardUse": "moto" }));
        corpus.refuse("customer_remove_card", "invalid_payment_method", format!("method {label}"), json!({ "id": orders.ana, "paymentMethodId": method }));
    }
    for card_use in [json!("on_session"), json!("MOTO"), json!(""), json!(true), json!(null), json!(1)] {
        corpus.refuse("payment_charge_saved", "invalid_saved_card_use", format!("use {card_use}"), json!({ "orderId": orders.for_ana, "paymentMethodId": "pm_1", "cardUse": card_use }));
    }
    // Well formed, but no card is saved on Ana (and none may be made up to get one).
    corpus.refuse("payment_charge_saved", "not_a_saved_card", "a card not on file", json!({ "orderId": orders.for_ana, "paymentMethodId": "pm_card_visa", "cardUse": "moto" }));
    corpus.refuse("customer_remove_card", "not_a_saved_card", "a card not on file", json!({ "id": orders.ana, "paymentMethodId": "pm_card_visa" }));
    corpus.refuse("payment_charge_saved", "order_has_no_customer", "an order without a customer", json!({ "orderId": orders.draft, "paymentMethodId": "pm_1", "cardUse": "off_session" }));
    corpus.refuse("payment_charge_saved", "order_not_payable", "a paid order", json!({ "orderId": orders.paid, "paymentMethodId": "pm_1", "cardUse": "moto" }));
    corpus.refuse("payment_charge_saved", "order_not_found", "no such order", json!({ "orderId": orders.nobody, "paymentMethodId": "pm_1", "cardUse": "moto" }));
    let consents = [json!({ "recordedBy": "" }), json!({ "recordedBy": "  " }), json!({ "recordedBy": big("x", MB) }), json!({ "recordedBy": "till\u{0}" }), json!({ "recordedBy": 7 }), json!({}), json!({ "recordedBy": "till", "at": "yesterday" }), json!("yes"), json!(true), json!([])];
    for consent in consents {
        let label = format!("{:.40}", consent.to_string());
        corpus.refuse("payment_start", "invalid_consent", format!("saveCard {label}"), json!({ "orderId": orders.for_ana, "saveCard": consent.clone() }));
        corpus.refuse("payment_finalize", "invalid_consent", format!("saveCard {label}"), json!({ "orderId": orders.for_ana, "confirmationToken": "ctoken_made_up", "moto": false, "saveCard": consent }));
    }
    corpus.refuse("payment_start", "order_has_no_customer", "saving the card of an order without a customer", json!({ "orderId": orders.draft, "saveCard": { "recordedBy": "the till" } }));
}

// ---------------------------------------------------------------------------------------

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts every panic in the process: one in a command's async task would otherwise end
/// only that task, and the window would see just a reply that never came.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            report(info);
        }));
    });
}

/// The rows one dump has and the other has not.
fn changes(before: &str, after: &str) -> String {
    let (old, new): (BTreeSet<&str>, BTreeSet<&str>) = (before.lines().collect(), after.lines().collect());
    let gone = old.difference(&new).map(|line| format!("  - {line:.300}"));
    let came = new.difference(&old).map(|line| format!("  + {line:.300}"));
    gone.chain(came).collect::<Vec<_>>().join("\n")
}

/// Control characters, and the invisible ones that hide or reorder the text around them.
fn hides_text(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// What is wrong with a refusal, if anything.
fn refusal_problem(code: &str, error: &Value) -> Option<String> {
    let Some(fields) = error.as_object() else { return Some(format!("not {{code, message}}: {:.300}", error.to_string())) };
    let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    keys.sort();
    let (Some(got), Some(message), ["code", "message"]) = (error["code"].as_str(), error["message"].as_str(), keys.as_slice()) else {
        return Some(format!("not {{code, message}} as strings: {:.300}", error.to_string()));
    };
    let length = message.chars().count();
    if GENERIC_CODES.contains(&got) {
        Some(format!("the generic code {got}: {message:.300}"))
    } else if got != code {
        Some(format!("{got} where {code} was due: {message:.300}"))
    } else if message.is_empty() || length >= MAX_MESSAGE_CHARS {
        Some(format!("a message of {length} characters: {message:.300}"))
    } else if message.contains(MARK) {
        Some(format!("the message repeats a secret: {message}"))
    } else if message.chars().any(hides_text) {
        Some(format!("the message carries invisible characters: {message:?}"))
    } else {
        None
    }
}

#[test]
fn every_command_refuses_hostile_input_with_a_specific_code_and_changes_nothing() {
    count_panics();
    let till = Till::open();
    let mut baseline = till.dump();
    let keys_before = ok(&till.main, "keys_status", json!({}));
    let corpus = corpus(&till.orders);
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut commands: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut harmless = 0;
    // Every case runs, so one run shows all that is wrong.
    let mut failures: Vec<String> = Vec::new();
    for case in &corpus.0 {
        let panics = PANICS.load(Ordering::SeqCst);
        let reply = catch_unwind(AssertUnwindSafe(|| invoke(&till.main, case.command, case.args.clone())));
        let problem = match (&case.expect, reply) {
            (_, Err(_)) => Some("the call panicked".to_owned()),
            _ if PANICS.load(Ordering::SeqCst) != panics => Some("something panicked".to_owned()),
            (Expect::Refused(code), Ok(Err(error))) => {
                *tally.entry(error["code"].as_str().unwrap_or("(none)").to_owned()).or_default() += 1;
                refusal_problem(code, &error)
            }
            (Expect::Refused(code), Ok(Ok(reply))) => Some(format!("accepted, where {code} was due: {:.300}", reply.to_string())),
            (_, Ok(Err(error))) => Some(format!("refused, where it is harmless: {:.300}", error.to_string())),
            (expect, Ok(Ok(reply))) => {
                harmless += 1;
                let plain = match expect {
                    Expect::SameAs(args) => Some(ok(&till.main, case.command, args.clone())),
                    _ => None,
                };
                if reply.to_string().contains(MARK) {
                    Some("the reply repeats a secret".to_owned())
                } else {
                    plain.filter(|plain| *plain != reply).map(|plain| format!("replied {reply}, not {plain}"))
                }
            }
        };
        *commands.entry(case.command).or_default() += 1;
        failures.extend(problem.map(|problem| format!("{}: {problem}", case.label)));
        let now = till.dump();
        if now != baseline {
            failures.push(format!("{}: the database changed:\n{}", case.label, changes(&baseline, &now)));
            baseline = now;
        }
    }
    assert_eq!(ok(&till.main, "keys_status", json!({})), keys_before);

    let refused: usize = tally.values().sum();
    println!("{refused} hostile calls refused, {harmless} harmless ones accepted; refusals by code:");
    for (code, count) in &tally {
        println!("  {code:28} {count}");
    }
    println!("calls by command: {commands:?}");
    assert!(failures.is_empty(), "{} of {} calls went wrong:\n{}", failures.len(), corpus.0.len(), failures.join("\n"));
    assert!(refused >= 200, "only {refused} refusals");
    let untried: Vec<String> = granted_commands().into_iter().filter(|command| !commands.contains_key(command.as_str())).collect();
    assert!(untried.is_empty(), "commands no hostile call reached: {untried:?}");
}

/// Every command the window may call, from the capability file that grants them: one
/// added there without hostile cases here fails this test.
fn granted_commands() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities/default.json");
    let capability: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let permissions = capability["permissions"].as_array().unwrap().iter().filter_map(Value::as_str);
    permissions.filter_map(|permission| permission.strip_prefix("allow-")).map(|command| command.replace('-', "_")).collect()
}
