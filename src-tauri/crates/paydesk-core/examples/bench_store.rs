//! The store at scale (a benchmark, not a test: it prints figures and asserts nothing).
//!
//!   bench_store --orders N [--seed S] [--cache DIR] [--paydesk BIN] [--iterations K]
//!
//! Seeds a database with N orders through the store's own write path (the calls the payments
//! core makes, in the same order, with the same kinds of causes and requests), on a clock that
//! moves through a year, and caches it by (N, seed, schema version, seeder version). Then times
//! the queries the window and the command line make, through the same public API they call,
//! and prints one JSON object per figure on stdout. Progress goes to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use paydesk_core::export::ExportRange;
use paydesk_core::mode::AppMode;
use paydesk_core::money::{Currency, Money};
use paydesk_core::order::{Completeness, DiscountInput, LineInput, OrderInput, OrderStatus, TaxInput};
use paydesk_core::payments::{AttemptRequest, RefundRequest};
use paydesk_core::store::{Clock, NewAttempt, OrderQuery, PaymentFacts, Store, DATABASE_FILE, SCHEMA_VERSION};
use paydesk_stripe::IdempotencyKey;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Bump when what the seeder writes changes, so cached databases are made again.
const SEEDER_VERSION: u32 = 1;
/// The shop's mode; a few training orders are taken in test mode beside it.
const MODE: AppMode = AppMode::Live;
const FIRST_DAY: (i32, u32, u32) = (2025, 11, 23);
const DAYS: i64 = 365;

/// A clock the seeder sets before each step, as time passes in the shop.
struct SeedClock(AtomicI64);

impl Clock for SeedClock {
    fn now(&self) -> (DateTime<Utc>, NaiveDate) {
        let instant = Utc.timestamp_opt(self.0.load(Ordering::SeqCst), 0).unwrap();
        (instant, instant.date_naive())
    }
}

impl SeedClock {
    fn set(&self, at: i64) {
        self.0.store(at, Ordering::SeqCst);
    }
}

struct Args {
    orders: u64,
    seed: u64,
    cache: PathBuf,
    paydesk: Option<PathBuf>,
    iterations: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        orders: 1_000_000,
        seed: 1,
        cache: dirs::cache_dir().expect("a cache directory (set HOME)").join("paydesk-bench"),
        paydesk: None,
        iterations: 300,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| fail(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--orders" => args.orders = value().parse().unwrap_or_else(|_| fail("--orders takes a whole number")),
            "--seed" => args.seed = value().parse().unwrap_or_else(|_| fail("--seed takes a whole number")),
            "--cache" => args.cache = PathBuf::from(value()),
            "--paydesk" => args.paydesk = Some(PathBuf::from(value())),
            "--iterations" => args.iterations = value().parse().unwrap_or_else(|_| fail("--iterations takes a whole number")),
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if args.orders < 1000 {
        fail("--orders must be at least 1000");
    }
    args
}

fn fail(message: &str) -> ! {
    eprintln!("bench_store: {message}");
    std::process::exit(2)
}

fn main() {
    let args = parse_args();
    let data_dir = cached_database(&args);
    let db = data_dir.join(DATABASE_FILE);

    let bytes = std::fs::metadata(&db).unwrap().len() + wal_len(&db);
    emit_value("bytes_per_order", bytes as f64 / args.orders as f64);

    // What every open pays, split into its parts.
    measure("store_open", 3, || {
        drop(Store::open(&db).unwrap());
    });
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        // Once each: at a million orders each reads gigabytes.
        for pragma in ["quick_check", "integrity_check"] {
            let started = Instant::now();
            let answer: String = conn.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get(0)).unwrap();
            assert_eq!(answer, "ok");
            let ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
            println!(r#"{{"name": "{pragma}", "p50_ms": {ms}, "p99_ms": {ms}, "n": 1}}"#);
        }
    }

    let store = Store::open(&db).unwrap();
    let sample = Sample::read(&db, args.seed);
    let k = args.iterations;
    let mut rng = StdRng::seed_from_u64(args.seed ^ 0x5eed);

    measure("history_newest", k, || {
        let page = store.list_orders(MODE, &OrderQuery::default()).unwrap();
        assert_eq!(page.orders.len(), 50);
    });
    let filters = [OrderStatus::Paid, OrderStatus::Refunded, OrderStatus::PartiallyRefunded, OrderStatus::Voided, OrderStatus::Authorized, OrderStatus::AwaitingPayment];
    let mut i = 0;
    measure_with("history_filter", k, &mut rng, |rng| {
        i += 1;
        let from = sample.first_day + chrono::Days::new(rng.random_range(0..(DAYS as u64 - 31)));
        let query = OrderQuery { status: Some(filters[i % filters.len()]), from: Some(from), to: Some(from + chrono::Days::new(30)), ..OrderQuery::default() };
        store.list_orders(MODE, &query).unwrap();
    });
    measure_with("history_search_words", k, &mut rng, |rng| {
        let word = COMMON_WORDS[rng.random_range(0..COMMON_WORDS.len())];
        let page = store.list_orders(MODE, &OrderQuery { text: Some(word.into()), ..OrderQuery::default() }).unwrap();
        assert_eq!(page.orders.len(), 50, "{word}");
    });
    measure_with("history_search_words_rare", k.min(20), &mut rng, |_| {
        store.list_orders(MODE, &OrderQuery { text: Some(RARE_WORD.into()), ..OrderQuery::default() }).unwrap();
    });
    measure_with("lookup_number", k, &mut rng, |rng| {
        let number = sample.numbers[rng.random_range(0..sample.numbers.len())];
        let page = store.list_orders(MODE, &OrderQuery { text: Some(format!("#{number}")), ..OrderQuery::default() }).unwrap();
        assert!(page.orders.len() <= 1);
    });
    measure_with("lookup_amount", k, &mut rng, |rng| {
        let amount = &sample.amounts[rng.random_range(0..sample.amounts.len())];
        let page = store.list_orders(MODE, &OrderQuery { text: Some(amount.clone()), ..OrderQuery::default() }).unwrap();
        assert!(!page.orders.is_empty(), "{amount}");
    });
    measure_with("lookup_payment_intent", k, &mut rng, |rng| {
        let intent = &sample.intents[rng.random_range(0..sample.intents.len())];
        let page = store.list_orders(MODE, &OrderQuery { text: Some(intent.clone()), ..OrderQuery::default() }).unwrap();
        assert_eq!(page.orders.len(), 1, "{intent}");
    });
    eprintln!("bench_store: the busiest day is {} with {} orders", sample.busy_day, sample.busy_day_orders);
    measure("daily_report", k.min(100), || {
        let report = store.daily_report(MODE, sample.busy_day).unwrap();
        assert!(report.orders > 0);
    });
    let month = ExportRange { from: Some(sample.busy_day - chrono::Days::new(29)), to: Some(sample.busy_day) };
    let mut rows = 0;
    let export = measure("export_month", 5, || {
        rows = store.export_csv(MODE, month, &mut std::io::sink()).unwrap();
    });
    emit_value("export_month_rows", rows as f64);
    emit_value("export_month_rows_per_s", rows as f64 / export.as_secs_f64());
    drop(store);

    match &args.paydesk {
        Some(paydesk) => cli_open(paydesk, &data_dir, &sample, k.min(20)),
        None => eprintln!("bench_store: no --paydesk binary given; cli_open not measured"),
    }
    orders_per_s(&args, &db);
}

/// A whole `paydesk order show N` process on the database, as a script would run it.
fn cli_open(paydesk: &Path, data_dir: &Path, sample: &Sample, n: usize) {
    let logs = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    measure_with("cli_open", n, &mut rng, |rng| {
        let number = sample.numbers[rng.random_range(0..sample.numbers.len())];
        let output = Command::new(paydesk)
            .args(["order", "show", &number.to_string(), "--json"])
            .env("PAYDESK_DATA_DIR", data_dir)
            .env("PAYDESK_LOG_DIR", logs.path())
            .output()
            .unwrap_or_else(|e| fail(&format!("cannot run {}: {e}", paydesk.display())));
        if !output.status.success() {
            fail(&format!("paydesk order show {number} failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
    });
}

/// New orders with their lines and first event, one transaction each, on a copy of the big
/// database on the same disk (synchronous=FULL: each commit waits for the disk).
fn orders_per_s(args: &Args, db: &Path) {
    let work = tempfile::Builder::new().prefix("work-").tempdir_in(&args.cache).unwrap();
    let copy = work.path().join(DATABASE_FILE);
    std::fs::copy(db, &copy).unwrap();
    let mut store = Store::open(&copy).unwrap();
    let mut rng = StdRng::seed_from_u64(args.seed ^ 0x0dde);
    let count = 2000;
    let specs: Vec<_> = (0..count).map(|_| order_input(&mut rng).0.validate(Completeness::RequireLines).unwrap()).collect();
    let started = Instant::now();
    for spec in &specs {
        store.create_order(MODE, spec, "rung up at the till").unwrap();
    }
    emit_value("orders_per_s", count as f64 / started.elapsed().as_secs_f64());
}

/// Known orders to look up, and the busiest day, read straight from the file.
struct Sample {
    numbers: Vec<i64>,
    amounts: Vec<String>,
    intents: Vec<String>,
    busy_day: NaiveDate,
    busy_day_orders: i64,
    first_day: NaiveDate,
}

impl Sample {
    fn read(db: &Path, seed: u64) -> Sample {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut rng = StdRng::seed_from_u64(seed ^ 0xa11);
        let (low, high): (i64, i64) = conn
            .query_row("SELECT MIN(number), MAX(number) FROM orders WHERE mode = ?1", [MODE.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap();
        let mut numbers = Vec::new();
        let mut amounts = Vec::new();
        let mut intents = Vec::new();
        while numbers.len() < 500 {
            let number = rng.random_range(low..=high);
            let row: Option<(String, i64, Option<String>)> = conn
                .query_row("SELECT currency, total, payment_intent_id FROM orders WHERE number = ?1 AND mode = ?2", rusqlite::params![number, MODE.as_str()], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })
                .ok();
            let Some((currency, total, intent)) = row else { continue };
            numbers.push(number);
            amounts.push(Money::new(total, currency.parse::<Currency>().unwrap()).to_decimal_string());
            intents.extend(intent);
        }
        let (busy_day, busy_day_orders): (String, i64) = conn
            .query_row(
                "SELECT business_date, COUNT(*) AS n FROM orders WHERE mode = ?1 GROUP BY business_date ORDER BY n DESC LIMIT 1",
                [MODE.as_str()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        Sample {
            numbers,
            amounts,
            intents,
            busy_day: busy_day.parse().unwrap(),
            busy_day_orders,
            first_day: NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).unwrap(),
        }
    }
}

fn measure(name: &str, n: usize, mut f: impl FnMut()) -> Duration {
    let mut rng = StdRng::seed_from_u64(0);
    measure_with(name, n, &mut rng, |_| f())
}

/// Runs `f` once to warm up, then `n` times; prints p50/p99 (nearest rank) and returns the median.
fn measure_with(name: &str, n: usize, rng: &mut StdRng, mut f: impl FnMut(&mut StdRng)) -> Duration {
    f(rng);
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let started = Instant::now();
            f(rng);
            started.elapsed()
        })
        .collect();
    times.sort();
    let rank = |p: f64| times[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    println!(r#"{{"name": "{name}", "p50_ms": {}, "p99_ms": {}, "n": {n}}}"#, ms(rank(0.50)), ms(rank(0.99)));
    let _ = std::io::stdout().flush();
    rank(0.50)
}

fn emit_value(name: &str, value: f64) {
    println!(r#"{{"name": "{name}", "value": {}}}"#, (value * 10.0).round() / 10.0);
    let _ = std::io::stdout().flush();
}

fn wal_len(db: &Path) -> u64 {
    std::fs::metadata(db.with_file_name(format!("{DATABASE_FILE}-wal"))).map_or(0, |m| m.len())
}

// ---- The cached database ----

fn cache_name(args: &Args, schema: u32) -> String {
    format!("store-n{}-seed{}-schema{schema}-seeder{SEEDER_VERSION}", args.orders, args.seed)
}

/// The data directory holding the seeded database: from the cache, from a cached one of an
/// earlier schema (upgraded by opening it, as a shop's would be), or seeded afresh.
fn cached_database(args: &Args) -> PathBuf {
    let dir = args.cache.join(cache_name(args, SCHEMA_VERSION));
    if dir.join(DATABASE_FILE).exists() {
        eprintln!("bench_store: using the cached {}", dir.display());
        return dir;
    }
    std::fs::create_dir_all(&args.cache).unwrap();
    let partial = args.cache.join(format!("{}.partial", cache_name(args, SCHEMA_VERSION)));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial).unwrap();
    let older = (1..SCHEMA_VERSION).rev().map(|schema| args.cache.join(cache_name(args, schema))).find(|old| old.join(DATABASE_FILE).exists());
    match older {
        Some(old) => {
            eprintln!("bench_store: upgrading a copy of {}", old.display());
            std::fs::copy(old.join(DATABASE_FILE), partial.join(DATABASE_FILE)).unwrap();
            let started = Instant::now();
            drop(Store::open(&partial.join(DATABASE_FILE)).unwrap());
            eprintln!("bench_store: migrated in {:.1} s", started.elapsed().as_secs_f64());
        }
        None => {
            // Seeded in memory-backed storage when there is some: commits there wait for no
            // disk, and the write path is the same. The file is then copied into the cache.
            let shm = Path::new("/dev/shm");
            let scratch = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir_in(&args.cache) }.unwrap();
            let db = scratch.path().join(DATABASE_FILE);
            seed(&db, args);
            std::fs::copy(&db, partial.join(DATABASE_FILE)).unwrap();
        }
    }
    checkpoint(&partial.join(DATABASE_FILE));
    std::fs::rename(&partial, &dir).unwrap();
    dir
}

/// Folds the WAL into the file, so the cached file is the whole database.
fn checkpoint(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
}

// ---- Seeding ----

const COMMON_WORDS: &[&str] = &["croissant", "latte", "espresso", "muffin", "bagel", "tea", "cookie", "sandwich"];
/// Sold a handful of times in the year: a search for it finds few orders.
const RARE_WORD: &str = "wedding cake";

/// Items and their prices in USD cents; other currencies scale them.
const MENU: &[(&str, i64)] = &[
    ("Espresso", 300), ("Double espresso", 380), ("Flat white", 450), ("Latte", 475), ("Oat milk latte", 525),
    ("Cappuccino", 450), ("Americano", 350), ("Mocha", 525), ("Chai latte", 495), ("Matcha latte", 550),
    ("Hot chocolate", 425), ("Green tea", 325), ("Earl Grey tea", 325), ("Iced latte", 525), ("Cold brew", 475),
    ("Croissant", 325), ("Almond croissant", 425), ("Pain au chocolat", 375), ("Blueberry muffin", 350), ("Banana bread", 375),
    ("Cinnamon roll", 425), ("Chocolate chip cookie", 250), ("Oatmeal cookie", 250), ("Scone", 350), ("Plain bagel", 275),
    ("Everything bagel with cream cheese", 475), ("Avocado toast", 950), ("Ham and cheese sandwich", 875), ("Turkey sandwich", 925),
    ("Veggie sandwich", 850), ("Tomato soup", 650), ("Caesar salad", 1050), ("Quiche Lorraine", 795), ("Granola bowl", 725),
    ("Fruit cup", 450), ("Orange juice", 425), ("Sparkling water", 275), ("Bag of house beans 250 g", 1650),
    ("Bag of decaf beans 250 g", 1650), ("Reusable cup", 1200), ("Gift card", 2500), ("Lemon tart", 550),
    ("Carrot cake slice", 595), ("Cheesecake slice", 650), ("Brownie", 375), ("Macaron", 225), ("Baguette", 350),
    ("Sourdough loaf", 850), ("Focaccia slice", 450), ("Iced tea", 375),
];

struct Tally {
    taken: u64,
    by_status: std::collections::BTreeMap<&'static str, u64>,
}

fn seed(db: &Path, args: &Args) {
    let start = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let clock = Arc::new(SeedClock(AtomicI64::new(start)));
    let mut store = Store::open_with_clock(db, clock.clone()).unwrap();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let days = day_counts(args.orders, &mut rng, start);
    let mut tally = Tally { taken: 0, by_status: Default::default() };
    let started = Instant::now();
    for (day, count) in days.iter().enumerate() {
        let opening = start + day as i64 * 86_400 + 7 * 3600;
        // Open 07:00 to 19:00, busier at breakfast and lunch.
        let mut times: Vec<i64> = (0..*count).map(|_| opening + shop_second(&mut rng)).collect();
        times.sort_unstable();
        for at in times {
            one_sale(&mut store, &clock, &mut rng, at, &mut tally);
            if tally.taken % 50_000 == 0 {
                let rate = tally.taken as f64 / started.elapsed().as_secs_f64();
                eprintln!("bench_store: seeded {} of {} orders ({rate:.0}/s)", tally.taken, args.orders);
            }
        }
    }
    eprintln!("bench_store: seeded {} orders in {:.0} s: {:?}", tally.taken, started.elapsed().as_secs_f64(), tally.by_status);
}

/// Orders per day, adding up to `total`: weekends busier, a few very busy days (markets, holidays).
fn day_counts(total: u64, rng: &mut StdRng, start: i64) -> Vec<u64> {
    let weights: Vec<f64> = (0..DAYS)
        .map(|day| {
            let weekday = Utc.timestamp_opt(start + day * 86_400, 0).unwrap().weekday().num_days_from_monday();
            let base = if weekday >= 5 { 1.4 } else { 1.0 };
            let special = if rng.random_bool(0.02) { 2.5 } else { 1.0 };
            base * special * rng.random_range(0.85..1.15)
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut counts: Vec<u64> = weights.iter().map(|w| (w / sum * total as f64) as u64).collect();
    let short = total - counts.iter().sum::<u64>();
    for day in 0..short as usize {
        let days = counts.len();
        counts[day % days] += 1;
    }
    counts
}

/// Seconds after opening, over twelve hours, with morning and lunch peaks.
fn shop_second(rng: &mut StdRng) -> i64 {
    let hour: f64 = match rng.random_range(0..10) {
        0..=3 => rng.random_range(0.0..3.0),
        4..=6 => rng.random_range(4.0..7.0),
        _ => rng.random_range(0.0..12.0),
    };
    (hour * 3600.0) as i64
}

/// One order as a cashier rings it up: a few lines, maybe a discount, tip, note or email.
fn order_input(rng: &mut StdRng) -> (OrderInput, Currency) {
    let code = match rng.random_range(0..100) {
        0..=69 => "USD",
        70..=89 => "EUR",
        90..=96 => "JPY",
        _ => "KWD",
    };
    let currency: Currency = code.parse().unwrap();
    // One to five lines, three on average.
    let lines = [1, 2, 2, 3, 3, 3, 4, 4, 5][rng.random_range(0..9)];
    let mut lines: Vec<LineInput> = (0..lines)
        .map(|_| {
            let (description, cents) = MENU[rng.random_range(0..MENU.len())];
            let quantity = if rng.random_bool(0.8) { 1 } else { rng.random_range(2..=4) };
            LineInput { description: description.into(), quantity, unit_price: price(cents, currency) }
        })
        .collect();
    if rng.random_bool(0.00002) {
        lines[0] = LineInput { description: "Wedding cake, three tiers".into(), quantity: 1, unit_price: price(35000, currency) };
    }
    let taxes = match code {
        "USD" => vec![TaxInput { name: "Sales tax".into(), rate: "8.875".into(), inclusive: false }],
        "EUR" => vec![TaxInput { name: "VAT".into(), rate: "20".into(), inclusive: true }],
        "JPY" => vec![TaxInput { name: "消費税".into(), rate: "10".into(), inclusive: true }],
        _ => vec![],
    };
    let input = OrderInput {
        currency: code.into(),
        lines,
        discount: rng.random_bool(0.05).then(|| DiscountInput::Percent { percent: "10".into() }),
        taxes,
        tip: (code == "USD" && rng.random_bool(0.2)).then(|| price(rng.random_range(1..8) * 50, currency)),
        note: rng.random_bool(0.03).then(|| "for pickup at noon".to_owned()),
        customer_email: rng.random_bool(0.15).then(|| format!("customer{}@example.com", rng.random_range(1..20_000))),
        customer_id: None,
    };
    (input, currency)
}

/// A USD price in `currency`'s units, as a cashier would type it.
fn price(usd_cents: i64, currency: Currency) -> String {
    let minor = match currency.code() {
        "EUR" => usd_cents * 92 / 100,
        "JPY" => usd_cents * 150 / 100 / 10 * 10,
        "KWD" => usd_cents * 31 / 10 / 10 * 10,
        _ => usd_cents,
    };
    Money::new(minor, currency).to_decimal_string()
}

fn stripe_id(prefix: &str, rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let tail: String = (0..24).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    format!("{prefix}_{tail}")
}

const BRANDS: &[(&str, u32)] = &[("visa", 55), ("mastercard", 30), ("amex", 10), ("discover", 3), ("jcb", 2)];

/// One sale from the till to its end, through the calls the payments core makes.
fn one_sale(store: &mut Store, clock: &SeedClock, rng: &mut StdRng, at: i64, tally: &mut Tally) {
    let mode = if rng.random_bool(0.03) { AppMode::Test } else { MODE };
    let (input, currency) = order_input(rng);
    let spec = input.validate(Completeness::RequireLines).unwrap();
    clock.set(at);
    let order = store.create_order(mode, &spec, "rung up at the till").unwrap();
    tally.taken += 1;
    let outcome = match rng.random_range(0..1000) {
        0..=19 => "draft",
        20..=49 => "awaiting_payment",
        50..=79 => "authorized",
        80..=119 => "voided",
        120..=169 => "refunded",
        170..=209 => "partially_refunded",
        _ => "paid",
    };
    *tally.by_status.entry(outcome).or_default() += 1;
    if outcome == "draft" {
        return;
    }
    let total = order.quote.total;
    let manual = outcome == "authorized";
    let key = IdempotencyKey::new();
    let request = AttemptRequest {
        amount: total.minor(),
        currency: currency.stripe_code(),
        manual_capture: manual,
        automatic_payment_methods: false,
        metadata: vec![
            ("order_id".into(), order.id.to_string()),
            ("order_number".into(), order.number.to_string()),
            ("flow".into(), "client".into()),
            ("paydesk_attempt".into(), key.as_str().into()),
        ],
        description: format!("Order #{} — {}", order.number, order.summary),
        statement_descriptor_suffix: None,
        receipt_email: order.spec.customer_email.clone(),
        confirm: false,
        payment_method: None,
        confirmation_token: None,
        moto: false,
        customer: None,
        save_off_session: false,
        off_session: false,
    };
    let new = NewAttempt { flow: "client", amount: total.minor(), currency: &request.currency, idempotency_key: key.as_str(), request: &request.to_json() };
    clock.set(at + 5);
    let attempt = store.begin_payment_attempt(&order.id, &new, &format!("client payment of {total} started")).unwrap();
    let intent = stripe_id("pi", rng);
    store.record_attempt_intent(attempt.id, &intent, "requires_payment_method").unwrap();

    if outcome == "awaiting_payment" {
        // A card declined, and the customer left.
        clock.set(at + 40);
        store.set_attempt_status(attempt.id, "requires_payment_method").unwrap();
        let facts = PaymentFacts { payment_intent_id: Some(intent), ..PaymentFacts::default() };
        store.apply_payment_facts(&order.id, OrderStatus::AwaitingPayment, &facts, "payment_declined", "The card was declined.").unwrap();
        return;
    }
    if outcome == "voided" {
        clock.set(at + 60);
        let (operation, _) = store.begin_operation(&order.id, "cancel", &intent, None, IdempotencyKey::new().as_str()).unwrap();
        store.finish_operation(operation, true).unwrap();
        store.set_attempt_status(attempt.id, "canceled").unwrap();
        let facts = PaymentFacts { payment_intent_id: Some(intent), ..PaymentFacts::default() };
        store.apply_payment_facts(&order.id, OrderStatus::Voided, &facts, "voided", "voided (requested_by_customer)").unwrap();
        return;
    }

    clock.set(at + 30);
    let mut roll = rng.random_range(0..100);
    let brand = BRANDS.iter().find(|(_, share)| if roll < *share { true } else { roll -= share; false }).map_or("visa", |(b, _)| b);
    let status = if manual { "requires_capture" } else { "succeeded" };
    store.set_attempt_status(attempt.id, status).unwrap();
    let mut facts = PaymentFacts {
        payment_intent_id: Some(intent.clone()),
        charge_id: Some(stripe_id("ch", rng)),
        card_brand: Some(brand.into()),
        card_last4: Some(format!("{:04}", rng.random_range(0..10_000))),
        amount_captured: Some(if manual { 0 } else { total.minor() }),
        amount_refunded: Some(0),
        card_checks: None,
    };
    let target = if manual { OrderStatus::Authorized } else { OrderStatus::Paid };
    store.apply_payment_facts(&order.id, target, &facts, "stripe_answer", &format!("{intent} is {status}")).unwrap();
    if !matches!(outcome, "refunded" | "partially_refunded") {
        return;
    }

    // A refund, days later.
    let later = at + rng.random_range(3600..14 * 86_400);
    clock.set(later);
    let amount = if outcome == "refunded" { total.minor() } else { (total.minor() / 2).max(1) };
    let refund_key = IdempotencyKey::new();
    let refund = RefundRequest {
        payment_intent: intent.clone(),
        amount,
        reason: Some("requested_by_customer".into()),
        metadata: vec![("order_id".into(), order.id.to_string()), ("paydesk_refund".into(), refund_key.as_str().into())],
    };
    let record = store.begin_refund(&order.id, amount, refund.reason.as_deref(), refund_key.as_str(), &refund.to_json()).unwrap();
    store.record_refund(record.id, Some(&stripe_id("re", rng)), "succeeded").unwrap();
    store.refund_told(record.id).unwrap();
    facts.amount_refunded = Some(amount);
    let target = if outcome == "refunded" { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
    let cause = format!("refunded {} of {total} (requested_by_customer)", Money::new(amount, currency));
    store.apply_payment_facts(&order.id, target, &facts, "refunded", &cause).unwrap();
}
