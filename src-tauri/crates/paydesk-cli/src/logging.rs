//! Logs through `tracing`: to stderr, and to a daily-rotated file in the log directory
//! (fourteen days kept). `PAYDESK_LOG` sets the level (`debug`, `paydesk_core=trace`, …).

use std::io::IsTerminal;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::filter::{EnvFilter, LevelFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, Layer};

pub const LOG_LEVEL_ENV: &str = "PAYDESK_LOG";
const KEEP_DAYS: usize = 14;

/// Who reads stderr: a script running a subcommand wants only warnings there; the window
/// app's stderr is a developer's terminal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Command,
    Window,
}

/// Installs the global subscriber. Keep the guard alive for the life of the process: it
/// flushes the file on drop. A log directory that cannot be created is reported on stderr
/// and logging goes on to stderr alone; it never stops the app.
/// WebKit names 127.0.0.1 in its TLS handshake's server name, which the TLS RFC forbids;
/// rustls ignores it and warns on every connection to the window's https page. Unless
/// `PAYDESK_LOG` says otherwise, only rustls's errors are logged.
fn quiet_tls(filter: EnvFilter) -> EnvFilter {
    if std::env::var_os(LOG_LEVEL_ENV).is_some() {
        return filter;
    }
    filter.add_directive("rustls=error".parse().expect("a valid directive"))
}

pub fn init(log_dir: &Path, audience: Audience) -> Option<WorkerGuard> {
    let default_level = match audience {
        Audience::Command => LevelFilter::WARN,
        Audience::Window => LevelFilter::INFO,
    };
    let stderr_filter = quiet_tls(EnvFilter::builder().with_default_directive(default_level.into()).with_env_var(LOG_LEVEL_ENV).from_env_lossy());
    // Colour codes are for a person at a terminal; in a pipe or a file they are noise.
    let stderr_layer = fmt::layer().with_ansi(std::io::stderr().is_terminal()).with_writer(std::io::stderr).with_filter(stderr_filter);

    let file = std::fs::create_dir_all(log_dir).map_err(|e| e.to_string()).and_then(|()| {
        Builder::new()
            .rotation(Rotation::DAILY)
            .filename_prefix("paydesk")
            .filename_suffix("log")
            .max_log_files(KEEP_DAYS)
            .build(log_dir)
            .map_err(|e| e.to_string())
    });
    let (file_layer, guard, file_error) = match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let filter = quiet_tls(EnvFilter::builder().with_default_directive(LevelFilter::INFO.into()).with_env_var(LOG_LEVEL_ENV).from_env_lossy());
            (Some(fmt::layer().with_ansi(false).with_writer(writer).with_filter(filter)), Some(guard), None)
        }
        Err(error) => (None, None, Some(error)),
    };
    // A second init in one process (tests) keeps the first subscriber; that is fine.
    let _ = tracing_subscriber::registry().with(stderr_layer).with(file_layer).try_init();
    if let Some(error) = file_error {
        tracing::warn!(dir = %log_dir.display(), %error, "cannot write log files; logging to stderr only");
    }
    guard
}
