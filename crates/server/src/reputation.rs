//! `COGNATE_IP_REPUTATION_FILE`: the operator's address-reputation list, read at the start and
//! again whenever the file changes (operators refresh such lists daily), checked every
//! [`POLL`]. A list that no longer parses leaves the previous one in place.

use cognate_core::threat::reputation::Reputation;
use cognate_core::Cognate;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How often the file is looked at.
const POLL: Duration = Duration::from_secs(60);

/// Reads the list at `path` into `svc` now (a bad list stops the start), then again whenever
/// it changes.
pub fn watch(path: PathBuf, svc: &Cognate) -> Result<(), String> {
    let mut watch = Watch { path, seen: None };
    watch.reload(svc)?;
    let svc = svc.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(POLL);
        loop {
            every.tick().await;
            if let Err(e) = watch.reload(&svc) {
                tracing::warn!(error = %e, "the address-reputation list was not reloaded; the previous one stays");
            }
        }
    });
    Ok(())
}

/// The file, and the version of it last read.
struct Watch {
    path: PathBuf,
    seen: Option<(SystemTime, u64)>,
}

impl Watch {
    /// Reads the file into `svc` when it changed since the last read (its time or size).
    fn reload(&mut self, svc: &Cognate) -> Result<(), String> {
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
