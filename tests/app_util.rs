//! Helpers for the clerk-terminal end-to-end tests (`app_e2e`): a private X display (Xvfb),
//! tauri-driver on free loopback ports, and a WebDriver session on the real `formdesk`
//! binary. Every process is owned by a drop guard, so a failing test leaves nothing behind.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// The workspace root (tests/ is one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The cargo target folder the tests were built into.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds (once per test run; a no-op when fresh) and returns the path of a workspace binary.
/// Cargo does not build other packages' binaries for a test, so the tests ask for them. The
/// build is the whole workspace's binaries, exactly what `scripts/test.sh` built before the
/// tests: building one package alone would unify features differently and rebuild its
/// dependencies into other artifacts.
pub fn workspace_bin(package: &str, bin: &str) -> PathBuf {
    static BUILT: OnceLock<std::sync::Mutex<Vec<String>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    if !built.iter().any(|b| b == bin) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--workspace", "--bins"])
            .current_dir(workspace_root())
            .env("CARGO_TARGET_DIR", target_dir())
            .status()
            .expect("run cargo build");
        assert!(
            status.success(),
            "cargo build --workspace --bins failed (wanted {bin} of {package})"
        );
        built.push(bin.to_string());
    }
    target_dir().join("debug").join(bin)
}

/// A child process killed (with its whole process group) when dropped.
pub struct ProcessGuard {
    child: Child,
    name: &'static str,
}

impl ProcessGuard {
    /// Spawns `cmd` in a new process group so that its descendants die with it.
    pub fn spawn(name: &'static str, mut cmd: Command) -> ProcessGuard {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        ProcessGuard { child, name }
    }

    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
        eprintln!("{} did not stop on SIGTERM; killed", self.name);
    }
}

/// A private X server; Xvfb picks a free display itself (`-displayfd`), so parallel tests
/// never race for a number.
pub struct Xvfb {
    pub display: String,
    _proc: ProcessGuard,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        let mut cmd = Command::new("Xvfb");
        cmd.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        let mut proc = ProcessGuard::spawn("Xvfb", cmd);
        let stdout = proc.child_mut().stdout.take().expect("Xvfb stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read Xvfb display");
        let n: u32 = line
            .trim()
            .parse()
            .expect("Xvfb printed its display number");
        Xvfb {
            display: format!(":{n}"),
            _proc: proc,
        }
    }

    /// Saves a PNG of the whole screen (what a person would see) with ImageMagick's `import`.
    pub fn screenshot(&self, path: &Path) {
        let _ = std::fs::create_dir_all(path.parent().expect("parent"));
        let ok = Command::new("import")
            .args([
                "-display",
                &self.display,
                "-window",
                "root",
                &path.to_string_lossy(),
            ])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("screenshot {} failed", path.display());
        }
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port()
}

fn wait_for_port(port: u16, within: Duration) {
    let deadline = Instant::now() + within;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The real app in a real window: Xvfb + tauri-driver + a WebDriver session, with the app's
/// data and config in a temporary folder (`FORMDESK_DATA_DIR`).
pub struct AppSession {
    pub client: Client,
    /// The app's config and data (`FORMDESK_DATA_DIR`); deleted with the session.
    _data_dir: tempfile::TempDir,
    pub xvfb: Xvfb,
    _driver: ProcessGuard,
}

impl AppSession {
    /// Starts the app with extra environment variables (e.g. `FORMDESK_CAMERA`).
    pub async fn start(env: &[(&str, &str)]) -> AppSession {
        let app = workspace_bin("formdesk", "formdesk");
        let data_dir = tempfile::tempdir().expect("tempdir");
        Self::start_in(app, data_dir, env).await
    }

    async fn start_in(
        app: PathBuf,
        data_dir: tempfile::TempDir,
        env: &[(&str, &str)],
    ) -> AppSession {
        let xvfb = Xvfb::start();
        let (port, native_port) = (free_port(), free_port());
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", &xvfb.display)
        .env("FORMDESK_DATA_DIR", data_dir.path())
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = ProcessGuard::spawn("tauri-driver", cmd);
        // tauri-driver listens at once but starts WebKitWebDriver beside it; a session asked
        // for before that listens fails with "connection refused" (seen on a loaded machine).
        wait_for_port(port, Duration::from_secs(20));
        wait_for_port(native_port, Duration::from_secs(20));
        let client = connect(port, &app).await;
        AppSession {
            client,
            _data_dir: data_dir,
            xvfb,
            _driver: driver,
        }
    }

    /// Waits until `css` matches an element and returns its text.
    pub async fn text_of(&self, css: &str, within: Duration) -> String {
        let el = self.wait_for(css, within).await;
        el.text().await.expect("element text")
    }

    pub async fn wait_for(&self, css: &str, within: Duration) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(within)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css:?} within {within:?}: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css, Duration::from_secs(10))
            .await
            .click()
            .await
            .expect("click");
    }

    /// Polls a JavaScript expression until it returns a truthy value; returns that value.
    pub async fn wait_js(&self, expr: &str, within: Duration) -> serde_json::Value {
        let deadline = Instant::now() + within;
        let script = format!("return ({expr});");
        loop {
            let v = self
                .client
                .execute(&script, vec![])
                .await
                .expect("execute script");
            let truthy = !matches!(&v, serde_json::Value::Null | serde_json::Value::Bool(false))
                && v != serde_json::Value::String(String::new());
            if truthy {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "{expr} stayed falsy for {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot under target/e2e-screenshots/NAME.png (after a short settle, since
    /// a screenshot right after a DOM change can show the previous paint).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let path = target_dir()
            .join("e2e-screenshots")
            .join(format!("{name}.png"));
        self.xvfb.screenshot(&path);
        path
    }

    /// Ends the WebDriver session (WebKitWebDriver then closes the app).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

fn tauri_driver() -> PathBuf {
    let home_bin = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin/tauri-driver"));
    match home_bin {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}

async fn connect(port: u16, app: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app.to_string_lossy() }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session on the formdesk app")
}
