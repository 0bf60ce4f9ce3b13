//! Reading a parsed mapping file into the format's types (`format.rs`), with errors in JSON's
//! words: "expected a string, found a number", never serde's Rust names ("invalid type:
//! integer `5`, expected struct Request").
//!
//! The rule: every error this deserializer or the format's types raise is a [`Shape`], so the
//! loader can tell a key the format lacks (refused as unsupported, naming the keys that are
//! there) from a value of the wrong kind (invalid). `serde_path_to_error` adds the JSON path.
//! Reads an already parsed `Value`, so duplicate keys and syntax were checked before.

use serde::de::{
    self, value::MapDeserializer, value::SeqDeserializer, Deserializer, Expected, IntoDeserializer,
    Unexpected, Visitor,
};
use serde_json::Value;
use std::fmt;

/// Why a value does not fit the format.
#[derive(Debug)]
pub(super) enum Shape {
    /// A value of the wrong JSON kind, in the loader's words.
    Mismatch(String),
    /// A key the object does not have; `present` are the keys it has (serde's field list).
    UnknownKey {
        key: String,
        present: &'static [&'static str],
    },
    /// A message of one of the format's own types.
    Other(String),
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Mismatch(m) | Shape::Other(m) => f.write_str(m),
            Shape::UnknownKey { key, .. } => write!(f, "unknown key `{key}`"),
        }
    }
}

impl std::error::Error for Shape {}

impl de::Error for Shape {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Shape::Other(message.to_string())
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        let found = match unexpected {
            Unexpected::Bool(_) => "a boolean",
            Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
            Unexpected::Str(_) | Unexpected::Char(_) => "a string",
            Unexpected::Unit | Unexpected::Option => "null",
            Unexpected::Seq => "an array",
            Unexpected::Map => "an object",
            _ => "another kind of value",
        };
        Shape::Mismatch(format!("expected {expected}, found {found}"))
    }

    fn unknown_field(key: &str, present: &'static [&'static str]) -> Self {
        Shape::UnknownKey {
            key: key.to_owned(),
            present,
        }
    }
}

/// How a JSON value is named in messages.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A deserializer over one JSON value that insists on the kind asked for: an object where a
/// struct or map is read, a string for a string, an array for a list.
#[derive(Clone, Copy)]
pub(super) struct ValueDe<'a>(pub(super) &'a Value);

impl ValueDe<'_> {
    /// Refuses the value unless it is of the kind asked for (`is_kind`).
    fn only(self, is_kind: bool, expected: &dyn Expected) -> Result<(), Shape> {
        match is_kind {
            true => Ok(()),
            false => Err(Shape::Mismatch(format!(
                "expected {expected}, found {}",
                kind(self.0)
            ))),
        }
    }
}

impl<'de> IntoDeserializer<'de, Shape> for ValueDe<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for ValueDe<'_> {
    type Error = Shape;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Shape> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (_, Some(i), _) => visitor.visit_i64(i),
                (_, _, f) => visitor.visit_f64(f.unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(ValueDe));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(object) => {
                let mut map =
                    MapDeserializer::new(object.iter().map(|(k, v)| (k.as_str(), ValueDe(v))));
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    /// `null` reads as absent, as WireMock reads it.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Shape> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Shape> {
        self.only(matches!(self.0, Value::Bool(_)), &visitor)?;
        self.deserialize_any(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Shape> {
        self.only(matches!(self.0, Value::String(_)), &visitor)?;
        self.deserialize_any(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Shape> {
        self.deserialize_str(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Shape> {
        self.only(matches!(self.0, Value::Array(_)), &visitor)?;
        self.deserialize_any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Shape> {
        self.only(self.0.is_object(), &"a JSON object")?;
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Shape> {
        self.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        newtype_struct tuple tuple_struct enum identifier ignored_any
    }
}

/// Reads `value` as a `T`, with the JSON path of the first error.
pub(super) fn read<T: de::DeserializeOwned>(
    value: &Value,
) -> Result<T, serde_path_to_error::Error<Shape>> {
    serde_path_to_error::deserialize(ValueDe(value))
}
