//! Moving users between Cognate installations, and importing a Cognito CSV from the command
//! line. `cognate users export` writes JSON Lines: a first line with the pool and its groups,
//! then one line per user with the user as stored (the argon2id hash included), its groups and
//! its devices; every secret sealed by the master key (TOTP secrets, the SRP verifier, device
//! verifiers) is opened and sealed again with an export key the operator gives, so the file
//! holds no secret in clear and the target needs no copy of the source's master key.
//! `cognate users import` reads that format (passwords, TOTP and devices keep working) or a
//! Cognito CSV (users in RESET_REQUIRED, as a job would make them).
//!
//! These are operator commands: whoever runs them holds the database and the master key, so
//! they are on [`Cognate`] itself, not on a view that a request could reach.

use super::rows::{columns, rows_in, user_of_row, Batch};
use super::RowFailure;
use crate::crypto::MasterKey;
use crate::users::sign_in_keys;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{Device, Group, User, UserPool, UserPoolId};
use cognate_store::{StoreError, UserFilter};
use serde::{Deserialize, Serialize};
use std::io::Write;

const FORMAT: &str = "cognate-users";

#[derive(Serialize, Deserialize)]
struct Head {
    format: String,
    version: u32,
    exported_at: i64,
    pool: UserPool,
    groups: Vec<Group>,
}

#[derive(Serialize, Deserialize)]
struct Line {
    user: User,
    groups: Vec<String>,
    devices: Vec<Device>,
}

/// What an import did.
#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    /// The pool the users went into.
    pub pool_id: String,
    pub imported: u64,
    pub failed: u64,
    /// Every refused row.
    pub failures: Vec<RowFailure>,
    /// SRP verifiers dropped because the target pool's id differs (SRP's secret depends on it;
    /// those users sign in with USER_PASSWORD_AUTH, and SRP works again after a password change).
    pub srp_dropped: u64,
}

fn reseal(
    from: &MasterKey,
    to: &MasterKey,
    sealed: &mut Option<String>,
    from_aad: &str,
    to_aad: &str,
) -> CoreResult<()> {
    if let Some(s) = sealed.as_mut() {
        let plain = from.open(s, from_aad)?;
        *s = to.seal(&plain, to_aad);
    }
    Ok(())
}

fn reseal_user(from: &MasterKey, to: &MasterKey, u: &mut User, to_pool: &UserPoolId) -> CoreResult<()> {
    use crate::mfa::totp::aad as totp;
    let (a, b) = (totp(&u.pool_id, &u.username_key), totp(to_pool, &u.username_key));
    reseal(from, to, &mut u.mfa.totp_secret, &a, &b)?;
    reseal(from, to, &mut u.mfa.totp_pending, &a, &b)?;
    let (a, b) = (crate::credentials::aad(&u.pool_id, &u.username), crate::credentials::aad(to_pool, &u.username));
    reseal(from, to, &mut u.srp_verifier, &a, &b)?;
    Ok(())
}

fn reseal_device(from: &MasterKey, to: &MasterKey, d: &mut Device, to_pool: &UserPoolId) -> CoreResult<()> {
    let (a, b) = (crate::devices::aad(&d.pool_id, &d.device_key), crate::devices::aad(to_pool, &d.device_key));
    reseal(from, to, &mut d.verifier, &a, &b)
}

fn bad_file(line: usize, e: impl std::fmt::Display) -> CoreError {
    CoreError::InvalidParameter(format!("line {line} of the export: {e}"))
}

impl Cognate {
    /// `cognate users export`: writes the pool's users to `out`; `progress` hears the count.
    pub async fn export_users(
        &self,
        pool_id: &UserPoolId,
        key: &MasterKey,
        out: &mut (dyn Write + Send),
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> CoreResult<u64> {
        let pool = self.pool(pool_id).await?;
        let groups = self.store.list_groups(pool_id, None, 10_000).await?;
        let head = Head { format: FORMAT.into(), version: 1, exported_at: cognate_model::now_millis(), pool, groups };
        let io = |e: std::io::Error| CoreError::Internal(format!("writing the export: {e}"));
        serde_json::to_writer(&mut *out, &head).map_err(|e| CoreError::Internal(e.to_string()))?;
        out.write_all(b"\n").map_err(io)?;
        let mut after = None;
        let mut n = 0u64;
        loop {
            let page = self.store.list_users(pool_id, &UserFilter::All, after.as_ref(), 1000).await?;
            for mut user in page.users {
                let groups = self.store.groups_of_user(pool_id, &user.username_key, None, 10_000).await?;
                let mut devices = self.store.list_devices(pool_id, &user.username_key, None, 10_000).await?;
                reseal_user(&self.master, key, &mut user, pool_id)?;
                for d in &mut devices {
                    reseal_device(&self.master, key, d, pool_id)?;
                }
                let line = Line { user, groups: groups.into_iter().map(|g| g.name).collect(), devices };
                serde_json::to_writer(&mut *out, &line).map_err(|e| CoreError::Internal(e.to_string()))?;
                out.write_all(b"\n").map_err(io)?;
                n += 1;
            }
            progress(n);
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        out.flush().map_err(io)?;
        Ok(n)
    }

    /// `cognate users import`: a Cognate export (needs its export `key`; into `pool_id`, or
    /// into the exported pool, created when it does not exist) or a Cognito CSV (into
    /// `pool_id`). `progress` hears (rows done, rows in the file).
    pub async fn import_users_file(
        &self,
        pool_id: Option<&UserPoolId>,
        data: &[u8],
        key: Option<&MasterKey>,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> CoreResult<ImportReport> {
        let first = data.split(|b| *b == b'\n').next().unwrap_or_default();
        let is_export = serde_json::from_slice::<serde_json::Value>(first)
            .ok()
            .is_some_and(|v| v.get("format").and_then(|f| f.as_str()) == Some(FORMAT));
        if is_export {
            let key = key.ok_or_else(|| {
                CoreError::InvalidParameter("this is a Cognate export: give the export key (--key-file)".into())
            })?;
            return self.import_export(pool_id, data, key, progress).await;
        }
        let pool_id =
            pool_id.ok_or_else(|| CoreError::InvalidParameter("a CSV import needs the target pool (--pool)".into()))?;
        self.import_csv(pool_id, data, progress).await
    }

    async fn import_csv(
        &self,
        pool_id: &UserPoolId,
        data: &[u8],
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> CoreResult<ImportReport> {
        let pool = self.pool(pool_id).await?;
        let total = rows_in(data);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
        let header = super::header_of(&pool);
        let cols = reader
            .headers()
            .map_err(|e| e.to_string())
            .and_then(|h| columns(&header, h))
            .map_err(CoreError::InvalidParameter)?;
        let mut report = ImportReport { pool_id: pool_id.as_str().to_string(), ..Default::default() };
        let mut batch = Batch::default();
        let mut done = 0u64;
        let mut records = reader.records();
        loop {
            let next = records.next();
            let end = next.is_none();
            if let Some(rec) = next {
                done += 1;
                match rec {
                    Ok(rec) => {
                        let line = rec.position().map(|p| p.line()).unwrap_or(0);
                        match user_of_row(&pool, &cols, &rec, cognate_model::now_millis()) {
                            Ok((user, keys)) => batch.push(line, user, keys),
                            Err(reason) => report.refuse(line, rec.get(cols.username).unwrap_or(""), &reason),
                        }
                    }
                    Err(e) => {
                        report.refuse(e.position().map(|p| p.line()).unwrap_or(0), "", "The row is not valid CSV.")
                    }
                }
            }
            if batch.len() >= super::jobs::BATCH || (end && !batch.is_empty()) {
                self.insert_batch(&mut batch, &mut report).await?;
                progress(done, total);
            }
            if end {
                break;
            }
        }
        progress(done, done);
        Ok(report)
    }

    /// Inserts a batch; which rows went in.
    async fn insert_batch(&self, batch: &mut Batch, report: &mut ImportReport) -> CoreResult<Vec<bool>> {
        let mut inserted = Vec::with_capacity(batch.len());
        let results = self.store.create_users(&batch.users).await?;
        for ((line, (user, _)), r) in batch.lines.iter().zip(&batch.users).zip(results) {
            inserted.push(r.is_ok());
            match r {
                Ok(()) => report.imported += 1,
                Err(StoreError::Conflict(k)) => report.refuse(*line, &user.username, &super::jobs::conflict_reason(&k)),
                Err(e) => return Err(e.into()),
            }
        }
        batch.clear();
        Ok(inserted)
    }

    async fn import_export(
        &self,
        pool_id: Option<&UserPoolId>,
        data: &[u8],
        key: &MasterKey,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> CoreResult<ImportReport> {
        let mut lines = data.split(|b| *b == b'\n').filter(|l| !l.is_empty());
        let head: Head = serde_json::from_slice(lines.next().unwrap_or_default()).map_err(|e| bad_file(1, e))?;
        let total = data.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count() as u64 - 1;
        let target = pool_id.cloned().unwrap_or_else(|| head.pool.id.clone());
        let pool = match self.store.get_pool(&target).await? {
            Some(p) => p,
            None if target == head.pool.id => {
                self.store.create_pool(&head.pool).await?;
                head.pool.clone()
            }
            None => return Err(crate::error::pool_not_found(target.as_str())),
        };
        for g in &head.groups {
            let g = Group { pool_id: target.clone(), ..g.clone() };
            match self.store.create_group(&g).await {
                Ok(()) | Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let mut report = ImportReport { pool_id: target.as_str().to_string(), ..Default::default() };
        let same_pool = target == head.pool.id;
        let mut batch = Batch::default();
        let mut extras: Vec<(String, Vec<String>, Vec<Device>)> = vec![];
        let mut done = 0u64;
        let mut lines = lines.enumerate().peekable();
        while let Some((i, raw)) = lines.next() {
            let line_no = i as u64 + 2;
            let mut line: Line = serde_json::from_slice(raw).map_err(|e| bad_file(line_no as usize, e))?;
            reseal_user(key, &self.master, &mut line.user, &target)?;
            if !same_pool && line.user.srp_verifier.take().is_some() {
                report.srp_dropped += 1;
            }
            line.user.pool_id = target.clone();
            for d in &mut line.devices {
                reseal_device(key, &self.master, d, &target)?;
                d.pool_id = target.clone();
            }
            let keys = sign_in_keys(&pool.settings, &line.user);
            extras.push((line.user.username_key.clone(), line.groups, line.devices));
            batch.push(line_no, line.user, keys);
            done += 1;
            if batch.len() >= super::jobs::BATCH || lines.peek().is_none() {
                let inserted = self.insert_batch(&mut batch, &mut report).await?;
                for ((username_key, groups, devices), ok) in extras.drain(..).zip(inserted) {
                    if !ok {
                        continue; // the name belongs to somebody else here: attach nothing
                    }
                    for g in groups {
                        match self.store.add_member(&target, &g, &username_key).await {
                            Ok(()) | Err(StoreError::Conflict(_)) => {}
                            Err(e) => return Err(e.into()),
                        }
                    }
                    for d in devices {
                        self.store.put_device(&d).await?;
                    }
                }
                progress(done, total);
            }
        }
        Ok(report)
    }
}

impl ImportReport {
    fn refuse(&mut self, line: u64, username: &str, reason: &str) {
        self.failed += 1;
        self.failures.push(RowFailure { line, username: username.to_string(), reason: reason.to_string() });
    }
}
