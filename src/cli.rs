//! The `sp-contract` command line: a thin layer over [`crate::engine`].

use crate::engine::{self, RunRequest, SuitePaths};
use crate::error::{ExitCode, Fatal};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// `println!` that never panics: when stdout is closed (`sp-contract list | head -1`), the
/// rest of the output is dropped and the command ends with its own exit code, instead of
/// a panic (exit 101) on the broken pipe.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!` that never panics (see [`say!`]).
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

/// `eprintln!` that never panics (see [`say!`]).
macro_rules! tell {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

const EXIT_CODES: &str = "Exit codes:
  0  every selected scenario passed
  1  a scenario failed: the target answered and broke the contract
  2  usage, configuration or input error (bad flag, config, feature file, undefined step,
     unresolved alias, missing, expired or not yet valid certificate, wrong password,
     invalid base_url, refused production write)
  3  the target could not be reached or refused us (connection, TLS, authentication,
     time-out, a redirect, which is never followed, a gateway's error page, a truncated
     or oversized answer) before the contract could be judged";

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
    /// Walk KOMBIT's onboarding steps for a target: certificate, TLS handshake, and per
    /// serviceaftale a harmless read call, saying where it stands and what to do next.
    #[command(after_help = DOCTOR_EXIT_CODES)]
    Doctor(DoctorArgs),
    /// Work with reports already written.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The SHA-256 fingerprint of the features, mocks and snapshots a run against the target
    /// would use (the one the evidence report shows).
    Fingerprint {
        #[command(flatten)]
        suite: SuiteArgs,
        #[arg(long, default_value = "mock", value_name = "NAME")]
        target: String,
    },
}

const DOCTOR_EXIT_CODES: &str = "Exit codes:
  0  every step is done (warnings, e.g. a certificate expiring within 30 days, are printed)
  1  the platform answered and refused a call: the certificate is not registered, or a
     serviceaftale is missing, pending or rejected
  2  our side is wrong: bad config, the certificate cannot be loaded, has expired or is not
     yet valid, no serviceaftale configured for a selected service
  3  the target could not be reached or refused the TLS handshake
When several apply, 2 wins over 1, and 1 over 3 (as for `run`).";

/// Picking scenarios by service, shared by `run`, `list` and `doctor`.
#[derive(Args, Debug, Clone, Default)]
pub struct ServiceSelectArgs {
    /// Only scenarios tagged with one of these services, e.g. SF1520,SF2900.
    #[arg(long, value_name = "SF,...")]
    pub service: Option<String>,
    /// Only the services of one serviceaftale, listed in a file (one SF number per line,
    /// # comments).
    #[arg(long, value_name = "FILE")]
    pub agreement: Option<PathBuf>,
}

impl ServiceSelectArgs {
    fn services(&self) -> Result<Option<Vec<String>>, Fatal> {
        crate::runner::selection::services_from(self.service.as_deref(), self.agreement.as_deref())
            .map_err(|e| Fatal::usage(crate::error::chain(&e)))
    }
}

/// Which scenarios: the flags `run` and `list` share, defined once.
#[derive(Args, Debug, Clone, Default)]
pub struct ScenarioArgs {
    /// Cucumber tag expression, e.g. "@SF1520 and not @writes".
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    /// Only scenarios whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub name: Option<String>,
    #[command(flatten)]
    pub select: ServiceSelectArgs,
    /// Only part I of N of the selection (deterministic; for CI matrices), e.g. 2/4.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::runner::selection::Shard>,
}

impl ScenarioArgs {
    fn selection(&self) -> Result<crate::runner::selection::Selection, Fatal> {
        Ok(crate::runner::selection::Selection {
            tags: self.tags.clone(),
            name: self.name.clone(),
            services: self.select.services()?,
            shard: self.shard,
        })
    }
}

#[derive(Args, Debug)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// Target name: `mock` (built in) or a [targets.NAME] from the config.
    #[arg(long, default_value = "mock", value_name = "NAME")]
    pub target: String,
    #[command(flatten)]
    pub select: ServiceSelectArgs,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Merge the JUnit files of a sharded run (`run --shard I/N --junit ...`) into one.
    Merge {
        /// The merged report to write.
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
        /// The shards' JUnit files.
        #[arg(required = true, value_name = "JUNIT")]
        inputs: Vec<PathBuf>,
    },
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
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
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
    /// Run a scenario again, up to N times, when it failed on a transient network problem
    /// against a real target; reported as flaky. Contract failures are never retried, nor
    /// are @writes scenarios.
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=10))]
    pub retries: u8,
    /// Write the evidence report: one self-contained HTML file to read and archive.
    #[arg(long, value_name = "FILE")]
    pub report_html: Option<PathBuf>,
    /// Write a short Markdown summary (for CI job pages).
    #[arg(long, value_name = "FILE")]
    pub report_md: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, default_value = "features", value_name = "DIR")]
    pub features: PathBuf,
    #[command(flatten)]
    pub scenarios: ScenarioArgs,
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
            // clap quotes the arguments it refuses.
            let text = crate::evidence::redact::text(&e.render().to_string());
            // Help and version too may meet a closed stdout (`--help | true`).
            if e.use_stderr() {
                let _ = std::io::stderr().write_all(text.as_bytes());
            } else {
                say_raw!("{text}");
            }
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
            tell!("error: {}", crate::evidence::redact::text(&f.message));
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
            say_raw!("{}", steps_text(markdown));
            Ok(ExitCode::Passed)
        }
        Command::Mock(MockCommand::Serve { addr, mocks, certs }) => serve(addr, mocks, certs),
        Command::Doctor(args) => doctor(args),
        Command::Report(ReportCommand::Merge { output, inputs }) => {
            // Merged in memory first, so a bad input never leaves a half-written output.
            let mut merged = Vec::new();
            crate::report::merge_junit(&inputs, &mut merged)
                .map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
            write_report(Some(&output), |w| w.write_all(&merged))?;
            say!(
                "Merged {} JUnit file(s) into {}",
                inputs.len(),
                output.display()
            );
            Ok(ExitCode::Passed)
        }
        Command::Fingerprint { suite, target } => {
            let paths = suite.paths();
            let fp = engine::fingerprint(&paths, &target)?;
            say!("{}", fp.sha256);
            for p in &fp.parts {
                say!(
                    "  {:10} {:4} file(s)  {}  {}",
                    p.name,
                    p.files,
                    p.sha256,
                    p.folder.display()
                );
            }
            Ok(ExitCode::Passed)
        }
        Command::Certs(CertsCommand::Init { dir, force }) => {
            let pki = crate::targets::pki::init(&dir, force)
                .map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
            say!("Test PKI in {}:", pki.dir.display());
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
                say!("  {what:45} {}", p.display());
            }
            say!("The .p12 files use the documented test password (README, \"Test PKI\").");
            Ok(ExitCode::Passed)
        }
        Command::Certs(CertsCommand::Inspect { file, password_env }) => {
            let password = match password_env {
                Some(var) => {
                    let pw = std::env::var(&var).map_err(|_| {
                        Fatal::usage(format!(
                            "the environment variable {var} (--password-env) is not set; export it with the certificate password"
                        ))
                    })?;
                    crate::evidence::redact::register_password(&pw);
                    Some(crate::targets::pki::Secret::new(pw))
                }
                None => None,
            };
            let info = crate::targets::pki::inspect(&file, password.as_ref())
                .map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
            say!("{}", file.display());
            say!("{info}");
            Ok(ExitCode::Passed)
        }
    }
}

fn run(args: RunArgs) -> Result<ExitCode, Fatal> {
    let paths = args.suite.paths();
    let selection = args.scenarios.selection()?;
    // A report that cannot be written fails before anything is sent, not after the run.
    for (flag, path) in [
        ("--junit", &args.junit),
        ("--cucumber-json", &args.cucumber_json),
        ("--report-html", &args.report_html),
        ("--report-md", &args.report_md),
    ] {
        if let Some(p) = path {
            check_report_path(flag, p)?;
        }
    }
    if args.dry_run {
        return dry_run(&paths, &args, &selection);
    }
    let mut req = RunRequest::new(paths, &args.target);
    req.tags = selection.tags.clone();
    req.name = selection.name.clone();
    req.services = selection.services.clone();
    req.shard = selection.shard;
    req.retries = args.retries as usize;
    req.concurrency = args.concurrency as usize;
    req.update_snapshots = args.update_snapshots;
    req.allow_production_writes = args.allow_production_writes;

    use std::io::IsTerminal;
    let tty = std::io::stdout().is_terminal();
    let color = crate::report::color_wanted(tty);
    let mut console = crate::report::ConsoleReporter::new(std::io::stdout(), color);
    say!(
        "sp-contract {} — target '{}'",
        env!("CARGO_PKG_VERSION"),
        crate::evidence::redact::text(&args.target)
    );
    let rt = runtime()?;
    // The plan is made again inside the run; here it only sizes the progress display.
    let total = engine::plan(&req.paths, &selection)
        .map(|p| p.scenarios.len())
        .unwrap_or(0);
    if let Some(shard) = selection.shard {
        say!("shard {shard}: {total} scenario(s)");
    }
    let mut progress = crate::report::Progress::new(total, tty, color);
    let outcome = rt.block_on(engine::run(req, |sc, r| {
        let feature = crate::report::FeatureRef {
            name: &sc.feature_name,
            path: std::path::Path::new(&sc.feature_rel),
        };
        let mut out = std::io::stdout();
        progress.clear(&mut out);
        let _ = console.scenario_finished(feature, r);
        progress.finished(&mut out, r);
    }))?;
    progress.clear(&mut std::io::stdout());
    for svc in &outcome.context.uncovered {
        say!("note: no selected scenario covers {svc}: it was not tested");
    }
    let _ = console.summary(&outcome.result);
    write_report(args.junit.as_ref(), |w| {
        crate::report::write_junit(&outcome.result, w)
    })?;
    write_report(args.cucumber_json.as_ref(), |w| {
        crate::report::write_cucumber_json(&outcome.result, w)
    })?;
    let evidence = crate::report::Evidence {
        run: &outcome.result,
        context: &outcome.context,
        exit: outcome.exit,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    write_report(args.report_html.as_ref(), |w| {
        crate::report::write_html(&evidence, w)
    })?;
    write_report(args.report_md.as_ref(), |w| {
        crate::report::write_markdown(&evidence, w)
    })?;
    Ok(outcome.exit)
}

/// Whether a report can be written at `path`: not a folder or special file, and its folder
/// exists (it is made, as the write would) and takes a new file.
fn check_report_path(flag: &str, path: &std::path::Path) -> Result<(), Fatal> {
    let bad = |why: String| Fatal::usage(format!("{flag} {}: {why}", path.display()));
    if path.as_os_str().is_empty() {
        return Err(bad("give the path of the file to write".into()));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(bad(
                "is a folder; give the path of a file in it, e.g. report.xml".into(),
            ));
        }
        if !meta.is_file() {
            return Err(bad(
                "is not a regular file (a FIFO, socket or device)".into()
            ));
        }
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| {
        bad(format!(
            "cannot create its folder {}: {e}",
            parent.display()
        ))
    })?;
    // Writable: make (and remove) a file beside it; permission bits alone do not tell
    // (ACLs, read-only mounts).
    let probe = parent.join(format!(".sp-contract-write-check-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| {
            bad(format!(
                "its folder {} is not writable: {e}",
                parent.display()
            ))
        })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
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

fn dry_run(
    paths: &SuitePaths,
    args: &RunArgs,
    selection: &crate::runner::selection::Selection,
) -> Result<ExitCode, Fatal> {
    let (plan, problems) = engine::dry_run(paths, &args.target, selection)?;
    // A dry run shows what a real run would do, the production guard included.
    let target = engine::resolve_target_offline(paths, &args.target)?;
    engine::production_guard(&target, &plan.selected, args.allow_production_writes)?;
    say!(
        "Dry run against target '{}': {} scenario(s), nothing is sent.",
        args.target,
        plan.scenarios.len()
    );
    for sc in &plan.scenarios {
        say!(
            "  {}:{}  {}  {}",
            sc.feature_rel,
            sc.line,
            crate::evidence::redact::text(&sc.name),
            sc.tags.join(" ")
        );
        for w in &sc.warnings {
            say!("      warning: {w}");
        }
    }
    for svc in &plan.uncovered {
        say!("note: no selected scenario covers {svc}: it would not be tested");
    }
    if problems.is_empty() {
        say!(
            "Every step has a definition, every alias resolves for '{}', and no value would be refused before sending.",
            args.target
        );
        return Ok(ExitCode::Passed);
    }
    say!("\n{} problem(s):", problems.len());
    for p in &problems {
        let line = format!(
            "  {}:{}  {}\n      {}",
            p.feature_rel, p.line, p.step, p.message
        );
        say!("{}", crate::evidence::redact::text(&line));
    }
    Ok(ExitCode::Usage)
}

fn list(args: ListArgs) -> Result<ExitCode, Fatal> {
    let paths = SuitePaths {
        features: args.features.clone(),
        ..SuitePaths::default()
    };
    let selection = args.scenarios.selection()?;
    let plan = engine::plan(&paths, &selection)?;
    for sc in &plan.scenarios {
        say!(
            "{}:{}\t{}\t{}",
            sc.feature_rel,
            sc.line,
            crate::evidence::redact::text(&sc.name),
            sc.tags.join(" ")
        );
    }
    for svc in &plan.uncovered {
        tell!("note: no scenario covers {svc}");
    }
    Ok(ExitCode::Passed)
}

/// The step vocabulary, generated from the definitions.
pub fn steps_text(markdown: bool) -> String {
    let steps = engine::catalog().steps();
    let registry = || steps.defs();
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
        let running = crate::platform::start(&paths.mocks, &pki, addr, engine::catalog())
            .await
            .map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
        let t = running.platform.target(&pki, &running.url);
        say!(
            "sp-contract mock of Serviceplatformen on {} (mutual TLS)",
            running.url
        );
        say!("  trust the server with:   {}", pki.ca_pem.display());
        say!(
            "  client certificate:      {}  key: {}",
            pki.client_pem.display(),
            pki.client_key_pem.display()
        );
        say!(
            "  or PKCS#12:              {}  (the documented test password)",
            pki.client_p12.display()
        );
        say!(
            "  authority CVR:           {}",
            t.authority_cvr.as_deref().unwrap_or("-")
        );
        say!("  UserSystemUUID:          {}", t.user_system_uuid);
        say!("  UserUUID:                {}", t.user_uuid);
        for line in serve_service_lines(&t) {
            say!("{line}");
        }
        say!("Press Ctrl-C to stop.");
        shutdown_signal().await;
        running.shutdown();
        say!("mock stopped");
        Ok(ExitCode::Passed)
    })
}

/// What `mock serve` prints per service: where to call it, and what its security model needs.
/// InvocationContext services get their ServiceAgreementUUID and ServiceUUID; SF2900
/// (AuthorityContext) sends neither, only the authority's CVR; SF1601 gets a token from the
/// mock's STS and AccessTokenService first.
pub fn serve_service_lines(t: &crate::targets::config::Target) -> Vec<String> {
    use crate::core::service::SecurityModel;
    use crate::services::post::sf1601;
    let url = t.base_url.trim_end_matches('/');
    let cvr = t.authority_cvr.as_deref().unwrap_or("-");
    let mut out = Vec::new();
    for (svc, uuid) in &t.agreements {
        let Some(info) = engine::catalog().known().by_id(svc) else {
            out.push(format!("  {svc}: ServiceAgreementUUID {uuid}"));
            continue;
        };
        let at = format!("  {svc}: POST {url}{}", info.path);
        match info.security {
            SecurityModel::Invocation => out.push(format!(
                "{at}  ServiceAgreementUUID {uuid}{}",
                info.service_uuid
                    .map(|u| format!("  ServiceUUID {u}"))
                    .unwrap_or_default()
            )),
            SecurityModel::Authority => out.push(format!(
                "{at}  AuthorityContext MunicipalityCVR {cvr} (no ServiceAgreementUUID or ServiceUUID is sent: the certificate's it-system and the CVR select the serviceaftale)"
            )),
            SecurityModel::Token => {
                let eps = crate::client::token::endpoints(t);
                let (mut first, mut applies_to) = (at, info.entity_id.to_string());
                if info.id == sf1601::INFO.id {
                    first.push_str(&format!(
                        ", GET {url}{}?cprNumber=… (or {})",
                        sf1601::Register::DigitalPost.path(),
                        sf1601::Register::NemSms.path()
                    ));
                    applies_to.push_str(&format!(
                        " (PostForespoerg: {})",
                        sf1601::FORESPOERG_ENTITY_ID
                    ));
                }
                out.push(first);
                out.push(format!(
                    "      token flow, no serviceaftale UUID is sent: 1. POST {} with AnvenderKontekst.Cvr {cvr}, UseKey (the client certificate) and AppliesTo {applies_to}",
                    eps.sts
                ));
                out.push(format!(
                    "      2. POST {} with saml-token  3. the call with Authorization: Holder-of-key <token>, x-TransaktionsId, x-TransaktionsTid",
                    eps.access_token
                ));
            }
        }
    }
    out
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

fn doctor(args: DoctorArgs) -> Result<ExitCode, Fatal> {
    let paths = args.suite.paths();
    let services = args.select.services()?;
    use std::io::IsTerminal;
    let color = crate::report::color_wanted(std::io::stdout().is_terminal());
    let rt = runtime()?;
    let report = rt.block_on(async {
        let live = engine::start_target(&paths, &args.target).await?;
        let probes = engine::catalog().probes();
        let report = crate::doctor::diagnose(live.target.clone(), services, &probes).await;
        if let Some(m) = &live.mock {
            m.shutdown();
        }
        Ok::<_, Fatal>(report)
    })?;
    say_raw!("{}", report.render(color));
    Ok(report.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_says_what_each_security_model_needs() {
        let p = crate::platform::data::Platform::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks"),
            crate::engine::catalog().known(),
        )
        .unwrap();
        let pki = crate::targets::pki::TestPki::at(std::path::Path::new("/nonexistent"));
        let t = p.target(&pki, "https://127.0.0.1:8443");
        let lines = serve_service_lines(&t);
        let text = lines.join("\n");
        let of = |svc: &str| -> Vec<&String> {
            let start = lines
                .iter()
                .position(|l| l.starts_with(&format!("  {svc}: ")))
                .unwrap_or_else(|| panic!("{svc} in {text}"));
            let mut v = vec![&lines[start]];
            v.extend(
                lines[start + 1..]
                    .iter()
                    .take_while(|l| l.starts_with("      ")),
            );
            v
        };
        let sf1520 = of("SF1520");
        assert_eq!(sf1520.len(), 1);
        assert!(
            sf1520[0].contains("POST https://127.0.0.1:8443/service/CPR/PersonBaseDataExtended/4")
                && sf1520[0].contains(&format!("ServiceAgreementUUID {}", t.agreements["SF1520"]))
                && sf1520[0].contains("ServiceUUID "),
            "{text}"
        );
        let sf2900 = of("SF2900");
        assert_eq!(sf2900.len(), 1, "{text}");
        assert!(
            sf2900[0].contains("AuthorityContext MunicipalityCVR 29189846"),
            "{text}"
        );
        assert!(
            !sf2900[0].contains(&t.agreements["SF2900"])
                && !sf2900[0].contains(crate::services::sf2900::INFO.service_uuid.unwrap()),
            "SF2900 sends neither UUID: {text}"
        );
        let sf1601 = of("SF1601")
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        for want in [
            "/service/KombiPostAfsend_1/kombi",
            "/service/PostForespoerg_1/digitalpost",
            "https://127.0.0.1:8443/runtime/api/rest/wstrust/v1/issue",
            "https://127.0.0.1:8443/service/AccessTokenService_1/token",
            "AnvenderKontekst.Cvr 29189846",
            "http://entityid.kombit.dk/service/postforespoerg/1",
            "Holder-of-key",
        ] {
            assert!(sf1601.contains(want), "{want}: {text}");
        }
        assert!(!sf1601.contains("ServiceAgreementUUID"), "{text}");
    }
}
