//! Test support: the real `paydesk` binary, and a private Secret Service (its own
//! dbus-daemon and an unlocked gnome-keyring) so tests use the real OS keyring without
//! touching the user's.

#![allow(dead_code)] // each test file uses its own part of this module

pub mod ipc;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {} {}", self.stdout, self.stderr))
    }
}

/// Kills a child process when dropped, so a failing test leaves nothing running.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private D-Bus session bus with gnome-keyring's Secret Service, unlocked.
pub struct KeyringSession {
    pub bus: String,
    dir: tempfile::TempDir,
    _keyring: KillOnDrop,
    _dbus: KillOnDrop,
}

fn tool(name: &str) -> Command {
    if Command::new("which").arg(name).output().map(|o| !o.status.success()).unwrap_or(true) {
        panic!("{name} is needed for the keyring tests: apt-get install dbus-x11 gnome-keyring libsecret-tools (bash .ci/test installs them)");
    }
    Command::new(name)
}

impl KeyringSession {
    pub fn start() -> KeyringSession {
        let dir = tempfile::tempdir().unwrap();
        let runtime = dir.path().join("runtime");
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        let mut dbus = KillOnDrop(
            tool("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let mut bus = String::new();
        BufReader::new(dbus.0.stdout.take().unwrap()).read_line(&mut bus).unwrap();
        let bus = bus.trim().to_owned();
        let mut keyring = KillOnDrop(
            tool("gnome-keyring-daemon")
                .args(["--foreground", "--unlock", "--components=secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &bus)
                .env("XDG_DATA_HOME", dir.path().join("data"))
                .env("XDG_RUNTIME_DIR", &runtime)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        {
            let mut stdin = keyring.0.stdin.take().unwrap();
            stdin.write_all(b"made-up-test-keyring-password").unwrap();
        }
        let session = KeyringSession { bus, dir, _keyring: keyring, _dbus: dbus };
        // Bounded wait for the daemon to own the Secret Service name.
        for _ in 0..200 {
            let owned = Command::new("dbus-send")
                .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &session.bus)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                .unwrap_or(false);
            if owned {
                return session;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("gnome-keyring-daemon did not start on the private bus");
    }

    /// Applies this session's environment to a command.
    pub fn env<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_RUNTIME_DIR", self.dir.path().join("runtime"))
    }

    /// Every secret Paydesk keeps in this keyring, as `secret-tool` sees it.
    pub fn paydesk_secrets(&self) -> String {
        let output = self.env(&mut tool("secret-tool")).args(["search", "--all", "--unlock", "service", "com.paydesk.app"]).output().unwrap();
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    }
}

/// The `paydesk` binary on a data directory, with its environment cleared of the user's
/// settings and set for the test.
fn paydesk_command(data_dir: &Path, args: &[&str], env: &[(&str, &str)], session: Option<&KeyringSession>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paydesk"));
    command.arg("--data-dir").arg(data_dir).args(args).env_remove("PAYDESK_DATA_DIR").env_remove("PAYDESK_LOG");
    if let Some(session) = session {
        session.env(&mut command);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// `paydesk` with a data directory, optional stdin, and extra environment.
pub fn paydesk(data_dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)], session: Option<&KeyringSession>) -> Run {
    let mut command = paydesk_command(data_dir, args, env, session);
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("paydesk runs");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
    }
    let output: Output = child.wait_with_output().unwrap();
    Run {
        status: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `paydesk` at a terminal (a pseudo-terminal that is its controlling tty, on stdin, stdout
/// and stderr), as a person runs it. Once `prompt` appears (or after ten seconds without it),
/// `typed` is typed. Returns the exit status and everything the terminal showed, echo included.
pub fn paydesk_at_terminal(data_dir: &Path, args: &[&str], prompt: &str, typed: &str, env: &[(&str, &str)], session: Option<&KeyringSession>) -> (i32, String) {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::sync::{Arc, Mutex};

    let (mut leader, mut follower) = (0, 0);
    // SAFETY: openpty writes two new descriptors into the two integers, which are owned here.
    let opened = unsafe { libc::openpty(&mut leader, &mut follower, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and nothing else owns them.
    let (leader, follower) = unsafe { (std::fs::File::from(OwnedFd::from_raw_fd(leader)), OwnedFd::from_raw_fd(follower)) };

    let mut command = paydesk_command(data_dir, args, env, session);
    command.stdin(follower.try_clone().unwrap()).stdout(follower.try_clone().unwrap()).stderr(follower);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // A session of its own, with the terminal as its controlling tty (what /dev/tty is).
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("paydesk runs");
    drop(command);

    let shown = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let (mut leader, shown) = (leader.try_clone().unwrap(), shown.clone());
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            // Reading ends with EIO once the program and its terminal are gone.
            while let Ok(n @ 1..) = std::io::Read::read(&mut leader, &mut buffer) {
                shown.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !String::from_utf8_lossy(&shown.lock().unwrap()).contains(prompt) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (&leader).write_all(typed.as_bytes()).unwrap();
    let status = child.wait().unwrap().code().expect("exited normally");
    reader.join().unwrap();
    let shown = String::from_utf8_lossy(&shown.lock().unwrap()).into_owned();
    (status, shown)
}

/// Everything Paydesk wrote under a data directory (database, WAL, logs), as text.
pub fn everything_written(data_dir: &Path) -> String {
    fn walk(dir: &Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path: PathBuf = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    let mut out = String::new();
    walk(data_dir, &mut out);
    out
}

/// A Stripe simulator served by `paydesk simulator` in `dir`, stopped when dropped, and its URL.
pub fn simulator(dir: &Path) -> (KillOnDrop, String) {
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .args(["--data-dir", dir.to_str().unwrap(), "simulator", "--port", "0", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url: Value = serde_json::from_str(&line).unwrap();
    (child, url["url"].as_str().unwrap().to_owned())
}
