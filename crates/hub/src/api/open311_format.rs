//! One answer, two formats: GeoReport v2 documents are built once as a [`V`] tree and written as XML
//! (the format the specification requires, UTF-8 with its declaration) or JSON. Lists carry the name
//! of their XML elements (`<services><service>…`); in JSON they are arrays.
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// The two formats, chosen by the resource's extension (`services.xml`, `services.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// Splits `CODE.json` into `CODE` and its format; `None` for another or no extension.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (stem, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "xml" => Format::Xml,
            "json" => Format::Json,
            _ => return None,
        };
        (!stem.is_empty()).then_some((stem, format))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }
}

/// A GeoReport value.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// JSON `null`, an empty XML element.
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Fields in order.
    Obj(Vec<(&'static str, V)>),
    /// Items, each an XML element of the given name.
    List(&'static str, Vec<V>),
}

impl V {
    pub fn str(s: impl Into<String>) -> V {
        V::Str(s.into())
    }

    pub fn opt(s: Option<impl Into<String>>) -> V {
        s.map_or(V::Null, |s| V::Str(s.into()))
    }

    /// ISO 8601 with its zone (UTC, `Z`), as the specification asks.
    pub fn time(t: DateTime<Utc>) -> V {
        V::Str(t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn opt_time(t: Option<DateTime<Utc>>) -> V {
        t.map_or(V::Null, V::time)
    }

    pub fn to_json(&self) -> Value {
        match self {
            V::Null => Value::Null,
            V::Str(s) => Value::String(s.clone()),
            V::Int(i) => Value::from(*i),
            V::Float(f) => Value::from(*f),
            V::Bool(b) => Value::Bool(*b),
            V::Obj(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect::<Map<_, _>>(),
            ),
            V::List(_, items) => Value::Array(items.iter().map(V::to_json).collect()),
        }
    }

    fn write_xml(&self, name: &str, out: &mut String) {
        match self {
            V::Null => {
                out.push('<');
                out.push_str(name);
                out.push_str("/>");
            }
            V::Str(s) => element(name, &escape(s), out),
            V::Int(i) => element(name, &i.to_string(), out),
            V::Float(f) => element(name, &f.to_string(), out),
            V::Bool(b) => element(name, if *b { "true" } else { "false" }, out),
            V::Obj(fields) => {
                let mut inner = String::new();
                for (k, v) in fields {
                    v.write_xml(k, &mut inner);
                }
                element(name, &inner, out);
            }
            V::List(item, items) => {
                let mut inner = String::new();
                for v in items {
                    v.write_xml(item, &mut inner);
                }
                element(name, &inner, out);
            }
        }
    }

    /// The whole XML document with `root` as its root element.
    pub fn to_xml(&self, root: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        self.write_xml(root, &mut out);
        out.push('\n');
        out
    }
}

fn element(name: &str, inner: &str, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(inner);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Text as XML character data: markup escaped, and characters XML 1.0 cannot hold dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The answer in `format`, `root` naming the XML root element.
pub fn render(status: StatusCode, format: Format, root: &str, v: &V) -> Response {
    let body = match format {
        Format::Xml => v.to_xml(root),
        Format::Json => v.to_json().to_string(),
    };
    (status, [(CONTENT_TYPE, format.content_type())], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_from_one_tree() {
        let v = V::List(
            "error",
            vec![V::Obj(vec![
                ("code", V::Int(403)),
                ("description", V::str("a <b> & \u{1}'c'")),
                ("token", V::Null),
            ])],
        );
        assert_eq!(
            v.to_xml("errors"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors><error><code>403</code>\
             <description>a &lt;b&gt; &amp; &apos;c&apos;</description><token/></error></errors>\n"
        );
        assert_eq!(
            v.to_json().to_string(),
            r#"[{"code":403,"description":"a <b> & \u0001'c'","token":null}]"#
        );
    }

    #[test]
    fn extensions() {
        assert_eq!(Format::split("a.b.json"), Some(("a.b", Format::Json)));
        assert_eq!(Format::split("x.xml"), Some(("x", Format::Xml)));
        assert_eq!(Format::split(".xml"), None);
        assert_eq!(Format::split("x.html"), None);
        assert_eq!(Format::split("x"), None);
    }
}
