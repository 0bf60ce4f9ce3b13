//! `mock serve`: the embedded mock on its own, for a vendor's system to call, and what it
//! prints so that system can be set up: the certificates, the identities, and per service
//! where to call it and what its security model needs; then one journal line per request.

use super::{build_runtime, say, worker_threads};
use crate::engine::{self, SuitePaths};
use crate::error::{ExitCode, Fatal};
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// `mock serve`: prints the mock's URL, the CA to trust, the client certificate (PEM and
/// PKCS#12), the authority's CVR, the user system and user UUIDs and
/// `serve_service_lines`; then serves until Ctrl-C (or SIGTERM), printing each request's
/// journal line (see `platform::journal`), keeping the last `journal`, and says it stopped.
/// Its workers poll for `busy_poll` after an answer (see `platform::front::busy_poll`).
pub fn serve(
    addr: std::net::SocketAddr,
    mocks: PathBuf,
    certs: PathBuf,
    journal: usize,
    threads: Option<NonZeroUsize>,
    busy_poll: std::time::Duration,
) -> Result<ExitCode, Fatal> {
    let paths = SuitePaths {
        mocks,
        certs,
        ..SuitePaths::default()
    };
    // The front serves on threads of its own, one single-threaded runtime per worker; this
    // thread only starts it, prints and waits for Ctrl-C.
    let rt = build_runtime(1)?;
    let workers = crate::platform::front::Workers::Own {
        threads: NonZeroUsize::new(worker_threads(threads)).unwrap_or(NonZeroUsize::MIN),
        busy_poll,
    };
    rt.block_on(async {
        let pki = engine::ensure_pki(&paths)?;
        let (lines, tx) = line_channel();
        let printer = line_sink(tx.clone());
        let options = crate::platform::MockOptions {
            journal,
            printer: Some(printer),
            workers,
            ..Default::default()
        };
        let running = crate::platform::start_with_options(
            &paths.mocks,
            &pki,
            addr,
            engine::catalog(),
            options,
        )
        .await?;
        // What the mock evicts is told among the request lines, in their order.
        let evicted = line_sink(tx.clone());
        running
            .platform
            .state
            .on_evict(move |e| evicted(crate::platform::journal::note(&e.to_string())));
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
        say!("Press Ctrl-C to stop. One line per request: time (UTC), client certificate, service, operation, verdict.");
        // The journal's lines only once the set-up is printed.
        lines.start();
        shutdown_signal().await;
        // The requests being answered get their answers and their lines first.
        running.stop(LAST_LINES_WAIT).await;
        print_last_lines(&running.journal, &tx);
        say!("mock stopped");
        Ok(ExitCode::Passed)
    })
}

/// What `mock serve` prints per service: where to call it, and what its security model needs.
/// InvocationContext services get their ServiceAgreementUUID and ServiceUUID; SF2900
/// (AuthorityContext) sends neither, only the authority's CVR; SF1601 gets a token from the
/// mock's STS and AccessTokenService first; SF1470 (OIO IDWS) a SOAP token from the mock's STS.
fn serve_service_lines(t: &crate::targets::target::Target) -> Vec<String> {
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
            SecurityModel::Idws(idws) => {
                let route = t.idws_route(info, &idws);
                out.push(format!("  {svc}: POST {} (SOAP {})", route.endpoint, route.soap.label()));
                out.push(format!(
                    "      OIO IDWS, no serviceaftale UUID is sent: 1. POST {} (SOAP 1.2 WS-Trust, signed) with AppliesTo {}, the CVR claim {cvr} and the client certificate as UseKey  2. the call signed with that certificate, the assertion embedded",
                    route.sts_url, info.entity_id
                ));
            }
        }
    }
    out
}

/// The journal's lines go through a channel to a thread of their own: a stdout that blocks
/// (a full pipe) must not hold up the requests being answered. The channel is bounded, in
/// batches (the journal hands over one every 20 ms, of at most 256 lines); batches beyond
/// it are dropped (the journal itself still keeps the requests).
const LINES_QUEUED: usize = 256;

/// What goes to the printing thread: lines, or a request to say once all before it are out.
enum Out {
    Lines(String),
    Printed(std::sync::mpsc::Sender<()>),
}

struct Lines {
    rx: std::sync::mpsc::Receiver<Out>,
}

impl Lines {
    fn start(self) {
        std::thread::spawn(move || {
            for out in self.rx {
                match out {
                    Out::Lines(lines) => say!("{lines}"),
                    Out::Printed(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
    }
}

fn line_channel() -> (Lines, std::sync::mpsc::SyncSender<Out>) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Out>(LINES_QUEUED);
    (Lines { rx }, tx)
}

fn line_sink(tx: std::sync::mpsc::SyncSender<Out>) -> crate::platform::journal::Printer {
    Box::new(move |lines: String| {
        let _ = tx.try_send(Out::Lines(lines));
    })
}

/// How long stopping waits for the last lines to be printed (a stdout that blocks must not
/// keep the mock from stopping).
const LAST_LINES_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Print what the journal holds of the requests answered so far, before the mock says it
/// stopped: the journal prints every 20 ms, and the last lines would otherwise be lost.
fn print_last_lines(
    journal: &crate::platform::journal::Journal,
    tx: &std::sync::mpsc::SyncSender<Out>,
) {
    journal.flush();
    let (done, printed) = std::sync::mpsc::channel();
    if tx.send(Out::Printed(done)).is_ok() {
        let _ = printed.recv_timeout(LAST_LINES_WAIT);
    }
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
