//! The `sp-contract` command line, clap only: the arguments, and [`main`] turning them into
//! plain values for the command in [`crate::commands`] that prints the answer. Nothing here
//! prints but clap's own messages and the one line of a command's error.

use crate::commands::{self, say_raw, tell, ReportFiles};
use crate::engine::{RunRequest, SuitePaths};
use crate::error::{ExitCode, Fatal};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::num::NonZeroUsize;
use std::path::PathBuf;

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
    /// Threads for `run`, `doctor` and `mock serve` (default: the machine's cores). `run` gives
    /// each a lane of the scenarios, no more lanes than scenarios, and a lane serves its own
    /// calls to the embedded mock.
    #[arg(long, global = true, value_name = "N", value_parser = parse_threads, display_order = 20)]
    pub threads: Option<NonZeroUsize>,
}

/// The most worker threads `--threads` takes: beyond this a typo, not a machine.
const MAX_THREADS: usize = 1024;

/// `--threads N`: a whole number from 1 to [`MAX_THREADS`]; clap makes a refusal a usage error.
fn parse_threads(s: &str) -> Result<NonZeroUsize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_THREADS).contains(n))
        .and_then(NonZeroUsize::new)
        .ok_or_else(|| {
            format!(
                "the number of worker threads must be a whole number from 1 to {MAX_THREADS} (leave --threads out to use every core)"
            )
        })
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the scenarios against a target (default: the embedded mock).
    #[command(after_help = EXIT_CODES)]
    Run(Box<RunArgs>),
    /// List the scenarios, their files and tags.
    List(ListArgs),
    /// The step vocabulary, with an example of each step.
    Steps {
        /// Print as a Markdown table (the README's step section is made with this).
        #[arg(long, conflicts_with_all = ["json", "cucumber_js"])]
        markdown: bool,
        /// Print as JSON (group, keyword, pattern, example, variants, meaning) for tools.
        #[arg(long, conflicts_with = "cucumber_js")]
        json: bool,
        /// Print a step-definition file for VS Code's Cucumber extension ("cucumber.glue"):
        /// completion and undefined-step marks while writing features.
        #[arg(long)]
        cucumber_js: bool,
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
        Ok(crate::runner::selection::services_from(
            self.service.as_deref(),
            self.agreement.as_deref(),
        )?)
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
    /// Check a signed evidence report (`run --report-html FILE --sign`): the signature, its
    /// signer's certificate, and the contract fingerprint it records against a checkout.
    #[command(after_help = VERIFY_EXIT_CODES)]
    Verify {
        /// The evidence report (HTML).
        report: PathBuf,
        /// Its signature (default: REPORT.p7s).
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
        /// Check the signer's certificate chain against these CA certificates (PEM).
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
        /// The checkout to compare the report's contract fingerprint with.
        #[command(flatten)]
        suite: SuiteArgs,
    },
}

const VERIFY_EXIT_CODES: &str = "Exit codes:
  0  the signature verifies and the checkout has the contract fingerprint the report records
  1  the signature does not verify (the report or signature changed), or the fingerprints differ
  2  bad input: no signature file, an unreadable report, not a signature";

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
    /// Sign the evidence report: a detached CMS signature made with the function
    /// certificate that ran the suite, written beside --report-html as FILE.p7s (check it
    /// with `sp-contract report verify FILE`).
    #[arg(long)]
    pub sign: bool,
    /// Language of the evidence reports' headings and verdicts: da (Danish) or en.
    #[arg(long, default_value = "da", value_name = "da|en")]
    pub lang: crate::report::words::Lang,
    /// The vendor of the system tested, named in the evidence reports (else `[report]
    /// vendor` in the config).
    #[arg(long, value_name = "NAME")]
    pub vendor: Option<String>,
    /// Who ran the suite, named in the evidence reports (else `[report] operator`).
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// The it-system's name, shown beside its UUID in the evidence reports (else `[report]
    /// it_system`).
    #[arg(long, value_name = "NAME")]
    pub it_system: Option<String>,
    /// Write every exchanged message (request and answer, headers) to DIR, one masked file per
    /// exchange, numbered per scenario (DIR/FEATURE/SCENARIO/001-SF1520-PersonLookup.txt).
    #[arg(long, value_name = "DIR")]
    pub trace: Option<PathBuf>,
}

impl RunArgs {
    /// The run these flags ask for.
    fn request(&self) -> Result<RunRequest, Fatal> {
        let selection = self.scenarios.selection()?;
        let mut req = RunRequest::new(self.suite.paths(), &self.target);
        req.tags = selection.tags;
        req.name = selection.name;
        req.services = selection.services;
        req.shard = selection.shard;
        req.retries = self.retries as usize;
        req.concurrency = self.concurrency as usize;
        req.update_snapshots = self.update_snapshots;
        req.allow_production_writes = self.allow_production_writes;
        req.trace = self.trace.clone();
        Ok(req)
    }

    fn reports(&self) -> ReportFiles {
        ReportFiles {
            junit: self.junit.clone(),
            cucumber_json: self.cucumber_json.clone(),
            html: self.report_html.clone(),
            markdown: self.report_md.clone(),
            sign: self.sign,
            lang: self.lang,
            vendor: self.vendor.clone(),
            operator: self.operator.clone(),
            it_system: self.it_system.clone(),
        }
    }
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
        /// Requests kept in the journal (the admin API's GET /__admin/requests); the oldest
        /// go first. 0 keeps none (each request is still printed).
        #[arg(long, default_value_t = crate::platform::journal::DEFAULT_CAPACITY, value_name = "N", value_parser = parse_journal)]
        journal: usize,
        /// Microseconds a worker keeps polling for its connection's next request after
        /// answering, instead of sleeping at once, while the mock has at most one open
        /// connection per two cores: a client calling one request after another then need
        /// not wait for the mock to be woken. 0 turns it off.
        #[arg(long, default_value_t = DEFAULT_BUSY_POLL_US, value_name = "MICROSECONDS", value_parser = parse_busy_poll)]
        busy_poll: u64,
    },
}

const DEFAULT_BUSY_POLL_US: u64 = {
    let us = crate::platform::front::busy_poll::DEFAULT_WINDOW.as_micros();
    assert!(us <= u64::MAX as u128);
    us as u64
};

fn parse_busy_poll(s: &str) -> Result<u64, String> {
    let max = crate::platform::front::busy_poll::MAX_WINDOW.as_micros();
    s.parse::<u64>()
        .ok()
        .filter(|n| u128::from(*n) <= max)
        .ok_or_else(|| {
            format!("the busy-poll window must be a whole number of microseconds from 0 to {max}")
        })
}

/// The most journal entries `--journal` takes: each keeps up to two bounded bodies.
const MAX_JOURNAL: usize = 100_000;

fn parse_journal(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|n| *n <= MAX_JOURNAL)
        .ok_or_else(|| format!("the journal size must be a whole number from 0 to {MAX_JOURNAL}"))
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

fn dispatch(cli: Cli) -> Result<ExitCode, Fatal> {
    let threads = cli.threads;
    match cli.command {
        Command::Run(args) => {
            let req = args.request()?;
            commands::run(req, &args.reports(), args.dry_run, threads)
        }
        Command::List(args) => commands::list(args.features, &args.scenarios.selection()?),
        Command::Steps {
            markdown,
            json,
            cucumber_js,
        } => commands::steps(match (markdown, json, cucumber_js) {
            (true, _, _) => commands::StepsFormat::Markdown,
            (_, true, _) => commands::StepsFormat::Json,
            (_, _, true) => commands::StepsFormat::CucumberJs,
            _ => commands::StepsFormat::Text,
        }),
        Command::Mock(MockCommand::Serve {
            addr,
            mocks,
            certs,
            journal,
            busy_poll,
        }) => commands::serve(
            addr,
            mocks,
            certs,
            journal,
            threads,
            std::time::Duration::from_micros(busy_poll),
        ),
        Command::Doctor(args) => {
            let paths = args.suite.paths();
            commands::doctor(&paths, &args.target, args.select.services()?, threads)
        }
        Command::Report(ReportCommand::Merge { output, inputs }) => {
            commands::merge_junit(&output, &inputs)
        }
        Command::Report(ReportCommand::Verify {
            report,
            signature,
            ca,
            suite,
        }) => commands::verify_report(&report, signature.as_deref(), ca.as_deref(), &suite.paths()),
        Command::Fingerprint { suite, target } => commands::fingerprint(&suite.paths(), &target),
        Command::Certs(CertsCommand::Init { dir, force }) => commands::certs_init(&dir, force),
        Command::Certs(CertsCommand::Inspect { file, password_env }) => {
            commands::certs_inspect(&file, password_env.as_deref())
        }
    }
}
