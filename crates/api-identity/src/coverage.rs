//! Keeps the README's coverage table true for cognito-identity: every operation listed once.

use crate::Operation;
use std::collections::HashMap;

#[test]
fn readme_coverage_table_lists_every_operation() {
    let readme = include_str!("../../../README.md");
    let table: HashMap<&str, &str> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells.len() == 3 && cells[1] == "cognito-identity" && Operation::from_name(cells[0]).is_some())
                .then(|| (cells[0], cells[2]))
        })
        .collect();
    assert_eq!(table.len(), Operation::ALL.len(), "every operation has one row");
    assert!(table.values().all(|v| *v == "served"), "{table:?}");
}
