//! The `AuthParameters` and `ChallengeResponses` maps → the service's typed [`AuthParams`], and
//! the model's enums of sign-in to and from their shapes.

use super::wire_enum;
use crate::shapes::{AuthFlowType, ChallengeNameType};
use cognate_core::AuthParams;
use cognate_model::{AuthFlow, ChallengeName};
use std::collections::BTreeMap;

/// Reads a wire map. Unknown keys are ignored, as Cognito ignores them.
pub fn params(map: Option<BTreeMap<String, String>>) -> AuthParams {
    let mut p = AuthParams::default();
    for (k, v) in map.unwrap_or_default() {
        let slot = match k.as_str() {
            "USERNAME" => &mut p.username,
            "PASSWORD" => &mut p.password,
            "SRP_A" => &mut p.srp_a,
            "REFRESH_TOKEN" => &mut p.refresh_token,
            "SECRET_HASH" => &mut p.secret_hash,
            "DEVICE_KEY" => &mut p.device_key,
            "NEW_PASSWORD" => &mut p.new_password,
            "PASSWORD_CLAIM_SECRET_BLOCK" => &mut p.password_claim_secret_block,
            "PASSWORD_CLAIM_SIGNATURE" => &mut p.password_claim_signature,
            "TIMESTAMP" => &mut p.timestamp,
            "ANSWER" => &mut p.answer,
            "SMS_MFA_CODE" => &mut p.sms_mfa_code,
            "EMAIL_OTP_CODE" => &mut p.email_otp_code,
            "SOFTWARE_TOKEN_MFA_CODE" => &mut p.software_token_mfa_code,
            "SMS_OTP_CODE" => &mut p.sms_otp_code,
            "PREFERRED_CHALLENGE" => &mut p.preferred_challenge,
            "CREDENTIAL" => &mut p.credential,
            _ => {
                if let Some(name) = k.strip_prefix("userAttributes.") {
                    p.user_attributes.push((name.to_string(), v));
                }
                continue;
            }
        };
        *slot = Some(v);
    }
    p
}

/// The model's flow of a (validated) `AuthFlowType`.
pub fn flow(f: AuthFlowType) -> AuthFlow {
    AuthFlow::parse(f.as_str()).unwrap_or(AuthFlow::UserSrp)
}

/// The model's challenge of a (validated) `ChallengeNameType`.
pub fn challenge(c: ChallengeNameType) -> ChallengeName {
    ChallengeName::parse(c.as_str()).unwrap_or(ChallengeName::CustomChallenge)
}

/// The shape of a challenge the service asks for.
pub fn challenge_out(c: ChallengeName) -> Option<ChallengeNameType> {
    wire_enum(c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_challenge_and_flow_of_the_model_has_a_type() {
        for c in ChallengeName::ALL {
            assert!(challenge_out(*c).is_some(), "{c}");
        }
        for f in AuthFlow::ALL {
            let shape: AuthFlowType = wire_enum(f.as_str()).unwrap();
            assert_eq!(flow(shape), *f);
        }
        let p = params(Some(BTreeMap::from([
            ("USERNAME".into(), "a".into()),
            ("userAttributes.given_name".into(), "Ann".into()),
            ("unknown".into(), "x".into()),
        ])));
        assert_eq!(p.username.as_deref(), Some("a"));
        assert_eq!(p.user_attributes, [("given_name".to_string(), "Ann".to_string())]);
    }
}
