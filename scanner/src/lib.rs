//! formdesk-scanner: QR decoding pipeline, frame sources and the camera worker.
