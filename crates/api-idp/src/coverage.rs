//! Keeps the README's coverage table true: every operation is listed once, and "served"
//! exactly when the dispatcher serves it.

use crate::{dispatch::dispatch, ApiError, Authorized, Operation};
use cognate_core::RequestContext;
use std::collections::HashMap;

#[tokio::test]
async fn readme_coverage_table_matches_the_dispatcher() {
    let readme = include_str!("../../../README.md");
    let table: HashMap<&str, &str> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            // Rows of the other APIs' tables (cognito-identity, sts) name their API in the middle.
            let other_api = matches!(cells.get(1), Some(&"cognito-identity") | Some(&"sts"));
            (cells.len() == 3 && !other_api && Operation::from_name(cells[0]).is_some()).then(|| (cells[0], cells[2]))
        })
        .collect();
    assert_eq!(table.len(), Operation::ALL.len(), "every operation has one row");
    let svc = cognate_core::testing::service().await;
    let rc = RequestContext::internal();
    for op in Operation::ALL {
        let served = !matches!(
            dispatch(&svc, op, &Authorized::Public, &rc, Default::default()).await,
            Err(ApiError::NotBuilt(_))
        );
        let want = if served { "served" } else { "not yet" };
        assert_eq!(table[op.name()], want, "README row for {}", op.name());
    }
}
