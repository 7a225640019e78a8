//! The real `paydesk` binary, run as a user would from a shell: JSON output, errors, exit
//! codes, and that bad input changes nothing.

mod common;

use std::path::Path;
use std::process::Command;

use common::{KillOnDrop, Run};
use serde_json::Value;

fn paydesk(data_dir: &Path, args: &[&str]) -> Run {
    common::paydesk(data_dir, args, None, &[], None)
}

fn new_coffee_order(dir: &Path) -> Value {
    let run = paydesk(
        dir,
        &["order", "new", "--json", "--line", "Flat white x2 @ 3.50", "--line", "Croissant @ 2.25", "--tax", "Sales tax=8.875%"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    run.json()
}

/// `command` with `extra` exits 1 with the error `code`, its message containing `message`.
fn assert_refused(dir: &Path, command: &[&str], extra: &[&str], code: &str, message: &str) -> Run {
    let args: Vec<&str> = command.iter().chain(extra).copied().collect();
    let run = paydesk(dir, &args);
    assert_eq!(run.status, 1, "{extra:?}: {}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["code"], code, "{extra:?}");
    assert!(error["message"].as_str().unwrap().contains(message), "{extra:?}: {error}");
    run
}

fn order_count(dir: &Path) -> usize {
    let run = paydesk(dir, &["order", "list", "--json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    run.json()["orders"].as_array().unwrap().len()
}

#[test]
fn order_new_show_and_list_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let order = new_coffee_order(dir.path());
    assert_eq!(order["number"], 1001);
    assert_eq!(order["status"], "draft");
    assert_eq!(order["total"]["minor"], 1007);
    assert_eq!(order["total"]["display"], "$10.07");
    assert_eq!(order["quote"]["lines"][0]["quantity"], 2);
    assert_eq!(order["quote"]["taxes"][0]["rate"], "8.875%");

    let shown = paydesk(dir.path(), &["order", "show", "#1001", "--json"]);
    assert_eq!(shown.status, 0);
    assert_eq!(shown.json(), order);
    let by_id = paydesk(dir.path(), &["order", "show", order["id"].as_str().unwrap(), "--json"]);
    assert_eq!(by_id.json()["number"], 1001);

    let second = paydesk(dir.path(), &["order", "new", "--json", "--currency", "jpy", "--line", "Ramen x2 @ 980", "--discount", "10%"]);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert_eq!(second.json()["total"]["display"], "¥1,764");

    let list = paydesk(dir.path(), &["order", "list", "--json", "--limit", "1"]);
    let page = list.json();
    assert_eq!(page["orders"][0]["number"], 1002);
    assert_eq!(page["nextBeforeNumber"], 1002);
    let rest = paydesk(dir.path(), &["order", "list", "--json", "--before", "1002"]);
    assert_eq!(rest.json()["orders"][0]["number"], 1001);
}

#[test]
fn human_output_reads_like_a_receipt() {
    let dir = tempfile::tempdir().unwrap();
    new_coffee_order(dir.path());
    let shown = paydesk(dir.path(), &["order", "show", "1001"]);
    assert_eq!(shown.status, 0);
    assert!(shown.stdout.starts_with("Order #1001  draft"), "{}", shown.stdout);
    assert!(shown.stdout.contains("Flat white"));
    assert!(shown.stdout.lines().last().unwrap().trim_end().ends_with("$10.07"), "{}", shown.stdout);
    let list = paydesk(dir.path(), &["order", "list"]);
    assert!(list.stdout.contains("#1001") && list.stdout.contains("Flat white ×2, Croissant"), "{}", list.stdout);
}

#[test]
fn bad_input_is_a_specific_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    new_coffee_order(dir.path());
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--line", "Tea @ 1.999"], "invalid_order", "lines[0].unitPrice: USD amounts have at most 2 decimals"),
        (&["--line", "Tea @ -1"], "invalid_order", "a negative amount is not allowed"),
        (&["--line", "Tea x0 @ 1"], "invalid_order", "quantity must be a whole number from 1 to 9999"),
        (&["--line", "Tea"], "usage", "expected \"DESCRIPTION [xQTY] @ PRICE\""),
        (&["--line", "Tea @ 1", "--currency", "XYZ"], "invalid_order", "\"XYZ\" is not an ISO 4217 currency code"),
        (&["--line", "Tea @ 1", "--discount", "150%"], "invalid_order", "between 0 and 100"),
        (&["--line", "Tea @ 1", "--discount", "2.00"], "pricing", "the discount ($2.00) is more than the subtotal ($1.00)"),
        (&["--line", "Tea @ 1", "--email", "nobody"], "invalid_order", "is not an email address"),
        (&["--line", "Tea @ 1", "--tax", "VAT=abc"], "invalid_order", "is not a percentage"),
        (&["--line", "Yacht @ 1,000,000"], "pricing", "over Stripe's maximum"),
    ];
    for (extra, code, message) in cases {
        let run = assert_refused(dir.path(), &["order", "new", "--json"], extra, code, message);
        assert!(run.stderr.contains(message), "{extra:?}: {}", run.stderr);
    }
    assert_eq!(order_count(dir.path()), 1);
}

#[test]
fn usage_errors_exit_2_and_missing_orders_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = paydesk(dir.path(), &["order", "new", "--json", "--frobnicate"]);
    assert_eq!(unknown.status, 2);
    assert_eq!(unknown.json()["error"]["code"], "usage");
    assert!(unknown.stderr.contains("--frobnicate"), "{}", unknown.stderr);

    let no_lines = paydesk(dir.path(), &["order", "new"]);
    assert_eq!(no_lines.status, 2);
    assert!(no_lines.stderr.contains("--line"), "{}", no_lines.stderr);

    let bad_status = paydesk(dir.path(), &["order", "list", "--status", "shipped"]);
    assert_eq!(bad_status.status, 2);
    assert!(bad_status.stderr.contains("\"shipped\" is not an order status"), "{}", bad_status.stderr);

    let bad_date = paydesk(dir.path(), &["order", "list", "--from", "22/11/2026"]);
    assert_eq!(bad_date.status, 2);
    assert!(bad_date.stderr.contains("use YYYY-MM-DD"), "{}", bad_date.stderr);

    let missing = paydesk(dir.path(), &["order", "show", "4242", "--json"]);
    assert_eq!(missing.status, 1);
    assert_eq!(missing.json()["error"]["code"], "order_not_found");

    let version = paydesk(dir.path(), &["--version"]);
    assert_eq!(version.status, 0);
    assert!(version.stdout.starts_with("paydesk "), "{}", version.stdout);
}

#[test]
fn csv_export_to_stdout_and_to_a_new_file_only() {
    let dir = tempfile::tempdir().unwrap();
    new_coffee_order(dir.path());
    let stdout = paydesk(dir.path(), &["export", "csv"]);
    assert_eq!(stdout.status, 0);
    let lines: Vec<&str> = stdout.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].starts_with("1001,") && lines[1].contains(",USD,9.25,0.00,0.82,0.00,0.00,0.00,10.07,"), "{}", lines[1]);

    let file = dir.path().join("orders.csv");
    let written = paydesk(dir.path(), &["export", "csv", "--json", "--out", file.to_str().unwrap()]);
    assert_eq!(written.status, 0, "{}", written.stderr);
    assert_eq!(written.json()["exported"], 1);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout.stdout);

    let again = paydesk(dir.path(), &["export", "csv", "--json", "--out", file.to_str().unwrap()]);
    assert_eq!(again.status, 1);
    assert_eq!(again.json()["error"]["code"], "export_write");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout.stdout);
}

#[test]
fn backup_makes_a_database_another_till_can_open() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    new_coffee_order(&data);
    let restored = dir.path().join("restored");
    std::fs::create_dir(&restored).unwrap();
    let target = restored.join("paydesk.sqlite3");
    let backup = paydesk(&data, &["backup", target.to_str().unwrap(), "--json"]);
    assert_eq!(backup.status, 0, "{}", backup.stderr);
    assert_eq!(order_count(&restored), 1);

    let refused = paydesk(&data, &["backup", target.to_str().unwrap(), "--json"]);
    assert_eq!(refused.status, 1);
    assert_eq!(refused.json()["error"]["code"], "backup_failed");
}

#[test]
fn the_data_dir_comes_from_the_environment_and_logs_go_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .args(["order", "new", "--json", "--line", "Tea @ 2"])
        .env("PAYDESK_DATA_DIR", dir.path())
        .env_remove("PAYDESK_LOG_DIR")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.path().join("paydesk.sqlite3").exists());
    let logs: Vec<_> = std::fs::read_dir(dir.path().join("logs")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let log = std::fs::read_to_string(dir.path().join("logs").join(&logs[0])).unwrap();
    assert!(log.contains("order created"), "{log}");
}

#[test]
fn the_simulator_subcommand_serves_stripe_on_loopback_until_stopped() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .args(["--data-dir", dir.path().to_str().unwrap(), "simulator", "--port", "0", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first_line = String::new();
    BufReader::new(child.0.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    let url: Value = serde_json::from_str(&first_line).unwrap();
    let url = url["url"].as_str().unwrap().to_owned();
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(address.starts_with("127.0.0.1:"), "{url}");

    let request = |key: &str| {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(stream, "GET /v1/account HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let ok = request("sk_test_paydesk_cli_made_up");
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let body: Value = serde_json::from_str(ok.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert_eq!(body["object"], "account");
    assert_eq!(body["id"].as_str().map(|id| id.starts_with("acct_")), Some(true));
    let live = request("sk_live_paydesk_cli_made_up");
    assert!(live.starts_with("HTTP/1.1 401"), "{live}");

    // SIGTERM ends it cleanly.
    let pid = child.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// A command's log lines from other threads reach stderr while it runs: the simulator's https
/// side logs each failed handshake (at debug), and the http side must still answer after.
/// (The CLI once held the stderr lock for the whole command, which hung the simulator at its
/// first such line.)
#[test]
fn the_simulator_over_https_keeps_answering_while_its_threads_log() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let tls_dir = dir.path().join("sim-tls");
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .args(["--data-dir", dir.path().to_str().unwrap(), "simulator", "--port", "0", "--json", "--tls-dir", tls_dir.to_str().unwrap()])
            .env("PAYDESK_LOG", "debug")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stderr = child.0.stderr.take().unwrap();
    let drained = std::thread::spawn(move || {
        let mut all = String::new();
        let _ = stderr.read_to_string(&mut all);
        all
    });
    let mut first_line = String::new();
    BufReader::new(child.0.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    let announced: Value = serde_json::from_str(&first_line).unwrap();
    let http = announced["url"].as_str().unwrap().trim_start_matches("http://").to_owned();
    let https = announced["tls_url"].as_str().expect("an https address").trim_start_matches("https://").to_owned();
    assert!(tls_dir.join("cert.pem").exists() && tls_dir.join("key.pem").exists());

    for _ in 0..3 {
        // Not TLS: the handshake fails and a worker thread logs it.
        let mut bad = std::net::TcpStream::connect(&https).unwrap();
        bad.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        let _ = bad.write_all(b"GET / HTTP/1.1\r\n\r\n");
        let _ = bad.read(&mut [0u8; 64]);
    }
    let mut stream = std::net::TcpStream::connect(&http).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(stream, "GET /v1/account HTTP/1.1\r\nHost: {http}\r\nAuthorization: Bearer sk_test_paydesk_cli_made_up\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("the simulator still answers");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let pid = child.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    assert_eq!(child.0.wait().unwrap().code(), Some(0));
    assert!(drained.join().unwrap().contains("TLS handshake failed"), "the lines were written");
}

/// Log lines on stderr carry colour codes at a terminal only: a pipe or a file gets plain text.
#[test]
fn logs_are_coloured_at_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let info = [("PAYDESK_LOG", "info")];
    let piped = common::paydesk(dir.path(), &["order", "list"], None, &info, None);
    assert_eq!(piped.status, 0, "{}", piped.stderr);
    assert!(piped.stderr.contains("INFO"), "the command logs something: {}", piped.stderr);
    assert!(!piped.stderr.contains('\u{1b}'), "colour codes in a pipe: {:?}", piped.stderr);
    let (status, shown) = common::paydesk_at_terminal(dir.path(), &["order", "list"], "", "", &info, None);
    assert_eq!(status, 0, "{shown}");
    assert!(shown.contains("INFO") && shown.contains("\u{1b}["), "no colour at a terminal: {shown:?}");
}

/// `paydesk customer`: add, list and search, show by number, edit, remove; bad details are a
/// specific error naming the field and change nothing.
#[test]
fn customers_are_added_found_edited_and_removed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let added = paydesk(dir.path(), &["customer", "new", "--json", "--name", "Ana Díaz", "--email", "ana@example.com", "--phone", "+1 555 010 9999"]);
    assert_eq!(added.status, 0, "{}", added.stderr);
    let ana = added.json();
    assert_eq!((ana["number"].as_i64(), ana["name"].as_str(), ana["mode"].as_str()), (Some(1), Some("Ana Díaz"), Some("demo")));
    assert_eq!(paydesk(dir.path(), &["customer", "new", "--name", "Bo Chen"]).status, 0);

    let cases: &[(&[&str], &str, &str)] = &[
        (&["--name", " "], "invalid_customer", "name: give the customer's name"),
        (&["--name", "Cy", "--email", "cy@"], "invalid_customer", "email: \"cy@\" is not an email address"),
        (&["--name", "Cy", "--phone", "call me"], "invalid_customer", "phone: \"call me\" is not a phone number"),
        (&["--name", "Cy\u{202E}"], "invalid_customer", "reorder text"),
    ];
    for (extra, code, message) in cases {
        assert_refused(dir.path(), &["customer", "new", "--json"], extra, code, message);
    }

    let names = |args: &[&str]| -> Vec<String> {
        let run = paydesk(dir.path(), args);
        assert_eq!(run.status, 0, "{}", run.stderr);
        run.json()["customers"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(&["customer", "list", "--json"]), ["Ana Díaz", "Bo Chen"], "the refused ones are not there");
    assert_eq!(names(&["customer", "list", "--json", "--search", "example.COM"]), ["Ana Díaz"]);

    let shown = paydesk(dir.path(), &["customer", "show", "C1"]);
    assert_eq!(shown.status, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("Ana Díaz") && shown.stdout.contains("ana@example.com"), "{}", shown.stdout);
    let edited = paydesk(dir.path(), &["customer", "edit", "2", "--json", "--name", "Bo Chen", "--phone", "555-0142"]).json();
    assert_eq!(edited["phone"], "555-0142");
    let sold = paydesk(dir.path(), &["order", "new", "--json", "--line", "Beans @ 12", "--customer", "C1"]);
    assert_eq!(sold.status, 0, "{}", sold.stderr);
    assert_eq!((sold.json()["customer"]["name"].as_str(), sold.json()["customerEmail"].as_str()), (Some("Ana Díaz"), Some("ana@example.com")));
    assert_eq!(paydesk(dir.path(), &["customer", "remove", "1"]).status, 0);
    let refused = paydesk(dir.path(), &["order", "new", "--json", "--line", "Beans @ 12", "--customer", "C1"]);
    assert_eq!(refused.json()["error"]["code"], "customer_not_found");
    assert_eq!(order_count(dir.path()), 1);
    assert_eq!(names(&["customer", "list", "--json"]), ["Bo Chen"]);
    let gone = paydesk(dir.path(), &["customer", "show", "--json", "1"]);
    assert_eq!(gone.status, 1);
    assert_eq!(gone.json()["error"]["code"], "customer_not_found");
}

/// The shared objects an ELF file names as needed (its DT_NEEDED entries), by readelf.
fn needed_libraries(binary: &str) -> Vec<String> {
    let output = Command::new("readelf").args(["--dynamic", "--wide", binary]).output().expect("readelf (binutils) runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| Some(line.split('[').nth(1)?.trim_end_matches(']').to_string()))
        .collect()
}

#[test]
fn the_command_line_does_not_load_the_windows_libraries() {
    let window = needed_libraries(env!("CARGO_BIN_EXE_paydesk-window"));
    assert!(window.iter().any(|lib| lib.starts_with("libwebkit2gtk")), "{window:?}");
    let cli = needed_libraries(env!("CARGO_BIN_EXE_paydesk"));
    assert!(!cli.is_empty(), "readelf found no NEEDED entries at all");
    let window_only: Vec<_> = cli.iter().filter(|lib| ["webkit", "gtk", "gdk", "soup", "javascriptcore"].iter().any(|name| lib.contains(name))).collect();
    assert!(window_only.is_empty(), "the CLI links {window_only:?}: every command would pay for loading them");
}

#[test]
fn paydesk_without_a_subcommand_hands_the_same_arguments_to_the_window_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let cli = dir.path().join("paydesk");
    std::fs::copy(env!("CARGO_BIN_EXE_paydesk"), &cli).unwrap();

    let missing = Command::new(&cli).args(["--data-dir", "/tmp/shop"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("the window is not installed") && stderr.contains("paydesk-window"), "{stderr}");

    // A stand-in window that says what it was given and which process it runs in.
    let window = dir.path().join("paydesk-window");
    std::fs::write(&window, "#!/bin/sh\necho \"pid=$$ args=$*\"\nexit 7\n").unwrap();
    std::fs::set_permissions(&window, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let child = Command::new(&cli).args(["--data-dir", "/tmp/shop"]).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(7), "the window's exit status is paydesk's");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.trim(), format!("pid={pid} args=--data-dir /tmp/shop"), "the window replaces the paydesk process, with its arguments");
}

#[test]
fn the_window_program_sends_commands_to_paydesk() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_paydesk-window")).args(["--data-dir", dir.path().to_str().unwrap(), "order", "list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("run the same command with `paydesk`"), "{stderr}");
    assert!(!dir.path().join("paydesk.sqlite3").exists(), "nothing was opened");
}
