//! The evidence reports' words in Danish (the default: FOI's working language) and English
//! (`--lang en`): one table per language, so a heading or verdict is never chosen by an `if`
//! in a writer. Sentences with values use `{{name}}` placeholders, filled by [`fill`].

/// The language of an evidence report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    /// `da` or `en`, as `--lang` takes it and `<html lang>` wants it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::Da => &DA,
            Lang::En => &EN,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s.to_ascii_lowercase().as_str() {
            "da" => Ok(Lang::Da),
            "en" => Ok(Lang::En),
            _ => Err(format!(
                "'{}' is not a report language: use da (Danish, the default) or en (English)",
                s.chars().take(20).collect::<String>().escape_debug()
            )),
        }
    }
}

/// Every word the evidence reports show.
pub struct Words {
    pub kicker: &'static str,
    // The run's verdict: the word, and a sentence.
    pub v_none: (&'static str, &'static str),
    pub v_passed: (&'static str, &'static str),
    pub v_broken: (&'static str, &'static str),
    pub v_suite: (&'static str, &'static str),
    pub v_unreached: (&'static str, &'static str),
    /// `{{total}} {{passed}} {{failed}} {{skipped}} {{flaky}} {{exit}}`.
    pub counts: &'static str,
    /// `{{n}}`.
    pub flaky_count: &'static str,
    // What the kind of target proves.
    pub proves_mock: &'static str,
    /// `{{url}}`.
    pub proves_served: &'static str,
    /// `{{target}} {{url}} {{agreements}}`.
    pub proves_remote: &'static str,
    pub proves_remote_none: &'static str,
    pub production: &'static str,
    // Facts.
    pub h_tested: &'static str,
    pub target: &'static str,
    pub kind_mock: &'static str,
    pub kind_served: &'static str,
    pub environment: &'static str,
    pub date: &'static str,
    pub duration: &'static str,
    pub tool: &'static str,
    pub host: &'static str,
    pub vendor: &'static str,
    pub operator: &'static str,
    pub not_given: &'static str,
    pub selection: &'static str,
    pub all_scenarios: &'static str,
    pub retries: &'static str,
    /// `{{n}}`.
    pub retries_text: &'static str,
    pub h_suite: &'static str,
    pub features: &'static str,
    pub mocks: &'static str,
    pub snapshots: &'static str,
    pub mocks_unused: &'static str,
    pub built_in: &'static str,
    pub differs: &'static str,
    /// `{{n}}`.
    pub files: &'static str,
    pub commit: &'static str,
    pub no_git: &'static str,
    /// `{{n}}`: a commit with uncommitted changes in the features folder.
    pub dirty: &'static str,
    pub fingerprint: &'static str,
    /// `{{n}}`.
    pub over_files: &'static str,
    /// `{{target}}`.
    pub fingerprint_note: &'static str,
    pub h_certificate: &'static str,
    pub subject: &'static str,
    pub issuer: &'static str,
    pub sha256: &'static str,
    pub serial: &'static str,
    pub valid: &'static str,
    /// `{{from}} {{to}} {{left}}`.
    pub valid_text: &'static str,
    /// `{{n}}`.
    pub days_left: &'static str,
    /// `{{n}}`.
    pub expired_ago: &'static str,
    /// `{{error}}`.
    pub cert_unread: &'static str,
    pub h_authority: &'static str,
    pub authority: &'static str,
    pub not_configured: &'static str,
    pub it_system: &'static str,
    pub it_system_uuid: &'static str,
    pub user_uuid: &'static str,
    pub agreement: &'static str,
    pub agreements: &'static str,
    pub none_for_selected: &'static str,
    // Results.
    pub h_matrix: &'static str,
    /// Service, result, scenarios, passed, contract broken, not reached, suite error,
    /// skipped, flaky.
    pub matrix_head: [&'static str; 9],
    /// `{{services}}`.
    pub uncovered: &'static str,
    pub h_scenarios: &'static str,
    pub no_scenarios: &'static str,
    // A service's or a scenario's result.
    pub r_passed: &'static str,
    pub r_broken: &'static str,
    pub r_unreached: &'static str,
    pub r_suite: &'static str,
    pub r_skipped: &'static str,
    pub r_untested: &'static str,
    pub r_flaky: &'static str,
    pub r_undefined: &'static str,
    pub not_run: &'static str,
    pub no_definition: &'static str,
    /// `{{n}}`: a table's or docstring's lines, when shown collapsed.
    pub show_lines: &'static str,
    /// `{{n}}`: lines left out of a trimmed table or docstring.
    pub more_lines: &'static str,
    pub why_contract: &'static str,
    pub why_transport: &'static str,
    pub why_input: &'static str,
    /// `{{n}}`.
    pub passed_on: &'static str,
    /// `{{n}}`.
    pub failed_all: &'static str,
    pub earlier: &'static str,
    pub warning: &'static str,
    pub needs_attention: &'static str,
    pub warnings: &'static str,
    /// `{{n}} {{reason}}`.
    pub flaky_after: &'static str,
    /// `{{version}} {{date}}`.
    pub footer: &'static str,
}

pub const EN: Words = Words {
    kicker: "Serviceplatformen contract test · evidence report",
    v_none: ("NO SCENARIOS", "This part of the run had no scenarios (an empty shard); nothing was tested here."),
    v_passed: ("PASSED", "Every selected scenario ran and the target kept the contract."),
    v_broken: ("CONTRACT BROKEN", "The target answered, and at least one answer broke the contract."),
    v_suite: ("SUITE ERROR", "The test suite or its configuration must be fixed before the contract can be judged."),
    v_unreached: ("NOT JUDGED", "The target could not be reached or refused the connection, so the contract could not be judged."),
    counts: "{{total}} scenario(s): {{passed}} passed, {{failed}} failed, {{skipped}} skipped{{flaky}} · exit code {{exit}}",
    flaky_count: ", {{n}} flaky (passed after a retry)",
    proves_mock: "Run against sp-contract's embedded mock of Serviceplatformen, not the platform. It shows that the suite and the requests it sends are consistent with the mock's model of the platform; it does not show that Serviceplatformen accepts them. Evidence for a serviceaftale needs a run against exttest.",
    proves_served: "Run against a served copy of sp-contract's mock (sp-contract mock serve) at {{url}}, not Serviceplatformen. It shows that the suite and the requests it sends are consistent with the mock's model of the platform; it does not show that Serviceplatformen accepts them.",
    proves_remote: "Run against {{target}} ({{url}}). Evidence for the serviceaftaler {{agreements}}: the target answered these calls, made with the function certificate below.",
    proves_remote_none: "Run against {{target}} ({{url}}). No serviceaftale is configured for the selected services, so this run is evidence for none.",
    production: "production (scenarios that write were refused unless explicitly allowed)",
    h_tested: "What was tested",
    target: "Target",
    kind_mock: "the embedded mock of Serviceplatformen",
    kind_served: "sp-contract mock serve",
    environment: "Environment",
    date: "Date",
    duration: "Duration",
    tool: "Tool",
    host: "Host",
    vendor: "Vendor",
    operator: "Operator",
    not_given: "not given (--vendor, --operator or [report] in the config)",
    selection: "Selection",
    all_scenarios: "all scenarios",
    retries: "Retries",
    retries_text: "up to {{n}} per scenario, for transient network failures on real targets only (never for a broken contract)",
    h_suite: "The suite that ran",
    features: "Features",
    mocks: "Mocks",
    snapshots: "Snapshots",
    mocks_unused: "not used (the target is not the embedded mock)",
    built_in: "the built-in one",
    differs: "differs from the built-in one",
    files: "{{n}} file(s)",
    commit: "Git commit",
    no_git: "not in a git repository",
    dirty: "with {{n}} uncommitted change(s) in the features folder",
    fingerprint: "Contract fingerprint",
    over_files: "over {{n}} file(s)",
    fingerprint_note: "SHA-256 over the sorted relative paths and contents of the files used; check a checkout with sp-contract fingerprint --target {{target}}, or the signed report with sp-contract report verify.",
    h_certificate: "Certificate presented",
    subject: "Subject",
    issuer: "Issuer",
    sha256: "SHA-256 fingerprint",
    serial: "Serial",
    valid: "Valid",
    valid_text: "{{from}} to {{to}} ({{left}})",
    days_left: "{{n}} day(s) left at the time of the run",
    expired_ago: "expired {{n}} day(s) ago",
    cert_unread: "could not be read for this report: {{error}}",
    h_authority: "Authority and serviceaftaler",
    authority: "Authority",
    not_configured: "not configured",
    it_system: "User system (it-system)",
    it_system_uuid: "User system (it-system) UUID",
    user_uuid: "User UUID",
    agreement: "Serviceaftale",
    agreements: "Serviceaftaler",
    none_for_selected: "none configured for the selected services",
    h_matrix: "Results by service",
    matrix_head: ["Service", "Result", "Scenarios", "Passed", "Contract broken", "Not reached", "Suite error", "Skipped", "Flaky"],
    uncovered: "Named in the selection but covered by no scenario, so not tested: {{services}}.",
    h_scenarios: "Scenarios",
    no_scenarios: "No scenario ran in this part of the run.",
    r_passed: "PASSED",
    r_broken: "BROKEN",
    r_unreached: "NOT REACHED",
    r_suite: "SUITE ERROR",
    r_skipped: "SKIPPED",
    r_untested: "NOT TESTED",
    r_flaky: "FLAKY",
    r_undefined: "UNDEFINED",
    not_run: "(not run)",
    no_definition: "(no step definition)",
    show_lines: "{{n}} lines",
    more_lines: "… {{n}} more line(s) in the HTML report",
    why_contract: "The answer broke the contract.",
    why_transport: "No answer from the service: it could not be reached or refused the call (connection, certificate, time-out, redirect or gateway page).",
    why_input: "The test suite or its configuration needs to be fixed.",
    passed_on: "Passed on attempt {{n}} of {{n}}",
    failed_all: "Failed on all {{n}} attempts",
    earlier: "Earlier attempts failed on a transient network problem (not the contract):",
    warning: "Warning:",
    needs_attention: "Needs attention",
    warnings: "Warnings",
    flaky_after: "flaky: passed on attempt {{n}} after: {{reason}}",
    footer: "Made by sp-contract {{version}} on {{date}}. CPR numbers are masked (DDMMYY-xxxx); certificate passwords and tokens are never written to reports.",
};

pub const DA: Words = Words {
    kicker: "Kontrakttest af Serviceplatformen · dokumentationsrapport",
    v_none: ("INGEN SCENARIER", "Denne del af kørslen havde ingen scenarier (en tom shard); intet blev testet her."),
    v_passed: ("BESTÅET", "Alle valgte scenarier kørte, og målet overholdt kontrakten."),
    v_broken: ("KONTRAKTEN BRUDT", "Målet svarede, og mindst ét svar brød kontrakten."),
    v_suite: ("FEJL I TESTSUITEN", "Testsuiten eller dens konfiguration skal rettes, før kontrakten kan bedømmes."),
    v_unreached: ("IKKE BEDØMT", "Målet kunne ikke nås eller afviste forbindelsen, så kontrakten kunne ikke bedømmes."),
    counts: "{{total}} scenarie(r): {{passed}} bestået, {{failed}} fejlet, {{skipped}} sprunget over{{flaky}} · afslutningskode {{exit}}",
    flaky_count: ", {{n}} ustabile (bestået efter et nyt forsøg)",
    proves_mock: "Kørt mod sp-contracts indbyggede mock af Serviceplatformen, ikke mod platformen. Det viser, at testsuiten og de kald, den sender, stemmer overens med mockens model af platformen; det viser ikke, at Serviceplatformen accepterer dem. Dokumentation for en serviceaftale kræver en kørsel mod exttest.",
    proves_served: "Kørt mod en kopi af sp-contracts mock (sp-contract mock serve) på {{url}}, ikke mod Serviceplatformen. Det viser, at testsuiten og de kald, den sender, stemmer overens med mockens model af platformen; det viser ikke, at Serviceplatformen accepterer dem.",
    proves_remote: "Kørt mod {{target}} ({{url}}). Dokumentation for serviceaftalerne {{agreements}}: målet besvarede kaldene, der blev foretaget med funktionscertifikatet nedenfor.",
    proves_remote_none: "Kørt mod {{target}} ({{url}}). Der er ingen serviceaftale konfigureret for de valgte services, så kørslen dokumenterer ingen.",
    production: "produktion (scenarier, der skriver, blev afvist, medmindre det udtrykkeligt var tilladt)",
    h_tested: "Hvad blev testet",
    target: "Mål",
    kind_mock: "Serviceplatformens indbyggede mock",
    kind_served: "sp-contract mock serve",
    environment: "Miljø",
    date: "Dato",
    duration: "Varighed",
    tool: "Værktøj",
    host: "Maskine",
    vendor: "Leverandør",
    operator: "Udført af",
    not_given: "ikke angivet (--vendor, --operator eller [report] i konfigurationen)",
    selection: "Udvalg",
    all_scenarios: "alle scenarier",
    retries: "Nye forsøg",
    retries_text: "op til {{n}} pr. scenarie, kun ved forbigående netværksfejl mod rigtige mål (aldrig ved brudt kontrakt)",
    h_suite: "Testsuiten, der kørte",
    features: "Features",
    mocks: "Mocks",
    snapshots: "Snapshots",
    mocks_unused: "ikke brugt (målet er ikke den indbyggede mock)",
    built_in: "den indbyggede",
    differs: "afviger fra den indbyggede",
    files: "{{n}} fil(er)",
    commit: "Git-commit",
    no_git: "ikke i et git-repository",
    dirty: "med {{n}} ikke-committede ændring(er) i features-mappen",
    fingerprint: "Kontraktens fingeraftryk",
    over_files: "over {{n}} fil(er)",
    fingerprint_note: "SHA-256 over de sorterede relative stier og indholdet af de anvendte filer; kontrollér en checkout med sp-contract fingerprint --target {{target}}, eller den signerede rapport med sp-contract report verify.",
    h_certificate: "Anvendt certifikat",
    subject: "Subject",
    issuer: "Udsteder",
    sha256: "SHA-256-fingeraftryk",
    serial: "Serienummer",
    valid: "Gyldigt",
    valid_text: "{{from}} til {{to}} ({{left}})",
    days_left: "{{n}} dag(e) tilbage på kørselstidspunktet",
    expired_ago: "udløbet for {{n}} dag(e) siden",
    cert_unread: "kunne ikke læses til rapporten: {{error}}",
    h_authority: "Myndighed og serviceaftaler",
    authority: "Myndighed",
    not_configured: "ikke konfigureret",
    it_system: "Anvendersystem (it-system)",
    it_system_uuid: "Anvendersystemets (it-systemets) UUID",
    user_uuid: "Brugerens UUID",
    agreement: "Serviceaftale",
    agreements: "Serviceaftaler",
    none_for_selected: "ingen konfigureret for de valgte services",
    h_matrix: "Resultat pr. service",
    matrix_head: ["Service", "Resultat", "Scenarier", "Bestået", "Kontrakt brudt", "Ikke nået", "Suitefejl", "Sprunget over", "Ustabile"],
    uncovered: "Nævnt i udvalget, men dækket af intet scenarie, så ikke testet: {{services}}.",
    h_scenarios: "Scenarier",
    no_scenarios: "Intet scenarie kørte i denne del af kørslen.",
    r_passed: "BESTÅET",
    r_broken: "BRUDT",
    r_unreached: "IKKE NÅET",
    r_suite: "SUITEFEJL",
    r_skipped: "SPRUNGET OVER",
    r_untested: "IKKE TESTET",
    r_flaky: "USTABIL",
    r_undefined: "UDEFINERET",
    not_run: "(ikke kørt)",
    no_definition: "(ingen trindefinition)",
    show_lines: "{{n}} linjer",
    more_lines: "… {{n}} linje(r) mere i HTML-rapporten",
    why_contract: "Svaret brød kontrakten.",
    why_transport: "Intet svar fra servicen: den kunne ikke nås eller afviste kaldet (forbindelse, certifikat, timeout, omdirigering eller gateway-side).",
    why_input: "Testsuiten eller dens konfiguration skal rettes.",
    passed_on: "Bestået i forsøg {{n}} af {{n}}",
    failed_all: "Fejlede i alle {{n}} forsøg",
    earlier: "Tidligere forsøg fejlede på et forbigående netværksproblem (ikke kontrakten):",
    warning: "Advarsel:",
    needs_attention: "Kræver opmærksomhed",
    warnings: "Advarsler",
    flaky_after: "ustabil: bestået i forsøg {{n}} efter: {{reason}}",
    footer: "Lavet af sp-contract {{version}} den {{date}}. CPR-numre er maskeret (DDMMYY-xxxx); certifikaters adgangskoder og tokens skrives aldrig i rapporter.",
};

/// `template` with each `{{name}}` replaced by its value, in one pass: a value is never
/// read for placeholders (a scenario may be named `{{x}}`). A name without a value is a
/// slip in a template: debug builds (the tests) stop on it, others keep it as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + len];
        out.push_str(&rest[..start]);
        let value = values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        debug_assert!(value.is_some(), "no value for {{{{{name}}}}}");
        out.push_str(value.unwrap_or(&rest[start..start + len + 2]));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// `template` with its one `{{n}}` (it may stand more than once) replaced by `n`.
pub fn n(template: &str, n: usize) -> String {
    fill(template, &[("n", &n.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_each_placeholder_once() {
        assert_eq!(
            fill("<{{a}}|{{b}}>{{", &[("a", "{{b}}"), ("b", "2")]),
            "<{{b}}|2>{{"
        );
    }

    #[test]
    fn languages_parse_and_refuse() {
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("da".parse::<Lang>(), Ok(Lang::Da));
        assert!("de".parse::<Lang>().unwrap_err().contains("da (Danish"));
    }
}
