//! Cognito's vocabulary as types: challenge names, auth flows, MFA factors and modes, delivery
//! media, settings with a fixed set of values. The API edge converts wire strings to these
//! once; the service matches on the types. Serde names are the wire values, so stored
//! documents read the same as before these types existed.

use serde::{Deserialize, Serialize};

/// Declares an enum whose serde names and `as_str` are the given wire values, with `parse`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)*,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire $(, alias = $alias)*)] $variant,)*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The wire value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)*
                }
            }

            /// Parses a wire value.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($wire $(| $alias)* => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// `ChallengeNameType`: the step a sign-in asks for next.
    ChallengeName {
        /// An SMS code.
        SmsMfa = "SMS_MFA",
        /// An email code (as a second factor).
        EmailOtp = "EMAIL_OTP",
        /// An authenticator-app code.
        SoftwareTokenMfa = "SOFTWARE_TOKEN_MFA",
        /// Pick one of several factors.
        SelectMfaType = "SELECT_MFA_TYPE",
        /// Set a factor up first.
        MfaSetup = "MFA_SETUP",
        /// The SRP proof.
        PasswordVerifier = "PASSWORD_VERIFIER",
        /// A custom challenge (triggers).
        CustomChallenge = "CUSTOM_CHALLENGE",
        /// Pick the first factor (USER_AUTH).
        SelectChallenge = "SELECT_CHALLENGE",
        /// A remembered device starts its SRP.
        DeviceSrpAuth = "DEVICE_SRP_AUTH",
        /// A remembered device's SRP proof.
        DevicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER",
        /// Legacy admin password flow.
        AdminNoSrpAuth = "ADMIN_NO_SRP_AUTH",
        /// A new password instead of the temporary one.
        NewPasswordRequired = "NEW_PASSWORD_REQUIRED",
        /// A one-time SMS code as the first factor.
        SmsOtp = "SMS_OTP",
        /// The password as the first factor (USER_AUTH).
        Password = "PASSWORD",
        /// A passkey.
        WebAuthn = "WEB_AUTHN",
        /// SRP as the first factor (USER_AUTH).
        PasswordSrp = "PASSWORD_SRP",
    }
}

wire_enum! {
    /// `AuthFlowType`.
    AuthFlow {
        /// SRP.
        UserSrp = "USER_SRP_AUTH",
        /// Refresh (`REFRESH_TOKEN_AUTH`, or its older name `REFRESH_TOKEN`).
        RefreshToken = "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN",
        /// Custom challenges (triggers).
        Custom = "CUSTOM_AUTH",
        /// Legacy admin password flow.
        AdminNoSrp = "ADMIN_NO_SRP_AUTH",
        /// The password in the request (over TLS).
        UserPassword = "USER_PASSWORD_AUTH",
        /// Admin password flow.
        AdminUserPassword = "ADMIN_USER_PASSWORD_AUTH",
        /// Choice-based sign-in.
        UserAuth = "USER_AUTH",
    }
}

wire_enum! {
    /// `ExplicitAuthFlowsType`: what an app client allows (`ALLOW_*`, and the legacy names).
    ExplicitAuthFlow {
        /// Legacy: admin password flow.
        AdminNoSrpAuth = "ADMIN_NO_SRP_AUTH",
        /// Legacy: custom auth only.
        CustomAuthFlowOnly = "CUSTOM_AUTH_FLOW_ONLY",
        /// Legacy: password flow.
        UserPasswordAuth = "USER_PASSWORD_AUTH",
        /// Admin password flow.
        AllowAdminUserPasswordAuth = "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        /// Custom auth.
        AllowCustomAuth = "ALLOW_CUSTOM_AUTH",
        /// Password flow.
        AllowUserPasswordAuth = "ALLOW_USER_PASSWORD_AUTH",
        /// SRP.
        AllowUserSrpAuth = "ALLOW_USER_SRP_AUTH",
        /// Refresh.
        AllowRefreshTokenAuth = "ALLOW_REFRESH_TOKEN_AUTH",
        /// Choice-based sign-in.
        AllowUserAuth = "ALLOW_USER_AUTH",
    }
}

impl ExplicitAuthFlow {
    /// True for the pre-`ALLOW_` names (a client listing any of them keeps SRP and refresh on,
    /// as Cognito did for such clients).
    pub fn is_legacy(self) -> bool {
        matches!(self, Self::AdminNoSrpAuth | Self::CustomAuthFlowOnly | Self::UserPasswordAuth)
    }
}

impl AuthFlow {
    /// True when an app client's `ExplicitAuthFlows` allow this flow.
    pub fn allowed_by(self, flows: &[ExplicitAuthFlow]) -> bool {
        use ExplicitAuthFlow as E;
        let has = |f: E| flows.contains(&f);
        let legacy = flows.iter().any(|f| f.is_legacy());
        match self {
            Self::UserPassword => has(E::AllowUserPasswordAuth) || has(E::UserPasswordAuth),
            Self::AdminUserPassword | Self::AdminNoSrp => has(E::AllowAdminUserPasswordAuth) || has(E::AdminNoSrpAuth),
            Self::RefreshToken => has(E::AllowRefreshTokenAuth) || legacy,
            Self::UserSrp => has(E::AllowUserSrpAuth) || legacy,
            Self::Custom => has(E::AllowCustomAuth) || has(E::CustomAuthFlowOnly),
            Self::UserAuth => has(E::AllowUserAuth),
        }
    }
}

wire_enum! {
    /// A second factor, as `PreferredMfaSetting`, `UserMFASettingList` and challenge names spell it.
    MfaFactor {
        /// SMS codes to `phone_number`.
        Sms = "SMS_MFA",
        /// Authenticator-app (TOTP) codes.
        SoftwareToken = "SOFTWARE_TOKEN_MFA",
        /// Email codes to `email`.
        Email = "EMAIL_OTP",
    }
}

impl MfaFactor {
    /// The challenge that asks for this factor's code.
    pub fn challenge(self) -> ChallengeName {
        match self {
            Self::Sms => ChallengeName::SmsMfa,
            Self::SoftwareToken => ChallengeName::SoftwareTokenMfa,
            Self::Email => ChallengeName::EmailOtp,
        }
    }

    /// The factor a challenge asks for, if it is one.
    pub fn of_challenge(c: ChallengeName) -> Option<Self> {
        match c {
            ChallengeName::SmsMfa => Some(Self::Sms),
            ChallengeName::SoftwareTokenMfa => Some(Self::SoftwareToken),
            ChallengeName::EmailOtp => Some(Self::Email),
            _ => None,
        }
    }

    /// The attribute a code of this factor is sent to (none for authenticator apps).
    pub fn address_attribute(self) -> Option<&'static str> {
        match self {
            Self::Sms => Some("phone_number"),
            Self::Email => Some("email"),
            Self::SoftwareToken => None,
        }
    }

    /// The `ChallengeResponses` key of the code.
    pub fn code_parameter(self) -> &'static str {
        match self {
            Self::Sms => "SMS_MFA_CODE",
            Self::SoftwareToken => "SOFTWARE_TOKEN_MFA_CODE",
            Self::Email => "EMAIL_OTP_CODE",
        }
    }
}

wire_enum! {
    /// `UserPoolMfaType`: a pool's MFA mode.
    #[derive(Default)]
    MfaMode {
        /// No MFA.
        #[default]
        Off = "OFF" | "",
        /// Every user must pass a second factor.
        On = "ON",
        /// Users who set a factor up pass it.
        Optional = "OPTIONAL",
    }
}

wire_enum! {
    /// `PreventUserExistenceErrorTypes` of an app client.
    #[derive(Default)]
    ExistenceErrors {
        /// Errors say when a user does not exist.
        #[default]
        Legacy = "LEGACY" | "",
        /// Unknown users get the same answers as known ones.
        Enabled = "ENABLED",
    }
}

wire_enum! {
    /// `DeliveryMediumType`.
    DeliveryMedium {
        /// Text message.
        Sms = "SMS",
        /// Email.
        Email = "EMAIL",
    }
}

impl DeliveryMedium {
    /// The attribute that holds the address.
    pub fn attribute(self) -> &'static str {
        match self {
            Self::Sms => "phone_number",
            Self::Email => "email",
        }
    }

    /// The medium of an address attribute (`phone_number` → SMS, anything else email).
    pub fn of_attribute(attr: &str) -> Self {
        if attr == "phone_number" {
            Self::Sms
        } else {
            Self::Email
        }
    }
}

wire_enum! {
    /// `OAuthFlowType` of an app client.
    OAuthFlow {
        /// Authorization code.
        Code = "code",
        /// Implicit (tokens in the redirect).
        Implicit = "implicit",
        /// Client credentials (machine to machine).
        ClientCredentials = "client_credentials",
    }
}

wire_enum! {
    /// `RecoveryOptionNameType`: where a password-reset code may go.
    RecoveryMechanism {
        /// A verified email.
        VerifiedEmail = "verified_email",
        /// A verified phone number.
        VerifiedPhoneNumber = "verified_phone_number",
        /// Only an administrator resets passwords.
        AdminOnly = "admin_only",
    }
}

wire_enum! {
    /// `DeviceRememberedStatusType`.
    DeviceStatus {
        /// The user chose to remember it.
        Remembered = "remembered",
        /// Tracked, not remembered.
        NotRemembered = "not_remembered",
    }
}

/// What a one-time code (or a single-use marker) in the store is for: its key among a user's
/// codes. One live code per purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodePurpose {
    /// Sign-up confirmation.
    SignUp,
    /// Password reset.
    Reset,
    /// Verification of an attribute (`email`, `phone_number`).
    Verify(String),
    /// A sign-in code of a factor.
    Mfa(MfaFactor),
    /// The window counter of sign-in codes sent.
    MfaSends,
    /// A remembered device's pending DEVICE_SRP_AUTH.
    DeviceSrp(String),
    /// The single use of an SRP secret block.
    SrpNonce(String),
    /// The single use of a finished MFA_SETUP session.
    MfaSetup(String),
    /// A one-time sign-in code as the first factor (USER_AUTH's EMAIL_OTP, SMS_OTP).
    SignInOtp(MfaFactor),
    /// The single use of ConfirmSignUp's sign-in session.
    SignUpSession(String),
}

impl CodePurpose {
    /// The key the store files it under (the same strings as before this type existed).
    pub fn key(&self) -> String {
        match self {
            Self::SignUp => "signup".into(),
            Self::Reset => "reset".into(),
            Self::Verify(attr) => format!("verify:{attr}"),
            Self::Mfa(f) => format!("mfa:{f}"),
            Self::MfaSends => "mfa-sends".into(),
            Self::DeviceSrp(key) => format!("device-srp:{key}"),
            Self::SrpNonce(n) => format!("srp:{n}"),
            Self::MfaSetup(n) => format!("mfa-setup:{n}"),
            Self::SignInOtp(f) => format!("otp:{f}"),
            Self::SignUpSession(n) => format!("signup-session:{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_round_trip() {
        for c in ChallengeName::ALL {
            assert_eq!(ChallengeName::parse(c.as_str()), Some(*c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        assert_eq!(AuthFlow::parse("REFRESH_TOKEN"), Some(AuthFlow::RefreshToken));
        assert_eq!(serde_json::from_str::<MfaMode>(r#""""#).unwrap(), MfaMode::Off);
        assert_eq!(serde_json::from_str::<ExistenceErrors>(r#""ENABLED""#).unwrap(), ExistenceErrors::Enabled);
        assert_eq!(MfaFactor::parse("EMAIL_OTP").unwrap().challenge(), ChallengeName::EmailOtp);
        assert_eq!(CodePurpose::Mfa(MfaFactor::Sms).key(), "mfa:SMS_MFA");
    }

    #[test]
    fn legacy_flow_names_keep_srp_and_refresh() {
        let legacy = [ExplicitAuthFlow::AdminNoSrpAuth];
        assert!(AuthFlow::UserSrp.allowed_by(&legacy) && AuthFlow::RefreshToken.allowed_by(&legacy));
        assert!(!AuthFlow::UserPassword.allowed_by(&legacy));
        let modern = [ExplicitAuthFlow::AllowUserPasswordAuth];
        assert!(!AuthFlow::UserSrp.allowed_by(&modern) && AuthFlow::UserPassword.allowed_by(&modern));
    }
}
