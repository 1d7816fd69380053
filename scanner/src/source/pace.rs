//! Frame pacing for file sources: sleeps until the next frame is due at a fixed rate, so
//! that a file behaves like a live camera (frames keep coming whether or not they are read).

use std::time::{Duration, Instant};

/// Releases frames at `fps` (or immediately when `fps` is `None`).
pub struct Pace {
    period: Option<Duration>,
    next: Option<Instant>,
}

impl Pace {
    pub fn new(fps: Option<f64>) -> Self {
        Pace {
            period: fps
                .filter(|f| *f > 0.0)
                .map(|f| Duration::from_secs_f64(1.0 / f)),
            next: None,
        }
    }

    /// Waits until the next frame is due.
    pub fn wait(&mut self) {
        let Some(period) = self.period else { return };
        let now = Instant::now();
        let due = self.next.unwrap_or(now);
        if due > now {
            std::thread::sleep(due - now);
        }
        // A late reader does not make frames burst: the schedule restarts from now.
        self.next = Some(due.max(now) + period);
    }
}
