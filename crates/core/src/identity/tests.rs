//! Identity pools end to end in core: guests, user-pool logins, roles, credentials.
