//! `cognate-sync`: the Cognito Sync client library from the command line, for scripts and
//! demos. Reads and writes the local cache (offline); `sync` synchronizes a dataset. Prints the
//! identity id it uses on stderr.

use clap::{Parser, Subcommand, ValueEnum};
use cognate_sync::{ConflictPolicy, SyncClient};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cognate-sync", version, about = "A Cognito Sync client with an offline cache")]
struct Cli {
    /// The service (Cognate's listener, or Cognito's endpoints' base URL).
    #[arg(long)]
    endpoint: String,
    /// The identity pool, `region:uuid`.
    #[arg(long)]
    identity_pool: String,
    /// The cache directory (one per device).
    #[arg(long)]
    cache: PathBuf,
    /// Use this identity id (otherwise the cached one, or a new one from GetId).
    #[arg(long)]
    identity_id: Option<String>,
    /// A login, PROVIDER=TOKEN (repeatable); none signs in as a guest.
    #[arg(long = "login")]
    logins: Vec<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnConflict {
    LastWriter,
    Remote,
    Local,
}

#[derive(Subcommand)]
enum Command {
    /// Set a value locally.
    Put { dataset: String, key: String, value: String },
    /// Print a value from the cache.
    Get { dataset: String, key: String },
    /// Remove a value locally.
    Remove { dataset: String, key: String },
    /// Print a dataset's keys and values from the cache, one `key=value` a line.
    List { dataset: String },
    /// Print the datasets: in the cache, and on the server when it is reachable.
    Datasets,
    /// Synchronize a dataset with the server.
    Sync {
        dataset: String,
        #[arg(long, value_enum, default_value_t = OnConflict::LastWriter)]
        on_conflict: OnConflict,
    },
}

async fn run(cli: Cli) -> Result<(), String> {
    let mut logins = HashMap::new();
    for l in &cli.logins {
        let (k, v) = l.split_once('=').ok_or_else(|| format!("--login {l}: expected PROVIDER=TOKEN"))?;
        logins.insert(k.to_string(), v.to_string());
    }
    let client =
        SyncClient::open(&cli.cache, &cli.endpoint, &cli.identity_pool, logins).await.map_err(|e| e.to_string())?;
    if let Some(id) = &cli.identity_id {
        client.set_identity_id(id).await.map_err(|e| e.to_string())?;
    }
    let needs_identity = matches!(cli.command, Command::Sync { .. } | Command::Datasets);
    if needs_identity || cli.identity_id.is_some() {
        let id = client.identity_id().await.map_err(|e| e.to_string())?;
        eprintln!("identity {id}");
    }
    match cli.command {
        Command::Put { dataset, key, value } => client.dataset(&dataset).put(&key, &value).await,
        Command::Remove { dataset, key } => client.dataset(&dataset).remove(&key).await,
        Command::Get { dataset, key } => match client.dataset(&dataset).get(&key).await {
            Ok(Some(v)) => {
                println!("{v}");
                Ok(())
            }
            Ok(None) => return Err(format!("{dataset}/{key}: no value")),
            Err(e) => Err(e),
        },
        Command::List { dataset } => client.dataset(&dataset).get_all().await.map(|all| {
            for (k, v) in all {
                println!("{k}={v}");
            }
        }),
        Command::Datasets => {
            for d in client.local_datasets().await.map_err(|e| e.to_string())? {
                println!("local {d}");
            }
            match client.remote_datasets().await {
                Ok(all) => {
                    for d in all {
                        println!("remote {d}");
                    }
                }
                Err(e) => eprintln!("server not reached: {e}"),
            }
            Ok(())
        }
        Command::Sync { dataset, on_conflict } => {
            let policy = match on_conflict {
                OnConflict::LastWriter => ConflictPolicy::LastWriterWins,
                OnConflict::Remote => ConflictPolicy::RemoteWins,
                OnConflict::Local => ConflictPolicy::LocalWins,
            };
            client.dataset(&dataset).synchronize(&policy).await.map(|r| {
                println!(
                    "synchronized {dataset}: pulled {}, pushed {}, conflicts {}, sync count {}{}",
                    r.pulled,
                    r.pushed,
                    r.conflicts,
                    r.sync_count,
                    if r.deleted { ", deleted (as on the server)" } else { "" }
                );
            })
        }
    }
    .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cognate-sync: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cognate-sync: {e}");
            ExitCode::FAILURE
        }
    }
}
