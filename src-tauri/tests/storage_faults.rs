//! Storage faults and backups through the real `paydesk` binary: a read-only file or folder,
//! a full disk, a database held by another process, a damaged or newer database, a path
//! with spaces and accents, and `paydesk restore`. Read-only and full disks are real mounts
//! (a tmpfs, a read-only bind mount) in a mount namespace of the test's own thread, which
//! the binaries it starts inherit; they need root, which CI has. Without root the read-only
//! cases use chmod and the full-disk cases fail, saying why.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{simulator, KeyringSession, Run};
use rusqlite::Connection;
use serde_json::Value;

const SECRET: &str = "sk_test_paydesk_storage_made_up_5150";
const PUBLISHABLE: &str = "pk_test_paydesk_storage_made_up";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// From here on, this thread and every process it starts see mounts of their own; they go
/// when the test ends.
fn private_mounts() {
    assert!(is_root(), "a real tmpfs or read-only mount needs root (CI runs the tests as root); run this test as root");
    // SAFETY: unshare only changes this thread's view of the mounts.
    assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWNS) }, 0, "unshare: {}", std::io::Error::last_os_error());
    shell(&["mount", "--make-rprivate", "/"]);
}

fn shell(args: &[&str]) {
    let output = Command::new(args[0]).args(&args[1..]).output().unwrap_or_else(|e| panic!("{}: {e}", args[0]));
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn tmpfs(at: &Path, size: &str) {
    std::fs::create_dir_all(at).unwrap();
    shell(&["mount", "-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", at.to_str().unwrap()]);
}

/// Logs go outside the data directory, so what fills or freezes the disk is the database's.
fn paydesk(data: &Path, args: &[&str]) -> Run {
    let logs = std::env::temp_dir().join("paydesk-storage-fault-logs");
    common::paydesk(data, args, None, &[("PAYDESK_LOG_DIR", logs.to_str().unwrap())], None)
}

fn new_order(data: &Path, line: &str) -> Run {
    paydesk(data, &["order", "new", "--json", "--line", line, "--note", &"n".repeat(900)])
}

fn numbers(data: &Path) -> Vec<i64> {
    let list = paydesk(data, &["order", "list", "--json", "--limit", "200"]);
    assert_eq!(list.status, 0, "{}", list.stderr);
    let mut numbers: Vec<i64> = list.json()["orders"].as_array().unwrap().iter().map(|o| o["number"].as_i64().unwrap()).collect();
    numbers.sort();
    numbers
}

fn error_of(run: &Run) -> (String, String) {
    assert_eq!(run.status, 1, "{} {}", run.stdout, run.stderr);
    let error = &run.json()["error"];
    (error["code"].as_str().unwrap().to_owned(), error["message"].as_str().unwrap().to_owned())
}

fn integrity(database: &Path) -> String {
    Connection::open(database).unwrap().query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap()
}

fn count(database: &Path, table: &str) -> i64 {
    Connection::open(database).unwrap().query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).unwrap()
}

/// Every row of every table, sorted, with the schema and version: equal dumps, equal data.
fn dump(database: &Path) -> String {
    let db = Connection::open(database).unwrap();
    let version: i64 = db.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
    let mut out = format!("user_version {version}\n");
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for name in tables {
        let mut statement = db.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
        let columns = statement.column_count();
        let mut rows: Vec<String> = statement
            .query_map([], |row| (0..columns).map(|i| row.get::<_, rusqlite::types::Value>(i)).collect::<Result<Vec<_>, _>>())
            .unwrap()
            .map(|row| format!("{name} {:?}\n", row.unwrap()))
            .collect();
        rows.sort();
        out.extend(rows);
    }
    out
}

fn database(data: &Path) -> PathBuf {
    data.join("paydesk.sqlite3")
}

#[test]
fn a_read_only_database_file_is_refused_by_name_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shop");
    assert_eq!(new_order(&data, "Tea @ 2").status, 0);
    let before = std::fs::read(database(&data)).unwrap();
    let file = database(&data);
    if is_root() {
        private_mounts();
        shell(&["mount", "--bind", "-o", "ro", file.to_str().unwrap(), file.to_str().unwrap()]);
    } else {
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o444)).unwrap();
    }
    for args in [&["order", "new", "--json", "--line", "Cake @ 3"][..], &["order", "list", "--json"][..]] {
        let (code, message) = error_of(&paydesk(&data, args));
        assert_eq!(code, "database_read_only", "{args:?}: {message}");
        assert!(message.contains(file.to_str().unwrap()) && message.contains("read-only") && message.contains("Make both writable"), "{message}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), before, "the file was written");
    assert!(!data.join("paydesk.sqlite3-wal").exists());
    if !is_root() {
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    } else {
        shell(&["umount", file.to_str().unwrap()]);
    }
    assert_eq!(integrity(&file), "ok");
    assert_eq!(numbers(&data), [1001]);
}

#[test]
fn a_read_only_data_directory_is_refused_by_name_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    assert_eq!(new_order(&real, "Tea @ 2").status, 0);
    let before = std::fs::read(database(&real)).unwrap();
    // The folder is read-only, the database file in it is not.
    let data = dir.path().join("shop");
    if is_root() {
        private_mounts();
        std::fs::create_dir(&data).unwrap();
        shell(&["mount", "--bind", "-o", "ro", real.to_str().unwrap(), data.to_str().unwrap()]);
        shell(&["mount", "--bind", database(&real).to_str().unwrap(), database(&data).to_str().unwrap()]);
    } else {
        std::fs::rename(&real, &data).unwrap();
        std::fs::set_permissions(&data, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    }
    let (code, message) = error_of(&new_order(&data, "Cake @ 3"));
    assert_eq!(code, "database_read_only", "{message}");
    assert!(message.contains(database(&data).to_str().unwrap()) && message.contains("paydesk.sqlite3.lock") && message.contains("Make both writable"), "{message}");
    let stored = if is_root() { database(&real) } else { database(&data) };
    assert_eq!(std::fs::read(&stored).unwrap(), before, "the database was written");
    if !is_root() {
        std::fs::set_permissions(&data, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    assert_eq!(integrity(&stored), "ok");
    assert_eq!(numbers(stored.parent().unwrap()), [1001]);
}

/// A tmpfs is filled, then freed a page at a time while orders are taken: each answer is
/// an order created or `disk_full` naming the file, at least one refusal comes from the
/// order's own write (the database opened, and reading worked), and once there is room
/// again every order reported created is there and no trace of a refused one is.
#[test]
fn a_full_disk_during_an_order_write_loses_no_reported_order_and_keeps_no_half_one() {
    let dir = tempfile::tempdir().unwrap();
    private_mounts();
    let disk = dir.path().join("disk");
    tmpfs(&disk, "768k");
    let data = disk.join("shop");
    let mut created = Vec::new();
    for price in ["1.00", "2.00"] {
        let run = new_order(&data, &format!("Tea @ {price}"));
        assert_eq!(run.status, 0, "{}", run.stderr);
        created.push(run.json()["number"].as_i64().unwrap());
    }
    let fillers = fill(&disk);
    let (mut refused_on_write, mut created_after) = (0, 0);
    for filler in &fillers {
        std::fs::remove_file(filler).unwrap();
        let readable = paydesk(&data, &["order", "list", "--json"]).status == 0;
        let run = new_order(&data, "Cake @ 3.00");
        if run.status == 0 {
            created.push(run.json()["number"].as_i64().unwrap());
            created_after += 1;
            if created_after == 2 {
                break;
            }
            continue;
        }
        let (code, message) = error_of(&run);
        assert_eq!(code, "disk_full", "{message}");
        assert!(message.contains(database(&data).to_str().unwrap()) && message.contains("Free some space"), "{message}");
        refused_on_write += usize::from(readable);
    }
    assert_eq!(created_after, 2, "freeing the whole disk never let an order through");
    assert!(refused_on_write > 0, "no refusal came from the order's write itself");
    for filler in &fillers {
        let _ = std::fs::remove_file(filler);
    }
    assert_eq!(integrity(&database(&data)), "ok");
    assert_eq!(numbers(&data), created);
    let reported = created.len() as i64;
    assert_eq!(count(&database(&data), "orders"), reported);
    assert_eq!(count(&database(&data), "order_lines"), reported, "a refused order left lines");
    assert_eq!(count(&database(&data), "order_events"), reported, "a refused order left events");
    eprintln!("full disk: {} orders created, {refused_on_write} refused at their write", created.len());
}

/// Fills the disk with 4 KiB files until it is full; returns them.
fn fill(disk: &Path) -> Vec<PathBuf> {
    let mut fillers = Vec::new();
    for i in 0.. {
        let path = disk.join(format!("filler-{i:05}"));
        let written = std::fs::write(&path, [0u8; 4096]);
        fillers.push(path);
        if let Err(error) = written {
            assert_eq!(error.kind(), std::io::ErrorKind::StorageFull, "{error}");
            return fillers;
        }
    }
    unreachable!()
}


/// A till with test keys in a private keyring, paying at a simulator.
struct Till<'a> {
    data: PathBuf,
    session: &'a KeyringSession,
    api: String,
}

impl Till<'_> {
    fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let logs = std::env::temp_dir().join("paydesk-storage-fault-logs");
        common::paydesk(&self.data, args, stdin, &[("PAYDESK_STRIPE_API_BASE", &self.api), ("PAYDESK_LOG_DIR", logs.to_str().unwrap())], Some(self.session))
    }

    fn set_keys(&self) {
        let set = self.run_with_stdin(&["keys", "set", "--json", "--publishable-key", PUBLISHABLE], Some(&format!("{SECRET}\n")));
        assert_eq!(set.status, 0, "{}", set.stderr);
    }

    fn new_order(&self, price: &str) -> i64 {
        let run = self.run(&["order", "new", "--json", "--line", &format!("Beans @ {price}")]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        run.json()["number"].as_i64().unwrap()
    }

    fn status(&self, number: i64) -> String {
        self.run(&["order", "show", &number.to_string(), "--json"]).json()["status"].as_str().unwrap().to_owned()
    }

    /// The order's intents at the simulator that took money.
    fn charges_at_stripe(&self, number: i64) -> usize {
        let id = self.run(&["order", "show", &number.to_string(), "--json"]).json()["id"].as_str().unwrap().to_owned();
        let api = self.api.clone();
        let intents: Value = std::thread::spawn(move || {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                let url = format!("{api}/v1/payment_intents?limit=100");
                reqwest::Client::new().get(url).bearer_auth(SECRET).send().await.unwrap().json().await.unwrap()
            })
        })
        .join()
        .unwrap();
        intents["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|pi| pi["metadata"]["order_id"] == id.as_str() && matches!(pi["status"].as_str(), Some("succeeded" | "requires_capture")))
            .count()
    }
}

/// Charges are made on a disk freed a page at a time: each is paid or refused as
/// `disk_full` naming the file; after space comes back and `paydesk reconcile` runs, the
/// database is whole, every order is there, and each order is paid exactly when Stripe
/// took its money, once.
#[test]
fn a_full_disk_during_a_payment_write_loses_no_payment_and_charges_once() {
    let dir = tempfile::tempdir().unwrap();
    private_mounts();
    let session = KeyringSession::start();
    let (_sim, api) = simulator(&dir.path().join("sim"));
    let disk = dir.path().join("disk");
    tmpfs(&disk, "768k");
    let till = Till { data: disk.join("shop"), session: &session, api };
    till.set_keys();
    let orders: Vec<i64> = (0..40).map(|i| till.new_order(&format!("{}.00", 5 + i))).collect();
    let first = till.run(&["charge", &orders[0].to_string(), "--payment-method", "pm_card_visa", "--json"]);
    assert_eq!(first.status, 0, "{}", first.stderr);

    let fillers = fill(&disk);
    let (mut paid_after, mut refused, mut refused_on_write) = (0, 0, 0);
    let mut next = orders[1..].iter();
    // Two pages at a time: a charge writes more than an order.
    for pair in fillers.chunks(2) {
        for filler in pair {
            std::fs::remove_file(filler).unwrap();
        }
        let readable = till.run(&["order", "list", "--json"]).status == 0;
        let number = *next.next().expect("more orders than the disk took to free");
        let run = till.run(&["charge", &number.to_string(), "--payment-method", "pm_card_visa", "--json"]);
        if run.status == 0 {
            assert_eq!(run.json()["status"], "paid");
            paid_after += 1;
            if paid_after == 2 {
                break;
            }
            continue;
        }
        let (code, message) = error_of(&run);
        assert_eq!(code, "disk_full", "order #{number}: {message}");
        assert!(message.contains(&*database(&till.data).to_string_lossy()) && message.contains("Free some space"), "{message}");
        refused += 1;
        refused_on_write += usize::from(readable);
    }
    assert_eq!(paid_after, 2, "freeing the whole disk never let a charge through");
    assert!(refused_on_write > 0, "no refusal came from a payment's write itself");
    for filler in &fillers {
        let _ = std::fs::remove_file(filler);
    }
    let reconciled = till.run(&["reconcile", "--json"]);
    assert_eq!(reconciled.status, 0, "{}", reconciled.stderr);
    assert_eq!(reconciled.json()["errors"], serde_json::json!([]));
    assert_eq!(integrity(&database(&till.data)), "ok");
    assert_eq!(numbers(&till.data), orders);
    for number in &orders {
        let charges = till.charges_at_stripe(*number);
        assert!(charges <= 1, "order #{number} was charged {charges} times");
        assert_eq!(till.status(*number) == "paid", charges == 1, "order #{number} is {} with {charges} charges", till.status(*number));
    }
    eprintln!("full disk: {refused} charges refused ({refused_on_write} at their write), then 2 paid");
}

/// Another process holds the write lock (`BEGIN EXCLUSIVE`) longer than the 5 s busy
/// timeout: the order is refused as `database_busy` naming the file; reading still works,
/// and once the lock goes nothing has changed.
#[test]
fn a_database_held_by_another_process_is_busy_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shop");
    assert_eq!(new_order(&data, "Tea @ 2").status, 0);
    let before = dump(&database(&data));
    let holder = Connection::open(database(&data)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (code, message) = error_of(&new_order(&data, "Cake @ 3"));
    assert_eq!(code, "database_busy", "{message}");
    assert!(message.contains(database(&data).to_str().unwrap()) && message.contains("another Paydesk may be writing") && message.contains("Try again"), "{message}");
    assert_eq!(numbers(&data), [1001], "reading goes on while another process writes");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(dump(&database(&data)), before);
}

/// Pages in the middle of a real database overwritten, and a file with SQLite's header and
/// garbage after it: refused as `database_corrupt`, pointing to `paydesk restore`, and
/// the file is byte for byte what it was, with no WAL left beside it.
#[test]
fn a_damaged_database_is_refused_pointing_to_restore_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shop");
    for i in 0..30 {
        assert_eq!(new_order(&data, &format!("Tea x2 @ {i}.50")).status, 0);
    }
    let good = std::fs::read(database(&data)).unwrap();
    let mut pages = good.clone();
    let middle = (good.len() / 4096 / 2) * 4096;
    pages[middle..middle + 3 * 4096].fill(0xde);
    let mut header_only = good[..100].to_vec();
    header_only.extend((0..40 * 4096).map(|i| (i * 7 % 251) as u8));
    for (what, bytes) in [("overwritten pages", pages), ("a header and garbage", header_only)] {
        std::fs::write(database(&data), &bytes).unwrap();
        for args in [&["order", "list", "--json"][..], &["order", "new", "--json", "--line", "Cake @ 3"][..]] {
            let (code, message) = error_of(&paydesk(&data, args));
            assert_eq!(code, "database_corrupt", "{what}: {message}");
            assert!(message.contains(database(&data).to_str().unwrap()) && message.contains("paydesk restore"), "{what}: {message}");
        }
        assert!(std::fs::read(database(&data)).unwrap() == bytes, "{what}: the damaged file was written");
        assert!(!data.join("paydesk.sqlite3-wal").exists(), "{what}: a WAL was left beside it");
    }
}

#[test]
fn a_database_from_a_newer_paydesk_says_what_to_do_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shop");
    assert_eq!(new_order(&data, "Tea @ 2").status, 0);
    Connection::open(database(&data)).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let before = dump(&database(&data));
    let (code, message) = error_of(&paydesk(&data, &["order", "list", "--json"]));
    assert_eq!(code, "database_too_new");
    assert!(message.contains(database(&data).to_str().unwrap()) && message.contains("install that newer Paydesk") && message.contains("paydesk restore"), "{message}");
    assert_eq!(dump(&database(&data)), before);
}

#[test]
fn a_data_directory_with_spaces_and_accents_takes_orders_lists_and_backs_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("Café Ünïcode").join("My Shop");
    assert_eq!(new_order(&data, "Crème brûlée @ 4.50").status, 0);
    assert_eq!(new_order(&data, "Tea @ 2").status, 0);
    assert_eq!(numbers(&data), [1001, 1002]);
    let backup = dir.path().join("Café Ünïcode").join("backup – 22 Nov.sqlite3");
    let run = paydesk(&data, &["backup", backup.to_str().unwrap(), "--json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(integrity(&backup), "ok");
    assert_eq!(count(&backup, "orders"), 2);
    let restored = paydesk(&data, &["restore", backup.to_str().unwrap(), "--json"]);
    assert_eq!(restored.status, 0, "{}", restored.stderr);
    assert_eq!(numbers(&data), [1001, 1002]);
}

/// A second real process holds the database: `paydesk charge` waiting for Stripe's answer
/// (the simulator holds the request). Restore is refused as `database_in_use` and changes
/// nothing; once the charge has finished, the same restore goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_is_refused_while_another_paydesk_holds_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let session = KeyringSession::start();
    let sim = stripe_sim::Simulator::start(stripe_sim::SimConfig::default()).await.unwrap();
    let till = Till { data: dir.path().join("shop"), session: &session, api: sim.base_url().to_owned() };
    let backup = dir.path().join("backup.sqlite3");
    let order = tokio::task::block_in_place(|| {
        till.set_keys();
        assert_eq!(till.run(&["backup", backup.to_str().unwrap()]).status, 0);
        till.new_order("12.00")
    });

    let mut held = sim.faults().pause_next_request();
    let mut command = Command::new(env!("CARGO_BIN_EXE_paydesk"));
    command
        .args(["--data-dir", till.data.to_str().unwrap(), "charge", &order.to_string(), "--payment-method", "pm_card_visa"])
        .env("PAYDESK_STRIPE_API_BASE", sim.base_url())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    session.env(&mut command);
    let mut charging = common::KillOnDrop(command.spawn().unwrap());
    held.arrived().await;
    let before = dump(&database(&till.data));
    let refused = tokio::task::block_in_place(|| till.run(&["restore", backup.to_str().unwrap(), "--json"]));
    let (code, message) = error_of(&refused);
    assert_eq!(code, "database_in_use", "{message}");
    assert!(message.contains(database(&till.data).to_str().unwrap()) && message.contains("close it"), "{message}");
    assert_eq!(dump(&database(&till.data)), before);
    held.release();
    assert!(tokio::task::block_in_place(|| charging.0.wait()).unwrap().success());
    let restored = tokio::task::block_in_place(|| till.run(&["restore", backup.to_str().unwrap(), "--json"]));
    assert_eq!(restored.status, 0, "{}", restored.stderr);
    assert_eq!(restored.json()["orders"], 0);
}

#[test]
fn restore_refuses_what_is_not_a_whole_paydesk_database_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shop");
    assert_eq!(new_order(&data, "Tea @ 2").status, 0);
    let before = dump(&database(&data));
    let good = dir.path().join("good.sqlite3");
    assert_eq!(paydesk(&data, &["backup", good.to_str().unwrap()]).status, 0);
    let bytes = std::fs::read(&good).unwrap();

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all, just some words that are long enough").unwrap();
    let mut pages = bytes.clone();
    let middle = (bytes.len() / 4096 / 2) * 4096;
    pages[middle..middle + 4096].fill(0xde);
    let damaged = dir.path().join("damaged.sqlite3");
    std::fs::write(&damaged, &pages).unwrap();
    let newer = dir.path().join("newer.sqlite3");
    std::fs::write(&newer, &bytes).unwrap();
    Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let other = dir.path().join("other-app.sqlite3");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE notes (body TEXT); PRAGMA user_version = 3").unwrap();
    let missing = dir.path().join("missing.sqlite3");
    let cases = [
        (&text, "not a SQLite database"),
        (&damaged, "integrity check"),
        (&newer, "newer Paydesk"),
        (&other, "not a Paydesk database"),
        (&missing, "no such file"),
    ];
    for (file, reason) in cases {
        let given = std::fs::read(file).ok();
        let (code, message) = error_of(&paydesk(&data, &["restore", file.to_str().unwrap(), "--json"]));
        assert_eq!(code, "restore_invalid", "{reason}: {message}");
        assert!(message.contains(file.to_str().unwrap()) && message.contains(reason) && message.contains("Nothing was changed"), "{message}");
        assert_eq!(std::fs::read(file).ok(), given, "{reason}: the file given was changed");
        assert_eq!(dump(&database(&data)), before, "{reason}");
        let left: Vec<String> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(left.iter().all(|name| !name.contains("restoring") && !name.contains("before-restore")), "{reason}: {left:?}");
    }
}

/// Orders paid, refunded in part and in full, and voided through the real charge, refund
/// and void commands at the simulator; a backup; more sales; then `paydesk restore`: every
/// order, event, payment attempt and refund is as it was at the backup, and the database it
/// replaced is kept aside whole (its WAL folded in), with the later sales in it.
#[test]
fn restore_brings_back_paid_refunded_and_voided_orders_and_keeps_the_replaced_database() {
    let dir = tempfile::tempdir().unwrap();
    let session = KeyringSession::start();
    let (_sim, api) = simulator(&dir.path().join("sim"));
    let till = Till { data: dir.path().join("shop"), session: &session, api };
    till.set_keys();
    let charge = |number: i64| {
        let run = till.run(&["charge", &number.to_string(), "--payment-method", "pm_card_visa", "--json"]);
        assert_eq!(run.status, 0, "{}", run.stderr);
    };
    let (paid, partly, refunded, voided) = (till.new_order("10.00"), till.new_order("20.00"), till.new_order("30.00"), till.new_order("40.00"));
    for number in [paid, partly, refunded] {
        charge(number);
    }
    assert_eq!(till.run(&["refund", &partly.to_string(), "--amount", "5.00", "--json"]).status, 0);
    assert_eq!(till.run(&["refund", &refunded.to_string(), "--json"]).status, 0);
    assert_eq!(till.run(&["void", &voided.to_string(), "--json"]).status, 0);
    let statuses: Vec<String> = [paid, partly, refunded, voided].iter().map(|n| till.status(*n)).collect();
    assert_eq!(statuses, ["paid", "partially_refunded", "refunded", "voided"]);
    let backup = dir.path().join("backup.sqlite3");
    assert_eq!(till.run(&["backup", backup.to_str().unwrap()]).status, 0);
    let at_backup = dump(&backup);
    assert!(count(&backup, "refunds") == 2 && count(&backup, "payment_attempts") >= 3 && count(&backup, "order_events") > 8);

    let later = till.new_order("50.00");
    charge(later);
    // Left in the WAL by a process that did not close: the kept copy must have it too.
    let unclosed = Connection::open(database(&till.data)).unwrap();
    unclosed
        .execute_batch("PRAGMA wal_autocheckpoint = 0; INSERT INTO settings (key, value, updated_at) VALUES ('business_name', 'Corner Café', 'now')")
        .unwrap();
    let before_restore = dump(&database(&till.data));
    let file_alone = dir.path().join("file-alone.sqlite3");
    std::fs::copy(database(&till.data), &file_alone).unwrap();
    assert!(!dump(&file_alone).contains("Corner Café"), "the setting is in the WAL only");
    std::mem::forget(unclosed);

    let run = till.run(&["restore", backup.to_str().unwrap(), "--json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let restored = run.json();
    assert_eq!(restored["orders"], 4);
    assert_eq!(dump(&database(&till.data)), at_backup, "the database is the backup");
    let aside = PathBuf::from(restored["setAside"].as_str().unwrap());
    assert!(aside.file_name().unwrap().to_string_lossy().starts_with("paydesk.sqlite3.before-restore-"), "{aside:?}");
    let mut aside_wal = aside.clone().into_os_string();
    aside_wal.push("-wal");
    assert!(!Path::new(&aside_wal).exists(), "the WAL was kept beside the copy, not folded in");
    assert_eq!(dump(&aside), before_restore, "the replaced database is kept whole");
    assert!(!till.data.join("paydesk.sqlite3-wal").exists() || std::fs::metadata(till.data.join("paydesk.sqlite3-wal")).unwrap().len() == 0);
    assert_eq!(statuses, [paid, partly, refunded, voided].iter().map(|n| till.status(*n)).collect::<Vec<_>>());
    assert_eq!(till.run(&["order", "show", &later.to_string(), "--json"]).json()["error"]["code"], "order_not_found");
    let text = till.run(&["restore", backup.to_str().unwrap()]);
    assert!(text.stdout.contains("restored") && text.stdout.contains("is kept as"), "{}", text.stdout);
}
