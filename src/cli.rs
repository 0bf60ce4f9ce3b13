//! The `sp-contract` command line: a thin layer over [`crate::engine`].

use crate::engine::{self, RunRequest, SuitePaths};
use crate::error::{ExitCode, Fatal};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

const EXIT_CODES: &str = "Exit codes:
  0  every selected scenario passed
  1  a scenario failed: the target answered and broke the contract
  2  usage, configuration or input error (bad flag, config, feature file, undefined step,
     unresolved alias, missing certificate, wrong password, refused production write)
  3  the target could not be reached or refused us (connection, TLS, authentication)
     before the contract could be judged";

#[derive(Parser, Debug)]
#[command(
    name = "sp-contract",
    version,
    about = "Contract tests for KOMBIT's Serviceplatformen: Gherkin scenarios against an embedded mock (mutual TLS) or a real environment",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the scenarios against a target (default: the embedded mock).
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// List the scenarios, their files and tags.
    List(ListArgs),
    /// The step vocabulary, with an example of each step.
    Steps {
        /// Print as a Markdown table (the README's step section is made with this).
        #[arg(long)]
        markdown: bool,
    },
    /// The embedded mock on its own.
    #[command(subcommand)]
    Mock(MockCommand),
    /// The local test PKI and certificate inspection.
    #[command(subcommand)]
    Certs(CertsCommand),
}

#[derive(Args, Debug, Clone)]
pub struct SuiteArgs {
    /// Feature files folder.
    #[arg(long, default_value = "features", value_name = "DIR")]
    pub features: PathBuf,
    /// Mock data folder (agreements, citizens, faults, WireMock mappings).
    #[arg(long, default_value = "mocks", value_name = "DIR")]
    pub mocks: PathBuf,
    /// Approved snapshots folder (one subfolder per target).
    #[arg(long, default_value = "snapshots", value_name = "DIR")]
    pub snapshots: PathBuf,
    /// Local test PKI folder (made on first use).
    #[arg(long, default_value = "certs", value_name = "DIR")]
    pub certs: PathBuf,
    /// Targets file; optional unless given.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl SuiteArgs {
    fn paths(&self) -> SuitePaths {
        SuitePaths {
            features: self.features.clone(),
            mocks: self.mocks.clone(),
            snapshots: self.snapshots.clone(),
            certs: self.certs.clone(),
            config: self
                .config
                .clone()
                .unwrap_or_else(|| PathBuf::from("sp-contract.toml")),
            config_required: self.config.is_some(),
        }
    }
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// Target name: `mock` (built in) or a [targets.NAME] from the config.
    #[arg(long, default_value = "mock", value_name = "NAME")]
    pub target: String,
    /// Cucumber tag expression, e.g. "@SF1520 and not @writes".
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    /// Only scenarios whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub name: Option<String>,
    /// Scenarios run at the same time.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Write the answers as the approved snapshots instead of comparing.
    #[arg(long)]
    pub update_snapshots: bool,
    /// Write a JUnit XML report (GitLab, Jenkins).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a Cucumber JSON report.
    #[arg(long, value_name = "FILE")]
    pub cucumber_json: Option<PathBuf>,
    /// Parse every feature, check every step has a definition and every alias resolves for
    /// the target, print the plan; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Let scenarios tagged @writes run against a target marked production = true.
    #[arg(long)]
    pub allow_production_writes: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, default_value = "features", value_name = "DIR")]
    pub features: PathBuf,
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    #[arg(long, value_name = "REGEX")]
    pub name: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum MockCommand {
    /// Serve the mock for your own system to call; runs until Ctrl-C.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8443")]
        addr: std::net::SocketAddr,
        #[arg(long, default_value = "mocks", value_name = "DIR")]
        mocks: PathBuf,
        #[arg(long, default_value = "certs", value_name = "DIR")]
        certs: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum CertsCommand {
    /// Create the local test PKI (CA, server, client certificates) with the openssl crate.
    Init {
        #[arg(long, default_value = "certs", value_name = "DIR")]
        dir: PathBuf,
        /// Replace an existing PKI.
        #[arg(long)]
        force: bool,
    },
    /// Show a certificate (PEM, DER or PKCS#12): subject, issuer, serial, SHA-256, validity.
    Inspect {
        file: PathBuf,
        /// Environment variable holding the PKCS#12 or key password.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
}

/// Entry point of the binary; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Usage.code()
            } else {
                ExitCode::Passed.code()
            };
        }
    };
    match dispatch(cli) {
        Ok(code) => code.code(),
        Err(f) => {
            eprintln!("error: {}", crate::redact::text(&f.message));
            f.code.code()
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Fatal> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Fatal::usage(format!("cannot start the async runtime: {e}")))
}

fn dispatch(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::List(args) => list(args),
        Command::Steps { markdown } => {
            print!("{}", steps_text(markdown));
            Ok(ExitCode::Passed)
        }
        Command::Mock(MockCommand::Serve { addr, mocks, certs }) => serve(addr, mocks, certs),
        Command::Certs(CertsCommand::Init { dir, force }) => {
            let pki =
                crate::pki::init(&dir, force).map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
            println!("Test PKI in {}:", pki.dir.display());
            for (what, p) in [
                ("CA", &pki.ca_pem),
                ("server certificate (localhost, 127.0.0.1)", &pki.server_pem),
                ("client certificate (registered)", &pki.client_pem),
                ("client key", &pki.client_key_pem),
                ("client PKCS#12", &pki.client_p12),
                ("unregistered client PKCS#12", &pki.unregistered_p12),
                ("expired client PKCS#12", &pki.expired_p12),
                ("client PKCS#12 from another CA", &pki.foreign_p12),
            ] {
                println!("  {what:45} {}", p.display());
            }
            println!("The .p12 files use the documented test password (README, \"Test PKI\").");
            Ok(ExitCode::Passed)
        }
        Command::Certs(CertsCommand::Inspect { file, password_env }) => {
            let password = match password_env {
                Some(var) => Some(crate::pki::Secret::new(std::env::var(&var).map_err(|_| {
                    Fatal::usage(format!(
                        "the environment variable {var} (--password-env) is not set; export it with the certificate password"
                    ))
                })?)),
                None => None,
            };
            let info = crate::pki::inspect(&file, password.as_ref())
                .map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
            println!("{}", file.display());
            println!("{info}");
            Ok(ExitCode::Passed)
        }
    }
}

fn run(args: RunArgs) -> Result<ExitCode, Fatal> {
    let paths = args.suite.paths();
    if args.dry_run {
        return dry_run(&paths, &args);
    }
    let mut req = RunRequest::new(paths, &args.target);
    req.tags = args.tags.clone();
    req.name = args.name.clone();
    req.concurrency = args.concurrency as usize;
    req.update_snapshots = args.update_snapshots;
    req.allow_production_writes = args.allow_production_writes;

    use std::io::IsTerminal;
    let color = crate::report::color_wanted(std::io::stdout().is_terminal());
    let mut console = crate::report::ConsoleReporter::new(std::io::stdout(), color);
    println!(
        "sp-contract {} — target '{}'",
        env!("CARGO_PKG_VERSION"),
        args.target
    );
    let outcome = runtime()?.block_on(engine::run(req, |sc, r| {
        let feature = crate::report::FeatureRef {
            name: &sc.feature_name,
            path: std::path::Path::new(&sc.feature_rel),
        };
        let _ = console.scenario_finished(feature, r);
    }))?;
    let _ = console.summary(&outcome.result);
    write_report(args.junit.as_ref(), |w| {
        crate::report::write_junit(&outcome.result, w)
    })?;
    write_report(args.cucumber_json.as_ref(), |w| {
        crate::report::write_cucumber_json(&outcome.result, w)
    })?;
    Ok(outcome.exit)
}

fn write_report(
    path: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Fatal> {
    let Some(path) = path else { return Ok(()) };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Fatal::usage(format!("cannot create {}: {e}", parent.display())))?;
    }
    let file = std::fs::File::create(path)
        .map_err(|e| Fatal::usage(format!("cannot write {}: {e}", path.display())))?;
    let mut w = std::io::BufWriter::new(file);
    write(&mut w)
        .and_then(|_| w.flush())
        .map_err(|e| Fatal::usage(format!("cannot write {}: {e}", path.display())))
}

fn dry_run(paths: &SuitePaths, args: &RunArgs) -> Result<ExitCode, Fatal> {
    let (planned, problems) = engine::dry_run(
        paths,
        &args.target,
        args.tags.as_deref(),
        args.name.as_deref(),
    )?;
    println!(
        "Dry run against target '{}': {} scenario(s), nothing is sent.",
        args.target,
        planned.len()
    );
    for sc in &planned {
        println!(
            "  {}:{}  {}  {}",
            sc.feature_rel,
            sc.line,
            crate::redact::text(&sc.name),
            sc.tags.join(" ")
        );
    }
    if problems.is_empty() {
        println!(
            "Every step has a definition and every alias resolves for '{}'.",
            args.target
        );
        return Ok(ExitCode::Passed);
    }
    println!("\n{} problem(s):", problems.len());
    for p in &problems {
        println!(
            "  {}:{}  {}\n      {}",
            p.feature_rel, p.line, p.step, p.message
        );
    }
    Ok(ExitCode::Usage)
}

fn list(args: ListArgs) -> Result<ExitCode, Fatal> {
    let paths = SuitePaths {
        features: args.features,
        ..SuitePaths::default()
    };
    let (_, planned) = engine::plan(&paths, args.tags.as_deref(), args.name.as_deref())?;
    for sc in &planned {
        println!(
            "{}:{}\t{}\t{}",
            sc.feature_rel,
            sc.line,
            crate::redact::text(&sc.name),
            sc.tags.join(" ")
        );
    }
    Ok(ExitCode::Passed)
}

/// The step vocabulary, generated from the definitions.
pub fn steps_text(markdown: bool) -> String {
    use crate::runner::steps::registry;
    let mut out = String::new();
    let mut groups: Vec<&str> = Vec::new();
    for d in registry() {
        if !groups.contains(&d.group) {
            groups.push(d.group);
        }
    }
    for g in groups {
        if markdown {
            out.push_str(&format!("\n#### {g}\n\n| step | meaning |\n|---|---|\n"));
        } else {
            out.push_str(&format!("\n{g}\n"));
        }
        for d in registry().iter().filter(|d| d.group == g) {
            if markdown {
                out.push_str(&format!(
                    "| `{} {}` | {} |\n",
                    d.kind.keyword(),
                    d.example,
                    d.doc.replace('|', "\\|")
                ));
            } else {
                out.push_str(&format!(
                    "  {} {}\n      {}\n",
                    d.kind.keyword(),
                    d.example,
                    d.doc
                ));
            }
        }
    }
    out
}

fn serve(addr: std::net::SocketAddr, mocks: PathBuf, certs: PathBuf) -> Result<ExitCode, Fatal> {
    let paths = SuitePaths {
        mocks,
        certs,
        ..SuitePaths::default()
    };
    let rt = runtime()?;
    rt.block_on(async {
        let pki = engine::ensure_pki(&paths)?;
        let running = crate::mock::start(&paths.mocks, &pki, addr)
            .await
            .map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
        let t = running.platform.target(&pki, &running.url);
        println!(
            "sp-contract mock of Serviceplatformen on {} (mutual TLS)",
            running.url
        );
        println!("  trust the server with:   {}", pki.ca_pem.display());
        println!(
            "  client certificate:      {}  key: {}",
            pki.client_pem.display(),
            pki.client_key_pem.display()
        );
        println!(
            "  or PKCS#12:              {}  (the documented test password)",
            pki.client_p12.display()
        );
        println!(
            "  authority CVR:           {}",
            t.authority_cvr.as_deref().unwrap_or("-")
        );
        println!("  UserSystemUUID:          {}", t.user_system_uuid);
        println!("  UserUUID:                {}", t.user_uuid);
        for (svc, uuid) in &t.agreements {
            let info = crate::services::by_id(svc);
            println!(
                "  {svc}: POST {}{}  ServiceAgreementUUID {uuid}{}",
                running.url,
                info.map(|i| i.path).unwrap_or(""),
                info.and_then(|i| i.service_uuid)
                    .map(|u| format!("  ServiceUUID {u}"))
                    .unwrap_or_default()
            );
        }
        println!("Press Ctrl-C to stop.");
        shutdown_signal().await;
        running.shutdown();
        println!("mock stopped");
        Ok(ExitCode::Passed)
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
