//! Typed shapes of every structure and enum reachable from an operation, generated from the
//! model by `tools/gen-api.py`. Field names are snake_case; serde names are the model's.

#[allow(unused_imports)]
use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use std::collections::BTreeMap;

mod generated;
pub use generated::*;
