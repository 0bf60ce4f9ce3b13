//! The registry is process-wide: every test registers values of its own.
use super::*;

#[test]
fn masks_cpr_in_every_common_shape() {
    assert_eq!(mask_cpr("0101801234"), "010180-xxxx");
    assert_eq!(mask_cpr("cpr 010180-1234."), "cpr 010180-xxxx.");
    assert_eq!(mask_cpr("<PNR>0101801234</PNR>"), "<PNR>010180-xxxx</PNR>");
    assert_eq!(
        mask_cpr("urn:oio:cpr-nr:0101801234"),
        "urn:oio:cpr-nr:010180-xxxx"
    );
    assert_eq!(mask_cpr("0101801234,0202802345"), "010180-xxxx,020280-xxxx");
}

#[test]
fn leaves_other_numbers_alone() {
    assert_eq!(mask_cpr("CVR 29189846"), "CVR 29189846");
    assert_eq!(mask_cpr("12345678901"), "12345678901");
    assert_eq!(
        mask_cpr("e6be2436-bf35-4df2-83fe-925142825dc2"),
        "e6be2436-bf35-4df2-83fe-925142825dc2"
    );
    assert_eq!(mask_cpr("9999999999"), "9999999999");
}

/// Ten digits that happen to form a date inside a hex id are no CPR number: masking them
/// corrupted the contract fingerprint (`sha256:…`) and UUIDs in reports and snapshots.
#[test]
fn leaves_hex_ids_that_contain_date_like_digits_alone() {
    let fingerprint = "sha256:9f3c0101801234ab5e77c2d94e1b0a6f3d2c8e9b7a6f5e4d3c2b1a0f9e8d7c6b";
    assert_eq!(text(fingerprint), fingerprint);
    for uuid in [
        "ab010180-1234-4def-8abc-0123456789ab",
        "e6be2436-bf35-4df2-83fe-a0101801234b",
        "E6BE2436-BF35-4DF2-83FE-A0101801234B",
    ] {
        assert_eq!(mask_cpr(uuid), uuid);
    }
    // A CPR number next to a separator or a short word is still masked.
    assert_eq!(
        mask_cpr("borger-0101801234-abcdef"),
        "borger-010180-xxxx-abcdef"
    );
    assert_eq!(mask_cpr("dead0101801234"), "dead010180-xxxx");
    assert_eq!(mask_cpr("x0101801234.feature"), "x010180-xxxx.feature");
    // One that touches a skipped id is still found.
    assert_eq!(
        mask_cpr("abcdef0101801234,0202802345"),
        "abcdef0101801234,020280-xxxx"
    );
}

#[test]
fn masks_tokens_by_pattern() {
    let t = text("Authorization: Holder-of-key abcDEF123456789==");
    assert_eq!(t, "Authorization: Holder-of-key [redacted]");
    assert!(!text(r#"{"access_token":"eyJabc.def.ghi123"}"#).contains("eyJ"));
    let sts = r#"{"RequestedSecurityToken":{"Assertion":"PHNhbWwyOkFzc2VydGlvbiB4bWxucz0i"}}"#;
    assert!(!text(sts).contains("PHNhbWwy"), "{}", text(sts));
}

#[test]
fn a_registered_token_is_masked_bare_and_in_every_encoding() {
    let tok = "eyJzaGEyNTYiOiJhYiJ9.q+/Zx9-_kT3st0ken";
    let b64 = |e: &base64::engine::GeneralPurpose| e.encode(tok);
    use base64::engine::general_purpose as g;
    let encoded = [
        tok.to_string(),
        b64(&g::STANDARD),
        b64(&g::STANDARD_NO_PAD),
        b64(&g::URL_SAFE),
        b64(&g::URL_SAFE_NO_PAD),
        "eyJzaGEyNTYiOiJhYiJ9.q%2B%2FZx9-_kT3st0ken".to_string(),
        "eyJzaGEyNTYiOiJhYiJ9.q%2b%2fZx9-_kT3st0ken".to_string(),
        r"eyJzaGEyNTYiOiJhYiJ9.q+\/Zx9-_kT3st0ken".to_string(),
    ];
    // Before registering, a bare token in an echo is printed as is.
    assert!(text(&format!("you sent {tok} (401)")).contains(tok));
    register_secret(tok);
    for e in &encoded {
        let echoed = format!("401: you sent<{e}>, and that is wrong");
        assert_eq!(
            text(&echoed),
            "401: you sent<[redacted]>, and that is wrong",
            "{e}"
        );
    }
    // Glued to other text, too.
    assert_eq!(text(&format!("x{tok}y")), "x[redacted]y");
}

#[test]
fn an_assertion_is_masked_as_received_and_decoded() {
    let xml = r#"<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_7f3e-unique-assertion-id"/>"#;
    let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
    register_assertion(&b64);
    assert_eq!(text(&format!("saml={b64}")), "saml=[redacted]");
    assert_eq!(text(&format!("got {xml} back")), "got [redacted] back");
    let html = xml
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    assert_eq!(text(&format!("<pre>{html}</pre>")), "<pre>[redacted]</pre>");
    let json = serde_json::to_string(xml).unwrap();
    assert_eq!(
        text(&format!("{{\"echo\":{json}}}")),
        "{\"echo\":\"[redacted]\"}"
    );
    // The form field the client sends: percent-encoded base64.
    let form = b64
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    assert_eq!(
        text(&format!("body: a={form}&b=1")),
        "body: a=[redacted]&b=1"
    );
}

#[test]
fn short_values_are_not_registered_but_short_passwords_are() {
    register_secret("Kw7short");
    register_secret("abc1234");
    assert_eq!(text("abc1234 Kw7short"), "abc1234 [redacted]");
    register_password("Qz9");
    assert_eq!(
        text("pw Qz9"),
        "pw Qz9",
        "below 4 characters nothing can be told"
    );
}

#[test]
fn a_short_password_is_masked_only_where_it_stands_alone() {
    register_password("vQ5x");
    assert_eq!(text("password=vQ5x&user=a"), "password=[redacted]&user=a");
    assert_eq!(text("\"vQ5x\""), "\"[redacted]\"");
    assert_eq!(text("vQ5x"), "[redacted]");
    // Inside a longer word it is left alone: masking it would point at the password.
    assert_eq!(text("avQ5xb vQ5x1"), "avQ5xb vQ5x1");
    // Its base64 (8 characters) is masked anywhere.
    let b = base64::engine::general_purpose::STANDARD.encode("vQ5x");
    assert_eq!(text(&format!("k{b}k")), "k[redacted]k");
}

#[test]
fn a_long_password_is_masked_anywhere() {
    register_password("pw-9c1e-hemmelig");
    assert_eq!(
        text("the pw-9c1e-hemmeligX and ?p=pw-9c1e-hemmelig"),
        "the [redacted]X and ?p=[redacted]"
    );
}

#[test]
fn a_secret_with_digits_is_masked_whole_before_cpr_masking() {
    register_secret("zz0101801234qq");
    assert_eq!(text("t=zz0101801234qq;"), "t=[redacted];");
}

#[test]
fn snippets_are_masked_before_they_are_cut() {
    let tok = "snippet-token-9f8e7d6c5b4a";
    register_secret(tok);
    let body = format!("{}{tok}", "x".repeat(10));
    // Cut in the middle of the token: no part of it shows.
    let s = snippet(body.as_bytes(), 20);
    assert!(!s.contains("snippet-t"), "{s}");
    assert!(s.starts_with("xxxxxxxxxx[redacted]"), "{s}");
    assert_eq!(snippet("æøå".as_bytes(), 3), "æ");
}

#[test]
fn bytes_are_masked_like_text() {
    register_secret("bytes-secret-0xC0FFEE");
    assert_eq!(
        bytes(b"<a>bytes-secret-0xC0FFEE 0101801234</a>"),
        b"<a>[redacted] 010180-xxxx</a>".to_vec()
    );
}

#[test]
fn overlapping_secrets_are_masked_as_one() {
    register_secret("ovl-AAAA-BBBB-1111");
    register_secret("BBBB-1111-ovl-CCCC");
    assert_eq!(text("x ovl-AAAA-BBBB-1111-ovl-CCCC y"), "x [redacted] y");
}

#[test]
fn secrets_that_share_their_start_are_told_apart() {
    let head = "<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=";
    let (a, b) = (
        format!("{head}\"_one-1\"/>"),
        format!("{head}\"_two-22\"/>"),
    );
    register_secret(&a);
    register_secret(&b);
    assert_eq!(text(&format!("{a}|{b}")), "[redacted]|[redacted]");
    // The common start alone is public text, not a secret.
    assert_eq!(
        text(&format!("{head}\"_three\"/>")),
        format!("{head}\"_three\"/>")
    );
}

#[test]
fn cpr_numbers_beside_other_letters_are_masked() {
    // The pattern reads bytes: a neighbour of several bytes is still "not a digit".
    assert_eq!(mask_cpr("ø1503801015æ"), "ø150380-xxxxæ");
    assert_eq!(
        mask_cpr("Ærø:150380-1015,0101801234"),
        "Ærø:150380-xxxx,010180-xxxx"
    );
    assert_eq!(mask_cpr("١1503801015"), "١150380-xxxx");
    // Part of a longer number: not a CPR number.
    assert_eq!(mask_cpr("11503801015"), "11503801015");
}

#[test]
fn tokens_are_masked_in_any_case_the_pattern_folds() {
    assert_eq!(
        text("Authorization: BEARER abcdefgh12345678"),
        "Authorization: BEARER [redacted]"
    );
    // Unicode folds the Kelvin sign onto k and the long s onto s: the quick look before the
    // pattern must not rule those out.
    assert_eq!(
        text("holder-of-\u{212A}ey abcdefgh12345678"),
        "holder-of-\u{212A}ey [redacted]"
    );
    assert_eq!(
        text("\u{17F}aml-token=abcdefgh12345678"),
        "\u{17F}aml-token=[redacted]"
    );
    assert_eq!(
        text("no token here, just a bear"),
        "no token here, just a bear"
    );
}
