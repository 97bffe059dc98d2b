//! Messages between the page (UI thread) and the validation worker.
//!
//! A message on the wire is a plain JS object `{ json: string, bytes?: Uint8Array }`:
//! `json` is one of the enums below encoded with serde (so both sides share one definition,
//! testable natively), and input data travels beside it in `bytes`, as a transferable buffer,
//! never inside the JSON.

use serde::{Deserialize, Serialize};

use crate::job::InputStats;

/// Identifies one check request, so that answers to an outdated request can be ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub u32);

/// Where an input came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputSource {
    /// Text pasted into the paste area (sent as UTF-8).
    Paste,
    /// A dropped or picked file.
    File {
        /// The file's name, without any path.
        name: String,
    },
}

/// A request from the page to the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Check the input in the message's `bytes`.
    Check {
        /// Echoed in every answer about this input.
        job: JobId,
        /// Where the bytes came from.
        source: InputSource,
    },
}

/// A message from the worker to the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker instantiated the wasm module and listens for requests.
    Ready,
    /// The worker's JS bootstrap could not instantiate the module (sent by
    /// `worker_bootstrap.js`, so the spelling must match it).
    BootFailed {
        /// The JS error, for the details line.
        message: String,
    },
    /// A check is under way.
    Progress {
        /// The request this is about.
        job: JobId,
        /// Bytes processed so far.
        done: u64,
        /// Bytes in the whole input.
        total: u64,
    },
    /// A check finished.
    Finished {
        /// The request this is about.
        job: JobId,
        /// Its result.
        stats: InputStats,
    },
    /// A request could not be carried out (for example, it had no bytes).
    Failed {
        /// The request this is about.
        job: JobId,
        /// What went wrong, for the details line.
        message: String,
    },
    /// The worker panicked; its wasm instance is dead and must be replaced.
    Panicked {
        /// The panic message, for the details line.
        message: String,
    },
}

/// Encodes a message for the `json` field.
pub fn encode<T: Serialize>(message: &T) -> String {
    // Serializing these plain enums cannot fail (no maps with non-string keys, no I/O).
    serde_json::to_string(message).unwrap_or_default()
}

/// Decodes the `json` field of a message.
pub fn decode<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("bad worker message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::Delimiter;

    #[test]
    fn requests_round_trip() {
        let request = ToWorker::Check {
            job: JobId(7),
            source: InputSource::File {
                name: "受給者.csv".into(),
            },
        };
        let json = encode(&request);
        assert_eq!(
            json,
            r#"{"type":"check","job":7,"source":{"kind":"file","name":"受給者.csv"}}"#
        );
        assert_eq!(decode::<ToWorker>(&json), Ok(request));
    }

    #[test]
    fn answers_round_trip() {
        let answers = [
            FromWorker::Ready,
            FromWorker::Progress {
                job: JobId(1),
                done: 5,
                total: 10,
            },
            FromWorker::Finished {
                job: JobId(1),
                stats: InputStats {
                    bytes: 10,
                    lines: 2,
                    columns: 3,
                    delimiter: Delimiter::Tab,
                },
            },
            FromWorker::Panicked {
                message: "boom".into(),
            },
        ];
        for answer in answers {
            assert_eq!(decode::<FromWorker>(&encode(&answer)), Ok(answer));
        }
    }

    #[test]
    fn bootstrap_failure_matches_worker_bootstrap_js() {
        // worker_bootstrap.js builds this JSON by hand.
        let js = include_str!("worker_bootstrap.js");
        assert!(js.contains(r#"type: "boot_failed""#));
        assert_eq!(
            decode::<FromWorker>(r#"{"type":"boot_failed","message":"x"}"#),
            Ok(FromWorker::BootFailed {
                message: "x".into()
            })
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode::<FromWorker>("{").is_err());
        assert!(decode::<FromWorker>(r#"{"type":"nope"}"#).is_err());
    }
}
