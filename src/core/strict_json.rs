//! JSON for mock data and mappings, refusing duplicate keys.
//!
//! serde_json keeps the last of two equal keys without a word, so a second `"far"` or a
//! second `"status"` would silently win. Every data file is checked for duplicates first,
//! anywhere in the document, and the error names the key, line and column.

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// `serde_json::from_str`, but a duplicate key in any object is an error.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    check_duplicates(text)?;
    serde_json::from_str(text)
}

/// Walk the document, keeping only the keys of the object being read.
pub fn check_duplicates(text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    NoDuplicates::deserialize(&mut de)?;
    de.end()
}

struct NoDuplicates;

impl<'de> Deserialize<'de> for NoDuplicates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicates)
    }
}

impl<'de> Visitor<'de> for NoDuplicates {
    type Value = NoDuplicates;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!(
                    "the key \"{key}\" appears twice in one object; keep one (JSON readers \
                     silently use the last)"
                )));
            }
            map.next_value::<NoDuplicates>()?;
        }
        Ok(NoDuplicates)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<NoDuplicates>()?.is_some() {}
        Ok(NoDuplicates)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(NoDuplicates)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(NoDuplicates)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(NoDuplicates)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(NoDuplicates)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(NoDuplicates)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(NoDuplicates)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(NoDuplicates)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        NoDuplicates::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_is_named_with_its_position() {
        let text = "{\n  \"a\": 1,\n  \"b\": {\"x\": [1, {\"y\": 2, \"y\": 3}]}\n}";
        let e = check_duplicates(text).unwrap_err().to_string();
        assert!(
            e.contains("\"y\" appears twice") && e.contains("line 3"),
            "{e}"
        );
        let e = check_duplicates("{\"far\": 1, \"far\": 2}").unwrap_err();
        assert!(e.to_string().contains("\"far\""), "{e}");
    }

    #[test]
    fn equal_keys_in_different_objects_are_fine() {
        check_duplicates("[{\"a\": 1}, {\"a\": 2}, {\"b\": {\"a\": 3}}]").unwrap();
        let v: serde_json::Value = from_str("{\"a\": \"x\", \"b\": null}").unwrap();
        assert_eq!(v["a"], "x");
        assert!(check_duplicates("{\"a\": 1} trailing").is_err());
    }
}
