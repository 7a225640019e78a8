//! Stable, machine-readable codes for every error the core reports. The window and the
//! CLI's `--json` output show errors as `{code, message}`; the codes are part of that
//! contract, the messages are for people.

use crate::store::{Fault, StoreError};

pub trait ErrorCode {
    fn code(&self) -> &'static str;

    /// A fault of the disk or of another process whose message does not name the database
    /// yet (it came from deep inside a write), with SQLite's words for it. The CLI and the
    /// window know which database they opened and name it.
    fn unnamed_fault(&self) -> Option<(Fault, String)> {
        None
    }
}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::DataDir { .. } => "data_dir",
            StoreError::Corrupt(_) => "database_corrupt",
            StoreError::TooNew { .. } => "database_too_new",
            StoreError::Storage { fault, .. } => fault.code(),
            StoreError::InUse { .. } => "database_in_use",
            StoreError::Restoring { .. } => "database_restoring",
            StoreError::NotABackup { .. } => "restore_invalid",
            StoreError::Restore { .. } => "restore_failed",
            StoreError::OrderNotFound(_) => "order_not_found",
            StoreError::CustomerNotFound(_) => "customer_not_found",
            StoreError::InvalidCustomer(_) => "invalid_customer",
            StoreError::InvalidQuery(_) => "invalid_query",
            StoreError::InvalidOrder(_) => "invalid_order",
            StoreError::Pricing(_) => "pricing",
            StoreError::IllegalTransition(_) => "illegal_transition",
            StoreError::NotEditable { .. } => "order_not_editable",
            StoreError::Inconsistent(_) => "order_inconsistent",
            StoreError::Backup { .. } => "backup_failed",
            StoreError::PaymentUnderWay { .. } => "payment_in_progress",
            StoreError::RefundUnderWay { .. } => "refund_in_progress",
            StoreError::NotChargeable { .. } => "order_not_payable",
            StoreError::OrderChanged { .. } => "order_changed",
            StoreError::PaymentReplaced { .. } => "payment_replaced",
            StoreError::OtherMode { .. } => "order_other_mode",
            StoreError::Sqlite(error) => Fault::of(error).map_or("database", Fault::code),
        }
    }

    fn unnamed_fault(&self) -> Option<(Fault, String)> {
        match self {
            StoreError::Sqlite(error) => Fault::of(error).map(|fault| (fault, error.to_string())),
            StoreError::Corrupt(problems) => Some((Fault::Corrupt, problems.clone())),
            _ => None,
        }
    }
}

impl ErrorCode for crate::order::InvalidOrder {
    fn code(&self) -> &'static str {
        "invalid_order"
    }
}

impl ErrorCode for crate::customer::InvalidCustomer {
    fn code(&self) -> &'static str {
        "invalid_customer"
    }
}

impl ErrorCode for crate::order::PricingError {
    fn code(&self) -> &'static str {
        "pricing"
    }
}

impl ErrorCode for crate::export::ExportError {
    fn code(&self) -> &'static str {
        match self {
            crate::export::ExportError::Store(error) => error.code(),
            crate::export::ExportError::Io(_) => "export_write",
        }
    }

    fn unnamed_fault(&self) -> Option<(Fault, String)> {
        match self {
            crate::export::ExportError::Store(error) => error.unnamed_fault(),
            crate::export::ExportError::Io(_) => None,
        }
    }
}

impl ErrorCode for crate::settings::SettingsError {
    fn code(&self) -> &'static str {
        match self {
            crate::settings::SettingsError::Invalid { .. } => "invalid_settings",
            crate::settings::SettingsError::Store(error) => error.code(),
        }
    }

    fn unnamed_fault(&self) -> Option<(Fault, String)> {
        match self {
            crate::settings::SettingsError::Store(error) => error.unnamed_fault(),
            crate::settings::SettingsError::Invalid { .. } => None,
        }
    }
}

impl ErrorCode for crate::report::ReportError {
    fn code(&self) -> &'static str {
        match self {
            crate::report::ReportError::Store(error) => error.code(),
            crate::report::ReportError::Overflow(_) => "report_overflow",
        }
    }

    fn unnamed_fault(&self) -> Option<(Fault, String)> {
        match self {
            crate::report::ReportError::Store(error) => error.unnamed_fault(),
            crate::report::ReportError::Overflow(_) => None,
        }
    }
}
