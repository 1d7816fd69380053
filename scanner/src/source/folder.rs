//! `folder:DIR`: the image files of a folder (PNG, JPEG, WebP) in name order, one frame
//! each, paced like a camera; ends after the last image.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::pace::Pace;
use super::{Frame, FrameSource};
use crate::{gray_from_file, Error, Result};

pub struct FolderSource {
    dir: PathBuf,
    files: Vec<PathBuf>,
    next: usize,
    pace: Pace,
}

impl FolderSource {
    /// Opens `dir`; `fps` paces the frames (`None`: as fast as they are read).
    pub fn open(dir: &Path, fps: Option<f64>) -> Result<Self> {
        let io = |source| Error::Io {
            path: dir.to_owned(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    matches!(
                        e.to_ascii_lowercase().as_str(),
                        "png" | "jpg" | "jpeg" | "webp"
                    )
                })
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::Io {
                path: dir.to_owned(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no PNG, JPEG or WebP images in folder",
                ),
            });
        }
        Ok(FolderSource {
            dir: dir.to_owned(),
            files,
            next: 0,
            pace: Pace::new(fps),
        })
    }
}

impl FrameSource for FolderSource {
    fn next_frame(&mut self) -> Result<Frame> {
        let path = self.files.get(self.next).ok_or(Error::EndOfStream)?;
        let gray = gray_from_file(path)?;
        self.pace.wait();
        let seq = self.next as u64;
        self.next += 1;
        Ok(Frame {
            gray,
            seq,
            captured: Instant::now(),
        })
    }

    fn describe(&self) -> String {
        format!(
            "folder {} ({} images)",
            self.dir.display(),
            self.files.len()
        )
    }
}
