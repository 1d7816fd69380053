//! `file:PATH`: a video file played like a camera. Formats: YUV4MPEG2 (`.y4m`; only the
//! luma plane is read, which is exactly the gray frame), MJPEG (`.mjpeg`/`.mjpg`:
//! concatenated JPEG images), or a single still image (repeated). Loops by default, the
//! way Chromium's fake capture device does, so a test camera never runs dry.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Instant;

use image::GrayImage;

use super::pace::Pace;
use super::{Frame, FrameSource};
use crate::{gray_from_bytes, gray_from_file, Error, Result};

enum Kind {
    Y4m {
        reader: BufReader<File>,
        data_start: u64,
        width: u32,
        height: u32,
        chroma: usize,
    },
    Mjpeg {
        data: Vec<u8>,
        frames: Vec<(usize, usize)>,
    },
    Still(GrayImage),
}

pub struct VideoSource {
    path: PathBuf,
    kind: Kind,
    looping: bool,
    index: usize,
    seq: u64,
    pace: Pace,
}

impl VideoSource {
    /// Opens `path`; `fps` overrides the file's frame rate (Y4M) or the default of 30.
    pub fn open(path: &Path, fps: Option<f64>) -> Result<Self> {
        Self::open_with(path, fps, true)
    }

    /// As `open`, choosing whether the video restarts at its end.
    pub fn open_with(path: &Path, fps: Option<f64>, looping: bool) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let (kind, file_fps) = match ext.as_str() {
            "y4m" => open_y4m(path, File::open(path).map_err(io)?)?,
            "mjpeg" | "mjpg" => {
                let data = std::fs::read(path).map_err(io)?;
                let frames = split_jpegs(&data);
                if frames.is_empty() {
                    return Err(video_err(path, "no JPEG frames found"));
                }
                (Kind::Mjpeg { data, frames }, None)
            }
            _ => (Kind::Still(gray_from_file(path)?), None),
        };
        let rate = fps.or(file_fps).unwrap_or(30.0);
        Ok(VideoSource {
            path: path.to_owned(),
            kind,
            looping,
            index: 0,
            seq: 0,
            pace: Pace::new(Some(rate)),
        })
    }

    fn read(&mut self) -> Result<Option<GrayImage>> {
        match &mut self.kind {
            Kind::Still(img) => Ok((self.looping || self.index == 0).then(|| img.clone())),
            Kind::Mjpeg { data, frames } => {
                if self.index >= frames.len() {
                    if !self.looping {
                        return Ok(None);
                    }
                    self.index = 0;
                }
                let (a, b) = frames[self.index];
                gray_from_bytes(&data[a..b]).map(Some)
            }
            Kind::Y4m {
                reader,
                data_start,
                width,
                height,
                chroma,
            } => {
                let mut img = read_y4m_frame(reader, *width, *height, *chroma)
                    .map_err(|e| video_err(&self.path, &e))?;
                if img.is_none() && self.looping && self.index > 0 {
                    reader
                        .seek(SeekFrom::Start(*data_start))
                        .map_err(|e| video_err(&self.path, &e.to_string()))?;
                    img = read_y4m_frame(reader, *width, *height, *chroma)
                        .map_err(|e| video_err(&self.path, &e))?;
                }
                Ok(img)
            }
        }
    }
}

impl FrameSource for VideoSource {
    fn next_frame(&mut self) -> Result<Frame> {
        let gray = self.read()?.ok_or(Error::EndOfStream)?;
        self.index += 1;
        self.pace.wait();
        let seq = self.seq;
        self.seq += 1;
        Ok(Frame {
            gray,
            seq,
            captured: Instant::now(),
        })
    }

    fn describe(&self) -> String {
        format!("video {}", self.path.display())
    }
}

fn video_err(path: &Path, message: &str) -> Error {
    Error::Video {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

/// Parses the Y4M stream header; returns the reader positioned at the first frame.
fn open_y4m(path: &Path, file: File) -> Result<(Kind, Option<f64>)> {
    let mut reader = BufReader::new(file);
    let mut header = String::new();
    reader
        .read_line(&mut header)
        .map_err(|e| video_err(path, &e.to_string()))?;
    let mut params = header.trim_end().split(' ');
    if params.next() != Some("YUV4MPEG2") {
        return Err(video_err(path, "not a YUV4MPEG2 file"));
    }
    let (mut w, mut h, mut fps, mut colour) = (0u32, 0u32, None, "420".to_owned());
    for p in params {
        let (tag, val) = p.split_at(p.len().min(1));
        match tag {
            "W" => w = val.parse().unwrap_or(0),
            "H" => h = val.parse().unwrap_or(0),
            "F" => {
                fps = val.split_once(':').and_then(|(n, d)| {
                    let (n, d) = (n.parse::<f64>().ok()?, d.parse::<f64>().ok()?);
                    (n > 0.0 && d > 0.0).then_some(n / d)
                })
            }
            "C" => colour = val.to_owned(),
            _ => {}
        }
    }
    if w == 0 || h == 0 || w > 16384 || h > 16384 {
        return Err(video_err(path, "missing or invalid frame size"));
    }
    let (cw, ch) = (w.div_ceil(2) as usize, h.div_ceil(2) as usize);
    let chroma = match colour.as_str() {
        c if c.starts_with("420") => 2 * cw * ch,
        "422" => 2 * cw * h as usize,
        "444" => 2 * (w * h) as usize,
        "444alpha" => 3 * (w * h) as usize,
        "mono" => 0,
        other => {
            return Err(video_err(
                path,
                &format!("unsupported colour space C{other}"),
            ))
        }
    };
    let data_start = reader
        .stream_position()
        .map_err(|e| video_err(path, &e.to_string()))?;
    Ok((
        Kind::Y4m {
            reader,
            data_start,
            width: w,
            height: h,
            chroma,
        },
        fps,
    ))
}

/// Reads one Y4M frame (luma only); `Ok(None)` at the end of the stream.
fn read_y4m_frame(
    r: &mut BufReader<File>,
    w: u32,
    h: u32,
    chroma: usize,
) -> std::result::Result<Option<GrayImage>, String> {
    let mut line = Vec::new();
    let n = r
        .by_ref()
        .take(256)
        .read_until(b'\n', &mut line)
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Ok(None);
    }
    if !line.starts_with(b"FRAME") || line.last() != Some(&b'\n') {
        return Err("malformed FRAME header".into());
    }
    let mut luma = vec![0u8; (w * h) as usize];
    r.read_exact(&mut luma)
        .map_err(|e| format!("truncated frame: {e}"))?;
    std::io::copy(&mut r.by_ref().take(chroma as u64), &mut std::io::sink())
        .map_err(|e| e.to_string())?;
    Ok(GrayImage::from_raw(w, h, luma))
}

/// Byte ranges of the JPEG images (SOI … EOI) in an MJPEG stream.
fn split_jpegs(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < data.len() {
        if data[i] == 0xFF && data[i + 1] == 0xD8 {
            let start = i;
            let mut j = i + 2;
            while j + 1 < data.len() && !(data[j] == 0xFF && data[j + 1] == 0xD9) {
                j += 1;
            }
            if j + 1 >= data.len() {
                break;
            }
            out.push((start, j + 2));
            i = j + 2;
        } else {
            i += 1;
        }
    }
    out
}
