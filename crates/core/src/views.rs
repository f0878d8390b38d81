//! Views of the service, one per kind of caller (lldap's access-controlled handlers, garage's
//! `bucket_helper()`). [`Cognate`] holds the shared parts; a caller gets a view from it with
//! the context that authorizes it, and the view carries that context and the request's
//! [`RequestContext`] into every function:
//!
//! | view | made by | from | what it serves |
//! |---|---|---|---|
//! | [`AdminView`] | [`Cognate::admin`] | an [`AdminCtx`] (admin SigV4 principal) | the admin API |
//! | [`UserView`] | [`Cognate::user`] | a [`UserCtx`] (checked access token) | the user's own account |
//! | [`SignInView`] | [`Cognate::sign_in`] | nothing: the flow authorizes itself | InitiateAuth and its challenges, refresh, revoke |
//! | [`AccountView`] | [`Cognate::account`] | nothing: a client id and codes | sign-up, confirmation, password recovery |
//! | [`OAuthView`] | [`Cognate::oauth`] | client credentials, codes, tokens | the OAuth 2.0 / OIDC endpoints |
//! | [`IdentityView`] | [`Cognate::identities`] | an identity id and its logins | GetId, credentials, OpenID tokens |
//!
//! A function that needs admin rights exists only on `AdminView`, so code without an
//! `AdminCtx` cannot call it. The sign-in state machine lives on `SignInView`; the admin
//! flows (AdminInitiateAuth) and, later, the hosted UI drive the same one.

use crate::triggers::claims::TokenSource;
use crate::{AdminCtx, Cognate, RequestContext, UserCtx};
use std::ops::Deref;

/// The admin API, for an administrator.
#[derive(Clone, Copy)]
pub struct AdminView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) ctx: &'a AdminCtx,
    pub(crate) req: &'a RequestContext,
}

/// A signed-in user's own account.
#[derive(Clone, Copy)]
pub struct UserView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) ctx: &'a UserCtx,
    pub(crate) req: &'a RequestContext,
}

/// Sign-in: the flows, their challenges, refresh and revocation. The hosted UI drives the same
/// machine in `hosted` mode: it ends in [`crate::AuthOutcome::SignedIn`] instead of tokens
/// (the tokens come from the code exchange), and does not look at `ExplicitAuthFlows` (those
/// gate the API's flows, not the hosted pages).
#[derive(Clone, Copy)]
pub struct SignInView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) req: &'a RequestContext,
    pub(crate) hosted: bool,
    /// What tokens issued at the end of this sign-in come from (PreTokenGeneration's source).
    pub(crate) source: TokenSource,
    /// The password of this sign-in is on a compromised-password list (threat protection let
    /// it through): its event says so.
    pub(crate) compromised_password: bool,
    /// A custom authentication flow (its threat protection mode is `CustomAuthMode`).
    pub(crate) custom_auth: bool,
    /// A passwordless first factor (a one-time code, a passkey): the risk gate asks no MFA.
    pub(crate) passwordless: bool,
}

/// The OAuth 2.0 / OpenID Connect endpoints: authorization requests, codes, the token endpoint,
/// userInfo, revocation.
#[derive(Clone, Copy)]
pub struct OAuthView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) req: &'a RequestContext,
}

/// Identity pools' public operations (GetId, GetCredentialsForIdentity, GetOpenIdToken,
/// UnlinkIdentity): they authorize by the identity and the logins they carry.
#[derive(Clone, Copy)]
pub struct IdentityView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) req: &'a RequestContext,
}

/// Sign-up, confirmation and password recovery (no token yet). The hosted pages use it in
/// `hosted` mode, where a confidential client's `SECRET_HASH` is not asked for: the pages are
/// the pool's own, and what they end in (a code) still needs the secret to become tokens.
#[derive(Clone, Copy)]
pub struct AccountView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) req: &'a RequestContext,
    pub(crate) hosted: bool,
}

impl Cognate {
    /// The admin API for the holder of `ctx`.
    pub fn admin<'a>(&'a self, ctx: &'a AdminCtx, req: &'a RequestContext) -> AdminView<'a> {
        AdminView { svc: self, ctx, req }
    }

    /// The account of the user `ctx` names.
    pub fn user<'a>(&'a self, ctx: &'a UserCtx, req: &'a RequestContext) -> UserView<'a> {
        UserView { svc: self, ctx, req }
    }

    /// Sign-in flows.
    pub fn sign_in<'a>(&'a self, req: &'a RequestContext) -> SignInView<'a> {
        SignInView {
            svc: self,
            req,
            hosted: false,
            source: TokenSource::Authentication,
            compromised_password: false,
            custom_auth: false,
            passwordless: false,
        }
    }

    /// Sign-in flows for the hosted pages.
    pub fn hosted_sign_in<'a>(&'a self, req: &'a RequestContext) -> SignInView<'a> {
        SignInView {
            svc: self,
            req,
            hosted: true,
            source: TokenSource::HostedAuth,
            compromised_password: false,
            custom_auth: false,
            passwordless: false,
        }
    }

    /// The OAuth 2.0 endpoints.
    pub fn oauth<'a>(&'a self, req: &'a RequestContext) -> OAuthView<'a> {
        OAuthView { svc: self, req }
    }

    /// Identity pools' public operations.
    pub fn identities<'a>(&'a self, req: &'a RequestContext) -> IdentityView<'a> {
        IdentityView { svc: self, req }
    }

    /// Sign-up and recovery.
    pub fn account<'a>(&'a self, req: &'a RequestContext) -> AccountView<'a> {
        AccountView { svc: self, req, hosted: false }
    }

    /// Sign-up and recovery for the hosted pages.
    pub fn hosted_account<'a>(&'a self, req: &'a RequestContext) -> AccountView<'a> {
        AccountView { svc: self, req, hosted: true }
    }
}

macro_rules! deref_to_service {
    ($($view:ident),*) => {$(
        impl Deref for $view<'_> {
            type Target = Cognate;
            fn deref(&self) -> &Cognate {
                self.svc
            }
        }
        impl<'a> $view<'a> {
            /// The request this view serves.
            pub fn request(&self) -> &'a RequestContext {
                self.req
            }
        }
    )*};
}

deref_to_service!(AdminView, UserView, SignInView, AccountView, OAuthView, IdentityView);

impl<'a> AdminView<'a> {
    /// The same view for a request on behalf of someone else: a server-side app's
    /// AdminInitiateAuth names its user's address and headers (`ContextData`), and threat
    /// protection and the events judge the user's, not the app's. Only an administrator (a
    /// verified SigV4 signature) may say where a request comes from.
    pub fn on_behalf<'b>(&self, req: &'b RequestContext) -> AdminView<'b>
    where
        'a: 'b,
    {
        AdminView { svc: self.svc, ctx: self.ctx, req }
    }

    /// The administrator's context.
    pub fn ctx(&self) -> &'a AdminCtx {
        self.ctx
    }

    /// The sign-in machine, for the admin flows.
    pub(crate) fn flows(&self) -> SignInView<'a> {
        SignInView {
            svc: self.svc,
            req: self.req,
            hosted: false,
            source: TokenSource::Authentication,
            compromised_password: false,
            custom_auth: false,
            passwordless: false,
        }
    }
}

impl<'a> SignInView<'a> {
    /// The same view for a request whose `UserContextData` names the end user's address
    /// ([`RequestContext::claiming`]); threat protection decides whether to believe it.
    pub fn with_user_context<'b>(&self, req: &'b RequestContext) -> SignInView<'b>
    where
        'a: 'b,
    {
        SignInView { svc: self.svc, req, ..*self }
    }
}

macro_rules! secret_hash_unless_hosted {
    ($($view:ident),*) => {$(
        impl $view<'_> {
            /// `SECRET_HASH`, as [`Cognate::check_secret_hash`] checks it, except on the hosted
            /// pages (which never see a client secret). It shadows the service's method, so the
            /// flows written for the API call it unchanged.
            pub(crate) fn check_secret_hash(
                &self,
                client: &cognate_model::AppClient,
                given: Option<&str>,
                names: &[&str],
            ) -> crate::CoreResult<()> {
                if self.hosted {
                    return Ok(());
                }
                self.svc.check_secret_hash(client, given, names)
            }
        }
    )*};
}

secret_hash_unless_hosted!(SignInView, AccountView);

impl<'a> UserView<'a> {
    /// The user's context.
    pub fn ctx(&self) -> &'a UserCtx {
        self.ctx
    }
}

macro_rules! trigger_calls {
    ($($view:ident),*) => {$(
        impl<'a> $view<'a> {
            /// A trigger call made for this view's request.
            pub(crate) fn call<'b>(
                &self,
                trigger: crate::triggers::Trigger,
                source: &'b str,
                pool: &'b cognate_model::UserPool,
                user_name: &'b str,
                client_id: Option<&'b str>,
            ) -> crate::triggers::Call<'b>
            where
                'a: 'b,
            {
                crate::triggers::Call { trigger, source, pool, user_name, client_id, req: self.req }
            }
        }
    )*};
}

trigger_calls!(AdminView, SignInView, AccountView, OAuthView);

macro_rules! code_via {
    ($($view:ident),*) => {$(
        impl<'a> $view<'a> {
            /// How a code sent for this view's request goes.
            pub(crate) fn via<'b>(
                &self,
                source: crate::codes::MessageSource,
                client_id: Option<&'b str>,
            ) -> crate::codes::Via<'b>
            where
                'a: 'b,
            {
                crate::codes::Via { source, client_id, req: self.req }
            }
        }
    )*};
}

code_via!(AdminView, UserView, SignInView, AccountView);
