//! `paydesk-window`: the window (what the desktop entry starts, and what `paydesk` with no
//! subcommand hands over to). Given a subcommand it runs it like `paydesk` does.
// No console window on Windows release builds; the CLI subcommands still print.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match paydesk_cli::parse() {
        paydesk_cli::Invocation::Command(cli) => paydesk_cli::run(cli),
        paydesk_cli::Invocation::OpenWindow(options) => paydesk::run_app(options),
    }
}
