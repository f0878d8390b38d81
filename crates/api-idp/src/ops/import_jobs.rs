//! User import (SigV4 admin): the CSV header of a pool and the import jobs.

use super::Out;
use crate::shapes::*;
use cognate_core::import::{ImportJob, ImportStatus};
use cognate_core::AdminView;
use cognate_model::UserPoolId;

/// GetCSVHeader. Errors: ResourceNotFound.
pub async fn csv_header(admin: AdminView<'_>, req: GetCSVHeaderRequest) -> Out<GetCSVHeaderResponse> {
    let header = admin.csv_header(&UserPoolId::new(&req.user_pool_id)).await?;
    Ok(GetCSVHeaderResponse { csv_header: Some(header), user_pool_id: Some(req.user_pool_id) })
}

fn status(s: ImportStatus) -> UserImportJobStatusType {
    use UserImportJobStatusType as W;
    match s {
        ImportStatus::Created => W::Created,
        ImportStatus::Pending => W::Pending,
        ImportStatus::InProgress => W::InProgress,
        ImportStatus::Stopping => W::Stopping,
        ImportStatus::Expired => W::Expired,
        ImportStatus::Stopped => W::Stopped,
        ImportStatus::Failed => W::Failed,
        ImportStatus::Succeeded => W::Succeeded,
    }
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

fn wire(job: ImportJob) -> UserImportJobType {
    let now = cognate_model::now_millis();
    UserImportJobType {
        status: Some(status(job.status_now(now))),
        cloud_watch_logs_role_arn: Some(job.cloud_watch_logs_role_arn),
        completion_date: job.completed_at.map(seconds),
        completion_message: job.completion_message,
        creation_date: Some(seconds(job.created_at)),
        start_date: job.started_at.map(seconds),
        failed_users: Some(job.failed),
        imported_users: Some(job.imported),
        skipped_users: Some(job.skipped),
        job_id: Some(job.job_id),
        job_name: Some(job.job_name),
        password_hashing_algorithm: None,
        pre_signed_url: Some(job.pre_signed_url),
        user_pool_id: Some(job.pool_id),
    }
}

/// CreateUserImportJob. Errors: ResourceNotFound, InvalidParameter.
pub async fn create(admin: AdminView<'_>, req: CreateUserImportJobRequest) -> Out<CreateUserImportJobResponse> {
    let alg = req.password_hashing_algorithm.map(|a| a.as_str());
    let job = admin
        .create_import_job(&UserPoolId::new(&req.user_pool_id), &req.job_name, &req.cloud_watch_logs_role_arn, alg)
        .await?;
    Ok(CreateUserImportJobResponse { user_import_job: Some(wire(job)) })
}

/// DescribeUserImportJob. Errors: ResourceNotFound.
pub async fn describe(admin: AdminView<'_>, req: DescribeUserImportJobRequest) -> Out<DescribeUserImportJobResponse> {
    let job = admin.describe_import_job(&UserPoolId::new(&req.user_pool_id), &req.job_id).await?;
    Ok(DescribeUserImportJobResponse { user_import_job: Some(wire(job)) })
}

/// ListUserImportJobs (MaxResults 1–60). Errors: ResourceNotFound.
pub async fn list(admin: AdminView<'_>, req: ListUserImportJobsRequest) -> Out<ListUserImportJobsResponse> {
    let (jobs, next) = admin
        .list_import_jobs(
            &UserPoolId::new(&req.user_pool_id),
            req.max_results as usize,
            req.pagination_token.as_deref(),
        )
        .await?;
    Ok(ListUserImportJobsResponse {
        user_import_jobs: Some(jobs.into_iter().map(wire).collect()),
        pagination_token: next,
    })
}

/// StartUserImportJob. Errors: ResourceNotFound, PreconditionNotMet, InvalidParameter.
pub async fn start(admin: AdminView<'_>, req: StartUserImportJobRequest) -> Out<StartUserImportJobResponse> {
    let job = admin.start_import_job(&UserPoolId::new(&req.user_pool_id), &req.job_id).await?;
    Ok(StartUserImportJobResponse { user_import_job: Some(wire(job)) })
}

/// StopUserImportJob. Errors: ResourceNotFound, InvalidParameter.
pub async fn stop(admin: AdminView<'_>, req: StopUserImportJobRequest) -> Out<StopUserImportJobResponse> {
    let job = admin.stop_import_job(&UserPoolId::new(&req.user_pool_id), &req.job_id).await?;
    Ok(StopUserImportJobResponse { user_import_job: Some(wire(job)) })
}
