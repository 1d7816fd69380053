//! formdesk-scanner: QR decoding pipeline, frame sources and the camera worker. No Tauri.
//!
//! # Layout
//! - [`decode`] — the decoder: `decode(&GrayImage) -> Vec<Decoded>` (pure, panic-safe);
//!   its submodules are the pipeline stages (plain rqrr, binarize, finder, group, grid,
//!   sample, and codec: module grid → payload bytes, with `rs` and `segments`).
//! - `decoded` — [`Decoded`]: text, raw bytes and corners of one code.
//! - `load` — image files/bytes (PNG, JPEG, WebP) → gray; [`decode_file`], [`decode_bytes`].
//! - `error` — [`Error`] and [`Result`].
//! - [`source`] — [`FrameSource`] and its implementations (camera via nokhwa, image folder,
//!   video file), chosen by a spec string such as `FORMDESK_CAMERA=file:PATH`.
//! - [`worker`] — the scan thread pair: newest frame only, dedupe, bounded event channel.

pub mod decode;
mod decoded;
mod error;
mod load;
pub mod source;
pub mod worker;

pub use decode::{decode, decode_with, panics_caught, Options};
pub use decoded::{bytes_to_text, Decoded, Point};
pub use error::{Error, Result};
pub use load::{decode_bytes, decode_file, gray_from_bytes, gray_from_file};
pub use source::{list_cameras, CameraInfo, Frame, FrameSource, SourceSpec};
pub use worker::{ScanEvent, Worker, WorkerConfig};
