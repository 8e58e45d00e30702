//! The access log: one record per answered request, handed to the front end that prints it.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

/// What happened to one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccessRecord {
    /// The client's address.
    pub client: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request path.
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// From the first byte read to the answer, in microseconds.
    #[serde(rename = "micros", serialize_with = "micros")]
    pub duration: Duration,
    /// The model that answered, if any.
    pub model: Option<String>,
    /// The production variant, when variants routed the request.
    pub variant: Option<String>,
    /// Instances answered.
    pub instances: usize,
    /// Bytes of the answer's body.
    pub bytes_out: usize,
    /// The error message, for answers of 400 and above.
    pub error: Option<String>,
}

/// Receives access records; it runs on the request's thread, so it must be quick.
pub type AccessHook = Arc<dyn Fn(&AccessRecord) + Send + Sync>;

fn micros<S: serde::Serializer>(duration: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(duration.as_micros()).unwrap_or(u64::MAX))
}

impl std::fmt::Display for AccessRecord {
    /// `client "METHOD path" status micros µs model[/variant] instances bytes [error]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} \"{} {}\" {} {}µs",
            self.client,
            self.method,
            self.path,
            self.status,
            self.duration.as_micros()
        )?;
        if let Some(model) = &self.model {
            write!(f, " model={model}")?;
        }
        if let Some(variant) = &self.variant {
            write!(f, " variant={variant}")?;
        }
        write!(f, " instances={} bytes={}", self.instances, self.bytes_out)?;
        if let Some(error) = &self.error {
            write!(f, " error={error:?}")?;
        }
        Ok(())
    }
}
