//! `paydesk` with no subcommand opens the window, which is a program of its own
//! (`paydesk-window`, installed beside this one). The command line does not link the window's
//! libraries (GTK, WebKitGTK: about 170 shared objects), whose loading alone cost every
//! `paydesk order show` a few hundred milliseconds before main.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// The window's program, as built by the app crate and installed by its packages.
pub const WINDOW_PROGRAM: &str = "paydesk-window";

/// Hands the whole invocation (same arguments, environment and, on Unix, process) to the
/// window's program beside this one.
pub fn open(args: Vec<OsString>) -> ExitCode {
    let program = match window_program() {
        Ok(program) => program,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut command = Command::new(&program);
    command.args(args.iter().skip(1));
    let failure = hand_over(&mut command);
    eprintln!("error: cannot start the window ({}): {failure}", program.display());
    ExitCode::FAILURE
}

fn window_program() -> Result<PathBuf, String> {
    let this = std::env::current_exe().map_err(|error| format!("cannot tell where paydesk is installed: {error}"))?;
    let program = this.with_file_name(WINDOW_PROGRAM);
    if program.is_file() {
        Ok(program)
    } else {
        Err(format!(
            "the window is not installed: {} is missing (the command line works without it; reinstall Paydesk to open the window)",
            program.display()
        ))
    }
}

/// On Unix the window takes over this process, so whoever started `paydesk` (a desktop
/// launcher, a test's WebDriver) waits for and signals the window itself. Returns only on
/// failure.
#[cfg(unix)]
fn hand_over(command: &mut Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

#[cfg(not(unix))]
fn hand_over(command: &mut Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(error) => error,
    }
}
