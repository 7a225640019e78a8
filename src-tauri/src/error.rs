//! Every command error reaches the window as `{code, message}`: a stable code the UI can
//! branch on, and a message a cashier can read. Nothing else about the error is sent.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use paydesk_core::error::ErrorCode;
use serde::Serialize;

/// The database this window's process opened, to name in a fault of the disk's or another
/// process's that arose deep inside a write (the error itself does not know the file). One
/// process, one database: set once at startup.
static DATABASE: OnceLock<PathBuf> = OnceLock::new();

pub fn name_database(path: &Path) {
    let _ = DATABASE.set(path.to_owned());
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
}

impl<E: ErrorCode + std::fmt::Display> From<E> for CommandError {
    fn from(error: E) -> Self {
        let message = match error.unnamed_fault() {
            Some((fault, detail)) => match DATABASE.get() {
                Some(path) => fault.explain(path, &detail),
                None => fault.explain(Path::new("the Paydesk database"), &detail),
            },
            None => error.to_string(),
        };
        let error = CommandError { code: error.code(), message };
        tracing::warn!(code = error.code, message = %error.message, "command failed");
        error
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
