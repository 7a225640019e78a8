//! Stripe's form encoding: `a[b][c]=v`, `list[]=v`, `list[0]=v` (the official SDKs
//! send indexed lists), parsed into a tree, then checked against what each endpoint
//! accepts so that unknown parameters are named in the error, as Stripe does.

use std::collections::BTreeMap;

use crate::errors::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Str(String),
    Map(BTreeMap<String, Param>),
    List(Vec<Param>),
}

/// What an endpoint accepts under a name.
pub enum Spec {
    Scalar,
    /// Free-form string keys, such as `metadata`.
    AnyMap,
    Map(&'static [(&'static str, Spec)]),
    List(&'static Spec),
    /// A timestamp or `{gt, gte, lt, lte}`, as list filters take `created`.
    Range,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub BTreeMap<String, Param>);

fn decode(s: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::with_capacity(s.len());
    let raw = s.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' if i + 2 < raw.len() => {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => bytes.push(b),
                    None => return Err(ApiError::invalid_request("Invalid percent-encoding in the request body.", None)),
                }
                i += 2;
            }
            b'%' => return Err(ApiError::invalid_request("Invalid percent-encoding in the request body.", None)),
            b => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid_request("The request body is not valid UTF-8.", None))
}

/// Splits `a[b][]` into `["a", "b", ""]`.
fn split_key(key: &str) -> Option<Vec<String>> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return None;
    }
    let mut parts = vec![head.to_string()];
    while !rest.is_empty() {
        if !rest.starts_with('[') {
            return None;
        }
        let end = rest.find(']')?;
        parts.push(rest[1..end].to_string());
        rest = &rest[end + 1..];
    }
    Some(parts)
}

fn is_index(s: &str) -> bool {
    s.is_empty() || s.bytes().all(|b| b.is_ascii_digit())
}

fn empty_container(next: &str) -> Param {
    if is_index(next) {
        Param::List(Vec::new())
    } else {
        Param::Map(BTreeMap::new())
    }
}

fn insert(slot: &mut Param, path: &[String], value: String, full: &str) -> Result<(), ApiError> {
    let bad = || ApiError::invalid_request(format!("Invalid parameter structure for {full}."), Some(full.to_string()));
    let Some((seg, rest)) = path.split_first() else {
        *slot = Param::Str(value);
        return Ok(());
    };
    let fresh = || match rest.first() {
        Some(next) => empty_container(next),
        None => Param::Str(String::new()),
    };
    match slot {
        Param::List(items) if is_index(seg) => {
            let idx = if seg.is_empty() { items.len() } else { seg.parse::<usize>().map_err(|_| bad())? };
            if idx == items.len() {
                items.push(fresh());
            } else if idx > items.len() {
                return Err(bad());
            }
            insert(&mut items[idx], rest, value, full)
        }
        Param::Map(map) if !seg.is_empty() => {
            let child = map.entry(seg.clone()).or_insert_with(fresh);
            insert(child, rest, value, full)
        }
        _ => Err(bad()),
    }
}

impl Params {
    pub fn parse(body: &str) -> Result<Params, ApiError> {
        let mut root = Param::Map(BTreeMap::new());
        for pair in body.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(k)?;
            let value = decode(v)?;
            let path = split_key(&key).ok_or_else(|| {
                ApiError::invalid_request(format!("Invalid parameter name: {key}"), Some(key.clone()))
            })?;
            insert(&mut root, &path, value, &key)?;
        }
        match root {
            Param::Map(m) => Ok(Params(m)),
            _ => unreachable!("the root is always a map"),
        }
    }

    /// Rejects any parameter `spec` does not name, reporting it in Stripe's bracket form.
    pub fn check(&self, spec: &'static [(&'static str, Spec)]) -> Result<(), ApiError> {
        check_map(&self.0, spec, "")
    }

    pub fn get(&self, key: &str) -> Option<&Param> {
        self.0.get(key)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        match self.0.get(key) {
            Some(Param::Str(s)) => Some(s.as_str()),
            _ => None,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// A non-empty string, or None when absent or empty (Stripe treats `x=` as unset).
    pub fn opt_str(&self, key: &str) -> Option<String> {
        self.str(key).filter(|s| !s.is_empty()).map(str::to_string)
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.str(key) {
            None => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
                ApiError::invalid_request(format!("Invalid integer: {s}"), Some(key.to_string()))
                    .with_code("parameter_invalid_integer")
            }),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        parse_bool(self.str(key), key)
    }

    pub fn strings(&self, key: &str) -> Vec<String> {
        match self.0.get(key) {
            Some(Param::List(items)) => items
                .iter()
                .filter_map(|p| match p {
                    Param::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            Some(Param::Str(s)) if !s.is_empty() => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    pub fn map(&self, key: &str) -> Option<&BTreeMap<String, Param>> {
        match self.0.get(key) {
            Some(Param::Map(m)) => Some(m),
            _ => None,
        }
    }

    /// A canonical rendering used to compare the parameters of idempotent requests.
    pub fn fingerprint(&self) -> String {
        format!("{:?}", self.0)
    }
}

pub fn parse_bool(v: Option<&str>, key: &str) -> Result<Option<bool>, ApiError> {
    match v {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(ApiError::invalid_request(format!("Invalid boolean: {other}"), Some(key.to_string()))),
    }
}

/// Looks up `a.b.c` as a string inside nested maps.
pub fn path_str<'a>(map: &'a BTreeMap<String, Param>, path: &[&str]) -> Option<&'a str> {
    let (first, rest) = path.split_first()?;
    match (map.get(*first)?, rest.is_empty()) {
        (Param::Str(s), true) => Some(s.as_str()),
        (Param::Map(m), false) => path_str(m, rest),
        _ => None,
    }
}

fn child_name(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}[{key}]")
    }
}

fn check_map(map: &BTreeMap<String, Param>, spec: &'static [(&'static str, Spec)], prefix: &str) -> Result<(), ApiError> {
    for (key, value) in map {
        let name = child_name(prefix, key);
        let Some((_, sub)) = spec.iter().find(|(k, _)| k == key) else {
            return Err(ApiError::invalid_request(format!("Received unknown parameter: {name}"), Some(name))
                .with_code("parameter_unknown"));
        };
        check_value(value, sub, &name)?;
    }
    Ok(())
}

fn check_value(value: &Param, spec: &'static Spec, name: &str) -> Result<(), ApiError> {
    let wrong = |what: &str| {
        ApiError::invalid_request(format!("Invalid {what} for {name}."), Some(name.to_string()))
    };
    match (spec, value) {
        (Spec::Scalar, Param::Str(_)) => Ok(()),
        (Spec::Scalar, _) => Err(wrong("value")),
        (Spec::Range, Param::Str(_)) => Ok(()),
        (Spec::Range, Param::Map(m)) => {
            static BOUNDS: &[(&str, Spec)] = &[("gt", Spec::Scalar), ("gte", Spec::Scalar), ("lt", Spec::Scalar), ("lte", Spec::Scalar)];
            check_map(m, BOUNDS, name)
        }
        (Spec::Range, _) => Err(wrong("value")),
        // Stripe accepts an empty string to clear a hash.
        (Spec::AnyMap | Spec::Map(_), Param::Str(s)) if s.is_empty() => Ok(()),
        (Spec::AnyMap, Param::Map(m)) => {
            for (k, v) in m {
                if !matches!(v, Param::Str(_)) {
                    return Err(wrong("hash"));
                }
                if k.chars().count() > 40 {
                    return Err(ApiError::invalid_request(
                        format!("Metadata keys can have up to 40 characters, but you passed in a key that is {} characters.", k.chars().count()),
                        Some(child_name(name, k)),
                    ));
                }
            }
            Ok(())
        }
        (Spec::Map(fields), Param::Map(m)) => check_map(m, fields, name),
        (Spec::List(item), Param::List(items)) => {
            for (i, it) in items.iter().enumerate() {
                check_value(it, item, &format!("{name}[{i}]"))?;
            }
            Ok(())
        }
        (Spec::List(_), _) => Err(wrong("array")),
        _ => Err(wrong("hash")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lists_and_maps() {
        let p = Params::parse(
            "amount=1099&metadata[order_id]=7&payment_method_types[]=card&expand[0]=latest_charge&expand[1]=payment_method&payment_method_options[card][moto]=true&description=a+b%26c",
        )
        .unwrap();
        assert_eq!(p.str("amount"), Some("1099"));
        assert_eq!(p.strings("payment_method_types"), vec!["card"]);
        assert_eq!(p.strings("expand"), vec!["latest_charge", "payment_method"]);
        assert_eq!(path_str(p.map("payment_method_options").unwrap(), &["card", "moto"]), Some("true"));
        assert_eq!(path_str(p.map("metadata").unwrap(), &["order_id"]), Some("7"));
        assert_eq!(p.str("description"), Some("a b&c"));
    }

    #[test]
    fn unknown_nested_parameter_is_named() {
        static SPEC: &[(&str, Spec)] = &[("payment_method_options", Spec::Map(&[("card", Spec::Map(&[("moto", Spec::Scalar)]))]))];
        let p = Params::parse("payment_method_options[card][mote]=true").unwrap();
        let err = p.check(SPEC).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment_method_options[card][mote]"));
        assert_eq!(err.code.as_deref(), Some("parameter_unknown"));
    }

    #[test]
    fn malformed_structure_is_refused() {
        assert!(Params::parse("a=1&a[b]=2").is_err());
        assert!(Params::parse("list[5]=x").is_err());
        assert!(Params::parse("bad%zz=1").is_err());
    }
}
