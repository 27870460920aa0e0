//! Reading packaged charts (`.tgz`) safely.
//!
//! Entries are taken relative to the archive's top folder (the chart's name), as Helm
//! does. Absolute paths, `..`, drive letters, links and oversized content are refused
//! with Helm's messages, so a hostile archive can neither escape the chart nor
//! exhaust memory.

use std::io::Read;

/// The most a whole chart may hold once decompressed (Helm's default, 100 MiB).
pub const MAX_CHART_BYTES: u64 = 100 * 1024 * 1024;
/// The most one file of a chart may hold once decompressed. Helm 4.3.1's `template`
/// accepts a single file as large as the whole chart may be.
pub const MAX_FILE_BYTES: u64 = MAX_CHART_BYTES;

/// One regular file of an archive, its path relative to the chart's top folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFile {
    /// Path inside the chart, `/`-separated (`templates/deployment.yaml`).
    pub path: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// Unpacks a gzip-compressed tar archive into the files of one chart.
pub fn read_chart_archive(bytes: &[u8]) -> Result<Vec<ArchiveFile>, String> {
    read_with_limits(bytes, MAX_CHART_BYTES, MAX_FILE_BYTES)
}

fn read_with_limits(bytes: &[u8], max_total: u64, max_file: u64) -> Result<Vec<ArchiveFile>, String> {
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Err("file does not appear to be a gzipped archive; got 'application/octet-stream'".into());
    }
    let gz = flate2::read::GzDecoder::new(bytes);
    let mut tar = tar::Archive::new(gz);
    let entries = tar.entries().map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() || kind.is_gnu_longname()
        {
            continue;
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = chart_relative_path(&raw_name)?;
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(format!("chart contains a link, which capstan does not follow: {raw_name:?}"));
        }
        if !kind.is_file() {
            continue;
        }
        let mut data = Vec::new();
        let read = (&mut entry).take(max_file + 1).read_to_end(&mut data).map_err(|e| e.to_string())? as u64;
        if read > max_file {
            return Err(format!("decompressed chart file {path:?} is larger than the maximum file size {max_file}"));
        }
        total += read;
        if total > max_total {
            return Err(format!("decompressed chart is larger than the maximum size {max_total}"));
        }
        files.push(ArchiveFile { path, data });
    }
    if files.is_empty() {
        return Err("no files in chart archive".into());
    }
    Ok(files)
}

/// Turns an entry name (`mychart/templates/a.yaml`) into a path inside the chart
/// (`templates/a.yaml`), refusing anything that could leave the chart.
fn chart_relative_path(name: &str) -> Result<String, String> {
    let delimiter = if name.contains('\\') { '\\' } else { '/' };
    let parts: Vec<&str> = name.split(delimiter).collect();
    if parts.first() == Some(&"Chart.yaml") && parts.len() == 1 {
        return Err("chart yaml not in base directory".into());
    }
    let rest = parts.get(1..).unwrap_or_default().join("/");
    if rest.starts_with('/') {
        return Err("chart illegally contains absolute paths".into());
    }
    let cleaned = clean(&rest);
    if cleaned == "." {
        return Err(format!("chart illegally contains content outside the base directory: {name:?}"));
    }
    if cleaned.starts_with("..") {
        return Err("chart illegally references parent directory".into());
    }
    let bytes = cleaned.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("chart contains illegally named files".into());
    }
    Ok(cleaned)
}

/// Lexical path cleaning like Go's `path.Clean` for relative paths.
fn clean(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(last) if *last != "..") {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    if out.is_empty() {
        ".".into()
    } else {
        out.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a .tgz from (name, data, kind) entries, writing names verbatim.
    fn tgz(entries: &[(&str, &[u8], tar::EntryType)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data, kind) in entries {
            let mut header = tar::Header::new_gnu();
            let field = &mut header.as_old_mut().name;
            field[..name.len()].copy_from_slice(name.as_bytes());
            header.set_size(data.len() as u64);
            header.set_entry_type(*kind);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append(&header, *data).expect("in-memory tar");
        }
        let tar = builder.into_inner().expect("in-memory tar");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).expect("in-memory gzip");
        gz.finish().expect("in-memory gzip")
    }

    const FILE: tar::EntryType = tar::EntryType::Regular;

    #[test]
    fn reads_files_relative_to_the_chart_folder() {
        let data = tgz(&[("c/Chart.yaml", b"name: c\n", FILE), ("c/templates/a.yaml", b"a: 1\n", FILE)]);
        let files = read_chart_archive(&data).unwrap();
        assert_eq!(files[0].path, "Chart.yaml");
        assert_eq!(files[1].path, "templates/a.yaml");
        assert_eq!(files[1].data, b"a: 1\n");
    }

    #[test]
    fn refuses_paths_that_leave_the_chart() {
        let up = tgz(&[("c/../../etc/passwd", b"x", FILE)]);
        assert_eq!(read_chart_archive(&up).unwrap_err(), "chart illegally references parent directory");
        let abs = tgz(&[("c//etc/passwd", b"x", FILE)]);
        assert_eq!(read_chart_archive(&abs).unwrap_err(), "chart illegally contains absolute paths");
        let drive = tgz(&[("c/c:/x", b"x", FILE)]);
        assert_eq!(read_chart_archive(&drive).unwrap_err(), "chart contains illegally named files");
        let link = tgz(&[("c/templates/l", b"", tar::EntryType::Symlink)]);
        assert!(read_chart_archive(&link).unwrap_err().contains("link"));
    }

    #[test]
    fn refuses_archives_that_expand_too_far() {
        let big = vec![b'a'; 4096];
        let data = tgz(&[("c/a", &big, FILE), ("c/b", &big, FILE)]);
        let err = read_with_limits(&data, 6000, 5000).unwrap_err();
        assert_eq!(err, "decompressed chart is larger than the maximum size 6000");
        let err = read_with_limits(&data, 100_000, 1000).unwrap_err();
        assert!(err.starts_with("decompressed chart file \"a\" is larger"), "{err}");
    }

    #[test]
    fn refuses_what_is_not_a_gzip() {
        assert!(read_chart_archive(b"plain text").unwrap_err().contains("gzipped archive"));
        assert!(read_chart_archive(&[0x1f, 0x8b, 0, 1, 2]).is_err());
    }
}
