//! The common SOAP pipeline of every mocked service: parse the envelope, check the
//! SOAPAction, validate the Body's payload against the operation's XSD, find the caller's
//! certificate, and render answers and faults. Each service module only declares its
//! operations' schemas and decides what to answer; it never sees a schema-invalid request.

use crate::core::service::ServiceInfo;
use crate::core::soap::{self, INVCTX_NS, SOAP11_NS};
use crate::core::xml::{self, Element};
use crate::platform::access::InvocationFields;
use crate::platform::data::{Caller, MockFault, Platform};
use crate::platform::request::Request;
use crate::schema::{self, Invalid, Operation, Target};
use std::sync::Arc;

pub const SOAP_CONTENT_TYPE: &str = "text/xml; charset=utf-8";

pub const CLIENT_CN_HEADER: &str = "x-sp-mock-client-cert-cn";
pub const CLIENT_SHA256_HEADER: &str = "x-sp-mock-client-cert-sha256";

/// One parsed call as a service sees it.
pub struct SoapCall<'a> {
    pub action: &'a str,
    /// The operation the SOAPAction names; the payload is valid against its request schema.
    pub operation: &'static Operation,
    pub payload: &'a Element,
    pub caller: Caller,
    /// The calling scenario's id (embedded mock runs only); key for per-scenario state.
    pub scenario: String,
}

pub enum SoapAnswer {
    /// A payload element, serialised; wrapped in an envelope by the pipeline.
    Payload(String),
    Fault(MockFault),
    /// A fault whose detail is a service-specific element (serialised).
    FaultWithDetail {
        http_status: u16,
        code: String,
        string: String,
        detail: String,
    },
}

pub trait SoapService: Send + Sync + 'static {
    fn info(&self) -> &'static ServiceInfo;
    /// The service's operations: SOAPAction, and the schema and element of request and answer.
    fn operations(&self) -> &'static [Operation];
    fn handle(&self, platform: &Platform, call: &SoapCall<'_>) -> SoapAnswer;
    /// The SOAP Header of a payload answer, from the request's Header (SF1470 echoes its
    /// `RequestHeader`); most contracts declare none.
    fn answer_header(&self, _request_header: Option<&Element>) -> Option<String> {
        None
    }
}

pub struct SoapEndpoint<S: SoapService> {
    pub platform: Arc<Platform>,
    pub service: S,
}

impl<S: SoapService> SoapEndpoint<S> {
    /// The answer, and the SOAP Header a payload answer carries.
    fn answer(&self, req: &Request) -> (SoapAnswer, Option<String>) {
        let p = &self.platform;
        let schema = |reason: String| {
            (
                SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)])),
                None,
            )
        };
        let action = req
            .headers
            .get("soapaction")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().trim_matches('"').to_string())
            .unwrap_or_default();
        let root = match xml::parse(&req.body) {
            Ok(r) => r,
            Err(e) => return schema(format!("the request is not XML: {e}")),
        };
        if root.local != "Envelope" || root.ns.as_deref() != Some(SOAP11_NS) {
            return schema(format!(
                "expected a SOAP 1.1 Envelope, got <{}> in namespace {}",
                root.local,
                root.ns.as_deref().unwrap_or("(none)")
            ));
        }
        let Some(payload) = root.child("Body").and_then(|b| b.elements().next()) else {
            return schema("the SOAP Body is empty".into());
        };
        let Some(operation) = operation(&self.service, &action) else {
            let actions: Vec<&str> = self.service.operations().iter().map(|o| o.action).collect();
            return schema(format!(
                "SOAPAction '{action}' is not an operation of {}; expected one of: {}",
                self.service.info().id,
                actions.join(", ")
            ));
        };
        let call = SoapCall {
            action: &action,
            operation,
            payload,
            caller: caller(req),
            scenario: scenario(req),
        };
        // Validated as it came over the wire, so a refusal's line:column are the sender's.
        let answer = validated_handle(&self.service, p, &call, || {
            schema::check(&req.body, PAYLOAD, operation.request, 0)
        });
        (answer, self.service.answer_header(root.child("Header")))
    }
}

/// The pipeline's last two steps: validate the request against its operation's schema (when
/// the platform validates), then let the service answer.
fn validated_handle<S: SoapService + ?Sized>(
    service: &S,
    p: &Platform,
    call: &SoapCall<'_>,
    verdict: impl FnOnce() -> Result<(), Invalid>,
) -> SoapAnswer {
    if p.validates() {
        if let Err(answer) = refusal(p, service.info(), verdict()) {
            return answer;
        }
    }
    service.handle(p, call)
}

/// A schema verdict as the platform answers it: the `schema_validation` fault naming each
/// problem, or (the tool's fault, not the caller's) a server fault when it cannot validate.
fn refusal(
    p: &Platform,
    info: &ServiceInfo,
    verdict: Result<(), Invalid>,
) -> Result<(), SoapAnswer> {
    match verdict {
        Ok(()) => Ok(()),
        Err(Invalid::Problems(problems)) => {
            let reasons: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            let reason = reasons.join("; ");
            Err(SoapAnswer::Fault(
                p.fault("schema_validation", &[("reason", &reason)]),
            ))
        }
        Err(e @ Invalid::Unavailable { .. }) => Err(missing_data_fault(info.id, &e.to_string())),
    }
}

/// What the pipeline does after parsing, for a payload already read (tests call a service
/// this way): validate it against the operation's request schema, then let the service answer.
pub fn handle_payload<S: SoapService + ?Sized>(
    service: &S,
    p: &Platform,
    call: &SoapCall<'_>,
) -> SoapAnswer {
    validated_handle(service, p, call, || {
        schema::check_xml(
            xml::to_xml(call.payload).as_bytes(),
            call.operation.request,
            0,
        )
    })
}

/// The operation of `service` that `action` names.
pub fn operation<S: SoapService + ?Sized>(service: &S, action: &str) -> Option<&'static Operation> {
    service.operations().iter().find(|o| o.action == action)
}

/// Where a SOAP request's payload is: the first element in the Body.
const PAYLOAD: Target<'static> = Target(&["Envelope", "Body", "*"]);

/// An answer of a built-in service.
#[derive(Debug, Clone)]
pub struct DirectResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl DirectResponse {
    /// A REST answer with a JSON body.
    pub fn json(status: u16, v: serde_json::Value) -> DirectResponse {
        DirectResponse {
            status,
            content_type: "application/json; charset=utf-8",
            body: v.to_string(),
        }
    }

    /// A REST answer with an XML body.
    pub fn xml(status: u16, body: String) -> DirectResponse {
        DirectResponse {
            status,
            content_type: "application/xml; charset=utf-8",
            body,
        }
    }
}

/// A built-in service as the mock's backend answers it (see `platform::backend`).
pub trait DirectResponder: Send + Sync + 'static {
    fn path(&self) -> &'static str;
    /// The HTTP method answered (SOAP services: POST; REST services also GET).
    fn method(&self) -> &'static str {
        "POST"
    }
    fn respond_direct(&self, req: &Request) -> DirectResponse;
}

impl<S: SoapService> DirectResponder for SoapEndpoint<S> {
    fn path(&self) -> &'static str {
        self.service.info().path
    }

    fn respond_direct(&self, req: &Request) -> DirectResponse {
        let (answer, header) = self.answer(req);
        let (status, body) = render_parts(answer, header.as_deref());
        DirectResponse {
            status,
            content_type: SOAP_CONTENT_TYPE,
            body,
        }
    }
}

fn render_parts(answer: SoapAnswer, header: Option<&str>) -> (u16, String) {
    match answer {
        SoapAnswer::Payload(xml) => (200, soap::envelope_with_header(header, &xml)),
        SoapAnswer::Fault(f) => (
            f.http_status,
            soap::fault_envelope(&f.code, &f.string, &f.errors),
        ),
        SoapAnswer::FaultWithDetail {
            http_status,
            code,
            string,
            detail,
        } => (
            http_status,
            soap::fault_envelope_with_detail(&code, &string, &detail),
        ),
    }
}

/// Read the InvocationContext from a request payload. `None`: absent. `Some(Err)`: a field
/// is missing (the pipeline's schema validation refuses that first; this is for when it is
/// switched off to measure it).
pub fn invocation_fields(payload: &Element) -> Option<Result<InvocationFields, String>> {
    let ic = payload
        .elements()
        .find(|e| e.local == "InvocationContext" && e.ns.as_deref() == Some(INVCTX_NS))?;
    let get = |name: &str| -> Result<String, String> {
        ic.elements()
            .find(|e| e.local == name && e.ns.as_deref() == Some(INVCTX_NS))
            .map(|e| e.text())
            .ok_or_else(|| format!("InvocationContext lacks {name}"))
    };
    Some((|| {
        Ok(InvocationFields {
            service_agreement_uuid: get("ServiceAgreementUUID")?,
            user_system_uuid: get("UserSystemUUID")?,
            user_uuid: get("UserUUID")?,
            service_uuid: get("ServiceUUID")?,
        })
    })())
}

/// The context security model's whole check for one call: an InvocationContext is present
/// (else the platform's "security model not provided" fault), valid against the schema, and
/// names an approved serviceaftale for this service that the calling certificate may use.
pub fn require_invocation(
    p: &Platform,
    service: &ServiceInfo,
    payload: &Element,
    caller: &Caller,
) -> Result<InvocationFields, SoapAnswer> {
    let ic = match invocation_fields(payload) {
        None => {
            return Err(SoapAnswer::Fault(p.fault(
                "missing_security_context",
                &[("supported", "KombitToken, InvocationContext")],
            )))
        }
        Some(Err(e)) => {
            return Err(SoapAnswer::Fault(
                p.fault("schema_validation", &[("reason", &e)]),
            ))
        }
        Some(Ok(ic)) => ic,
    };
    p.authorize_invocation(service, &ic, caller)
        .map_err(SoapAnswer::Fault)?;
    Ok(ic)
}

/// A SOAP service as the front answers it: the common pipeline around `service`.
pub fn soap<S: SoapService>(platform: &Arc<Platform>, service: S) -> Arc<dyn DirectResponder> {
    Arc::new(SoapEndpoint {
        platform: platform.clone(),
        service,
    })
}

/// The answer of a mocked service whose data files are not in the mocks folder (a vendor's
/// own folder with SF1520 data only): the mock still starts, and says what is missing.
pub fn missing_data_fault(service: &str, message: &str) -> SoapAnswer {
    SoapAnswer::Fault(crate::platform::data::MockFault {
        http_status: 500,
        code: "soapenv:Server".into(),
        string: format!("sp-contract mock: {service} cannot answer: {message}"),
        errors: vec![],
    })
}

/// Data files that are simply absent disable a service; ones that are there must be valid.
pub fn absent(e: &crate::platform::data::DataError) -> bool {
    matches!(e, crate::platform::data::DataError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
}

/// The header value, if present and text.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Who called, as the front saw the client certificate.
pub fn caller(req: &Request) -> Caller {
    Caller {
        subject_cn: header(req, CLIENT_CN_HEADER),
        sha256: header(req, CLIENT_SHA256_HEADER),
    }
}

pub fn scenario(req: &Request) -> String {
    header(req, crate::platform::state::SCENARIO_HEADER).unwrap_or_default()
}

/// A query parameter of the request's URL (`?id=…`), empty when absent.
pub fn query(req: &Request, name: &str) -> String {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
