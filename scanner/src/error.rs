//! The crate's error type. Decoding itself never fails (no code found is an empty list);
//! errors come from reading image files, opening frame sources and the camera.

use std::path::PathBuf;

/// Everything that can go wrong in formdesk-scanner.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An image file or buffer could not be read or decoded as an image.
    #[error("cannot read image {}: {message}", path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "(bytes)".into()))]
    Image {
        path: Option<PathBuf>,
        message: String,
    },
    /// A file or folder could not be opened.
    #[error("cannot open {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A frame-source spec (`FORMDESK_CAMERA`) was not understood.
    #[error("invalid camera spec {spec:?}: {reason}")]
    Spec { spec: String, reason: String },
    /// A video file is malformed or in an unsupported format.
    #[error("video {}: {message}", path.display())]
    Video { path: PathBuf, message: String },
    /// The camera could not be listed, opened or read (absent, unplugged, busy).
    #[error("camera: {0}")]
    Camera(String),
    /// The source has no more frames (end of a video or folder without looping).
    #[error("end of frames")]
    EndOfStream,
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
