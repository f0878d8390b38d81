//! `cognate`: a self-hostable identity service that speaks the AWS Cognito APIs.

mod bootstrap;
mod client_ip;
mod config;
mod delivery;
mod feedback;
mod front_door;
mod geoip;
mod hosted;
mod issuer;
mod lambda;
mod listener;
mod metrics;
mod outbound;
mod prometheus;
mod rate_limit;
mod reputation;
mod routes;
mod serve;
mod sync_sink;
mod upload;
mod users_cli;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cognate", version, about = "A self-hostable identity service that speaks the AWS Cognito APIs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (SQLite in the data dir by default).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit (`serve` also applies them at start).
    Migrate(ServeArgs),
    /// Print the monthly active users of each pool (users apart from federated users, as
    /// Cognito bills them), month by month.
    Usage {
        #[command(flatten)]
        args: ServeArgs,
        /// Only this user pool.
        #[arg(long)]
        pool: Option<String>,
        /// Only this month (YYYY-MM).
        #[arg(long)]
        month: Option<String>,
    },
    /// Take a consistent copy of the SQLite database while the server runs (PostgreSQL: use
    /// pg_dump; the command says how). The master key is not in it: keep that apart.
    Backup {
        #[command(flatten)]
        args: ServeArgs,
        /// The file to write (must not exist).
        out: PathBuf,
    },
    /// Replace the data dir's database with a backup, checked against the master key first.
    /// Stop the server before.
    Restore {
        #[command(flatten)]
        args: ServeArgs,
        /// The backup file.
        backup: PathBuf,
    },
    /// Move users in and out of a pool.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Manage the token signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Import users: a Cognito CSV (the GetCSVHeader columns; users in RESET_REQUIRED) or a
    /// `cognate users export` file (passwords, TOTP, groups and devices kept). Prints a
    /// progress line and the refused rows.
    Import {
        #[command(flatten)]
        args: ServeArgs,
        /// The CSV or export file.
        file: PathBuf,
        /// The target pool (a CSV needs it; an export goes to its own pool by default, created
        /// when it does not exist).
        #[arg(long)]
        pool: Option<String>,
        /// The export key the export was sealed with.
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Write every refused row (line, username, reason) to this CSV file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Export a pool's users with their password hashes, MFA secrets and devices; secrets are
    /// sealed with the export key (created in --key-file when that file does not exist).
    Export {
        #[command(flatten)]
        args: ServeArgs,
        /// The pool.
        #[arg(long)]
        pool: String,
        /// The export key file (32 random bytes, base64).
        #[arg(long)]
        key_file: PathBuf,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Add a new signing key. Running servers publish it in their JWKS at their next key reload
    /// (every 30 s) and sign with it once `--activate-in` has passed, so no node signs with a key
    /// that another node cannot verify yet. The old key stays in the JWKS for a day.
    Rotate {
        #[command(flatten)]
        args: ServeArgs,
        /// Seconds before the new key signs (default 60; 0 for a single server restarted now).
        #[arg(long, default_value_t = 60)]
        activate_in: u64,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:9229; env COGNATE_LISTEN).
    #[arg(long)]
    listen: Option<String>,
    /// Data directory (default ./cognate-data; env COGNATE_DATA_DIR).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// TOML configuration file (env COGNATE_CONFIG); the environment overrides it.
    #[arg(long)]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One TLS crypto provider for every client in the process (SMTP, webhooks).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let (args, task) = match cli.command {
        Command::Serve(args) => (args, Task::Serve),
        Command::Migrate(args) => (args, Task::Migrate),
        Command::Keys { command: KeysCommand::Rotate { args, activate_in } } => (args, Task::Rotate(activate_in)),
        Command::Usage { args, pool, month } => (args, Task::Usage(pool, month)),
        Command::Backup { args, out } => (args, Task::Backup(out)),
        Command::Restore { args, backup } => (args, Task::Restore(backup)),
        Command::Users { command: UsersCommand::Import { args, file, pool, key_file, report } } => {
            (args, Task::Import { file, pool, key_file, report })
        }
        Command::Users { command: UsersCommand::Export { args, pool, key_file, out } } => {
            (args, Task::Export { pool, key_file, out })
        }
    };
    let cfg = match config::Config::load(args.config, args.listen, args.data_dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cognate: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    match task {
        Task::Migrate => {
            init_logging(&cfg.log);
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            match rt.block_on(serve::migrate(cfg)) {
                Ok(()) => {
                    println!("cognate: the database is up to date");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cognate: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::Backup(out) => one_shot(serve::backup(cfg, out)),
        Task::Restore(from) => one_shot(serve::restore(cfg, from)),
        Task::Import { file, pool, key_file, report } => one_shot(users_cli::import(cfg, file, pool, key_file, report)),
        Task::Export { pool, key_file, out } => one_shot(users_cli::export(cfg, pool, key_file, out)),
        Task::Usage(pool, month) => {
            init_logging("warn");
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            match rt.block_on(serve::usage(cfg, pool, month)) {
                Ok(table) => {
                    print!("{table}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cognate: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::Rotate(activate_in) => {
            init_logging("warn");
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            match rt.block_on(serve::rotate_keys(cfg, activate_in)) {
                Ok(kid) => {
                    println!(
                        "cognate: new signing key {kid}; servers publish it within 30 seconds and sign with it after {activate_in} s"
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cognate: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::Serve => {
            init_logging(&cfg.log);
            let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("cognate: cannot start the runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match rt.block_on(serve::serve(cfg)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("cognate: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

enum Task {
    Serve,
    Migrate,
    Rotate(u64),
    Usage(Option<String>, Option<String>),
    Backup(PathBuf),
    Restore(PathBuf),
    Import { file: PathBuf, pool: Option<String>, key_file: Option<PathBuf>, report: Option<PathBuf> },
    Export { pool: String, key_file: PathBuf, out: Option<PathBuf> },
}

/// Runs a one-shot command: its message on success, the error on failure.
fn one_shot(task: impl std::future::Future<Output = Result<String, String>>) -> ExitCode {
    init_logging("warn");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    match rt.block_on(task) {
        Ok(msg) => {
            if !msg.is_empty() {
                println!("{msg}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cognate: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(filter: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only for a terminal: a log file or a pipe gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).init();
}
