//! The ZIP an export is, written front to back into the response: each entry's sizes
//! follow its data (a data descriptor), so nothing is sought back to and nothing is
//! held but the entry being written.

use std::io::Write;

use fin_spin_edge::Fault;
use serde::Serialize;
use serde_json::Value;
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::tables::Table;

pub struct Archive<'w> {
    zip: ZipWriter<StreamWriter<&'w mut dyn Write>>,
    modified: DateTime,
}

/// Whether an entry is worth compressing: PDFs and pictures already are.
#[derive(Clone, Copy)]
pub enum Packing {
    Deflate,
    Store,
}

impl<'w> Archive<'w> {
    /// An archive whose entries say they were written at `now` (Unix seconds, UTC).
    pub fn new(out: &'w mut dyn Write, now: i64) -> Self {
        let modified = time::OffsetDateTime::from_unix_timestamp(now)
            .ok()
            .and_then(|at| DateTime::try_from(at.to_offset(time::UtcOffset::UTC)).ok())
            .unwrap_or_default();
        Self {
            zip: ZipWriter::new_stream(out),
            modified,
        }
    }

    /// A whole entry.
    pub fn file(&mut self, name: &str, packing: Packing, bytes: &[u8]) -> Result<(), Fault> {
        self.begin(name, packing)?;
        self.zip.write_all(bytes).map_err(gone)
    }

    /// An entry holding `value` as indented JSON.
    pub fn json(&mut self, name: &str, value: &impl Serialize) -> Result<(), Fault> {
        self.begin(name, Packing::Deflate)?;
        serde_json::to_writer_pretty(&mut self.zip, value).map_err(|e| gone(e.into()))
    }

    /// An entry that is a JSON array written an element at a time: `fill` gets a
    /// function that appends one.
    pub fn json_array(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut dyn FnMut(&Value) -> Result<(), Fault>) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        self.begin(name, Packing::Deflate)?;
        self.zip.write_all(b"[").map_err(gone)?;
        let mut first = true;
        let zip = &mut self.zip;
        fill(&mut |element| {
            let lead: &[u8] = if first { b"\n" } else { b",\n" };
            first = false;
            zip.write_all(lead).map_err(gone)?;
            serde_json::to_writer(&mut *zip, element).map_err(|e| gone(e.into()))
        })?;
        self.zip.write_all(b"\n]\n").map_err(gone)
    }

    /// An entry that is `table` as CSV: `fill` gets a function that appends an item's rows.
    pub fn csv(
        &mut self,
        table: &Table,
        fill: impl FnOnce(&mut dyn FnMut(&Value) -> Result<(), Fault>) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        self.begin(table.file, Packing::Deflate)?;
        let mut csv = csv::Writer::from_writer(&mut self.zip);
        csv.write_record(table.header()).map_err(csv_gone)?;
        fill(&mut |item| {
            for row in table.rows(item) {
                csv.write_record(&row).map_err(csv_gone)?;
            }
            Ok(())
        })?;
        csv.flush().map_err(gone)
    }

    /// The central directory: the archive is whole only once this is written.
    pub fn finish(self) -> Result<(), Fault> {
        self.zip
            .finish()
            .map(drop)
            .map_err(|e| Fault::Unavailable(format!("the archive could not be ended: {e}")))
    }

    fn begin(&mut self, name: &str, packing: Packing) -> Result<(), Fault> {
        let method = match packing {
            Packing::Deflate => CompressionMethod::Deflated,
            Packing::Store => CompressionMethod::Stored,
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(self.modified);
        self.zip
            .start_file(name, options)
            .map_err(|e| Fault::Unavailable(format!("{name}: {e}")))
    }
}

/// Writing failed: the client went away (or will not take more).
fn gone(e: std::io::Error) -> Fault {
    Fault::Unavailable(format!("the client stopped reading: {e}"))
}

fn csv_gone(e: csv::Error) -> Fault {
    Fault::Unavailable(format!("writing a table: {e}"))
}
