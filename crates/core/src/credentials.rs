//! What a password becomes at rest: an argon2id hash for password sign-in and a sealed SRP
//! verifier for USER_SRP_AUTH, always computed together.

use crate::srp::Verifier;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, User, UserPoolId};

/// The stored forms of one password.
#[derive(Debug, Clone)]
pub(crate) struct PasswordMaterial {
    hash: String,
    verifier: String,
}

impl PasswordMaterial {
    /// Puts the password on a user (and restarts the temporary-password clock).
    pub fn apply(&self, u: &mut User) {
        u.password_hash = Some(self.hash.clone());
        u.srp_verifier = Some(self.verifier.clone());
        u.password_set_at = Some(now_millis());
    }
}

/// What the sealed verifier is bound to.
pub(crate) fn aad(pool: &UserPoolId, username: &str) -> String {
    format!("srp-verifier:{pool}:{username}")
}

impl Cognate {
    /// Hashes `password` and computes its SRP verifier for `username` (the USER_ID_FOR_SRP).
    pub(crate) async fn password_material(
        &self,
        pool: &UserPoolId,
        username: &str,
        password: &str,
    ) -> CoreResult<PasswordMaterial> {
        let hash = self.hasher.hash(password).await?;
        let (srp, prefix, id, pw) =
            (self.srp.clone(), pool.short_name().to_string(), username.to_string(), password.to_string());
        let v = tokio::task::spawn_blocking(move || srp.verifier(&prefix, &id, &pw))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let packed = pack_verifier(&v).ok_or_else(|| CoreError::Internal("unpackable SRP verifier".into()))?;
        Ok(PasswordMaterial { hash, verifier: self.master.seal(&packed, &aad(pool, username)) })
    }

    /// The user's SRP verifier, if one was stored.
    pub(crate) fn verifier_of(&self, user: &User) -> Option<Verifier> {
        let raw = self.master.open(user.srp_verifier.as_deref()?, &aad(&user.pool_id, &user.username)).ok()?;
        unpack_verifier(&raw)
    }
}

fn unhex(h: &str) -> Option<Vec<u8>> {
    let h = if h.len() % 2 == 1 { format!("0{h}") } else { h.to_string() };
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok()).collect()
}

/// A verifier in binary (`1`, salt length, salt, `v`): sealed it is about 580 characters, half
/// the JSON-with-hex form, which matters at a million users.
fn pack_verifier(v: &Verifier) -> Option<Vec<u8>> {
    let salt = unhex(&v.salt)?;
    let mut out = vec![1u8, u8::try_from(salt.len()).ok()?];
    out.extend(salt);
    out.extend(unhex(&v.v)?);
    Some(out)
}

/// Reads either form: the binary one, or the JSON one stored before it.
fn unpack_verifier(raw: &[u8]) -> Option<Verifier> {
    match raw.first()? {
        1 => {
            let n = *raw.get(1)? as usize;
            let salt = raw.get(2..2 + n)?;
            let v = raw.get(2 + n..)?;
            let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
            Some(Verifier { salt: hex(salt), v: num_bigint::BigUint::from_bytes_be(v).to_str_radix(16) })
        }
        _ => serde_json::from_slice(raw).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_verifiers_round_trip_and_json_ones_still_read() {
        let g = crate::srp::SrpGroup::default();
        for _ in 0..20 {
            let v = g.verifier("AbCdEfGhI", "alice", "Passw0rd!");
            let packed = pack_verifier(&v).unwrap();
            assert!(packed.len() < 420, "{}", packed.len());
            let back = unpack_verifier(&packed).unwrap();
            assert_eq!(back.salt, v.salt, "SALT is sent exactly as stored");
            assert_eq!(crate::srp::from_hex(&back.v), crate::srp::from_hex(&v.v));
        }
        let v = g.verifier("AbCdEfGhI", "bob", "Passw0rd!");
        let old = serde_json::to_vec(&v).unwrap();
        assert_eq!(unpack_verifier(&old).unwrap(), v);
    }
}
