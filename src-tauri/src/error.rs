//! Every command error reaches the window as `{code, message}`: a stable code the UI can
//! branch on, and a message a cashier can read. Nothing else about the error is sent.

use paydesk_core::error::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
}

impl<E: ErrorCode + std::fmt::Display> From<E> for CommandError {
    fn from(error: E) -> Self {
        let error = CommandError { code: error.code(), message: error.to_string() };
        tracing::warn!(code = error.code, message = %error.message, "command failed");
        error
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
