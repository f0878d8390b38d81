//! Keeps the README's cognito-sync table true: every operation listed once, "served" exactly
//! when the dispatcher serves it.

use crate::{dispatch::dispatch, ApiError, Authorized, Operation};
use cognate_core::sync::SyncCtx;
use cognate_core::RequestContext;

#[tokio::test]
async fn readme_coverage_table_matches_the_dispatcher() {
    let readme = include_str!("../../../README.md");
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect::<Vec<_>>())
        .filter(|c| c.len() == 3 && c[1] == "cognito-sync")
        .collect();
    assert_eq!(rows.len(), Operation::ALL.len(), "every cognito-sync operation has one row");
    let svc = cognate_core::testing::service().await;
    let rc = RequestContext::internal();
    for op in Operation::ALL {
        let served = !matches!(
            dispatch(&svc, op, &Authorized::Sync(SyncCtx::Developer), &rc, Default::default()).await,
            Err(ApiError::NotBuilt(_))
        );
        let row = rows.iter().find(|r| r[0] == op.name()).unwrap_or_else(|| panic!("no row for {}", op.name()));
        assert_eq!(row[2], if served { "served" } else { "not yet" }, "README row for {}", op.name());
    }
}
