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
//!
//! A function that needs admin rights exists only on `AdminView`, so code without an
//! `AdminCtx` cannot call it. The sign-in state machine lives on `SignInView`; the admin
//! flows (AdminInitiateAuth) and, later, the hosted UI drive the same one.

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

/// Sign-in: the flows, their challenges, refresh and revocation.
#[derive(Clone, Copy)]
pub struct SignInView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) req: &'a RequestContext,
}

/// Sign-up, confirmation and password recovery (no token yet).
#[derive(Clone, Copy)]
pub struct AccountView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) req: &'a RequestContext,
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
        SignInView { svc: self, req }
    }

    /// Sign-up and recovery.
    pub fn account<'a>(&'a self, req: &'a RequestContext) -> AccountView<'a> {
        AccountView { svc: self, req }
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

deref_to_service!(AdminView, UserView, SignInView, AccountView);

impl<'a> AdminView<'a> {
    /// The administrator's context.
    pub fn ctx(&self) -> &'a AdminCtx {
        self.ctx
    }

    /// The sign-in machine, for the admin flows.
    pub(crate) fn flows(&self) -> SignInView<'a> {
        SignInView { svc: self.svc, req: self.req }
    }
}

impl<'a> UserView<'a> {
    /// The user's context.
    pub fn ctx(&self) -> &'a UserCtx {
        self.ctx
    }
}
