//! A remembered (tracked) device.

use crate::ids::UserPoolId;
use crate::vocab::DeviceStatus;
use crate::Millis;
use serde::{Deserialize, Serialize};

/// A device of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Pool.
    pub pool_id: UserPoolId,
    /// Owner.
    pub username_key: String,
    /// `{region}_{uuid}`.
    pub device_key: String,
    /// `-` and 8 alphanumerics: the SRP "pool name" of device sign-in.
    pub group_key: String,
    /// Name given at ConfirmDevice.
    pub name: Option<String>,
    /// Remembered or not.
    pub status: DeviceStatus,
    /// ConfirmDevice has stored a verifier.
    pub confirmed: bool,
    /// The device's SRP verifier, sealed.
    pub verifier: Option<String>,
    /// Last IP seen.
    pub last_ip: Option<String>,
    /// Creation.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Last sign-in with it.
    pub last_auth_at: Millis,
}
