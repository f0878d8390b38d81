//! User import (SigV4 admin): the CSV header of a pool. The import jobs are not served yet.

use super::Out;
use crate::shapes::*;
use cognate_core::AdminView;
use cognate_model::UserPoolId;

/// GetCSVHeader. Errors: ResourceNotFound.
pub async fn csv_header(admin: AdminView<'_>, req: GetCSVHeaderRequest) -> Out<GetCSVHeaderResponse> {
    let header = admin.csv_header(&UserPoolId::new(&req.user_pool_id)).await?;
    Ok(GetCSVHeaderResponse { csv_header: Some(header), user_pool_id: Some(req.user_pool_id) })
}
