//! `paydesk`: the command line. It links none of the window's libraries, so a command starts
//! in milliseconds; with no subcommand it hands over to `paydesk-window`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match paydesk_cli::parse() {
        paydesk_cli::Invocation::Command(cli) => paydesk_cli::run(cli),
        paydesk_cli::Invocation::OpenWindow(_) => paydesk_cli::window::open(std::env::args_os().collect()),
    }
}
