//! Paydesk's domain: money, orders and the SQLite store. Nothing here knows about Tauri
//! or a window, so all of it builds and is tested headless.

pub mod cards;
pub mod connection;
pub mod customer;
pub mod error;
pub mod export;
pub mod keys;
pub mod local_tls;
pub mod mode;
pub mod money;
pub mod order;
pub mod page_server;
pub mod paths;
pub mod payments;
pub mod report;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod text;
pub mod view;
