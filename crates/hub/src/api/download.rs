//! Spreadsheet downloads for staff: the `format` query parameter (`xlsx`, the default, or `csv`) and the
//! response that hands the file over as an attachment with its name.
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use linli_proto::ErrorCode;

use crate::error::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    Csv,
}

impl SheetFormat {
    /// Reads `format=`: absent or `xlsx`, or `csv`; anything else is a bad request.
    pub fn from_query(format: Option<&str>) -> Result<Self, ApiError> {
        match format {
            None | Some("xlsx") => Ok(Self::Xlsx),
            Some("csv") => Ok(Self::Csv),
            Some(_) => Err(ApiError(ErrorCode::BadRequest)),
        }
    }

    fn mime_and_extension(self) -> (&'static str, &'static str) {
        match self {
            Self::Xlsx => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            Self::Csv => ("text/csv; charset=utf-8", "csv"),
        }
    }
}

/// The file as a download named `{name}.{xlsx|csv}`.
pub fn attachment(format: SheetFormat, name: &str, bytes: Vec<u8>) -> Response {
    let (mime, ext) = format.mime_and_extension();
    (
        [
            (CONTENT_TYPE, mime.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
