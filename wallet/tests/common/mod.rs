//! What the wallet's command-line tests share: a desk (temp folder) that renders request
//! QR codes signed by a fixed office key, and runs the real `formdesk-wallet` on them.
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use formdesk_protocol::qr::RequestParams;
use formdesk_protocol::render::{render_png, EcLevel};
use formdesk_protocol::{
    open_response, sign_request, FieldOutcome, FormRegistry, OfficeKey, RequestBody, RequestSecret,
};
use rand_core::OsRng;

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn office() -> OfficeKey {
    OfficeKey::from_seed([0x5a; 32])
}

pub struct Desk {
    pub dir: tempfile::TempDir,
}

impl Desk {
    pub fn new() -> Desk {
        Desk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn png(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, render_png(text, EcLevel::M).unwrap()).unwrap();
        p
    }

    pub fn wallet(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_formdesk-wallet"))
            .arg("--home")
            .arg(self.path("home"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    pub fn trust_office(&self) {
        let text = office().public_key().to_qr_text("Springfield City Hall");
        let out = self.wallet(&["trust", "add", &text]);
        assert!(out.status.success(), "{}", stderr(&out));
    }

    /// A signed request for `keys` of `form`; returns the PNG, body and window secret.
    pub fn request(
        &self,
        form: &str,
        keys: &[&str],
        issued: u64,
    ) -> (PathBuf, RequestBody, RequestSecret) {
        let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("../relay/forms");
        let reg = FormRegistry::load_dir(&forms).unwrap();
        let eph = RequestSecret::generate(&mut OsRng);
        let params = RequestParams {
            office_name: "Springfield City Hall".into(),
            desk_label: "Desk 4".into(),
            contact: "privacy@springfield.example".into(),
            ephemeral_public: eph.public_key(),
            now: issued,
            ttl_minutes: 10,
        };
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let body =
            RequestBody::for_form(reg.get(form).unwrap(), &keys, params, &mut OsRng).unwrap();
        let text = sign_request(&office(), &body).unwrap();
        let png = self.png("request.png", &text);
        let secret = RequestSecret::new(eph, &body).unwrap();
        (png, body, secret)
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub const KEYS: [&str; 4] = [
    "person.given_name",
    "person.family_name",
    "contact.email",
    "contact.phone",
];

/// Reads the response QR the wallet wrote and opens it as the window would: each requested
/// key with its outcome, in request order.
pub fn outcomes(response_png: &Path, secret: &RequestSecret) -> Vec<(String, FieldOutcome)> {
    let codes = formdesk_scanner::decode_file(response_png).unwrap();
    let opened = open_response(&codes[0].text, secret, now()).unwrap();
    opened
        .outcomes
        .into_iter()
        .map(|(k, o, _)| (k, o))
        .collect()
}
