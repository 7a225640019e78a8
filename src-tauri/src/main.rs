//! `paydesk-window`: the window (what the desktop entry starts, and what `paydesk` with no
//! subcommand hands over to). Commands are `paydesk`'s: this binary leaves them out, which
//! keeps the command line's code out of the window's binary.
// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match paydesk_cli::parse() {
        paydesk_cli::Invocation::Command(_) => {
            eprintln!("error: paydesk-window only opens the window; run the same command with `paydesk`");
            ExitCode::from(2)
        }
        paydesk_cli::Invocation::OpenWindow(options) => paydesk::run_app(options),
    }
}
