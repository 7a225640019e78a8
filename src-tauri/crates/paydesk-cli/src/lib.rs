//! The `paydesk` command line. With a subcommand it runs it and exits; with none it hands
//! back what the window needs to open. Everything here runs without a display.

mod args;
mod commands;
mod customers;
pub mod logging;
mod payments;
pub mod window;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use paydesk_core::paths::Paths;

pub use args::Cli;

/// What the process should do.
pub enum Invocation {
    Command(Cli),
    OpenWindow(WindowOptions),
}

pub struct WindowOptions {
    pub data_dir_flag: Option<PathBuf>,
}

impl WindowOptions {
    pub fn paths(&self) -> Result<Paths, paydesk_core::paths::NoDataDir> {
        Paths::resolve(self.data_dir_flag.as_deref())
    }
}

/// Parses the process arguments. Usage errors print clap's message (and, with `--json`,
/// a JSON error on stdout) and exit with status 2.
pub fn parse() -> Invocation {
    match parse_from(std::env::args_os()) {
        Ok(invocation) => invocation,
        Err(code) => std::process::exit(code),
    }
}

fn parse_from<I: IntoIterator<Item = OsString>>(args: I) -> Result<Invocation, i32> {
    let args: Vec<OsString> = args.into_iter().collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) if cli.command.is_none() => Ok(Invocation::OpenWindow(WindowOptions { data_dir_flag: cli.data_dir })),
        Ok(cli) => Ok(Invocation::Command(cli)),
        Err(error) => {
            let wants_json = args.iter().any(|arg| arg == "--json");
            let exit = error.exit_code();
            if wants_json && exit != 0 {
                let message = error.kind().to_string();
                let detail = error.render().to_string();
                let first_line = detail.lines().next().unwrap_or(&message).trim_start_matches("error: ");
                print_json_error(&mut std::io::stdout(), "usage", first_line);
            }
            let _ = error.print();
            Err(exit)
        }
    }
}

/// Runs a subcommand against the real stdout and stderr.
pub fn run(cli: Cli) -> ExitCode {
    // Not locked for the whole command: a log line written to stderr from another thread
    // (the simulator's, a reconcile's) would then wait for ever.
    let code = run_with(cli, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(code)
}

/// Runs a subcommand with the given output streams; returns the exit status.
pub fn run_with(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let json = cli.json;
    let paths = match Paths::resolve(cli.data_dir.as_deref()) {
        Ok(paths) => paths,
        Err(error) => return report(stdout, stderr, json, "data_dir", &error.to_string()),
    };
    let _log_guard = logging::init(&paths.log_dir, logging::Audience::Command);
    match commands::dispatch(&cli, &paths, stdout) {
        Ok(()) => 0,
        Err(error) => {
            let message = error.message_at(&paths.data_dir.join(paydesk_core::store::DATABASE_FILE));
            tracing::warn!(code = error.code, %message, "command failed");
            report(stdout, stderr, json, error.code, &message)
        }
    }
}

fn report(stdout: &mut dyn Write, stderr: &mut dyn Write, json: bool, code: &str, message: &str) -> u8 {
    if json {
        print_json_error(stdout, code, message);
    }
    let _ = writeln!(stderr, "error: {message}");
    1
}

fn print_json_error(out: &mut dyn Write, code: &str, message: &str) {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    let _ = writeln!(out, "{body}");
}
