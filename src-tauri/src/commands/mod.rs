//! The window's commands, one file per area. Each is a short call into paydesk-core.

pub mod app;
pub mod keys;
pub mod orders;
pub mod payments;
pub mod report;
pub mod settings;
