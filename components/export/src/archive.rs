//! The ZIP an export is, written front to back into the response: each entry's sizes
//! follow its data (a data descriptor), so nothing is sought back to and nothing is
//! held but the entry being written — and the central directory, which the format puts
//! last. `rawzip` keeps that in about 150 bytes a file (the `zip` crate took three times
//! as much: docs/performance.md, *Export*), which is what an export's memory grows with.

use std::io::Write;

use fin_spin_edge::Fault;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use rawzip::time::UtcDateTime;
use rawzip::{CompressionMethod, ZipArchiveWriter};
use serde::Serialize;
use serde_json::Value;

use crate::tables::Table;

pub struct Archive<'w> {
    zip: ZipArchiveWriter<&'w mut dyn Write>,
    modified: UtcDateTime,
    files: usize,
}

/// Whether an entry is worth compressing: PDFs and pictures already are.
#[derive(Clone, Copy)]
pub enum Packing {
    Deflate,
    Store,
}

/// What an entry's content is written with; a fault stops the archive.
type Fill<'f> = &'f mut dyn FnMut(&Value) -> Result<(), Fault>;

impl<'w> Archive<'w> {
    /// An archive whose entries say they were written at `now` (Unix seconds, UTC).
    pub fn new(out: &'w mut dyn Write, now: i64) -> Self {
        Self {
            zip: ZipArchiveWriter::new(out),
            modified: UtcDateTime::from_unix(now),
            files: 0,
        }
    }

    /// A whole entry.
    pub fn file(&mut self, name: &str, packing: Packing, bytes: &[u8]) -> Result<(), Fault> {
        self.entry(name, packing, |out| out.write_all(bytes).map_err(gone))
    }

    /// An entry holding `value` as indented JSON.
    pub fn json(&mut self, name: &str, value: &impl Serialize) -> Result<(), Fault> {
        self.entry(name, Packing::Deflate, |out| {
            serde_json::to_writer_pretty(out, value).map_err(|e| gone(e.into()))
        })
    }

    /// An entry that is a JSON array written an element at a time: `fill` gets a
    /// function that appends one.
    pub fn json_array(
        &mut self,
        name: &str,
        fill: impl FnOnce(Fill) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        self.entry(name, Packing::Deflate, |out| {
            out.write_all(b"[").map_err(gone)?;
            let mut first = true;
            fill(&mut |element| {
                let lead: &[u8] = if first { b"\n" } else { b",\n" };
                first = false;
                out.write_all(lead).map_err(gone)?;
                serde_json::to_writer(&mut *out, element).map_err(|e| gone(e.into()))
            })?;
            out.write_all(b"\n]\n").map_err(gone)
        })
    }

    /// An entry that is `table` as CSV: `fill` gets a function that appends an item's rows.
    pub fn csv(
        &mut self,
        table: &Table,
        fill: impl FnOnce(Fill) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        self.entry(table.file, Packing::Deflate, |out| {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(table.header()).map_err(csv_gone)?;
            fill(&mut |item| {
                for row in table.rows(item) {
                    csv.write_record(&row).map_err(csv_gone)?;
                }
                Ok(())
            })?;
            csv.flush().map_err(gone)
        })
    }

    /// The central directory: the archive is whole only once this is written. Answers
    /// how many files it holds.
    pub fn finish(self) -> Result<usize, Fault> {
        let files = self.files;
        self.zip.finish().map(|_| files).map_err(zip_gone)
    }

    /// One entry, its content written by `write`, compressed or stored.
    fn entry(
        &mut self,
        name: &str,
        packing: Packing,
        write: impl FnOnce(&mut dyn Write) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        let method = match packing {
            Packing::Deflate => CompressionMethod::Deflate,
            Packing::Store => CompressionMethod::Store,
        };
        let (mut entry, config) = self
            .zip
            .new_file(name)
            .compression_method(method)
            .last_modified(self.modified)
            .start()
            .map_err(zip_gone)?;
        let output = match packing {
            Packing::Store => {
                let mut data = config.wrap(&mut entry);
                write(&mut data)?;
                data.finish().map_err(zip_gone)?.1
            }
            Packing::Deflate => {
                let encoder = DeflateEncoder::new(&mut entry, Compression::default());
                let mut data = config.wrap(encoder);
                write(&mut data)?;
                let (encoder, output) = data.finish().map_err(zip_gone)?;
                encoder.finish().map_err(gone)?;
                output
            }
        };
        entry.finish(output).map_err(zip_gone)?;
        self.files += 1;
        Ok(())
    }
}

/// Writing failed: the client went away (or will not take more).
fn gone(e: std::io::Error) -> Fault {
    Fault::Unavailable(format!("the client stopped reading: {e}"))
}

fn zip_gone(e: rawzip::Error) -> Fault {
    Fault::Unavailable(format!("writing the archive: {e}"))
}

fn csv_gone(e: csv::Error) -> Fault {
    Fault::Unavailable(format!("writing a table: {e}"))
}
