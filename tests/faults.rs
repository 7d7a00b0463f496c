//! Faults and hostile inputs, end to end through the binary: inputs that are not
//! regular files (a FIFO, `/dev/zero`, `/dev/urandom`) are refused with a message
//! naming them instead of hanging on the open or reading until memory runs out,
//! whether named as arguments, met in a directory walk or listed in a
//! configuration file's `inputs`; endless bytes on standard input and files of
//! compressed zeros stop at their first NUL byte instead of filling memory. A
//! run never reads its own outputs back, when `--out` is an input directory.
//! File names that are not UTF-8 keep distinct, escaped names in every output.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// A FIFO at `path`, made with the system's `mkfifo` (no writer ever opens it,
/// so any attempt to read it blocks forever).
fn fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo failed");
}

struct Outcome {
    code: i32,
    stderr: String,
    elapsed: Duration,
}

/// Runs `themeline run ARGS --out OUT` with a 60 s timeout: a hang is a failure
/// of the test (the `unwrap` of the timed-out run), never a stuck suite.
fn run(args: &[&std::ffi::OsStr], out: &Path) -> Outcome {
    let start = Instant::now();
    let output = Command::cargo_bin("themeline")
        .unwrap()
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(out)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        output.status.code().is_some(),
        "killed (timeout or signal): {:?}",
        output.status
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    Outcome {
        code: output.status.code().unwrap(),
        stderr,
        elapsed,
    }
}

fn kubecon() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/kubecon-eu-2024-recap.txt")
}

#[test]
fn a_fifo_named_as_input_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("f.txt");
    fifo(&pipe);
    let out = dir.path().join("out");
    let r = run(&["--no-config".as_ref(), pipe.as_os_str()], &out);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("f.txt"), "names the file: {}", r.stderr);
    assert!(
        r.stderr.contains("not a regular file (a FIFO)"),
        "{}",
        r.stderr
    );
    assert!(r.elapsed < Duration::from_secs(30), "{:?}", r.elapsed);
    assert!(!out.join("timeline.json").exists());
}

#[test]
fn devices_named_as_input_are_refused_before_reading() {
    for device in ["/dev/zero", "/dev/urandom"] {
        if !Path::new(device).exists() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let r = run(&["--no-config".as_ref(), device.as_ref()], &out);
        assert_eq!(r.code, 1, "{device}: {}", r.stderr);
        assert!(r.stderr.contains(device), "names {device}: {}", r.stderr);
        assert!(
            r.stderr.contains("not a regular file (a character device)"),
            "{}",
            r.stderr
        );
        // Reading /dev/zero to the memory limit took tens of seconds.
        assert!(
            r.elapsed < Duration::from_secs(30),
            "{device}: {:?}",
            r.elapsed
        );
    }
}

#[test]
fn a_fifo_in_a_directory_is_a_counted_skip_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(kubecon(), inputs.join("k.txt")).unwrap();
    fifo(&inputs.join("stuck.txt"));
    let out = dir.path().join("out");
    let r = run(&["--no-config".as_ref(), inputs.as_os_str()], &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("stuck.txt"),
        "names the FIFO: {}",
        r.stderr
    );
    let timeline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("timeline.json")).unwrap()).unwrap();
    let diagnostics = timeline["meta"]["diagnostics"].to_string();
    assert!(diagnostics.contains("stuck.txt"), "{diagnostics}");
    assert!(
        timeline["windows"]
            .as_array()
            .is_some_and(|w| !w.is_empty())
    );
}

#[test]
fn devices_and_fifos_listed_in_a_config_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("p.txt");
    fifo(&pipe);
    for input in [pipe.to_str().unwrap(), "/dev/zero"] {
        if !Path::new(input).exists() {
            continue;
        }
        let config = dir.path().join("themeline.toml");
        std::fs::write(&config, format!("inputs = [{input:?}]\n")).unwrap();
        let out = dir.path().join("out");
        let r = run(&["--config".as_ref(), config.as_os_str()], &out);
        assert_eq!(r.code, 1, "{input}: {}", r.stderr);
        assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
        assert!(
            r.elapsed < Duration::from_secs(30),
            "{input}: {:?}",
            r.elapsed
        );
    }
}

/// Runs `themeline run --no-config - --out OUT` with `stdin` as its standard
/// input. Spawned and polled rather than waited on: past 60 s the run is killed
/// and the test fails, so a hang never holds up the suite.
fn run_stdin(stdin: std::fs::File, out: &Path) -> Outcome {
    let start = Instant::now();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("themeline"))
        .args(["run", "--no-config", "-", "--out"])
        .arg(out)
        .stdin(stdin)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Drained on a thread so that a full pipe never blocks the child.
    let mut pipe = child.stderr.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut pipe, &mut text).ok();
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            child.wait().ok();
            panic!("still running after 60 s: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let stderr = drain.join().unwrap();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    Outcome {
        code: status.code().expect("exited, not signalled"),
        stderr,
        elapsed,
    }
}

#[test]
fn endless_devices_on_standard_input_stop_at_once_as_binary() {
    for device in ["/dev/zero", "/dev/urandom"] {
        let Ok(file) = std::fs::File::open(device) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let r = run_stdin(file, &dir.path().join("out"));
        // Binary, so no text: a clean failure naming standard input, not a
        // read to the 1 GiB limit.
        assert_eq!(r.code, 1, "{device}: {}", r.stderr);
        assert!(
            r.stderr.contains("<stdin>: binary input"),
            "{device}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("no text to analyse"),
            "{device}: {}",
            r.stderr
        );
        assert!(
            r.elapsed < Duration::from_secs(10),
            "{device}: {:?}",
            r.elapsed
        );
    }
}

#[test]
fn standard_input_still_reads_text_and_compressed_text() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("k.txt");
    std::fs::copy(kubecon(), &plain).unwrap();
    let packed = dir.path().join("k.txt.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &std::fs::read(kubecon()).unwrap()).unwrap();
    std::fs::write(&packed, gz.finish().unwrap()).unwrap();
    let mut windows = Vec::new();
    for input in [&plain, &packed] {
        let out = dir.path().join("out");
        let r = run_stdin(std::fs::File::open(input).unwrap(), &out);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("binary"), "{}", r.stderr);
        windows.push(std::fs::read(out.join("windows.csv")).unwrap());
    }
    assert_eq!(windows[0], windows[1]);
}

#[test]
fn a_compressed_file_of_zeros_is_binary_without_unpacking_it() {
    // 256 MiB of zeros packs into a quarter of a megabyte; unpacked whole, a
    // file like it a hundred times larger would exhaust memory.
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(kubecon(), inputs.join("k.txt")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    for _ in 0..256 {
        std::io::Write::write_all(&mut gz, &block).unwrap();
    }
    std::fs::write(inputs.join("zeros.txt.gz"), gz.finish().unwrap()).unwrap();
    let out = dir.path().join("out");
    let r = run(&["--no-config".as_ref(), inputs.as_os_str()], &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("zeros.txt.gz: binary file"),
        "{}",
        r.stderr
    );
    assert!(r.elapsed < Duration::from_secs(30), "{:?}", r.elapsed);
}

#[test]
fn a_socket_in_a_directory_is_a_counted_skip() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(kubecon(), inputs.join("k.txt")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(inputs.join("s.txt")).unwrap();
    let out = dir.path().join("out");
    let r = run(&["--no-config".as_ref(), inputs.as_os_str()], &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("s.txt: cannot read: not a regular file (a socket); skipped"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("1 unreadable_file"), "{}", r.stderr);
}

#[test]
fn out_in_an_input_directory_is_never_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(kubecon(), inputs.join("k.txt")).unwrap();
    let args = ["--no-config".as_ref(), inputs.as_os_str()];
    let first = run(&args, &inputs);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(!first.stderr.contains("own_output"), "{}", first.stderr);
    let windows = std::fs::read(inputs.join("windows.csv")).unwrap();
    let terms = std::fs::read(inputs.join("terms.csv")).unwrap();
    // Twice more: the outputs of the run before are in the directory now.
    for _ in 0..2 {
        let again = run(&args, &inputs);
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert!(
            again.stderr.contains("holds 9 output(s) of this run"),
            "{}",
            again.stderr
        );
        assert!(again.stderr.contains("1 own_output"), "{}", again.stderr);
        assert!(!again.stderr.contains("malformed"), "{}", again.stderr);
        assert_eq!(std::fs::read(inputs.join("windows.csv")).unwrap(), windows);
        assert_eq!(std::fs::read(inputs.join("terms.csv")).unwrap(), terms);
        let timeline: serde_json::Value =
            serde_json::from_slice(&std::fs::read(inputs.join("timeline.json")).unwrap()).unwrap();
        assert_eq!(timeline["meta"]["inputs"].as_array().unwrap().len(), 1);
    }
    // A shell glob over the directory names the outputs: still not read.
    let mut named: Vec<std::path::PathBuf> = std::fs::read_dir(&inputs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    named.sort();
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["--no-config".as_ref(), "--format".as_ref(), "csv".as_ref()];
    args.extend(named.iter().map(|p| p.as_os_str()));
    let globbed = run(&args, &inputs);
    assert_eq!(globbed.code, 0, "{}", globbed.stderr);
    // The report.html and others of formats not chosen this time count too.
    assert!(
        globbed.stderr.contains("9 own_output"),
        "{}",
        globbed.stderr
    );
    assert_eq!(std::fs::read(inputs.join("windows.csv")).unwrap(), windows);
}

#[test]
fn a_shard_written_into_the_input_directory_is_not_counted_again() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(kubecon(), inputs.join("k.txt")).unwrap();
    let shard = inputs.join("shard.json");
    let mut shards = Vec::new();
    for _ in 0..2 {
        let output = Command::cargo_bin("themeline")
            .unwrap()
            .args(["count", "--no-config"])
            .arg(&inputs)
            .arg("--out")
            .arg(&shard)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        // Shards are gzip-compressed JSON.
        let mut value: serde_json::Value = serde_json::from_reader(flate2::read::GzDecoder::new(
            std::fs::File::open(&shard).unwrap(),
        ))
        .unwrap();
        // The note about the earlier shard is the only difference allowed.
        let counted = value["counted"].as_object_mut().unwrap();
        let notes = counted.remove("diagnostics").unwrap().to_string();
        counted.remove("diagnostic_counts");
        shards.push((value, notes));
    }
    assert!(!shards[0].1.contains("own_output"), "{}", shards[0].1);
    assert!(shards[1].1.contains("own_output"), "{}", shards[1].1);
    assert!(shards[1].1.contains("shard.json"), "{}", shards[1].1);
    assert_eq!(
        shards[1].0["counted"]["sources"].as_array().unwrap().len(),
        1
    );
    // Not printed on failure: a shard is megabytes of JSON.
    assert!(shards[0].0 == shards[1].0, "the second shard counted more");
}

/// Every output file of `dir`, by name.
fn outputs(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn file_names_that_are_not_utf8_stay_two_sources_with_two_names() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let text = "0:01 kubernetes clusters scale\n0:40 gateway api routes traffic\n1:30 kubernetes gateway again\n";
    for name in [&b"a\xe9.txt"[..], &b"a\xff.txt"[..]] {
        std::fs::write(inputs.join(std::ffi::OsStr::from_bytes(name)), text).unwrap();
    }
    let mut runs = Vec::new();
    // Held, again, and read again from disk by each pass (which must open the
    // file by its real name, not the escaped one).
    for stream in ["0", "0", "10"] {
        let out = dir.path().join(format!("out-{}", runs.len()));
        let args = [
            "--no-config".as_ref(),
            "--group-by".as_ref(),
            "source".as_ref(),
            "--stream-bytes".as_ref(),
            stream.as_ref(),
            inputs.as_os_str(),
        ];
        let r = run(&args, &out);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("2 input(s)"), "{}", r.stderr);
        runs.push(outputs(&out));
    }
    for (file, bytes) in &runs[0] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains('\u{FFFD}'),
            "{file} has a replacement character"
        );
        if ["shifts.csv", "themes.csv"].contains(&file.as_str()) {
            continue; // No source column.
        }
        // JSON writes the backslash as `\\`.
        // The chart's title names a source by its file name without extensions.
        let suffix = if file == "timeline.vl.json" {
            ""
        } else {
            ".txt"
        };
        let escaped = |n: &str| {
            text.contains(&format!("a\\x{n}{suffix}"))
                || text.contains(&format!("a\\\\x{n}{suffix}"))
        };
        assert!(
            escaped("E9") && escaped("FF"),
            "{file} lacks a name:\n{text}"
        );
    }
    assert!(runs[0] == runs[1], "two runs differ");
    assert!(runs[0] == runs[2], "streamed differs from held");
}
