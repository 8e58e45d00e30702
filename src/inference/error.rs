//! A request that cannot be answered: the HTTP status, a machine-readable type, a message that
//! says what to change, and the instance and field at fault.

use serde::Serialize;

use super::{Format, Route};

/// Why a request cannot be answered. Serialised as the JSON error body
/// `{"error": ..., "error_type": ..., "instance": i, "field": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestError {
    /// The HTTP status that fits: 400 (unreadable body), 406, 413, 415, 422 (readable but
    /// invalid), 404, 409, 429, 503, 504, 507.
    #[serde(skip)]
    pub status: u16,
    /// What went wrong, in words, with what to do.
    #[serde(rename = "error")]
    pub message: String,
    /// A stable name for the kind of error (`InvalidJson`, `InvalidInstance`, ...).
    pub error_type: &'static str,
    /// The index of the instance (record, row) at fault, from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<usize>,
    /// The field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl RequestError {
    /// An error with no instance or field.
    pub fn new(status: u16, error_type: &'static str, message: impl Into<String>) -> RequestError {
        RequestError {
            status,
            message: message.into(),
            error_type,
            instance: None,
            field: None,
        }
    }

    /// The JSON body that carries this error.
    pub fn to_json(&self) -> Vec<u8> {
        // A struct of strings and integers always serialises.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Names the instance at fault.
    pub fn at(mut self, instance: usize) -> RequestError {
        self.instance = Some(instance);
        self
    }

    /// Names the field at fault.
    pub fn field(mut self, field: impl Into<String>) -> RequestError {
        self.field = Some(field.into());
        self
    }

    pub(super) fn invalid_json(error: &serde_json::Error) -> RequestError {
        RequestError::new(
            400,
            "InvalidJson",
            format!("the body is not valid JSON ({error}); send one JSON document"),
        )
    }

    pub(super) fn invalid_utf8(what: &str) -> RequestError {
        RequestError::new(
            400,
            "InvalidEncoding",
            format!("{what} is not valid UTF-8; send text encoded as UTF-8"),
        )
    }

    /// A readable request whose content is wrong (HTTP 422).
    pub(super) fn invalid(message: impl Into<String>) -> RequestError {
        RequestError::new(422, "InvalidInstance", message)
    }

    /// A request parameter (`k`, `threshold`, ...) out of range (HTTP 422).
    pub(super) fn parameter(field: &str, message: impl Into<String>) -> RequestError {
        RequestError::new(422, "InvalidParameter", message).field(field)
    }

    pub(super) fn unsupported(content_type: &str, supported: &[Format]) -> RequestError {
        RequestError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "this model does not read Content-Type {content_type:?}; send one of {}",
                list(supported)
            ),
        )
    }

    pub(super) fn not_acceptable(accept: &str, offered: &[Format]) -> RequestError {
        RequestError::new(
            406,
            "NotAcceptable",
            format!(
                "cannot answer in any type of Accept {accept:?}; this route answers {}",
                list(offered)
            ),
        )
    }

    pub(super) fn too_many_instances(count: usize, max: usize) -> RequestError {
        RequestError::new(
            413,
            "TooManyInstances",
            format!(
                "the request carries {count} instances, more than the limit of {max}; split it \
                 into smaller requests (or raise the server's --max-instances)"
            ),
        )
    }

    pub(super) fn wrong_route(route: Route, model: &str) -> RequestError {
        RequestError::new(
            404,
            "UnsupportedOperation",
            format!("{route:?} is not an operation of {model}; see GET /info for what it is"),
        )
    }

    /// An error from the model (a parameter it refuses): the request's fault.
    pub(super) fn model(error: crate::Error) -> RequestError {
        RequestError::new(422, "InvalidParameter", error.to_string())
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(i) = self.instance {
            write!(f, "instance {i}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field {field:?}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

fn list(formats: &[Format]) -> String {
    let names: Vec<&str> = formats.iter().map(|f| f.media_type()).collect();
    names.join(", ")
}
