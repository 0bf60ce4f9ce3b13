//! The mapping file format as serde types: which keys each object has and what kind of value
//! each holds. Checking what the values mean (a regex compiles, a status is a status) is
//! `compile.rs`'s part.
//!
//! The rule: every object refuses keys it does not have (`deny_unknown_fields`), and
//! [`unknown_key`] says whether such a key is a WireMock feature left out of the subset or
//! unknown altogether (a typo), naming the keys the object does have. A matcher that was
//! silently ignored would make a stub match more than its author meant.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A file in WireMock's export format: `{"mappings": [...], "meta": {...}}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Export {
    pub mappings: List<Mapping>,
    #[serde(rename = "meta")]
    _meta: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Mapping {
    pub request: Option<Request>,
    pub response: Option<Response>,
    /// Any JSON value: `compile.rs` says what it must be.
    pub priority: Option<Value>,
    pub name: Option<String>,
    pub id: Option<String>,
    pub uuid: Option<String>,
    #[serde(rename = "metadata")]
    _metadata: Option<IgnoredAny>,
    #[serde(rename = "persistent")]
    _persistent: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct Request {
    pub method: Option<String>,
    pub url: Option<String>,
    pub url_path: Option<String>,
    pub url_path_pattern: Option<String>,
    pub url_pattern: Option<String>,
    pub headers: Option<BTreeMap<String, StringMatcher>>,
    pub body_patterns: Option<List<BodyPattern>>,
}

/// Declares a string matcher object, `{"equalTo" | "contains" | "matches": "...",
/// "caseInsensitive": bool}`, with the extra fields given. The operators are [`Given`]: a key
/// written as `null` is a value of the wrong kind, not an absent operator.
macro_rules! string_matcher {
    ($(#[$doc:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$doc])*
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        pub(super) struct $name {
            #[serde(default)]
            pub equal_to: Given<String>,
            #[serde(default)]
            pub contains: Given<String>,
            #[serde(default)]
            pub matches: Given<String>,
            pub case_insensitive: Option<bool>,
            $($extra)*
        }
    };
}

string_matcher!(
    /// A header matcher.
    StringMatcher {}
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BodyPattern {
    #[serde(default, rename = "equalTo")]
    pub equal_to: Given<String>,
    #[serde(rename = "caseInsensitive")]
    pub case_insensitive: Option<bool>,
    #[serde(default)]
    pub contains: Given<String>,
    #[serde(default)]
    pub matches: Given<String>,
    /// The expected JSON, as a string holding it or as the JSON itself.
    #[serde(default, rename = "equalToJson")]
    pub equal_to_json: Given<Value>,
    #[serde(default, rename = "equalToXml")]
    pub equal_to_xml: Given<String>,
    #[serde(default, rename = "matchesXPath")]
    pub matches_xpath: Given<XPath>,
    #[serde(rename = "xPathNamespaces")]
    pub xpath_namespaces: Option<BTreeMap<String, String>>,
}

/// `matchesXPath`: an expression, or `{"expression": ..., "equalTo" | ...: ...}`.
pub(super) enum XPath {
    Expression(String),
    Nested(NestedXPath),
}

string_matcher!(
    /// The nested `matchesXPath` form: a string matcher applied to what the expression
    /// selects.
    NestedXPath {
        #[serde(default)]
        pub expression: Given<String>,
    }
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct Response {
    /// Any JSON value: `compile.rs` says what it must be.
    pub status: Option<Value>,
    pub headers: Option<BTreeMap<String, HeaderValues>>,
    pub body: Option<String>,
    pub json_body: Option<Value>,
    pub base64_body: Option<String>,
    pub body_file_name: Option<String>,
    /// Any JSON value: `compile.rs` says what it must be.
    pub fixed_delay_milliseconds: Option<Value>,
}

/// A response header's value: a string, or a list of strings sent as one header each.
pub(super) struct HeaderValues {
    pub values: Vec<String>,
    pub listed: bool,
}

/// A key whose presence counts even when its value is `null` (unlike `Option`, which reads
/// `null` as absent): its value must then be a `T`.
pub(super) struct Given<T>(pub Option<T>);

impl<T> Default for Given<T> {
    fn default() -> Self {
        Given(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Given<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(|v| Given(Some(v)))
    }
}

/// A JSON array of `T`, named in messages as [`Named::PLURAL`].
pub(super) struct List<T>(pub Vec<T>);

pub(super) trait Named {
    const PLURAL: &'static str;
}

impl Named for Mapping {
    const PLURAL: &'static str = "an array of mappings";
}

impl Named for BodyPattern {
    const PLURAL: &'static str = "an array of body patterns";
}

impl<'de, T: Deserialize<'de> + Named> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Named> Visitor<'de> for Items<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::PLURAL)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }
        d.deserialize_seq(Items(PhantomData))
    }
}

impl<'de> Deserialize<'de> for XPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = XPath;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"an XPath string or {"expression": ..., "equalTo": ...}"#)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<XPath, E> {
                Ok(XPath::Expression(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<XPath, A::Error> {
                NestedXPath::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(XPath::Nested)
            }
        }
        d.deserialize_any(Either)
    }
}

impl<'de> Deserialize<'de> for HeaderValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OneOrMany;
        impl<'de> Visitor<'de> for OneOrMany {
            type Value = HeaderValues;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<HeaderValues, E> {
                Ok(HeaderValues {
                    values: vec![s.to_owned()],
                    listed: false,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HeaderValues, A::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element()? {
                    values.push(v);
                }
                Ok(HeaderValues {
                    values,
                    listed: true,
                })
            }
        }
        d.deserialize_any(OneOrMany)
    }
}

/// The `jsonBody` of each mapping of a file, printed compactly with its keys in the order
/// written, as WireMock sends it (a `serde_json::Value` keeps them sorted). Read from the
/// file's text once the file has been read into the format's types, so it cannot fail on a
/// file that loaded; `None` where a mapping has no `jsonBody`.
pub(super) fn json_bodies(text: &str) -> Result<Vec<Option<String>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct File {
        mappings: Option<Vec<One>>,
        #[serde(flatten)]
        single: One,
    }
    #[derive(Deserialize)]
    struct One {
        response: Option<JsonBodyOf>,
    }
    #[derive(Deserialize)]
    struct JsonBodyOf {
        #[serde(rename = "jsonBody")]
        json_body: Option<InOrder>,
    }
    let body = |one: One| one.response.and_then(|r| r.json_body).map(|b| b.0);
    let file: File = serde_json::from_str(text)?;
    Ok(match file.mappings {
        Some(list) => list.into_iter().map(body).collect(),
        None => vec![body(file.single)],
    })
}

/// A JSON value printed compactly as it is read, keys in their order.
struct InOrder(String);

impl<'de> Deserialize<'de> for InOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Print;
        impl<'de> Visitor<'de> for Print {
            type Value = InOrder;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<InOrder, E> {
                Ok(InOrder("null".into()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<InOrder, E> {
                Ok(InOrder(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<InOrder, E> {
                Ok(InOrder(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<InOrder, E> {
                Ok(InOrder(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<InOrder, E> {
                Ok(InOrder(Value::from(v).to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<InOrder, E> {
                Ok(InOrder(Value::from(v).to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<InOrder, A::Error> {
                let mut items = Vec::new();
                while let Some(InOrder(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(InOrder(format!("[{}]", items.join(","))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InOrder, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let InOrder(value) = map.next_value()?;
                    entries.push(format!("{}:{value}", Value::from(key)));
                }
                Ok(InOrder(format!("{{{}}}", entries.join(","))))
            }
        }
        d.deserialize_any(Print)
    }
}

/// Each object of the format: the keys it has (serde's field list, in declaration order)
/// and the WireMock keys it leaves out on purpose.
const OBJECTS: &[(&[&str], &[&str])] = &[
    (&["mappings", "meta"], &[]),
    (
        &[
            "request",
            "response",
            "priority",
            "name",
            "id",
            "uuid",
            "metadata",
            "persistent",
        ],
        &[
            "scenarioName",
            "requiredScenarioState",
            "newScenarioState",
            "postServeActions",
            "serveEventListeners",
            "insertionIndex",
        ],
    ),
    (
        &[
            "method",
            "url",
            "urlPath",
            "urlPathPattern",
            "urlPattern",
            "headers",
            "bodyPatterns",
        ],
        &[
            "urlPathTemplate",
            "pathParameters",
            "queryParameters",
            "formParameters",
            "cookies",
            "basicAuthCredentials",
            "multipartPatterns",
            "customMatcher",
            "host",
            "port",
            "scheme",
            "clientIp",
        ],
    ),
    (
        &["equalTo", "contains", "matches", "caseInsensitive"],
        STRING_MATCHERS_WIREMOCK,
    ),
    (
        &[
            "equalTo",
            "contains",
            "matches",
            "caseInsensitive",
            "expression",
        ],
        STRING_MATCHERS_WIREMOCK,
    ),
    (
        BODY_PATTERN,
        &[
            "binaryEqualTo",
            "doesNotContain",
            "doesNotMatch",
            "absent",
            "ignoreArrayOrder",
            "ignoreExtraElements",
            "matchesJsonPath",
            "matchesJsonSchema",
            "enablePlaceholders",
            "placeholderOpeningDelimiterRegex",
            "placeholderClosingDelimiterRegex",
            "exemptedComparisons",
            "before",
            "after",
            "equalToDateTime",
            "and",
            "or",
            "not",
        ],
    ),
    (
        &[
            "status",
            "headers",
            "body",
            "jsonBody",
            "base64Body",
            "bodyFileName",
            "fixedDelayMilliseconds",
        ],
        &[
            "statusMessage",
            "additionalProxyRequestHeaders",
            "removeProxyRequestHeaders",
            "proxyBaseUrl",
            "proxyUrlPrefixToRemove",
            "fault",
            "transformers",
            "transformerParameters",
            "delayDistribution",
            "chunkedDribbleDelay",
            "fromConfiguredStub",
        ],
    ),
];

const STRING_MATCHERS_WIREMOCK: &[&str] = &[
    "doesNotContain",
    "doesNotMatch",
    "absent",
    "equalToJson",
    "equalToXml",
    "matchesJsonPath",
    "matchesXPath",
    "binaryEqualTo",
    "before",
    "after",
    "equalToDateTime",
    "hasExactly",
    "includes",
    "and",
    "or",
    "not",
];

/// The keys of a body pattern, and its operators (one per pattern).
const BODY_PATTERN: &[&str] = &[
    "equalTo",
    "caseInsensitive",
    "contains",
    "matches",
    "equalToJson",
    "equalToXml",
    "matchesXPath",
    "xPathNamespaces",
];
pub(super) const BODY_OPERATORS: &[&str] = &[
    "equalTo",
    "contains",
    "matches",
    "equalToJson",
    "equalToXml",
    "matchesXPath",
];

/// Why `key` is refused in an object that has the keys `present`; `object` is the object as
/// written, when known.
pub(super) fn unknown_key(
    key: &str,
    present: &[&str],
    object: Option<&serde_json::Map<String, Value>>,
) -> String {
    let wiremock = OBJECTS
        .iter()
        .find(|(keys, _)| *keys == present)
        .map_or(&[][..], |(_, wiremock)| *wiremock);
    // A body pattern names what goes with its operator: `xPathNamespaces` with
    // `matchesXPath` only.
    let supported = if present == BODY_PATTERN {
        let set: Vec<&str> = BODY_OPERATORS
            .iter()
            .copied()
            .filter(|op| object.is_some_and(|o| o.contains_key(*op)))
            .collect();
        match set.as_slice() {
            ["matchesXPath"] => "matchesXPath, xPathNamespaces".to_owned(),
            ["equalTo"] => "equalTo, caseInsensitive".to_owned(),
            [op] => (*op).to_owned(),
            _ => BODY_OPERATORS.join(", "),
        }
    } else {
        present.join(", ")
    };
    if wiremock.contains(&key) {
        format!(
            "this WireMock feature is outside the supported subset; supported here: \
             {supported}. Rewrite the stub with those (the README's \"The mock and its data\" \
             lists the subset) or remove it"
        )
    } else {
        format!("unknown field (a typo?); supported here: {supported}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::stubs::de::{read, Shape};
    use serde_json::json;

    /// The key lists above are serde's own field lists, so every object is classified.
    #[test]
    fn every_object_knows_its_wiremock_keys() {
        fn present<T: de::DeserializeOwned>(object: Value) -> &'static [&'static str] {
            match read::<T>(&object).map(|_| ()).unwrap_err().into_inner() {
                Shape::UnknownKey { present, .. } => present,
                other => panic!("{other}"),
            }
        }
        let unknown = json!({"no such key": 1});
        let found = [
            present::<Export>(unknown.clone()),
            present::<Mapping>(unknown.clone()),
            present::<Request>(unknown.clone()),
            present::<StringMatcher>(unknown.clone()),
            present::<NestedXPath>(unknown.clone()),
            present::<BodyPattern>(unknown.clone()),
            present::<Response>(unknown),
        ];
        assert_eq!(found.len(), OBJECTS.len());
        for (present, (keys, _)) in found.iter().zip(OBJECTS) {
            assert_eq!(present, keys);
        }
    }
}
