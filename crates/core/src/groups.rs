//! Groups and group membership.

use crate::views::AdminView;
use crate::{paging, Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, Group, User, UserPoolId};
use cognate_store::StoreError;

/// Create/UpdateGroup input.
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    /// Description.
    pub description: Option<String>,
    /// IAM role ARN.
    pub role_arn: Option<String>,
    /// Precedence (lower wins).
    pub precedence: Option<i64>,
}

fn group_not_found() -> CoreError {
    CoreError::ResourceNotFound("Group not found.".into())
}

impl Cognate {
    async fn group(&self, pool: &UserPoolId, name: &str) -> CoreResult<Group> {
        self.pool(pool).await?;
        self.store.get_group(pool, name).await?.ok_or_else(group_not_found)
    }
}

impl AdminView<'_> {
    /// CreateGroup.
    pub async fn create_group(&self, pool: &UserPoolId, name: &str, input: GroupInput) -> CoreResult<Group> {
        self.pool(pool).await?;
        crate::quotas::room_for(self.store.count_groups(pool).await?, crate::quotas::GROUPS_PER_POOL, "groups")?;
        let now = now_millis();
        let g = Group {
            pool_id: pool.clone(),
            name: name.into(),
            description: input.description,
            role_arn: input.role_arn,
            precedence: input.precedence,
            created_at: now,
            updated_at: now,
        };
        self.store.create_group(&g).await.map_err(|e| match e {
            StoreError::Conflict(_) => CoreError::GroupExists(format!("A group with the name {name} already exists.")),
            e => e.into(),
        })?;
        Ok(g)
    }

    /// GetGroup.
    pub async fn get_group(&self, pool: &UserPoolId, name: &str) -> CoreResult<Group> {
        self.group(pool, name).await
    }

    /// UpdateGroup: members given replace the stored ones; absent members stay.
    pub async fn update_group(&self, pool: &UserPoolId, name: &str, input: GroupInput) -> CoreResult<Group> {
        let mut g = self.group(pool, name).await?;
        if input.description.is_some() {
            g.description = input.description;
        }
        if input.role_arn.is_some() {
            g.role_arn = input.role_arn;
        }
        if input.precedence.is_some() {
            g.precedence = input.precedence;
        }
        g.updated_at = now_millis();
        self.store.update_group(&g).await?;
        Ok(g)
    }

    /// DeleteGroup.
    pub async fn delete_group(&self, pool: &UserPoolId, name: &str) -> CoreResult<()> {
        self.group(pool, name).await?;
        self.store.delete_group(pool, name).await.map_err(|e| match e {
            StoreError::NotFound => group_not_found(),
            e => e.into(),
        })
    }

    /// ListGroups.
    pub async fn list_groups(
        &self,
        pool: &UserPoolId,
        max: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<Group>, Option<String>)> {
        self.pool(pool).await?;
        let (after, limit) = (paging::after(token)?, paging::limit(max));
        let groups = self.store.list_groups(pool, after.as_deref(), limit + 1).await?;
        Ok(paging::split(groups, limit, |x| &x.name))
    }

    /// AdminAddUserToGroup.
    pub async fn add_user_to_group(&self, pool: &UserPoolId, username: &str, group: &str) -> CoreResult<()> {
        let p = self.pool(pool).await?;
        let user = self.resolve_user(&p, username).await?;
        self.group(pool, group).await?;
        let limit = crate::quotas::GROUPS_PER_USER;
        let groups = self.store.groups_of_user(pool, &user.username_key, None, limit + 1).await?;
        if groups.len() >= limit && !groups.iter().any(|g| g.name == group) {
            return Err(CoreError::LimitExceeded(format!("A user can belong to at most {limit} groups.")));
        }
        self.store.add_member(pool, group, &user.username_key).await.map_err(|e| match e {
            StoreError::NotFound => group_not_found(),
            e => e.into(),
        })
    }

    /// AdminRemoveUserFromGroup.
    pub async fn remove_user_from_group(&self, pool: &UserPoolId, username: &str, group: &str) -> CoreResult<()> {
        let p = self.pool(pool).await?;
        let user = self.resolve_user(&p, username).await?;
        self.group(pool, group).await?;
        self.store.remove_member(pool, group, &user.username_key).await?;
        Ok(())
    }

    /// AdminListGroupsForUser.
    pub async fn groups_for_user(
        &self,
        pool: &UserPoolId,
        username: &str,
        max: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<Group>, Option<String>)> {
        let p = self.pool(pool).await?;
        let user = self.resolve_user(&p, username).await?;
        let (after, limit) = (paging::after(token)?, paging::limit(max));
        let groups = self.store.groups_of_user(pool, &user.username_key, after.as_deref(), limit + 1).await?;
        Ok(paging::split(groups, limit, |x| &x.name))
    }

    /// ListUsersInGroup.
    pub async fn users_in_group(
        &self,
        pool: &UserPoolId,
        group: &str,
        max: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<User>, Option<String>)> {
        self.group(pool, group).await?;
        let (after, limit) = (paging::after(token)?, paging::limit(max));
        let users = self.store.users_in_group(pool, group, after.as_deref(), limit + 1).await?;
        Ok(paging::split(users, limit, |x| &x.username_key))
    }
}
