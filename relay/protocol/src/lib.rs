//! formdesk-protocol: wire messages, form definitions and the QR exchange format. Pure: no I/O.
