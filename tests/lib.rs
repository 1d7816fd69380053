//! Empty library target: the tests live in tests.rs (one binary), helpers in util.rs.
