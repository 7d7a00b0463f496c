//! Where input bytes come from: files, compressed files, standard input.
//!
//! A file whose name ends in `.gz` (gzip, RFC 1952; several members are read one
//! after another, as `gzip -d` does) or `.zst` (Zstandard, RFC 8878; several
//! frames likewise) is decompressed on the way in, and everything else about it
//! is decided by the name without that ending: `talk.vtt.gz` is WebVTT,
//! `1961-kennedy.txt.zst` a document of 1961. Decompression is by `flate2` (its
//! pure-Rust miniz_oxide back end) and `ruzstd` (a pure-Rust Zstandard decoder),
//! so no C code is built. A compressed file that is read again ([`super::stream`])
//! is decompressed again.
//!
//! `-` names standard input. It cannot be read twice, so it is read whole, up to
//! [`STDIN_LIMIT`] bytes, and always held in memory; its format is detected from
//! its content alone (or forced with `input-format`), and compressed input from
//! its magic bytes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::IngestError;

/// The name standard input goes by in sources and messages.
pub const STDIN_NAME: &str = "<stdin>";

/// The most standard input read: 1 GiB. Larger input belongs in a file, which can
/// be read in pieces.
pub const STDIN_LIMIT: u64 = 1 << 30;

/// How a file is compressed, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// `.gz`.
    Gzip,
    /// `.zst`.
    Zstd,
}

/// The compression of `name`, from its ending.
pub fn compression(name: &str) -> Compression {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".gz") {
        Compression::Gzip
    } else if lower.ends_with(".zst") {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// `name` without a compression ending: what detection and dates look at.
pub fn inner_name(name: &str) -> &str {
    match compression(name) {
        Compression::None => name,
        Compression::Gzip => &name[..name.len() - 3],
        Compression::Zstd => &name[..name.len() - 4],
    }
}

/// Whether `path` is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Whether a directory's file is read: its extension (under any compression
/// ending) is one of [`super::DIRECTORY_EXTENSIONS`].
pub fn known_extension(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    inner_name(name).rsplit_once('.').is_some_and(|(_, e)| {
        super::DIRECTORY_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
    })
}

/// The size of `path` on disk (compressed, for a compressed file).
pub fn disk_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

/// Opens `path` for reading, decompressing by its name.
pub fn open(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    let file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let name = path.to_string_lossy();
    Ok(match compression(&name) {
        Compression::None => Box::new(file),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(file)),
        Compression::Zstd => Box::new(ZstdFrames::new(file)),
    })
}

/// The whole content of `path`, decompressed.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    if compression(&path.to_string_lossy()) == Compression::None {
        return std::fs::read(path);
    }
    let mut bytes = Vec::new();
    open(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads standard input (`input`) whole, up to [`STDIN_LIMIT`] bytes (after
/// decompression). Having no name, compressed input is known by its magic bytes:
/// gzip's `1f 8b`, Zstandard's `28 b5 2f fd`.
pub fn read_stdin(input: &mut dyn Read) -> Result<Vec<u8>, IngestError> {
    let bytes = read_limited(input, STDIN_LIMIT)?;
    let mut decoded: Box<dyn Read> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::bufread::MultiGzDecoder::new(bytes.as_slice()))
    } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(ZstdFrames::new(bytes.as_slice()))
    } else {
        return Ok(bytes);
    };
    read_limited(&mut decoded, STDIN_LIMIT)
}

fn read_limited(input: &mut dyn Read, limit: u64) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::new();
    input
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| IngestError::Stdin(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(IngestError::Stdin(format!(
            "more than {limit} bytes; save the input to a file and name the file, \
             which is read in pieces when large"
        )));
    }
    Ok(bytes)
}

/// A Zstandard stream of one or more frames. `ruzstd`'s decoder reads one frame;
/// this starts the next when one ends, as `zstd -d` does.
struct ZstdFrames<R: BufRead> {
    source: Option<R>,
    frame: Option<ruzstd::decoding::StreamingDecoder<R, ruzstd::decoding::FrameDecoder>>,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(source: R) -> Self {
        ZstdFrames {
            source: Some(source),
            frame: None,
        }
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(frame) = &mut self.frame {
                let n = frame.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                let frame = self.frame.take().expect("a frame is open");
                self.source = Some(frame.into_inner());
            }
            let Some(mut source) = self.source.take() else {
                return Ok(0);
            };
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            let frame = ruzstd::decoding::StreamingDecoder::new(source)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            self.frame = Some(frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn names_lose_their_compression_ending() {
        assert_eq!(inner_name("talk.vtt.gz"), "talk.vtt");
        assert_eq!(inner_name("a.TXT.ZST"), "a.TXT");
        assert_eq!(inner_name("plain.txt"), "plain.txt");
        assert!(known_extension(Path::new("dir/talk.vtt.gz")));
        assert!(known_extension(Path::new("a.json3")));
        assert!(!known_extension(Path::new("archive.tar.gz")));
        assert!(!known_extension(Path::new("notes.pdf")));
    }

    #[test]
    fn gzip_members_are_read_one_after_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt.gz");
        let mut bytes = Vec::new();
        for part in ["0:01 one\n", "0:02 two\n"] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(part.as_bytes()).unwrap();
            bytes.extend(gz.finish().unwrap());
        }
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(read(&path).unwrap(), b"0:01 one\n0:02 two\n");
    }

    #[test]
    fn zstd_frames_are_read_one_after_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt.zst");
        let mut bytes = Vec::new();
        for part in ["0:01 one\n", "0:02 two\n"] {
            bytes.extend(ruzstd::encoding::compress_to_vec(
                part.as_bytes(),
                ruzstd::encoding::CompressionLevel::Fastest,
            ));
        }
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(read(&path).unwrap(), b"0:01 one\n0:02 two\n");
    }

    #[test]
    fn broken_compressed_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["bad.txt.gz", "bad.txt.zst"] {
            let path = dir.path().join(name);
            std::fs::write(&path, b"not compressed at all").unwrap();
            assert!(read(&path).is_err(), "{name}");
        }
    }

    #[test]
    fn compressed_standard_input_is_known_by_its_magic() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"0:01 zipped\n").unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(read_stdin(&mut gz.as_slice()).unwrap(), b"0:01 zipped\n");
        let zst = ruzstd::encoding::compress_to_vec(
            &b"0:01 packed\n"[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        assert_eq!(read_stdin(&mut zst.as_slice()).unwrap(), b"0:01 packed\n");
        let err = read_stdin(&mut &[0x1f, 0x8b, 0, 0][..]).unwrap_err();
        assert!(err.to_string().starts_with("standard input"), "{err}");
    }

    #[test]
    fn standard_input_is_bounded() {
        let mut small: &[u8] = b"0:01 hi\n";
        assert_eq!(read_limited(&mut small, 100).unwrap(), b"0:01 hi\n");
        let mut large: &[u8] = &[b'x'; 101];
        let err = read_limited(&mut large, 100).unwrap_err().to_string();
        assert!(err.contains("more than 100 bytes"), "{err}");
    }
}
