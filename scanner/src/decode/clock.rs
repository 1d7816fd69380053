//! The clock of the per-frame time budget: CPU time of the decoding thread (on Unix), so a
//! frame's result does not depend on how loaded the machine is or on the thread being
//! preempted mid-frame; elsewhere, wall time.

#[cfg(unix)]
pub fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return wall_ms();
    }
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

#[cfg(not(unix))]
pub fn cpu_ms() -> f64 {
    wall_ms()
}

fn wall_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// The end of a frame's budget on the `cpu_ms` clock.
#[derive(Clone, Copy)]
pub struct Deadline(f64);

impl Deadline {
    pub fn after(budget: std::time::Duration) -> Self {
        Deadline(cpu_ms() + budget.as_secs_f64() * 1000.0)
    }

    pub fn passed(&self) -> bool {
        cpu_ms() >= self.0
    }
}
