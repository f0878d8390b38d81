//! `COGNATE_IP_REPUTATION_FILE`: the operator's address-reputation list, read at the start and
//! again whenever the file changes (operators refresh such lists daily), checked every
//! [`POLL`]. A list that no longer parses leaves the previous one in place.

use cognate_core::threat::reputation::Reputation;
use cognate_core::Cognate;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How often the file is looked at.
pub const POLL: Duration = Duration::from_secs(60);

/// The file, and the version of it last read.
pub struct Watch {
    path: PathBuf,
    seen: Option<(SystemTime, u64)>,
}

impl Watch {
    pub fn new(path: PathBuf) -> Self {
        Self { path, seen: None }
    }

    /// Reads the file into `svc` when it changed since the last read (its time or size).
    pub fn reload(&mut self, svc: &Cognate) -> Result<(), String> {
        let name = || format!("COGNATE_IP_REPUTATION_FILE {}", self.path.display());
        let meta = std::fs::metadata(&self.path).map_err(|e| format!("{}: {e}", name()))?;
        let version = (meta.modified().map_err(|e| format!("{}: {e}", name()))?, meta.len());
        if self.seen == Some(version) {
            return Ok(());
        }
        let text = std::fs::read_to_string(&self.path).map_err(|e| format!("{}: {e}", name()))?;
        let list = Reputation::parse(&text).map_err(|e| format!("{}: {e}", name()))?;
        tracing::info!(path = %self.path.display(), entries = list.entries(), "address-reputation list read");
        svc.set_reputation(Arc::new(list));
        self.seen = Some(version);
        Ok(())
    }
}
