//! Where Paydesk keeps its database and logs.
//!
//! The data directory is, in order: the `--data-dir` flag, the `PAYDESK_DATA_DIR`
//! environment variable, or the OS data directory (`~/.local/share/paydesk` on Linux,
//! `~/Library/Application Support/Paydesk` on macOS, `%APPDATA%\Paydesk` on Windows).
//! Logs go to `PAYDESK_LOG_DIR`, else `logs/` inside an overridden data directory (so a
//! test or a second till keeps its logs beside its data), else the OS log directory.

use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "PAYDESK_DATA_DIR";
pub const LOG_DIR_ENV: &str = "PAYDESK_LOG_DIR";
const APP_DIR: &str = if cfg!(target_os = "linux") { "paydesk" } else { "Paydesk" };

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot find a data directory for this user; pass --data-dir or set {DATA_DIR_ENV}")]
pub struct NoDataDir;

impl Paths {
    pub fn resolve(flag: Option<&Path>) -> Result<Paths, NoDataDir> {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let overridden = flag.map(Path::to_path_buf).or_else(|| env(DATA_DIR_ENV));
        let data_dir = match &overridden {
            Some(dir) => dir.clone(),
            None => dirs::data_dir().ok_or(NoDataDir)?.join(APP_DIR),
        };
        let log_dir = env(LOG_DIR_ENV)
            .or_else(|| overridden.as_ref().map(|dir| dir.join("logs")))
            .or_else(os_log_dir)
            .unwrap_or_else(|| data_dir.join("logs"));
        Ok(Paths { data_dir, log_dir })
    }
}

fn os_log_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|home| home.join("Library/Logs").join(APP_DIR))
    } else if cfg!(target_os = "linux") {
        dirs::state_dir().map(|state| state.join(APP_DIR).join("logs"))
    } else {
        dirs::data_local_dir().map(|local| local.join(APP_DIR).join("logs"))
    }
}
