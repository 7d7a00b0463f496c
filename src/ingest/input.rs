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

/// The name `path` goes by in sources, messages and every output: the path as
/// given when it is UTF-8; otherwise its bytes that are not UTF-8 are written
/// `\xHH` (`a\xE9.txt`), so that two files whose names differ only there keep
/// two names, the same on every run. (`Path::display` would turn both into
/// `a\u{FFFD}.txt`.)
pub fn name_of(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(name) = std::str::from_utf8(bytes) {
            return name.to_string();
        }
        let mut name = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            name.push_str(chunk.valid());
            for byte in chunk.invalid() {
                write!(name, "\\x{byte:02X}").expect("a String takes any text");
            }
        }
        name
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// Whether `path` is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Whether a directory's file is read: its extension (under any compression
/// ending) is one of [`super::DIRECTORY_EXTENSIONS`].
pub fn known_extension(path: &Path) -> bool {
    // Lossy: only the ending is looked at, and a name that is not UTF-8
    // elsewhere (`a\xE9.txt`) is as much a text file as any other.
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    inner_name(&name).rsplit_once('.').is_some_and(|(_, e)| {
        super::DIRECTORY_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
    })
}

/// The size of `path` on disk (compressed, for a compressed file).
pub fn disk_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

/// What kind of file `meta` describes when it is not a regular file, for
/// messages: `None` for a regular file.
pub fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
    }
    Some("not a file")
}

/// Refuses what is not a regular file before it is opened: opening a FIFO blocks
/// until a writer comes, and a device such as `/dev/zero` never ends, so either
/// would hang the run or fill memory. A regular file has a size, so reading it
/// ends. Standard input (`-`) is read elsewhere, with a bound.
fn regular(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    match not_regular(&meta) {
        None => Ok(()),
        Some(what) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "not a regular file ({what}); themeline reads only regular files, \
                 and a stream on standard input as `-` (up to 1 GiB)"
            ),
        )),
    }
}

/// Opens `path` for reading, decompressing by its name. Only regular files are
/// opened: a FIFO, a socket or a device is an error naming its kind.
pub fn open(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    regular(path)?;
    let file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let name = path.to_string_lossy();
    Ok(match compression(&name) {
        Compression::None => Box::new(file),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(file)),
        Compression::Zstd => Box::new(ZstdFrames::new(file)),
    })
}

/// The whole content of `path`, decompressed. Decompression stops shortly after
/// the first NUL byte: the content is then binary, which is all the reader needs
/// to know, and a small file of compressed zeros would otherwise unpack to many
/// gigabytes. A plain file is read whole (its size is known and bounded).
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    regular(path)?;
    if compression(&path.to_string_lossy()) == Compression::None {
        return std::fs::read(path);
    }
    let mut bytes = Vec::new();
    read_text(&mut open(path)?, &mut bytes, u64::MAX)?;
    Ok(bytes)
}

/// How much is read at a time by [`read_text`], and so how far past a NUL byte
/// it may read.
const CHUNK: usize = 64 << 10;

/// Appends `input` to `bytes` until it ends, `limit` bytes are read, or a read
/// brings a NUL byte (which makes the input binary: reading on cannot change
/// that). Returns whether the input may go on (the limit was reached).
fn read_text(input: &mut dyn Read, bytes: &mut Vec<u8>, limit: u64) -> std::io::Result<bool> {
    let mut chunk = vec![0; CHUNK];
    let mut read: u64 = 0;
    while read < limit {
        let want = chunk
            .len()
            .min(usize::try_from(limit - read).unwrap_or(usize::MAX));
        let n = match input.read(&mut chunk[..want]) {
            Ok(0) => return Ok(false),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        read += n as u64;
        bytes.extend_from_slice(&chunk[..n]);
        if chunk[..n].contains(&0) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Reads standard input (`input`) whole, up to [`STDIN_LIMIT`] bytes (after
/// decompression). Having no name, compressed input is known by its magic bytes:
/// gzip's `1f 8b`, Zstandard's `28 b5 2f fd`. Reading stops shortly after the
/// first NUL byte of the (decompressed) content: `- < /dev/zero` is binary at
/// once, and is reported as such instead of filling memory up to the limit.
pub fn read_stdin(input: &mut dyn Read) -> Result<Vec<u8>, IngestError> {
    let stdin_error = |e: std::io::Error| IngestError::Stdin(e.to_string());
    // The magic decides whether NUL bytes mean binary (compressed data has them).
    let mut head = Vec::new();
    input.take(4).read_to_end(&mut head).map_err(stdin_error)?;
    let compressed = head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    let mut input = head.as_slice().chain(input);
    if !compressed {
        return read_limited(&mut input, STDIN_LIMIT);
    }
    let mut raw = Vec::new();
    let more = (&mut input)
        .take(STDIN_LIMIT + 1)
        .read_to_end(&mut raw)
        .map_err(stdin_error)?;
    if more as u64 > STDIN_LIMIT {
        return Err(too_large(STDIN_LIMIT));
    }
    let mut decoded: Box<dyn Read> = if raw.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::bufread::MultiGzDecoder::new(raw.as_slice()))
    } else {
        Box::new(ZstdFrames::new(raw.as_slice()))
    };
    read_limited(&mut decoded, STDIN_LIMIT)
}

fn too_large(limit: u64) -> IngestError {
    IngestError::Stdin(format!(
        "more than {limit} bytes; save the input to a file and name the file, \
         which is read in pieces when large"
    ))
}

/// [`read_text`] up to `limit` bytes: more is an error.
fn read_limited(input: &mut dyn Read, limit: u64) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::new();
    let full =
        read_text(input, &mut bytes, limit).map_err(|e| IngestError::Stdin(e.to_string()))?;
    // At the limit, one byte more says whether there is more.
    if full {
        let mut one = [0u8; 1];
        loop {
            match input.read(&mut one) {
                Ok(0) => break,
                Ok(_) => return Err(too_large(limit)),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(IngestError::Stdin(e.to_string())),
            }
        }
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
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let latin1 = std::ffi::OsStr::from_bytes(b"dir/caf\xe9.txt");
            assert!(known_extension(Path::new(latin1)));
        }
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

    #[test]
    fn what_is_not_a_regular_file_is_refused_by_kind_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f.txt.gz");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening it would block for ever: refused before the open.
            let err = read(&fifo).unwrap_err().to_string();
            assert!(err.contains("not a regular file (a FIFO)"), "{err}");
            assert!(open(&fifo).is_err());
        }
        for (device, kind) in [
            ("/dev/zero", "a character device"),
            ("/dev/null", "a character device"),
        ] {
            if Path::new(device).exists() {
                let err = read(Path::new(device)).unwrap_err().to_string();
                assert!(err.contains(kind), "{device}: {err}");
            }
        }
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("(a directory)"), "{err}");
        let plain = dir.path().join("p.txt");
        std::fs::write(&plain, b"0:01 hi\n").unwrap();
        assert_eq!(not_regular(&std::fs::metadata(&plain).unwrap()), None);
    }

    #[test]
    fn endless_zeros_on_standard_input_stop_at_the_first_read() {
        // `- < /dev/zero`: binary after the first chunk, not after 1 GiB.
        let bytes = read_stdin(&mut std::io::repeat(0)).unwrap();
        assert!(bytes.len() <= CHUNK + 4, "{}", bytes.len());
        assert!(bytes.contains(&0));
        // Text with a NUL further on stops there too.
        let mut text = b"0:01 hello\n".repeat(20_000);
        text.push(0);
        let mut endless = text.as_slice().chain(std::io::repeat(b'x'));
        let bytes = read_stdin(&mut endless).unwrap();
        assert!(bytes.len() < text.len() + CHUNK + 4, "{}", bytes.len());
        // Endless text is cut at the limit with an error.
        let err = read_limited(&mut std::io::repeat(b'a'), 1000).unwrap_err();
        assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
        // Exactly the limit is fine.
        assert_eq!(
            read_limited(&mut &[b'a'; 1000][..], 1000).unwrap().len(),
            1000
        );
    }

    #[test]
    fn compressed_zeros_stop_decompressing_at_the_first_nul() {
        // 64 MiB of zeros packs into ~64 KiB; unpacked whole it would be 64 MiB
        // (and a few megabytes of it, many gigabytes).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zeros.txt.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let block = vec![0u8; 1 << 20];
        for _ in 0..64 {
            gz.write_all(&block).unwrap();
        }
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        let bytes = read(&path).unwrap();
        assert!(bytes.len() <= CHUNK, "{}", bytes.len());
        assert!(bytes.contains(&0));
        // Compressed standard input likewise, with its NUL-laden header allowed.
        let raw = std::fs::read(&path).unwrap();
        let bytes = read_stdin(&mut raw.as_slice()).unwrap();
        assert!(bytes.len() <= CHUNK, "{}", bytes.len());
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_keep_their_bytes_escaped() {
        use std::os::unix::ffi::OsStrExt;
        let name = |bytes: &[u8]| name_of(Path::new(std::ffi::OsStr::from_bytes(bytes)));
        assert_eq!(name(b"dir/a\xe9.txt"), "dir/a\\xE9.txt");
        assert_eq!(name(b"a\xff.txt"), "a\\xFF.txt");
        assert_ne!(name(b"a\xe9.txt"), name(b"a\xff.txt"));
        // A truncated multi-byte character: each byte is escaped.
        assert_eq!(name(b"caf\xc3"), "caf\\xC3");
        // Valid UTF-8 is left alone, including characters beyond ASCII.
        assert_eq!(name("café.txt".as_bytes()), "café.txt");
    }
}
