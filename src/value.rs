//! Plain values exchanged with rule scripts: the event as scripts see it and
//! the proposals they return. The simulator and the proposal builder work on
//! these; only `rules` converts them to and from Rhai's own types, so Rhai
//! stays out of every other module and out of bloc's public API.

use std::collections::BTreeMap;

/// A value a script reads or returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Unit,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Map(Fields),
    /// A value of a type bloc does not read (a function pointer, say).
    Other(&'static str),
}

/// A map of named values: an event's fields, a proposal.
pub type Fields = BTreeMap<String, Value>;

impl Value {
    /// The type's name as a script author knows it, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Unit => "()",
            Value::Bool(_) => "bool",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::List(_) => "array",
            Value::Map(_) => "map",
            Value::Other(t) => t,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(x: i64) -> Value {
        Value::Int(x)
    }
}

impl std::fmt::Display for Value {
    /// As Rhai would print it: a string bare at the top, quoted inside an
    /// array or a map; floats with their decimal point.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            other => other.nested(f),
        }
    }
}

impl Value {
    fn nested(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Unit => f.write_str("()"),
            Value::Other(t) => write!(f, "<{t}>"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(x) => write!(f, "{x}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::List(xs) => {
                f.write_str("[")?;
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    x.nested(f)?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("#{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: ")?;
                    v.nested(f)?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_as_rhai_prints_them() {
        let list = Value::List(vec![Value::from("B"), Value::Float(1.0), Value::Int(2)]);
        assert_eq!(list.to_string(), r#"["B", 1.0, 2]"#);
        assert_eq!(Value::from("B").to_string(), "B");
        let mut m = Fields::new();
        m.insert("a".into(), Value::List(vec![Value::from("B")]));
        assert_eq!(Value::Map(m).to_string(), r#"#{"a": ["B"]}"#);
    }
}
