//! Stable, machine-readable codes for every error the core reports. The window and the
//! CLI's `--json` output show errors as `{code, message}`; the codes are part of that
//! contract, the messages are for people.

use crate::store::StoreError;

pub trait ErrorCode {
    fn code(&self) -> &'static str;
}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::DataDir { .. } => "data_dir",
            StoreError::Corrupt(_) => "database_corrupt",
            StoreError::TooNew { .. } => "database_too_new",
            StoreError::OrderNotFound(_) => "order_not_found",
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
            StoreError::Sqlite(_) => "database",
        }
    }
}

impl ErrorCode for crate::order::InvalidOrder {
    fn code(&self) -> &'static str {
        "invalid_order"
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
}

impl ErrorCode for crate::settings::SettingsError {
    fn code(&self) -> &'static str {
        match self {
            crate::settings::SettingsError::Invalid { .. } => "invalid_settings",
            crate::settings::SettingsError::Store(error) => error.code(),
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
}
