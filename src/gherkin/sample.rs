//! A generated Danish feature of a chosen size, for the linear-time test and the
//! `gherkin_speed` example (which includes this file by path), so both time the same text.

/// A Danish feature of about `bytes` bytes: outlines with steps, a table, a docstring and
/// examples, as in the repository's suite.
pub fn big_feature(bytes: usize) -> String {
    let mut s = String::from("# language: da\n@stor\nEgenskab: stor\n  Beskrivelse.\n");
    let mut i = 0;
    while s.len() < bytes {
        i += 1;
        s.push_str(&format!(
            "\n  @n{i}\n  Abstrakt Scenario: nummer {i} <x>\n    Givet et brev til \"far\"\n    Når jeg sender <x>\n      | a | b |\n      | 1 | 2 |\n    Så svaret er\n      \"\"\"\n      linje {i}\n      \"\"\"\n    Eksempler:\n      | x |\n      | y |\n"
        ));
    }
    s
}
