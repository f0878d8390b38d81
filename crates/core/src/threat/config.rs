//! The mode (`UserPoolAddOns`), the feature-plan gate, and the risk configurations of a pool
//! and its clients.

use crate::views::AdminView;
use crate::{CoreError, CoreResult};
use cognate_model::risk::{RiskConfig, ThreatMode};
use cognate_model::{now_millis, ClientId, PoolSettings, UserPoolId};
use cognate_model::{AppClient, UserPool};

fn mode_of(s: &PoolSettings) -> ThreatMode {
    s.extra
        .get("UserPoolAddOns")
        .and_then(|a| a.get("AdvancedSecurityMode"))
        .and_then(|m| m.as_str())
        .and_then(ThreatMode::parse)
        .unwrap_or_default()
}

/// The pool's threat protection mode (`UserPoolAddOns.AdvancedSecurityMode`; OFF when unset).
pub(crate) fn mode(pool: &UserPool) -> ThreatMode {
    mode_of(&pool.settings)
}

/// The mode of custom authentication flows (`UserPoolAddOns.AdvancedSecurityAdditionalFlows.
/// CustomAuthMode`): OFF when unset, and while the pool's own mode is OFF.
pub(crate) fn custom_auth_mode(pool: &UserPool) -> ThreatMode {
    if mode(pool) == ThreatMode::Off {
        return ThreatMode::Off;
    }
    pool.settings
        .extra
        .get("UserPoolAddOns")
        .and_then(|a| a.get("AdvancedSecurityAdditionalFlows"))
        .and_then(|f| f.get("CustomAuthMode"))
        .and_then(|m| m.as_str())
        .and_then(ThreatMode::parse)
        .unwrap_or_default()
}

/// Threat protection needs the Plus plan, as in Cognito ("To activate this setting, your user
/// pool must be on the Plus tier", UserPoolAddOnsType).
pub(crate) fn check_tier(s: &PoolSettings) -> CoreResult<()> {
    let tier = s.tier();
    if mode_of(s) != ThreatMode::Off && tier != "PLUS" {
        return Err(CoreError::FeatureUnavailableInTier(format!(
            "Threat protection (AdvancedSecurityMode AUDIT or ENFORCED) requires the PLUS feature plan; \
             this user pool is on {tier}. Set UserPoolTier to PLUS."
        )));
    }
    Ok(())
}

/// The risk configuration that applies to a sign-in through `client`: the client's own, else
/// the pool's.
pub(crate) fn effective<'a>(pool: &'a UserPool, client: Option<&'a AppClient>) -> Option<&'a RiskConfig> {
    client.and_then(|c| c.settings.risk.as_ref()).or(pool.settings.risk.as_ref())
}

fn add_on_off(pool: &UserPool) -> CoreError {
    CoreError::UserPoolAddOnNotEnabled(format!(
        "Advanced security features (threat protection) are not enabled for user pool {}: set \
         UserPoolAddOns.AdvancedSecurityMode to AUDIT or ENFORCED.",
        pool.id
    ))
}

/// The pool, when its threat protection is on (`UserPoolAddOnNotEnabledException` otherwise).
pub(crate) fn require_on(pool: UserPool) -> CoreResult<UserPool> {
    if mode(&pool) == ThreatMode::Off {
        return Err(add_on_off(&pool));
    }
    Ok(pool)
}

/// What DescribeRiskConfiguration shows: the configuration and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskConfigView {
    /// The pool.
    pub pool_id: String,
    /// The client, when the configuration is a client's.
    pub client_id: Option<String>,
    /// The configuration (`None`: nothing set).
    pub config: Option<RiskConfig>,
}

impl AdminView<'_> {
    /// SetRiskConfiguration: replaces the pool's configuration, or with `client` that client's.
    /// Errors: ResourceNotFound, UserPoolAddOnNotEnabled, InvalidParameter.
    pub async fn set_risk_configuration(
        &self,
        pool_id: &UserPoolId,
        client: Option<&str>,
        mut config: RiskConfig,
    ) -> CoreResult<RiskConfigView> {
        let mut pool = require_on(self.pool(pool_id).await?)?;
        config.last_modified = now_millis();
        if let Some(t) = &config.takeover {
            let notifies = [t.low, t.medium, t.high].iter().flatten().any(|a| a.notify);
            if notifies && t.notify.is_none() {
                return Err(CoreError::InvalidParameter(
                    "NotifyConfiguration is required when an account takeover action notifies the user.".into(),
                ));
            }
        }
        match client {
            Some(id) => {
                let mut c = self.client_in_pool(&pool.id, &ClientId::new(id)).await?;
                c.settings.risk = Some(config.clone());
                c.updated_at = now_millis();
                self.store.update_client(&c).await?;
            }
            None => {
                pool.settings.risk = Some(config.clone());
                pool.updated_at = now_millis();
                self.store.update_pool(&pool).await?;
            }
        }
        Ok(RiskConfigView { pool_id: pool.id.to_string(), client_id: client.map(str::to_string), config: Some(config) })
    }

    /// DescribeRiskConfiguration: the client's configuration when it has one, else the pool's.
    /// Errors: ResourceNotFound, UserPoolAddOnNotEnabled.
    pub async fn describe_risk_configuration(
        &self,
        pool_id: &UserPoolId,
        client: Option<&str>,
    ) -> CoreResult<RiskConfigView> {
        let pool = require_on(self.pool(pool_id).await?)?;
        if let Some(id) = client {
            let c = self.client_in_pool(&pool.id, &ClientId::new(id)).await?;
            if let Some(cfg) = c.settings.risk {
                return Ok(RiskConfigView {
                    pool_id: pool.id.to_string(),
                    client_id: Some(id.into()),
                    config: Some(cfg),
                });
            }
        }
        Ok(RiskConfigView { pool_id: pool.id.to_string(), client_id: None, config: pool.settings.risk })
    }
}
